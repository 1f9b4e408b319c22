/**
 * The colour variables of the environment, read one way. Loaded by bin.ts before anything else: Node built-ins
 * only, nothing of the CLI.
 */

/** `NO_COLOR` turns colour off when it is set to anything but the empty string (no-color.org). */
export function isNoColorSet(env: NodeJS.ProcessEnv): boolean {
  return env.NO_COLOR !== undefined && env.NO_COLOR !== '';
}

/**
 * Node warns on stderr ("The 'NO_COLOR' env is ignored due to the 'FORCE_COLOR' env being set") the first time
 * anything asks a terminal for its colours while both are in the environment, even an empty `NO_COLOR`; execa does
 * on import. Our rule (render.ts's `colorLevel`) decides between the two: the one that loses is removed from `env`,
 * which changes no decision of ours and leaves Node nothing to warn about.
 */
export function settleColorVariables(env: NodeJS.ProcessEnv): void {
  if (env.FORCE_COLOR === undefined || env.NO_COLOR === undefined) return;
  if (isNoColorSet(env)) delete env.FORCE_COLOR;
  else delete env.NO_COLOR;
}
