/** How long a string may be before `describeValue` cuts it: enough to recognize it, short enough for one line. */
const MAX_QUOTED_CHARS = 40;

/**
 * What a value that was not accepted is, for the "got …" half of `expected X, got Y`: `nothing` (undefined), `null`,
 * `an array`, `an object`, `string "abc"` (JSON-quoted, cut at 40 characters with `…`), `number 5`, `boolean true`,
 * and the `typeof` of anything else. It names the value's type and, for a scalar, the value, so a reader sees both
 * a wrong type (`got string "5"` where a number was expected) and a wrong value (`got number 0`).
 */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') {
    return `string ${JSON.stringify(value.length > MAX_QUOTED_CHARS ? `${value.slice(0, MAX_QUOTED_CHARS)}…` : value)}`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (typeof value === 'object') return 'an object';
  return typeof value;
}
