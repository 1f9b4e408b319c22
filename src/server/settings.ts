/**
 * A server's settings come from its environment, read once at start. Reading them all and reporting every bad one
 * at once saves the user a fix-and-retry loop per variable.
 */

/** Settings that cannot be used; the message has one line per problem, each naming the variable. */
export class SettingsError extends Error {
  override readonly name = 'SettingsError';
}

/** Reads one setting; throws an Error whose message names the variable and what was expected. */
export type SettingReader = <V>(read: () => V, fallback: V) => V;

/**
 * Builds the settings with `build`, which reads each one through `setting(read, fallback)`. A read that throws is
 * collected (its fallback stands in meanwhile) and the others are still read.
 * @throws SettingsError listing every problem, one per line.
 */
export function readSettings<T>(build: (setting: SettingReader) => T): T {
  const problems: string[] = [];
  const setting: SettingReader = (read, fallback) => {
    try {
      return read();
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error));
      return fallback;
    }
  };
  const settings = build(setting);
  if (problems.length > 0) throw new SettingsError(problems.join('\n'));
  return settings;
}
