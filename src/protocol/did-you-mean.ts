/**
 * "Did you mean …?" for a name a user or a model mistyped: a server, tool, prompt, resource, argument, enum value,
 * table or city. One rule for what counts as close, so every part of the product suggests the same names.
 */

/** How many suggestions a message offers at most: more reads as a list, not a correction. @default 3 */
export const MAX_SUGGESTIONS = 3;

/**
 * Candidates close enough to `name` to be a likely typo, closest first (ties in alphabetical order), ignoring case
 * and surrounding spaces. Close means one of:
 * - within an edit distance of a third of the letters (at least 2), but never as many edits as the name has letters
 *   (so `c` suggests nothing for `a` and `b`, while `ad` suggests `add`);
 * - one contains the other, the contained one three letters or longer (`uni` → `units`, `main.users` → `users`).
 */
export function closestNames(name: string, candidates: readonly string[], limit = MAX_SUGGESTIONS): string[] {
  const wanted = name.trim().toLowerCase();
  if (wanted === '') return [];
  const maxDistance = Math.min(Math.max(2, Math.floor(wanted.length / 3)), wanted.length - 1);
  return candidates
    .map((candidate) => {
      const lower = candidate.toLowerCase();
      const distance = editDistance(wanted, lower, maxDistance);
      const isContained =
        (wanted.length >= 3 && lower.includes(wanted)) || (lower.length >= 3 && wanted.includes(lower));
      return { candidate, score: isContained ? Math.min(distance, 1) : distance };
    })
    .filter(({ score }) => score <= maxDistance)
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

/** How `didYouMean` fits into the message around it. */
export interface DidYouMeanOptions {
  /** Written before the question, only when there is one: `'; '` after a clause, `' '` after a sentence. */
  prefix?: string;
  /** Capitalized, for a message that puts it after a full stop. */
  asSentence?: boolean;
}

/**
 * `did you mean "users"?`, `did you mean "a" or "b"?`, `did you mean "a", "b" or "c"?`; an empty string for no
 * suggestions (and then no `prefix` either), so a caller can append it unconditionally. The names are JSON-quoted:
 * they are meant to be passed back verbatim, and some contain commas or spaces (`Portland (Maine, United States)`).
 */
export function didYouMean(suggestions: readonly string[], options: DidYouMeanOptions = {}): string {
  if (suggestions.length === 0) return '';
  const quoted = suggestions.map((suggestion) => JSON.stringify(suggestion));
  const list = quoted.length === 1 ? quoted[0]! : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)!}`;
  return `${options.prefix ?? ''}${options.asSentence ? 'Did' : 'did'} you mean ${list}?`;
}

/**
 * Levenshtein distance, two rows of memory. With `limit`, it gives up as soon as the answer must exceed it and
 * returns `limit + 1`: suggestions compare one name with up to thousands of candidates, most of them far away.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMinimum = i;
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      const value = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution);
      current.push(value);
      rowMinimum = Math.min(rowMinimum, value);
    }
    // Every path to the last cell passes through this row, so the answer is at least its smallest value.
    if (rowMinimum > limit) return limit + 1;
    previous = current;
  }
  return previous[b.length]!;
}
