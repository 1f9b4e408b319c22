/**
 * Table and column names from tool arguments are untrusted. They are matched against the names that really exist
 * (read from the live schema) and only the matched, canonical name is ever written into SQL, quoted.
 */

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
 * what to offer after "no table named …".
 */
export function closestNames(requested: string, existing: readonly string[], max = 3): string[] {
  const wanted = foldAsciiCase(stripQuoting(requested.trim()));
  if (wanted === '') return [];
  const threshold = Math.max(2, Math.floor(wanted.length / 3));
  return existing
    .map((name) => {
      const candidate = foldAsciiCase(name);
      const distance = editDistance(wanted, candidate);
      const isContained = wanted.length >= 3 && (candidate.includes(wanted) || wanted.includes(candidate));
      return { name, score: isContained ? Math.min(distance, 1) : distance };
    })
    .filter(({ score }) => score <= threshold)
    .sort((a, b) => a.score - b.score || a.name.localeCompare(b.name))
    .slice(0, max)
    .map(({ name }) => name);
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
  const suggestions = closestNames(requested, existing);
  let message = `no ${kind} named ${JSON.stringify(requested)}${scope ? ` ${scope}` : ''}.`;
  if (suggestions.length > 0) {
    message += ` Did you mean ${suggestions.map((name) => JSON.stringify(name)).join(' or ')}?`;
  }
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

/** Levenshtein distance, two rows of memory. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
