/**
 * What starting a server process takes, in one place for the two places that start one: the host
 * (server-process.ts, through execa) and the CLI's early start (src/cli/early-start.ts, through node:child_process,
 * before execa is loaded). Node built-ins only.
 */

/** The program, its arguments, its complete environment and its working directory. */
export interface SpawnSpec {
  command: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd?: string;
}

/**
 * The options both give Node's `spawn`: exactly `env`, and (POSIX) a process group of its own, so that closing the
 * server reaches everything it starts. Windows has no process groups, and `detached` would open a console there.
 */
export function spawnOptions(spec: SpawnSpec): { env: Record<string, string>; cwd?: string; detached: boolean } {
  return {
    env: { ...spec.env },
    ...(spec.cwd !== undefined && { cwd: spec.cwd }),
    detached: process.platform !== 'win32',
  };
}

/** True when the two would start the same process. */
export function isSameSpawn(a: SpawnSpec, b: SpawnSpec): boolean {
  const sameList = (x: readonly string[], y: readonly string[]): boolean =>
    x.length === y.length && x.every((item, index) => item === y[index]);
  const aKeys = Object.keys(a.env).sort();
  return (
    a.command === b.command &&
    a.cwd === b.cwd &&
    sameList(a.args, b.args) &&
    sameList(aKeys, Object.keys(b.env).sort()) &&
    aKeys.every((key) => a.env[key] === b.env[key])
  );
}
