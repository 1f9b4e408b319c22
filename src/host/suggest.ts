/**
 * "Did you mean …?" for names a user mistyped: servers, tools, prompts.
 */

/** `; did you mean "weather"?` for the closest candidates, or an empty string when none is close. */
export function suggest(name: string, candidates: readonly string[]): string {
  const close = closestNames(name, candidates);
  if (close.length === 0) return '';
  return `; did you mean ${close.map((candidate) => `"${candidate}"`).join(' or ')}?`;
}

/** Up to three candidates within a small edit distance (or sharing a prefix), closest first. */
export function closestNames(name: string, candidates: readonly string[], limit = 3): string[] {
  const wanted = name.toLowerCase();
  const maxDistance = Math.max(2, Math.floor(wanted.length / 3));
  return candidates
    .map((candidate) => {
      const lower = candidate.toLowerCase();
      const distance = lower.startsWith(wanted) || wanted.startsWith(lower) ? 1 : editDistance(wanted, lower);
      return { candidate, distance };
    })
    .filter(({ distance }) => distance <= maxDistance)
    .sort((a, b) => a.distance - b.distance || a.candidate.localeCompare(b.candidate))
    .slice(0, limit)
    .map(({ candidate }) => candidate);
}

/** Levenshtein distance, two rows of memory. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
