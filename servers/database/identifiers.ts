/**
 * Table and column names from tool arguments are untrusted. They are matched against the names that really exist
 * (read from the live schema) and only the matched, canonical name is ever written into SQL, quoted.
 */

import { closestNames as closestNearNames, didYouMean } from '../../src/server/index.js';

/**
 * An SQL identifier in double quotes, with embedded double quotes doubled: `a"b` becomes `"a""b"`. This is the
 * standard quoting of SQLite and PostgreSQL; the result always reads as exactly one identifier.
 * @throws Error for a name containing NUL, which no SQL engine accepts in an identifier.
 */
export function quoteIdentifier(name: string): string {
  if (name.includes('\0')) throw new Error('An SQL identifier cannot contain a NUL character');
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * The existing name that `requested` refers to: an exact match, else the one name equal ignoring ASCII case (SQLite
 * compares identifiers that way). Undefined when there is none, or when the case-insensitive match is ambiguous.
 */
export function resolveName(requested: string, existing: readonly string[]): string | undefined {
  if (existing.includes(requested)) return requested;
  const folded = foldAsciiCase(requested);
  const matches = existing.filter((name) => foldAsciiCase(name) === folded);
  return matches.length === 1 ? matches[0] : undefined;
}

/**
 * Existing names close to `requested` (typos, quotes or brackets around the name, a different case), best first:
 * what to offer after "no table named …". Quoting is SQL's, so it is taken off here; the rest is the product's one
 * rule for near names.
 */
export function closestNames(requested: string, existing: readonly string[]): string[] {
  return closestNearNames(stripQuoting(requested.trim()), existing);
}

/**
 * `no table named "userz". Did you mean "users"? Tables: orders, products, users`: the sentence that follows an
 * unknown name, with suggestions, and the full list when it is short enough to read. `scope` says where the name was
 * looked for (`in table "users"`).
 */
export function describeUnknownName(
  kind: string,
  requested: string,
  existing: readonly string[],
  scope?: string,
): string {
  let message = `no ${kind} named ${JSON.stringify(requested)}${scope ? ` ${scope}` : ''}.`;
  message += didYouMean(closestNames(requested, existing), { prefix: ' ', asSentence: true });
  if (existing.length === 0) message += ` There are no ${kind}s.`;
  else if (existing.length <= 50) message += ` ${capitalize(kind)}s: ${existing.join(', ')}.`;
  return message;
}

/** SQLite folds only ASCII letters when comparing identifiers; `É` and `é` stay different names. */
function foldAsciiCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

/** `"users"`, `[users]` and `` `users` `` are how SQL quotes a name; for suggestions they mean `users`. */
function stripQuoting(name: string): string {
  const pairs: Record<string, string> = { '"': '"', '[': ']', '`': '`', "'": "'" };
  const close = pairs[name[0] ?? ''];
  return close !== undefined && name.length >= 2 && name.endsWith(close) ? name.slice(1, -1) : name;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
