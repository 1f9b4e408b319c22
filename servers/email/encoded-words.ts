/**
 * RFC 2047 encoded-words (`=?UTF-8?B?Sm9zw6k=?=`, `=?ISO-8859-1?Q?Jos=E9?=`) in display names and subjects.
 *
 * They are decoded two ways. The checks on what is sent decode strictly: a malformed word, a charset Node cannot
 * decode (such as UTF-7, which other readers do decode) or bytes that are not valid in their charset are refused,
 * because what such a word means depends on who reads it. Showing stored mail decodes leniently, since that mail
 * may come from anywhere: a word that does not decode is kept as it is, and bad bytes become U+FFFD.
 *
 * Both decode the way the most liberal mail readers do: a word counts wherever it appears (also inside quotes or
 * next to other text), white space between adjacent words is dropped, and adjacent words in the same charset are
 * decoded together, so a character split across two words comes out whole.
 */

/** What marks the start of an encoded-word; a text that holds it anywhere must hold only well-formed words. */
export const ENCODED_WORD_START = '=?';

/** `=?charset[*language]?B|Q?payload?=` with the payload alphabet of each encoding (RFC 2047 sections 2 and 4). */
const WELL_FORMED_WORD =
  /=\?([A-Za-z0-9!#$%&'+^_`{|}~-]+)(?:\*[A-Za-z0-9-]*)?\?(?:([Bb])\?([A-Za-z0-9+/=]*)|([Qq])\?([\x21-\x3e\x40-\x7e]*))\?=/y;
/** Anything shaped like a word, for the lenient decoder. */
const LOOSE_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const QP_ESCAPE = /=(?![0-9A-Fa-f]{2})/;

interface DecodedWord {
  start: number;
  end: number;
  charset: string;
  bytes: Buffer;
}

/**
 * Decodes every encoded-word in `text`, refusing any that is not well formed and decodable. The problem is phrased
 * to follow a field name: `subject: contains a malformed encoded-word …`.
 */
export function decodeEncodedWordsStrictly(text: string): { text: string } | { problem: string } {
  const words: DecodedWord[] = [];
  let from = 0;
  for (let start = text.indexOf(ENCODED_WORD_START); start !== -1; start = text.indexOf(ENCODED_WORD_START, from)) {
    WELL_FORMED_WORD.lastIndex = start;
    const match = WELL_FORMED_WORD.exec(text);
    if (!match) {
      return {
        problem:
          `contains a malformed encoded-word at ${JSON.stringify(cut(text.slice(start)))}` +
          ' (expected =?charset?B?base64?= or =?charset?Q?quoted-printable?=)',
      };
    }
    const word = match[0];
    const charset = match[1]!;
    const base64 = match[3];
    const qp = match[5];
    if (base64 !== undefined && !BASE64.test(base64)) {
      return { problem: `contains an encoded-word with invalid base64: ${JSON.stringify(cut(word))}` };
    }
    if (qp !== undefined && QP_ESCAPE.test(qp)) {
      return {
        problem: `contains an encoded-word with an "=" not followed by two hex digits: ${JSON.stringify(cut(word))}`,
      };
    }
    const bytes = base64 !== undefined ? Buffer.from(base64, 'base64') : decodeQ(qp ?? '');
    words.push({ start, end: start + word.length, charset, bytes });
    from = start + word.length;
  }
  if (words.length === 0) return { text };
  let problem: string | undefined;
  const decoded = joinWords(text, words, (bytes, charset) => {
    try {
      return decodeCharset(bytes, charset, { isFatal: true });
    } catch (error) {
      // TextDecoder throws RangeError for a charset it does not know and TypeError for bytes that do not decode.
      problem ??=
        error instanceof RangeError
          ? `contains an encoded-word in the charset "${charset}", which cannot be decoded here`
          : `contains an encoded-word whose bytes are not valid ${charset}`;
      return undefined;
    }
  });
  if (problem !== undefined) return { problem };
  // A word that decodes to another word would be read differently by a reader that decodes twice.
  if (decoded.includes(ENCODED_WORD_START)) {
    return { problem: 'contains an encoded-word that decodes to text holding another encoded-word ("=?")' };
  }
  return { text: decoded };
}

/** Decodes the encoded-words of stored mail; words that do not decode are left as they are. */
export function decodeEncodedWords(text: string): string {
  const words: DecodedWord[] = [];
  for (const match of text.matchAll(LOOSE_WORD)) {
    const [word, charset = '', encoding = '', payload = ''] = match;
    const bytes = encoding.toUpperCase() === 'B' ? Buffer.from(payload, 'base64') : decodeQ(payload);
    words.push({ start: match.index, end: match.index + word.length, charset: charset.replace(/\*.*$/, ''), bytes });
  }
  if (words.length === 0) return text;
  return joinWords(text, words, (bytes, charset) => {
    try {
      return decodeCharset(bytes, charset, { isFatal: false });
    } catch {
      return undefined;
    }
  });
}

/**
 * `bytes` as text in `charset` (any label TextDecoder knows). @throws RangeError for an unknown charset and, when
 * `isFatal`, TypeError for bytes that are not valid in it (otherwise they become U+FFFD).
 */
export function decodeCharset(bytes: Uint8Array, charset: string, { isFatal }: { isFatal: boolean }): string {
  const decoder = new TextDecoder(charset.trim(), { fatal: isFatal });
  const text = decoder.decode(bytes);
  // Node decodes windows-1252 (also the label of ISO-8859-1 and US-ASCII) as Latin-1, so 0x80-0x9F come out as
  // C1 controls where every mail reader shows €, “ ” or ‹ ›. Map them as the WHATWG Encoding standard does.
  return decoder.encoding === 'windows-1252'
    ? text.replace(/[\u0080-\u009f]/g, (char) => WINDOWS_1252_HIGH.charAt(char.charCodeAt(0) - 0x80))
    : text;
}

/** 0x80-0x9F of windows-1252 (WHATWG index); the five unassigned bytes keep their C1 code point. */
const WINDOWS_1252_HIGH =
  '\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021' +
  '\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F' +
  '\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014' +
  '\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178';

/**
 * The text with its words replaced by their decoded text: white space between adjacent words dropped, runs of
 * adjacent words in one charset decoded as one byte string. `decode` returns undefined to keep a run as written.
 */
function joinWords(
  text: string,
  words: readonly DecodedWord[],
  decode: (bytes: Buffer, charset: string) => string | undefined,
): string {
  let result = '';
  let offset = 0;
  let isAfterDecodedWord = false;
  for (let i = 0; i < words.length;) {
    const first = words[i]!;
    let j = i + 1;
    while (
      j < words.length &&
      words[j]!.charset.toLowerCase() === first.charset.toLowerCase() &&
      /^\s*$/.test(text.slice(words[j - 1]!.end, words[j]!.start))
    ) {
      j++;
    }
    const end = words[j - 1]!.end;
    const decoded = decode(Buffer.concat(words.slice(i, j).map((word) => word.bytes)), first.charset);
    const gap = text.slice(offset, first.start);
    // White space between two decoded words is dropped too (RFC 2047 section 6.2), also across charsets.
    result += isAfterDecodedWord && decoded !== undefined && /^\s*$/.test(gap) ? '' : gap;
    result += decoded ?? text.slice(first.start, end);
    isAfterDecodedWord = decoded !== undefined;
    offset = end;
    i = j;
  }
  return result + text.slice(offset);
}

/** The Q encoding: quoted-printable where `_` is a space. */
function decodeQ(payload: string): Buffer {
  const bytes: number[] = [];
  for (let i = 0; i < payload.length; i++) {
    const char = payload[i]!;
    const hex = payload.slice(i + 1, i + 3);
    if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(char === '_' ? 0x20 : char.charCodeAt(0) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

function cut(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
