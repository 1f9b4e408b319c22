import { describe, expect, it } from 'vitest';
import { decodeEncodedWords, decodeEncodedWordsStrictly } from '../../../../servers/email/encoded-words.js';

const b64 = (text: string, encoding: BufferEncoding = 'utf8') => Buffer.from(text, encoding).toString('base64');
/** UTF-16BE has no Node encoding name; swap the bytes of UTF-16LE. */
const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16().toString('base64');

describe('decodeEncodedWordsStrictly', () => {
  it.each([
    ['plain text', 'plain text'],
    ['=?UTF-8?B?Sm9zw6kgTcO8bGxlcg==?=', 'José Müller'],
    ['=?utf-8?b?Sm9zw6kgTcO8bGxlcg==?=', 'José Müller'],
    ['=?ISO-8859-1?Q?Jos=E9_M=FCller?=', 'José Müller'],
    ['=?windows-1252?Q?=80_5?=', '€ 5'],
    // Node decodes these labels as Latin-1 (C1 controls); every mail reader shows windows-1252 quotes.
    ['=?ISO-8859-1?Q?=93Hi=94_=85?=', '“Hi” …'],
    ['=?us-ascii?Q?=8Bx=9B?=', '‹x›'],
    [`=?UTF-16BE?B?${utf16be('Zoë')}?=`, 'Zoë'],
    [`=?Shift_JIS?B?${Buffer.from([0x93, 0xfa, 0x96, 0x7b]).toString('base64')}?=`, '日本'],
    ['=?UTF-8*de?Q?Gr=C3=BC=C3=9Fe?=', 'Grüße'],
    ['=?UTF-8?Q?Jos=C3=A9?= =?UTF-8?Q?_M=C3=BCller?=', 'José Müller'],
    ['=?UTF-8?Q?Jos=C3?=  =?UTF-8?Q?=A9?=', 'José'],
    ['=?ISO-8859-1?Q?caf=E9?= =?UTF-8?Q?_cr=C3=A8me?=', 'café crème'],
    ['Re: =?UTF-8?Q?caf=C3=A9?= tomorrow', 'Re: café tomorrow'],
    ['=?UTF-8?B??=', ''],
  ])('decodes %j', (text, decoded) => {
    expect(decodeEncodedWordsStrictly(text)).toEqual({ text: decoded });
  });

  it.each([
    ['=?UTF-8?B?Y2Vv', 'contains a malformed encoded-word at "=?UTF-8?B?Y2Vv"'],
    ['=?UTF-8?X?abc?=', 'contains a malformed encoded-word'],
    ['=?UTF-8?B?Y2V*?=', 'contains a malformed encoded-word'],
    ['=?UTF-8?Q?a b?=', 'contains a malformed encoded-word'],
    ['=??Q?abc?=', 'contains a malformed encoded-word'],
    ['what =? means', 'contains a malformed encoded-word at "=? means"'],
    ['=?UTF-8?B?Y2V?=', 'contains an encoded-word with invalid base64: "=?UTF-8?B?Y2V?="'],
    ['=?UTF-8?B?Y2Vv=Y2Vv?=', 'contains an encoded-word with invalid base64'],
    ['=?UTF-8?Q?ceo=4?=', 'contains an encoded-word with an "=" not followed by two hex digits'],
    ['=?UTF-7?Q?ceo+AEA-bank?=', 'contains an encoded-word in the charset "UTF-7", which cannot be decoded here'],
    ['=?x-unknown?Q?abc?=', 'contains an encoded-word in the charset "x-unknown", which cannot be decoded here'],
    ['=?UTF-8?Q?=C3?=', 'contains an encoded-word whose bytes are not valid UTF-8'],
    ['=?UTF-8?Q?=FF?=', 'contains an encoded-word whose bytes are not valid UTF-8'],
    [`=?UTF-8?B?${b64('=?UTF-8?B?Y2VvQGJhbmsuZXhhbXBsZQ==?=')}?=`, 'decodes to text holding another encoded-word'],
    ['=?UTF-8?Q?=3D=3F?=', 'decodes to text holding another encoded-word'],
  ])('refuses %j', (text, problem) => {
    const decoded = decodeEncodedWordsStrictly(text);
    expect(decoded).toHaveProperty('problem');
    expect((decoded as { problem: string }).problem).toContain(problem);
  });
});

describe('decodeEncodedWords (stored mail)', () => {
  it('decodes Q and B words, joins adjacent ones and leaves plain text alone', () => {
    expect(decodeEncodedWords('=?UTF-8?Q?H=C3=A9llo_w?= =?UTF-8?B?w7ZybGQ=?= !')).toBe('Héllo wörld !');
    expect(decodeEncodedWords('=?ISO-8859-1?Q?caf=E9?=')).toBe('café');
    expect(decodeEncodedWords('no words here')).toBe('no words here');
  });

  it('keeps a word it cannot decode as written, and the white space next to it', () => {
    expect(decodeEncodedWords('plain =?x-unknown?Q?abc?= =?UTF-8?Q?d?=')).toBe('plain =?x-unknown?Q?abc?= d');
    expect(decodeEncodedWords('=?UTF-7?Q?+AEA-?=')).toBe('=?UTF-7?Q?+AEA-?=');
  });

  it('turns bytes that are not valid in the charset into U+FFFD instead of refusing', () => {
    expect(decodeEncodedWords('=?UTF-8?Q?a=FFb?=')).toBe('a\uFFFDb');
  });

  it('decodes what the strict decoder refuses to let through, so the views can clean it', () => {
    expect(decodeEncodedWords('=?UTF-8?B?Y2VvQGJhbmsuZXhhbXBsZQ==?=')).toBe('ceo@bank.example');
    expect(decodeEncodedWords('=?UTF-8?Q?Hi=0D=0ABcc:_x?=')).toBe('Hi\r\nBcc: x');
  });
});
