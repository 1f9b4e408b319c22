/**
 * Secrets from the config (which values are secrets: see secrets.ts) never reach output, logs, saved files or error
 * messages: every occurrence is replaced with `***` before it leaves the host, in each spelling a program is likely
 * to give it:
 * - as it is;
 * - JSON-escaped: short escapes (`\"`, `\\`, `\/`, `\n`), `\uXXXX` (Python's `ensure_ascii`), and escaped once more
 *   (JSON text inside a JSON string);
 * - URL-encoded (`%XX` in either case, `+` for a space) and HTML-escaped (`&quot;`, `&#34;`, `&#x22;`);
 * - base64 of its UTF-8 bytes, in the standard or the URL-safe alphabet, at each of the three byte alignments it
 *   can have inside longer data.
 * Any mix of the first three inside one occurrence is matched too. In JSON values, numbers are checked by their text
 * and base64 `data`/`blob` fields by their decoded bytes (see `value`); bytes for files go through `bytes`.
 *
 * Limits, on purpose: a secret shorter than MIN_SECRET_LENGTH is not redacted (see there), and the base64 forms of
 * a 4-character secret are matched only when it is encoded alone (see MIN_BASE64_LENGTH).
 */

export const REDACTED = '***';

/**
 * Secrets shorter than this are not redacted: replacing a value such as `1`, `on` or `dev` (a `PIN`, a `SECRET_MODE`)
 * wherever it occurs, or every JSON value equal to one, would garble ordinary output, and a secret that short is
 * guessed in no time anyway.
 */
export const MIN_SECRET_LENGTH = 4;

/**
 * The shortest base64 run searched for. The base64 of a secret inside longer data keeps only the characters that
 * depend on its bytes alone: 4 or 5 for a 4-character secret, which any base64 text holds by chance about once in
 * 16 MiB (and `***` in an image's base64 breaks it); from 6 (secrets of 5 characters or more), once in 64 GiB.
 */
const MIN_BASE64_LENGTH = 6;

const JSON_SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '"': '\\"',
  '\\': '\\\\',
  '/': '\\/',
  '\b': '\\b',
  '\f': '\\f',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

const HTML_NAMED_ENTITIES: Readonly<Record<string, readonly string[]>> = {
  '&': ['&amp;'],
  '<': ['&lt;'],
  '>': ['&gt;'],
  '"': ['&quot;'],
  "'": ['&apos;'],
};

/** A character outside the standard base64 alphabet. */
const NOT_BASE64 = /[^A-Za-z0-9+/]/;

/** The JSON fields that MCP defines as base64 (image and audio `data`, resource `blob`). */
const BASE64_FIELDS = new Set(['data', 'blob']);

export class Redactor {
  private readonly secrets: readonly string[];
  /** One pattern per secret, over text. */
  private readonly textPatterns: readonly RegExp[];
  /** The same over bytes read as latin1 (one character per byte), made on first use. */
  private bytePatterns: readonly RegExp[] | undefined;

  constructor(secrets: Iterable<string>) {
    this.secrets = [...new Set(secrets)].filter((secret) => secret.length >= MIN_SECRET_LENGTH);
    this.textPatterns = this.secrets.map((secret) => secretPattern(secret, (char) => char));
  }

  get isEmpty(): boolean {
    return this.secrets.length === 0;
  }

  /** A redactor of these secrets and `more`. */
  with(more: Iterable<string>): Redactor {
    return new Redactor([...this.secrets, ...more]);
  }

  /** The text with every occurrence of a secret, in any of its forms, replaced with `***`. */
  text(text: string): string {
    return replaceMatches(text, this.textPatterns);
  }

  /**
   * The bytes with every occurrence of a secret replaced with `***`, as for `text` (in UTF-8). Returns `bytes`
   * itself when nothing was replaced.
   */
  bytes(bytes: Buffer): Buffer {
    if (this.isEmpty) return bytes;
    this.bytePatterns ??= this.secrets.map((secret) =>
      secretPattern(secret, (char) => Buffer.from(char).toString('latin1')),
    );
    const latin1 = bytes.toString('latin1');
    const redacted = replaceMatches(latin1, this.bytePatterns);
    return redacted === latin1 ? bytes : Buffer.from(redacted, 'latin1');
  }

  /**
   * A deep copy of a JSON value with every secret replaced: in strings and keys; in numbers (`12345678` becomes the
   * string `***` when that is a secret, or contains one); and inside base64 `data`/`blob` fields, whose decoded bytes
   * are redacted and encoded again, so the field stays valid base64. Booleans and null are left alone.
   */
  value<T>(value: T): T {
    if (this.isEmpty) return value;
    return this.walk(value, undefined) as T;
  }

  private walk(value: unknown, key: string | undefined): unknown {
    if (typeof value === 'string') {
      const decoded = key !== undefined && BASE64_FIELDS.has(key) && isBase64(value);
      return this.text(decoded ? this.base64(value) : value);
    }
    if (typeof value === 'number') {
      const text = String(value);
      return this.text(text) === text ? value : REDACTED;
    }
    if (Array.isArray(value)) return value.map((item) => this.walk(item, undefined));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([name, item]) => [this.text(name), this.walk(item, name)]));
    }
    return value;
  }

  private base64(text: string): string {
    const bytes = Buffer.from(text, 'base64');
    const redacted = this.bytes(bytes);
    return redacted === bytes ? text : redacted.toString('base64');
  }
}

/**
 * Replaces every match of any pattern with `***`. Matches are found for each secret separately and overlapping ones
 * are merged, so that two secrets that overlap in the text are hidden whole (one pattern of alternatives would stop
 * at the first and leave the rest of the other).
 */
function replaceMatches(text: string, patterns: readonly RegExp[]): string {
  let spans: [number, number][] | undefined;
  for (const pattern of patterns) {
    for (const match of text.matchAll(pattern)) (spans ??= []).push([match.index, match.index + match[0].length]);
  }
  if (!spans) return text;
  spans.sort((a, b) => a[0] - b[0]);
  let result = '';
  let copied = 0;
  let end = -1;
  for (const [start, stop] of spans) {
    if (start > end) {
      if (end >= 0) result += REDACTED;
      result += text.slice(copied, start);
    }
    end = Math.max(end, stop);
    copied = end;
  }
  return `${result}${REDACTED}${text.slice(copied)}`;
}

/**
 * The pattern of one secret: each character in any of its spellings, or one of its base64 forms. `raw` gives a
 * character as it appears in the searched text (itself, or its UTF-8 bytes as latin1 when bytes are searched).
 */
function secretPattern(secret: string, raw: (char: string) => string): RegExp {
  const characters = [...secret].map((char) => alternatives(characterForms(char, raw)));
  const base64 = base64Forms(secret).map(escapeRegExp);
  return new RegExp([characters.join(''), ...base64].join('|'), 'g');
}

/** The spellings of one character, as pattern sources, longest first (so a match takes a whole escape). */
function characterForms(char: string, raw: (char: string) => string): string[] {
  // Letters and digits too: an encoder may escape every character (`\u0061`, `%61`), and matching that costs about
  // 3 ms more per MiB of output than matching letters only as they are (measured: 0.3 s for 48 MiB of prose).
  const itself = escapeRegExp(raw(char));
  const utf16 = Array.from({ length: char.length }, (_, i) => char.charCodeAt(i).toString(16).padStart(4, '0'));
  const jsonShort = JSON_SHORT_ESCAPES[char];
  const jsonUnicode = utf16.map((unit) => `\\u${unit}`).join('');
  const json = [jsonShort, jsonUnicode].filter((form) => form !== undefined);
  const codePoint = char.codePointAt(0)!;
  const forms = [
    itself,
    // JSON escapes, and the same escaped once more (JSON text inside a JSON string).
    ...json.flatMap((form) => [form, JSON.stringify(form).slice(1, -1)]).map(escapeJsonForm),
    // URL encoding of the UTF-8 bytes; a space is also `+` in forms.
    [...Buffer.from(char)].map((byte) => `%${anyCaseHex(byte.toString(16).padStart(2, '0'))}`).join(''),
    ...(char === ' ' ? ['\\+'] : []),
    // HTML: named entities, and numeric references in decimal or hex, leading zeros allowed.
    ...(HTML_NAMED_ENTITIES[char] ?? []).map(escapeRegExp),
    `&#0*${codePoint};`,
    `&#[xX]0*${anyCaseHex(codePoint.toString(16))};`,
  ];
  return [...new Set(forms)].sort((a, b) => b.length - a.length);
}

/** A JSON escape as a pattern: `\uXXXX` digits in either case. */
function escapeJsonForm(form: string): string {
  return escapeRegExp(form).replace(/u([0-9a-f]{4})/g, (_, hex: string) => `u${anyCaseHex(hex)}`);
}

/**
 * The base64 of the secret's UTF-8 bytes, in both alphabets: the encoding of the secret alone (padded and not), and
 * for each alignment it can have in longer data (0, 1 or 2 bytes before it in its 3-byte group), the characters that
 * depend on its bytes only: the first 0, 2 or 3 characters also carry the bytes before it, and the last one may carry
 * the bytes after it.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret);
  const forms = new Set<string>();
  for (const alphabet of ['base64', 'base64url'] as const) {
    const alone = bytes.toString(alphabet);
    forms.add(alone).add(alone.replace(/=+$/, ''));
    for (const [shift, dependent] of [
      [0, 0],
      [1, 2],
      [2, 3],
    ] as const) {
      const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString(alphabet);
      const stable = Math.floor(((shift + bytes.length) * 8) / 6);
      forms.add(encoded.slice(dependent, stable));
    }
  }
  return [...forms].filter((form) => form.length >= MIN_BASE64_LENGTH).sort((a, b) => b.length - a.length);
}

/** Strict base64 (standard alphabet, padded), as MCP's `data` and `blob` fields hold. A regex of groups would recurse
 * once per group and overflow the stack on a large image. */
function isBase64(text: string): boolean {
  if (text.length % 4 !== 0) return false;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return !NOT_BASE64.test(text.slice(0, text.length - padding));
}

function alternatives(forms: readonly string[]): string {
  return forms.length === 1 ? forms[0]! : `(?:${forms.join('|')})`;
}

function anyCaseHex(hex: string): string {
  return hex.replace(/[a-f]/g, (digit) => `[${digit}${digit.toUpperCase()}]`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
