/**
 * The environment a server process starts with: a short allow-list taken from the host, plus the config's `env`.
 * Not the host's whole environment, which holds tokens and keys the server has no business seeing, unless the user
 * asks for it (`--pass-env`, a server's `passEnv`).
 */

/** Host variables every server gets on POSIX systems (plus every `LC_*`). */
export const POSIX_INHERITED_VARIABLES: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'LANG',
  'TMPDIR',
  'TZ',
];

/** Host variables every server gets on Windows (names compared case-insensitively, as Windows does). */
export const WINDOWS_INHERITED_VARIABLES: readonly string[] = [
  'APPDATA',
  'COMSPEC',
  'HOMEDRIVE',
  'HOMEPATH',
  'LOCALAPPDATA',
  'PATH',
  'PATHEXT',
  'PROCESSOR_ARCHITECTURE',
  'PROGRAMDATA',
  'PROGRAMFILES',
  'SYSTEMDRIVE',
  'SYSTEMROOT',
  'TEMP',
  'TMP',
  'USERNAME',
  'USERPROFILE',
  'WINDIR',
];

/** How `serverEnvironment` builds an environment. */
export interface ServerEnvironmentOptions {
  /** Every host variable, not only the allow-list (`--pass-env`, a server's `passEnv`). @default false */
  passEnv?: boolean;
  /** Variables the server must not get, inherited or passed (VS Code's `"NAME": null` in `env`). */
  unset?: readonly string[];
  /** Whose rules for names apply. @default process.platform */
  platform?: NodeJS.Platform;
}

/**
 * Builds a server's environment: the allow-listed host variables (all of them with `passEnv`), overridden by
 * `configEnv` (already interpolated), without `unset`. Host values that start with `()` are skipped: they are
 * exported shell functions, which change how a wrapper `sh -c` behaves (and were the Shellshock vector).
 */
export function serverEnvironment(
  hostEnv: NodeJS.ProcessEnv,
  configEnv: Record<string, string>,
  options: ServerEnvironmentOptions = {},
): Record<string, string> {
  const isWindows = (options.platform ?? process.platform) === 'win32';
  // On Windows `Path` and `PATH` are one variable: names are compared in capitals there.
  const spelled = (name: string): string => (isWindows ? name.toUpperCase() : name);
  const allowed = new Set(isWindows ? WINDOWS_INHERITED_VARIABLES : POSIX_INHERITED_VARIABLES);
  const unset = new Set((options.unset ?? []).map(spelled));
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(hostEnv)) {
    if (value === undefined || value.startsWith('()') || unset.has(spelled(key))) continue;
    const isInherited = options.passEnv === true || allowed.has(spelled(key)) || (!isWindows && key.startsWith('LC_'));
    if (isInherited) environment[key] = value;
  }
  for (const [key, value] of Object.entries(configEnv)) {
    // The config's spelling wins over the host's (Windows: `Path` from the host, `PATH` in the config).
    if (isWindows) {
      for (const existing of Object.keys(environment)) {
        if (existing.toUpperCase() === key.toUpperCase()) delete environment[existing];
      }
    }
    environment[key] = value;
  }
  return environment;
}
