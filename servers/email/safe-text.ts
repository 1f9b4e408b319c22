/**
 * The characters that header text (addresses, display names, subjects) may not contain, found one way for the
 * checks on what is sent and replaced the same way in what is shown back, so the two can never disagree.
 *
 * Refused everywhere: line breaks, other control characters (C0 but tab, DEL, C1 such as NEL and CSI), line and
 * paragraph separators, bidirectional controls, invisible format characters (zero-width spaces and joiners, BOM,
 * soft hyphen, Hangul fillers, tag characters) and unpaired surrogates. Refused in addresses and display names
 * only: look-alikes of `@`, `<` and `>` (fullwidth, small and angle-bracket forms), which let a name pass for an
 * address. A subject may hold a real `@` or `<`, so look-alikes of them are harmless there.
 */

/** Why a character is refused. */
export type RefusedKind = 'line-break' | 'control' | 'separator' | 'bidi' | 'invisible' | 'surrogate' | 'look-alike';

export interface RefusedCharacter {
  kind: RefusedKind;
  /** UTF-16 index of the character in the text. */
  index: number;
  /** The character as it appears in the text (one or two code units). */
  char: string;
}

export interface CharacterRules {
  /** Also refuse look-alikes of `@`, `<` and `>` (addresses and display names). */
  isRefusingLookalikes: boolean;
}

/** The character shown in place of a refused one. */
export const REPLACEMENT_CHAR = '\uFFFD';

// Tab is allowed: it is folding white space in a header. Variation selectors 15 and 16 (text or emoji
// presentation, as in "❤️") are allowed: they are in nearly every emoji-bearing subject and only pick a glyph.
const REFUSED =
  /[\r\n]|(?!\t)\p{Cc}|\p{Zl}|\p{Zp}|\p{Bidi_Control}|(?![\uFE0E\uFE0F])[\p{Cf}\p{Default_Ignorable_Code_Point}]|\p{Cs}/gu;

/**
 * Look-alikes of `@`, `<` and `>` that compatibility normalization (NFKC) does not map to them. The NFKC ones
 * (fullwidth `＠＜＞`, small `﹫﹤﹥`, `≮`, ...) are found by normalizing each character.
 */
const LOOKALIKES = new Map<string, string>([
  ['\u02C2', '<'],
  ['\u02C3', '>'],
  ['\u1438', '<'],
  ['\u1433', '>'],
  ['\u2039', '<'],
  ['\u203A', '>'],
  ['\u2329', '<'],
  ['\u232A', '>'],
  ['\u276C', '<'],
  ['\u276D', '>'],
  ['\u276E', '<'],
  ['\u276F', '>'],
  ['\u27E8', '<'],
  ['\u27E9', '>'],
  ['\u3008', '<'],
  ['\u3009', '>'],
]);
const LOOKALIKE_TARGETS = /[@<>]/;
const NON_ASCII = /[\u0080-\u{10FFFF}]/gu;

/** Names of the characters that error messages most often mention; others are shown by code point only. */
const CHARACTER_NAMES: Readonly<Record<number, string>> = {
  0x00: 'NULL',
  0x07: 'BELL',
  0x08: 'BACKSPACE',
  0x0b: 'LINE TABULATION',
  0x0c: 'FORM FEED',
  0x1b: 'ESCAPE',
  0x7f: 'DELETE',
  0x85: 'NEXT LINE',
  0x9b: 'CONTROL SEQUENCE INTRODUCER',
  0xad: 'SOFT HYPHEN',
  0x061c: 'ARABIC LETTER MARK',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2039: 'SINGLE LEFT-POINTING ANGLE QUOTATION MARK',
  0x203a: 'SINGLE RIGHT-POINTING ANGLE QUOTATION MARK',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x2329: 'LEFT-POINTING ANGLE BRACKET',
  0x232a: 'RIGHT-POINTING ANGLE BRACKET',
  0x27e8: 'MATHEMATICAL LEFT ANGLE BRACKET',
  0x27e9: 'MATHEMATICAL RIGHT ANGLE BRACKET',
  0x3008: 'LEFT ANGLE BRACKET',
  0x3009: 'RIGHT ANGLE BRACKET',
  0x3164: 'HANGUL FILLER',
  0xfe64: 'SMALL LESS-THAN SIGN',
  0xfe65: 'SMALL GREATER-THAN SIGN',
  0xfe6b: 'SMALL COMMERCIAL AT',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  0xff1c: 'FULLWIDTH LESS-THAN SIGN',
  0xff1e: 'FULLWIDTH GREATER-THAN SIGN',
  0xff20: 'FULLWIDTH COMMERCIAL AT',
};

/** The first character of `text` that the rules refuse, or undefined. */
export function findRefusedCharacter(text: string, rules: CharacterRules): RefusedCharacter | undefined {
  return findAll(text, rules)[0];
}

/** `text` with every character the rules refuse replaced by U+FFFD, for showing text from anywhere. */
export function replaceRefusedCharacters(text: string, rules: CharacterRules): string {
  return mapRefused(text, rules, () => REPLACEMENT_CHAR);
}

/** The look-alike of `@`, `<` or `>` that `char` is, if it is one. */
export function lookalikeOf(char: string): string | undefined {
  const listed = LOOKALIKES.get(char);
  if (listed !== undefined) return listed;
  // Only non-ASCII characters can be look-alikes; the real `@<>` are the business of the address rules.
  if (char.charCodeAt(0) < 0x80) return undefined;
  return LOOKALIKE_TARGETS.exec(char.normalize('NFKC'))?.[0];
}

/** `U+202E RIGHT-TO-LEFT OVERRIDE`: how error messages name a character. */
export function describeCharacter(char: string): string {
  const codePoint = char.codePointAt(0) ?? 0;
  const hex = `U+${codePoint.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = CHARACTER_NAMES[codePoint];
  return name === undefined ? hex : `${hex} ${name}`;
}

/** Why a refused character is refused, phrased to follow "must not contain". */
export function describeRefusal(found: RefusedCharacter): string {
  const what = describeCharacter(found.char);
  switch (found.kind) {
    case 'line-break':
      return 'must not contain CR or LF (a line break in a header would let the text inject headers)';
    case 'control':
      return `must not contain control characters (found ${what})`;
    case 'separator':
      return `must not contain line or paragraph separators (found ${what})`;
    case 'bidi':
      return (
        'must not contain bidirectional controls, which make text display in another order than it is sent' +
        ` (found ${what})`
      );
    case 'invisible':
      return `must not contain invisible characters, which hide text from the reader (found ${what})`;
    case 'surrogate':
      return `must not contain unpaired surrogates, which are not valid Unicode (found ${what})`;
    case 'look-alike':
      return (
        `must not contain look-alikes of @, < or >, which let a name pass for an address (found ${what},` +
        ` which looks like "${lookalikeOf(found.char) ?? '?'}")`
      );
  }
}

/**
 * `text` with every character the rules refuse (look-alikes included) written as a `\uXXXX` escape, so that an
 * error message quoting a bad value can neither be reordered nor hidden by it. Meant for JSON-quoted text, where
 * the escapes read back as the same characters.
 */
export function escapeRefusedCharacters(text: string): string {
  return mapRefused(text, { isRefusingLookalikes: true }, (char) =>
    [...Array(char.length).keys()].map((i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}

function mapRefused(text: string, rules: CharacterRules, replace: (char: string) => string): string {
  const found = findAll(text, rules);
  if (found.length === 0) return text;
  let result = '';
  let offset = 0;
  for (const { index, char } of found) {
    result += text.slice(offset, index) + replace(char);
    offset = index + char.length;
  }
  return result + text.slice(offset);
}

function findAll(text: string, rules: CharacterRules): RefusedCharacter[] {
  const found: RefusedCharacter[] = [];
  for (const match of text.matchAll(REFUSED)) {
    found.push({ kind: classify(match[0]), index: match.index, char: match[0] });
  }
  if (rules.isRefusingLookalikes) {
    for (const match of text.matchAll(NON_ASCII)) {
      if (lookalikeOf(match[0]) !== undefined) found.push({ kind: 'look-alike', index: match.index, char: match[0] });
    }
    found.sort((a, b) => a.index - b.index);
  }
  return found;
}

function classify(char: string): RefusedKind {
  if (char === '\r' || char === '\n') return 'line-break';
  if (/\p{Cc}/u.test(char)) return 'control';
  if (/[\p{Zl}\p{Zp}]/u.test(char)) return 'separator';
  if (/\p{Bidi_Control}/u.test(char)) return 'bidi';
  if (/\p{Cs}/u.test(char)) return 'surrogate';
  return 'invisible';
}
