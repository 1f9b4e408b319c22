/**
 * The redactor over every form a secret takes in output: as it is, JSON-escaped (short, `\uXXXX`, twice),
 * URL-encoded, HTML-escaped, base64 at each byte alignment and in both alphabets, mixed; inside JSON values (keys,
 * numbers, base64 fields) and bytes; and what it leaves alone (short values, ordinary text, random data).
 */
import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { MIN_SECRET_LENGTH, REDACTED, Redactor } from '../../../src/host/redact.js';

/** Quotes, a backslash, a slash, a space, an ampersand and a non-ASCII letter. */
const SECRET = 'pa"ss\\w/rd &café';
const redactor = new Redactor([SECRET]);

/** Python's json.dumps default: every non-ASCII character as `\uXXXX`. */
function jsonAscii(text: string, upper = false): string {
  return JSON.stringify(text)
    .slice(1, -1)
    .replace(/[^\x20-\x7e]/g, (c) => {
      const hex = c.charCodeAt(0).toString(16).padStart(4, '0');
      return `\\u${upper ? hex.toUpperCase() : hex}`;
    });
}

describe('Redactor.text: every spelling of a secret', () => {
  const json = JSON.stringify(SECRET).slice(1, -1);
  const spellings: Record<string, string> = {
    plain: SECRET,
    'JSON short escapes': json,
    'JSON with \\/': json.replace('/', '\\/'),
    'JSON \\u escapes, lower-case (Python)': jsonAscii(SECRET),
    'JSON \\u escapes, upper-case': jsonAscii(SECRET, true),
    'JSON inside a JSON string': JSON.stringify(json).slice(1, -1),
    'every character as \\uXXXX': [...SECRET]
      .map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .join(''),
    encodeURIComponent: encodeURIComponent(SECRET),
    'percent-encoding, lower-case hex': encodeURIComponent(SECRET).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    'form encoding (+ for a space)': new URLSearchParams({ k: SECRET }).toString().slice(2),
    encodeURI: encodeURI(SECRET),
    'HTML named entities': SECRET.replace('&', '&amp;').replace('"', '&quot;'),
    'HTML numeric references': SECRET.replace('&', '&#x0026;').replace('"', '&#34;').replace('é', '&#xE9;'),
  };

  for (const [name, spelling] of Object.entries(spellings)) {
    it(`hides it ${name}`, () => {
      expect(spelling === SECRET && name !== 'plain').toBe(false);
      expect(redactor.text(`before ${spelling} after`)).toBe(`before ${REDACTED} after`);
    });
  }

  it('hides it when the spellings are mixed inside one occurrence', () => {
    const mixed = `pa\\"ss%5Cw\\/rd+&amp;caf\\u00e9`;
    expect(redactor.text(`[${mixed}]`)).toBe(`[${REDACTED}]`);
  });

  it('hides its base64 at each byte alignment, in both alphabets, inside longer data', () => {
    for (const alphabet of ['base64', 'base64url'] as const) {
      for (const before of ['', 'x', 'xy', 'xyz', 'wxyz']) {
        for (const after of ['', '!', '!?', '!?.']) {
          const encoded = Buffer.from(`${before}${SECRET}${after}`).toString(alphabet);
          const redacted = redactor.text(encoded);
          expect(redacted).toContain(REDACTED);
          // What is left is the encoding of the bytes around it, one character each side that also carries some bits
          // of the secret, and padding: never enough to give the secret back.
          const left = redacted.split(REDACTED).join('');
          const around = Math.ceil((before.length * 4) / 3) + Math.ceil((after.length * 4) / 3);
          expect(left.length).toBeLessThanOrEqual(around + 4);
        }
      }
    }
  });

  it('hides the base64 of a 4-character secret encoded alone, padded or not', () => {
    const short = new Redactor(['info']);
    expect(short.text('v=aW5mbw==;')).toBe(`v=${REDACTED};`);
    expect(short.text('v=aW5mbw;')).toBe(`v=${REDACTED};`);
  });

  it('treats regular-expression characters in a secret literally', () => {
    const special = new Redactor(['a.b*c+(d)?[e]{2}^$|']);
    expect(special.text('a.b*c+(d)?[e]{2}^$|')).toBe(REDACTED);
    expect(special.text('aXbbbc+d?e{2}')).toBe('aXbbbc+d?e{2}');
  });

  it('hides a secret with a character outside the BMP, also as a JSON surrogate pair', () => {
    const emoji = new Redactor(['key-😀-key']);
    expect(emoji.text('key-😀-key')).toBe(REDACTED);
    expect(emoji.text(JSON.stringify('key-😀-key').replace('😀', '\\ud83d\\ude00'))).toBe(`"${REDACTED}"`);
    expect(emoji.text(encodeURIComponent('key-😀-key'))).toBe(REDACTED);
  });

  it('replaces every occurrence, and secrets that overlap in the text as one', () => {
    const two = new Redactor(['hunter22', 'hunter2222', 'abcdef', 'defghi']);
    expect(two.text('a hunter2222 b hunter22 c')).toBe(`a ${REDACTED} b ${REDACTED} c`);
    // Neither "abc" nor "ghi" is left behind, as it would be if the first match stopped the second.
    expect(two.text('xabcdefghiy')).toBe(`x${REDACTED}y`);
  });

  it('is idempotent, and leaves ordinary text alone', () => {
    const text = 'a line with "quotes", a \\ backslash, 50% off & <tags>, café and base64 SGVsbG8gd29ybGQ=';
    expect(redactor.text(text)).toBe(text);
    const once = redactor.text(`x ${SECRET} y`);
    expect(redactor.text(once)).toBe(once);
  });

  it('leaves random base64 alone: no chance matches of the base64 forms of short secrets', () => {
    // Deterministic data, so the test cannot flake. Secrets of 5 characters: a 4-character one also matches as
    // itself by chance, about once in 16 MiB of base64 (a documented limit, not something the forms add).
    const blocks = Array.from({ length: 32 * 1024 }, (_, i) => crypto.createHash('sha256').update(String(i)).digest());
    const data = Buffer.concat(blocks).toString('base64');
    const short = new Redactor(['debug', 'false', 'stage', '12345']);
    expect(short.text(data)).toBe(data);
  });

  it(`does not redact secrets shorter than ${MIN_SECRET_LENGTH} characters (a documented limit)`, () => {
    const short = new Redactor(['1', 'on', 'dev']);
    expect(short.isEmpty).toBe(true);
    expect(short.text('1 on dev')).toBe('1 on dev');
    expect(short.value({ n: 1, s: 'dev' })).toEqual({ n: 1, s: 'dev' });
  });
});

describe('Redactor.value: JSON values', () => {
  it('redacts strings and keys deep inside, and numbers that are or contain a secret', () => {
    const numbers = new Redactor([SECRET, '12345678']);
    expect(
      numbers.value({
        list: [`x ${SECRET} y`, 12345678, 9123456789, 42],
        [SECRET]: true,
        nested: { pin: 12345678, flag: false, none: null },
      }),
    ).toEqual({
      list: [`x ${REDACTED} y`, REDACTED, REDACTED, 42],
      [REDACTED]: true,
      nested: { pin: REDACTED, flag: false, none: null },
    });
  });

  it('redacts JSON text inside a string, which JSON.stringify then escapes again', () => {
    const value = redactor.value({ text: JSON.stringify({ key: SECRET }) });
    expect(JSON.stringify(value)).toBe(`{"text":"{\\"key\\":\\"${REDACTED}\\"}"}`);
  });

  it('redacts the bytes inside base64 data and blob fields, which stay valid base64', () => {
    const image = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.from(` ${SECRET} `), Buffer.from([0])]);
    const value = redactor.value({
      content: [{ type: 'image', data: image.toString('base64'), mimeType: 'image/png' }],
      resource: { blob: Buffer.from(`token: ${SECRET}\n`).toString('base64') },
    });
    const data = Buffer.from(value.content[0]!.data, 'base64');
    expect(data).toEqual(
      Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47]), Buffer.from(` *** `), Buffer.from([0])]),
    );
    expect(Buffer.from(value.resource.blob, 'base64').toString()).toBe('token: ***\n');
  });

  it('returns the value itself when there are no secrets', () => {
    const value = { a: [1, 'x'] };
    expect(new Redactor([]).value(value)).toBe(value);
  });
});

describe('Redactor.bytes', () => {
  it('replaces the UTF-8 bytes of a secret in binary data and keeps every other byte', () => {
    const bytes = Buffer.concat([Buffer.from([0, 255, 128]), Buffer.from(SECRET), Buffer.from([7])]);
    expect(redactor.bytes(bytes)).toEqual(
      Buffer.concat([Buffer.from([0, 255, 128]), Buffer.from(REDACTED), Buffer.from([7])]),
    );
  });

  it('replaces its encoded forms inside text files too', () => {
    const text = `json: ${JSON.stringify(SECRET)}\nurl: ${encodeURIComponent(SECRET)}\nb64: ${Buffer.from(SECRET).toString('base64')}\n`;
    expect(redactor.bytes(Buffer.from(text)).toString()).toBe('json: "***"\nurl: ***\nb64: ***\n');
  });

  it('returns the same buffer when nothing was replaced', () => {
    const bytes = crypto.randomBytes(4096);
    expect(redactor.bytes(bytes)).toBe(bytes);
  });
});
