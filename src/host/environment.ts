/**
 * The environment a server process starts with: a short allow-list taken from the host, plus the config's `env`.
 * Never the host's whole environment, which holds tokens and keys the server has no business seeing.
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

/**
 * Builds a server's environment: the allow-listed host variables, overridden by `configEnv` (already interpolated).
 * Host values that start with `()` are skipped: they are exported shell functions, which change how a wrapper
 * `sh -c` behaves (and were the Shellshock vector).
 */
export function serverEnvironment(
  hostEnv: NodeJS.ProcessEnv,
  configEnv: Record<string, string>,
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  const isWindows = platform === 'win32';
  const allowed = new Set(isWindows ? WINDOWS_INHERITED_VARIABLES : POSIX_INHERITED_VARIABLES);
  const environment: Record<string, string> = {};
  for (const [key, value] of Object.entries(hostEnv)) {
    if (value === undefined || value.startsWith('()')) continue;
    const isInherited = isWindows ? allowed.has(key.toUpperCase()) : allowed.has(key) || key.startsWith('LC_');
    if (isInherited) environment[key] = value;
  }
  for (const [key, value] of Object.entries(configEnv)) {
    // On Windows `Path` and `PATH` are one variable: drop the host's spelling so the config's wins.
    if (isWindows) {
      for (const existing of Object.keys(environment)) {
        if (existing.toUpperCase() === key.toUpperCase()) delete environment[existing];
      }
    }
    environment[key] = value;
  }
  return environment;
}
