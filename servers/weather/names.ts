/**
 * Text matching for place names: folding (case, accents, punctuation), edit distance, and how a query such as
 * `Portland, Maine` or `Tokyo (Japan)` splits into a name and qualifiers.
 */

/** Letters that Unicode decomposition leaves alone but people type as plain Latin letters. */
const LATIN_LETTERS: Record<string, string> = {
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ł: 'l',
  ı: 'i',
  ħ: 'h',
};

/**
 * `São Paulo` → `sao paulo`, `St. John’s` → `st johns`, `Århus` → `arhus`: lower case, no accents, apostrophes
 * dropped, any other punctuation a single space.
 */
export function foldName(text: string): string {
  let folded = foldedNames.get(text);
  if (folded === undefined) {
    folded = PLAIN_ASCII.test(text) ? foldAscii(text) : foldUnicode(text);
    // Country, province and city names repeat thousands of times while the index is built; queries are few.
    if (foldedNames.size < MAX_FOLDED_NAMES) foldedNames.set(text, folded);
  }
  return folded;
}

const foldedNames = new Map<string, string>();
const MAX_FOLDED_NAMES = 50_000;
/** Printable ASCII: no accents to strip, so Unicode normalisation (the costly part) can be skipped. */
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

function foldAscii(text: string): string {
  return text
    .toLowerCase()
    .replace(/['`]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

function foldUnicode(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[øæœßđðþłıħ]/g, (letter) => LATIN_LETTERS[letter] ?? letter)
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

/** The folded name without spaces, so `New York`, `new-york` and `NewYork` are one key. */
export function compactName(text: string): string {
  return foldName(text).replace(/ /g, '');
}

/** How far a misspelling may be from a name and still be suggested: more slack for longer names. */
export function suggestionDistance(compactQuery: string): number {
  if (compactQuery.length <= 4) return 1;
  return compactQuery.length <= 8 ? 2 : 3;
}

/** One reading of a query: the place name and the qualifiers (country, ISO code, province) that narrow it. */
export interface QueryReading {
  name: string;
  qualifiers: string[];
}

/**
 * The readings of a query, the longest name first: `Washington, D.C.` is first tried as the whole name, then as
 * `Washington` in `D.C.`. `Tokyo (Japan)` (the form suggestions are written in) reads as `Tokyo` in `Japan`.
 */
export function readQuery(query: string): QueryReading[] {
  const text = query.trim();
  // `Kinshasa (Congo (Kinshasa))`: from the first `(` to the final `)`, so country names may hold parentheses.
  const open = text.indexOf('(');
  if (open > 0 && text.endsWith(')')) {
    const qualifiers = splitQualifiers(text.slice(open + 1, -1));
    return [
      { name: text.slice(0, open).trim(), qualifiers },
      { name: text, qualifiers: [] },
    ];
  }
  const parts = text.split(',');
  const readings: QueryReading[] = [];
  for (let count = parts.length; count >= 1; count--) {
    const name = parts.slice(0, count).join(',').trim();
    if (name) readings.push({ name, qualifiers: splitQualifiers(parts.slice(count).join(',')) });
  }
  return readings;
}

function splitQualifiers(text: string): string[] {
  return text
    .split(',')
    .map((part) => part.trim())
    .filter((part) => compactName(part) !== '');
}
