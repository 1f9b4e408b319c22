import { describe, expect, it } from 'vitest';
import { composeMessage } from '../../../../servers/email/compose.js';
import { parseHeaderFields, splitMessage } from '../../../../servers/email/message.js';
import {
  checkSendRequest,
  checkStoredHeaders,
  isValidAddress,
  MAX_RECIPIENTS,
  parseMailbox,
  ValidationError,
} from '../../../../servers/email/validate.js';
import type { SendPolicy } from '../../../../servers/email/validate.js';

const ANY_DOMAIN: SendPolicy = { maxBodyBytes: 1024, allowedDomains: undefined };

/** The problem text of a request that must be refused. */
function problemOf(request: Parameters<typeof checkSendRequest>[0], policy = ANY_DOMAIN): string {
  try {
    checkSendRequest(request, policy);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error('expected the request to be refused');
}

describe('parseMailbox', () => {
  it.each([
    ['alice@example.com', { name: '', address: 'alice@example.com' }],
    ['  alice@example.com ', { name: '', address: 'alice@example.com' }],
    ['Alice Liddell <alice@example.com>', { name: 'Alice Liddell', address: 'alice@example.com' }],
    ['"Liddell, Alice" <alice@example.com>', { name: 'Liddell, Alice', address: 'alice@example.com' }],
    ['Ålice <a.b+tag@mail.example.co.uk>', { name: 'Ålice', address: 'a.b+tag@mail.example.co.uk' }],
    ['<alice@example.com>', { name: '', address: 'alice@example.com' }],
    ['root@localhost', { name: '', address: 'root@localhost' }],
  ])('accepts %j', (text, mailbox) => {
    expect(parseMailbox(text)).toEqual({ mailbox });
  });

  it.each([
    ['', 'expected an email address'],
    ['alice', 'expected an email address'],
    ['alice@', 'expected an email address'],
    ['@example.com', 'expected an email address'],
    ['alice@@example.com', 'expected exactly one @ in the address'],
    ['al ice@example.com', 'expected an email address'],
    ['alice..b@example.com', 'expected an email address'],
    ['"quoted local"@example.com', 'expected an address without a quoted local part'],
    ['alice@[127.0.0.1]', 'expected an email address'],
    ['alice@1.2.3.4', 'expected an email address'],
    ['alice@-bad.example.com', 'expected an email address'],
    ['alice@exa_mple.com', 'expected an email address'],
    ['ålice@example.com', 'expected an ASCII address (internationalized addresses are not supported; found U+00E5)'],
    [`${'a'.repeat(65)}@example.com`, 'expected an email address'],
    ['alice@example.com (comment)', 'expected an email address'],
    ['undisclosed-recipients:;', 'expected an email address'],
    ['team: alice@example.com, bob@example.com;', 'expected one address per entry'],
    ['alice@example.com, bob@example.com', 'expected one address per entry'],
    ['Alice <alice@example.com> <bob@example.com>', 'expected an email address'],
    ['"ceo@bank.example" <evil@attacker.example>', 'display name must not contain'],
    ['ceo@bank.example <evil@attacker.example>', 'display name must not contain'],
    ['Alice, Bob <alice@example.com>', 'display name must not contain'],
    ['"Al"ice" <alice@example.com>', 'display name must not contain'],
    ['Alice\r\nBcc: victim@example.com <alice@example.com>', 'must not contain CR or LF'],
    ['alice@example.com\nBcc: victim@example.com', 'must not contain CR or LF'],
    ['alice@example.com\r', 'must not contain CR or LF'],
    ['Alice\u0000 <alice@example.com>', 'must not contain control characters'],
  ])('refuses %j', (text, problem) => {
    const parsed = parseMailbox(text);
    expect(parsed).toHaveProperty('problem');
    expect((parsed as { problem: string }).problem).toContain(problem);
  });

  it('quotes the bad value as JSON, so line breaks show as \\r\\n and never reach the message raw', () => {
    const parsed = parseMailbox('x\r\ny') as { problem: string };
    expect(parsed.problem).not.toMatch(/[\r\n]/);
    expect(parseMailbox('bob@') as { problem: string }).toEqual({
      problem: 'expected an email address like "name@example.com" or "Name <name@example.com>", got "bob@"',
    });
  });

  it('limits an address to 254 characters', () => {
    const label = 'a'.repeat(63);
    const addressOfLength = (length: number) => `x@${label}.${label}.${label}.${'b'.repeat(length - 2 - 3 * 64)}`;
    expect(addressOfLength(254)).toHaveLength(254);
    expect(isValidAddress(addressOfLength(254))).toBe(true);
    expect(isValidAddress(addressOfLength(255))).toBe(false);
  });
});

describe('checkSendRequest', () => {
  it('returns the parsed recipients, reply-to, subject and bodies', () => {
    expect(
      checkSendRequest(
        {
          to: ['a@example.com', 'Bob <b@example.com>'],
          cc: 'c@example.com',
          bcc: ['d@example.com'],
          reply_to: 'Desk <desk@example.com>',
          subject: 'Hello',
          body: 'text',
          html: '<p>text</p>',
        },
        ANY_DOMAIN,
      ),
    ).toEqual({
      to: [
        { name: '', address: 'a@example.com' },
        { name: 'Bob', address: 'b@example.com' },
      ],
      cc: [{ name: '', address: 'c@example.com' }],
      bcc: [{ name: '', address: 'd@example.com' }],
      replyTo: { name: 'Desk', address: 'desk@example.com' },
      subject: 'Hello',
      text: 'text',
      html: '<p>text</p>',
    });
  });

  it('names the list entry, or the field for a single address', () => {
    expect(problemOf({ to: ['a@example.com', 'b@example.com', 'nope'], subject: '', body: '' })).toBe(
      'to[2]: expected an email address like "name@example.com" or "Name <name@example.com>", got "nope"',
    );
    expect(problemOf({ to: 'a@example.com', cc: 'nope', subject: '', body: '' })).toMatch(/^cc: expected/);
    expect(problemOf({ to: 'a@example.com', bcc: ['x\ny@example.com'], subject: '', body: '' })).toMatch(
      /^bcc\[0\]: must not contain CR or LF/,
    );
    expect(problemOf({ to: 'a@example.com', reply_to: 'r@example.com\r\nX: y', subject: '', body: '' })).toMatch(
      /^reply_to: must not contain CR or LF/,
    );
  });

  it('lists every problem at once', () => {
    const problem = problemOf({ to: ['bad', 'a@example.com'], cc: 'worse', subject: 'a\nb', body: '' });
    expect(problem.split('; ').map((part) => part.slice(0, part.indexOf(':')))).toEqual(['to[0]', 'cc', 'subject']);
  });

  it('refuses CR or LF in the subject', () => {
    for (const subject of ['Hi\r\nBcc: victim@example.com', 'Hi\nthere', 'Hi\rthere']) {
      expect(problemOf({ to: 'a@example.com', subject, body: '' })).toBe(
        'subject: must not contain CR or LF (a line break in a header would let the text inject headers)',
      );
    }
  });

  it('accepts a tab in the subject but no other control character', () => {
    expect(checkSendRequest({ to: 'a@example.com', subject: 'a\tb', body: '' }, ANY_DOMAIN).subject).toBe('a\tb');
    expect(problemOf({ to: 'a@example.com', subject: 'a\u0007b', body: '' })).toBe(
      'subject: must not contain control characters (found U+0007 BELL)',
    );
  });

  it(`allows ${MAX_RECIPIENTS} recipients in total and refuses more`, () => {
    const addresses = (count: number, prefix: string) =>
      Array.from({ length: count }, (_, i) => `${prefix}${i}@example.com`);
    expect(() =>
      checkSendRequest(
        { to: addresses(30, 't'), cc: addresses(10, 'c'), bcc: addresses(10, 'b'), subject: '', body: '' },
        ANY_DOMAIN,
      ),
    ).not.toThrow();
    expect(
      problemOf({ to: addresses(30, 't'), cc: addresses(10, 'c'), bcc: addresses(11, 'b'), subject: '', body: '' }),
    ).toBe('to, cc, bcc: expected at most 50 recipients in total, got 51');
  });

  it('requires a recipient', () => {
    expect(problemOf({ to: [], subject: '', body: '' })).toBe('to: expected at least one recipient');
  });

  it('restricts recipients to the allowed domains, case-insensitively and exactly', () => {
    const policy: SendPolicy = { maxBodyBytes: 1024, allowedDomains: ['example.com', 'example.org'] };
    expect(() =>
      checkSendRequest({ to: ['Bob@EXAMPLE.COM', 'x@example.org'], subject: '', body: '' }, policy),
    ).not.toThrow();
    expect(problemOf({ to: 'a@example.com', cc: ['x@sub.example.com'], subject: '', body: '' }, policy)).toBe(
      'cc[0]: "x@sub.example.com" is not in an allowed domain (EMAIL_ALLOWED_DOMAINS: example.com, example.org)',
    );
    expect(problemOf({ to: 'a@example.com', bcc: 'spy@evil.example', subject: '', body: '' }, policy)).toMatch(
      /^bcc: "spy@evil.example" is not in an allowed domain/,
    );
  });

  it('does not restrict the reply-to address by domain', () => {
    const policy: SendPolicy = { maxBodyBytes: 1024, allowedDomains: ['example.com'] };
    expect(
      checkSendRequest({ to: 'a@example.com', reply_to: 'me@elsewhere.example', subject: '', body: '' }, policy)
        .replyTo,
    ).toEqual({ name: '', address: 'me@elsewhere.example' });
  });

  it('limits body and html together, in bytes', () => {
    const policy: SendPolicy = { maxBodyBytes: 10, allowedDomains: undefined };
    expect(() =>
      checkSendRequest({ to: 'a@example.com', subject: '', body: '12345', html: '12345' }, policy),
    ).not.toThrow();
    expect(problemOf({ to: 'a@example.com', subject: '', body: '12345', html: '123456' }, policy)).toBe(
      'body, html: expected at most 10 bytes (EMAIL_MAX_BYTES), got 11',
    );
    // Six two-byte characters are 12 bytes.
    expect(problemOf({ to: 'a@example.com', subject: '', body: 'éééééé' }, policy)).toBe(
      'body: expected at most 10 bytes (EMAIL_MAX_BYTES), got 12',
    );
  });
});

/**
 * The attacks of the security review (display-name spoofing, encoded header injection, look-alikes, controls,
 * routed addresses) and their relatives. Each is refused with a message that names the field and what was wrong.
 */
describe('spoofing and smuggling', () => {
  const ALLOWED: SendPolicy = { maxBodyBytes: 1024, allowedDomains: ['allowed.com'] };
  const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
  const utf16be = (text: string) => Buffer.from(text, 'utf16le').swap16().toString('base64');
  const NAME_AT = 'the display name, once decoded, must not contain <, >, @, " or \\';
  const LOOKALIKE = 'must not contain look-alikes of @, < or >';
  const CONTROL = 'must not contain control characters';
  const BIDI = 'must not contain bidirectional controls';
  const INVISIBLE = 'must not contain invisible characters';
  const CRLF = 'must not contain CR or LF';

  type Field = 'to' | 'cc' | 'bcc' | 'reply_to' | 'subject';
  it.each<[string, Field, string | string[], string | string[]]>([
    // Display names hidden in RFC 2047 encoded-words, in every form a reader decodes.
    ['B-encoded @', 'to', '=?UTF-8?B?Y2VvQGJhbmsuZXhhbXBsZQ==?= <ok@allowed.com>', NAME_AT],
    ['Q-encoded @', 'to', '=?UTF-8?Q?ceo=40bank.example?= <ok@allowed.com>', NAME_AT],
    ['lower-case charset and encoding', 'to', '=?utf-8?q?ceo=40bank.example?= <ok@allowed.com>', NAME_AT],
    ['another charset', 'to', '=?ISO-8859-1?Q?ceo=40bank.example?= <ok@allowed.com>', NAME_AT],
    ['UTF-16', 'to', `=?UTF-16BE?B?${utf16be('ceo@bank.example')}?= <ok@allowed.com>`, NAME_AT],
    ['an RFC 2231 language tag', 'to', '=?UTF-8*en?Q?ceo=40bank.example?= <ok@allowed.com>', NAME_AT],
    ['an @ split over two words', 'to', '=?UTF-8?Q?ceo?= =?UTF-8?Q?=40bank.example?= <ok@allowed.com>', NAME_AT],
    ['a word inside quotes', 'to', '"=?UTF-8?Q?ceo=40bank.example?=" <ok@allowed.com>', NAME_AT],
    ['a word next to text', 'to', 'CEO=?UTF-8?Q?=40bank?= <ok@allowed.com>', NAME_AT],
    ['an encoded <', 'to', '=?UTF-8?Q?Boss_=3Cboss?= <ok@allowed.com>', NAME_AT],
    ['an encoded quote', 'to', '=?UTF-8?Q?=22Boss?= <ok@allowed.com>', NAME_AT],
    ['an encoded fullwidth @', 'to', `=?UTF-8?B?${b64('ceo＠bank.example')}?= <ok@allowed.com>`, LOOKALIKE],
    ['windows-1252 angle quotes', 'to', '=?windows-1252?Q?Boss_=8Bboss=9B?= <ok@allowed.com>', LOOKALIKE],
    ['an encoded line break', 'to', '=?UTF-8?Q?Eve=0D=0ABcc=3A_x?= <ok@allowed.com>', CRLF],
    ['an encoded NEL', 'to', '=?UTF-8?Q?Eve=C2=85?= <ok@allowed.com>', CONTROL],
    ['an encoded RLO', 'to', `=?UTF-8?B?${b64('Bob \u202Egnp.exe')}?= <ok@allowed.com>`, BIDI],
    ['an encoded zero-width space', 'to', `=?UTF-8?B?${b64('Pay\u200Bpal')}?= <ok@allowed.com>`, INVISIBLE],
    [
      'a word inside a word',
      'to',
      `=?UTF-8?B?${b64('=?UTF-8?B?Y2VvQGJhbmsuZXhhbXBsZQ==?=')}?= <ok@allowed.com>`,
      'decodes to text holding another encoded-word',
    ],
    ['UTF-7, which Node cannot decode', 'to', '=?UTF-7?Q?ceo+AEA-bank?= <ok@allowed.com>', 'charset "UTF-7"'],
    ['an unknown charset', 'to', '=?x-evil?Q?abc?= <ok@allowed.com>', 'charset "x-evil", which cannot be decoded'],
    ['invalid UTF-8 bytes', 'to', '=?UTF-8?Q?ceo=C0=80bank?= <ok@allowed.com>', 'bytes are not valid UTF-8'],
    ['invalid base64', 'to', '=?UTF-8?B?Y2V?= <ok@allowed.com>', 'with invalid base64'],
    ['a bad Q escape', 'to', '=?UTF-8?Q?ceo=4?= <ok@allowed.com>', 'an "=" not followed by two hex digits'],
    ['an unknown encoding', 'to', '=?UTF-8?X?Y2Vv?= <ok@allowed.com>', 'contains a malformed encoded-word'],
    ['an unterminated word', 'to', '=?UTF-8?B?Y2Vv <ok@allowed.com>', 'contains a malformed encoded-word'],
    // Display names with look-alikes and invisible or reordering characters.
    ['a fullwidth @', 'to', 'ceo＠bank.example <ok@allowed.com>', [LOOKALIKE, 'found U+FF20 FULLWIDTH COMMERCIAL AT']],
    ['a small @', 'to', 'ceo﹫bank.example <ok@allowed.com>', [LOOKALIKE, 'found U+FE6B SMALL COMMERCIAL AT']],
    ['fullwidth < and >', 'to', 'Boss ＜boss＞ <ok@allowed.com>', [LOOKALIKE, 'found U+FF1C']],
    ['angle quotation marks', 'to', 'Boss ‹boss› <ok@allowed.com>', [LOOKALIKE, 'found U+2039']],
    ['CJK angle brackets', 'to', 'Boss 〈boss〉 <ok@allowed.com>', [LOOKALIKE, 'found U+3008']],
    ['mathematical angle brackets', 'to', 'Boss ⟨boss⟩ <ok@allowed.com>', [LOOKALIKE, 'found U+27E8']],
    ['NEL', 'to', 'Eve\u0085Bcc <ok@allowed.com>', [CONTROL, 'found U+0085 NEXT LINE)']],
    ['CSI', 'to', 'Eve\u009B31m <ok@allowed.com>', [CONTROL, 'found U+009B CONTROL SEQUENCE INTRODUCER)']],
    ['ESC', 'to', 'Eve\u001B[31m <ok@allowed.com>', [CONTROL, 'found U+001B ESCAPE)']],
    ['DEL', 'to', 'Eve\u007F <ok@allowed.com>', [CONTROL, 'found U+007F DELETE)']],
    ['RLO', 'to', 'Bob \u202Egnp.exe <ok@allowed.com>', `${BIDI}, which make text display`],
    ['a bidi isolate', 'to', 'Bob \u2067x <ok@allowed.com>', `${BIDI}, which make text display`],
    ['a right-to-left mark', 'to', 'Bob\u200F <ok@allowed.com>', BIDI],
    ['a zero-width space', 'to', 'Pay\u200Bpal <ok@allowed.com>', [INVISIBLE, 'found U+200B ZERO WIDTH SPACE)']],
    ['a zero-width joiner', 'to', 'Pay\u200Dpal <ok@allowed.com>', [INVISIBLE, 'found U+200D ZERO WIDTH JOINER)']],
    ['a byte-order mark', 'to', '\uFEFFBoss <ok@allowed.com>', INVISIBLE],
    ['a soft hyphen', 'to', 'Pay\u00ADpal <ok@allowed.com>', INVISIBLE],
    ['a Hangul filler (an invisible name)', 'to', '\u3164 <ok@allowed.com>', [INVISIBLE, 'found U+3164']],
    ['a tag character', 'to', 'Boss\u{E0041} <ok@allowed.com>', [INVISIBLE, 'found U+E0041)']],
    ['a line separator', 'to', 'Eve\u2028Bcc <ok@allowed.com>', 'must not contain line or paragraph separators'],
    ['an unpaired surrogate', 'to', 'Eve\uD800 <ok@allowed.com>', 'must not contain unpaired surrogates'],
    // Addresses that route around EMAIL_ALLOWED_DOMAINS or hide another address.
    ['the percent hack', 'to', 'a%evil.com@allowed.com', 'expected an address without % (the "percent hack"'],
    ['the percent hack, named', 'to', 'Alice <a%evil.com@allowed.com>', 'expected an address without %'],
    ['a bang path', 'to', 'evil.com!a@allowed.com', 'expected an address without ! (a UUCP bang path'],
    ['a source route', 'to', '<@evil.com,@relay.example:ok@allowed.com>', 'without a source route'],
    ['a one-hop source route', 'to', 'Ok <@evil.com:ok@allowed.com>', 'without a source route'],
    ['a quoted local part hiding an @', 'to', '"evil@evil.com"@allowed.com', 'without a quoted local part'],
    ['a quoted local part, named', 'to', 'Ok <"evil@evil.com"@allowed.com>', 'without a quoted local part'],
    ['two @', 'to', 'evil@evil.com@allowed.com', 'expected exactly one @ in the address'],
    ['an encoded-word as local part', 'to', '=?UTF-8?Q?ceo=40evil.com?=@allowed.com', 'without encoded-words'],
    ['a fullwidth @ in the address', 'to', 'ok＠allowed.com', [LOOKALIKE, 'found U+FF20']],
    ['a Cyrillic letter in the domain', 'to', 'ok@\u0430llowed.com', 'expected an ASCII address'],
    ['a zero-width space after the address', 'to', 'ok@allowed.com\u200B', INVISIBLE],
    // Every address field is checked the same way, and named with its index.
    ['an encoded @ in cc', 'cc', '=?UTF-8?B?Y2VvQGJhbmsuZXhhbXBsZQ==?= <ok@allowed.com>', NAME_AT],
    ['the percent hack in bcc', 'bcc', ['ok@allowed.com', 'a%evil.com@allowed.com'], 'expected an address without %'],
    ['a look-alike in reply_to', 'reply_to', 'ceo＠bank.example <desk@elsewhere.example>', LOOKALIKE],
    ['an encoded @ in reply_to', 'reply_to', '=?UTF-8?Q?ceo=40bank?= <desk@elsewhere.example>', NAME_AT],
    // Subjects: encoded header injection and controls.
    ['a Q-encoded CR LF', 'subject', '=?UTF-8?Q?Hi=0D=0ABcc:_victim@example.com?=', `once decoded, ${CRLF}`],
    ['a B-encoded LF', 'subject', `=?UTF-8?B?${b64('Hi\nBcc: victim@example.com')}?=`, `once decoded, ${CRLF}`],
    ['an encoded NEL', 'subject', '=?UTF-8?Q?Hi=C2=85there?=', `once decoded, ${CONTROL} (found U+0085 NEXT LINE)`],
    ['an encoded RLO', 'subject', `=?UTF-8?B?${b64('Invoice \u202Efdp.exe')}?=`, `once decoded, ${BIDI}`],
    ['NEL', 'subject', 'Hi\u0085there', [CONTROL, 'found U+0085 NEXT LINE)']],
    ['CSI', 'subject', 'Hi\u009B2J', [CONTROL, 'found U+009B CONTROL SEQUENCE INTRODUCER)']],
    ['RLO', 'subject', 'Invoice \u202Efdp.exe', BIDI],
    ['a zero-width space', 'subject', 'Pass\u200Bword reset', INVISIBLE],
    ['a paragraph separator', 'subject', 'Hi\u2029Bcc: x', 'must not contain line or paragraph separators'],
    ['a malformed encoded-word', 'subject', '=?UTF-8?Q?Hi', 'contains a malformed encoded-word'],
    ['a word inside a word', 'subject', `=?UTF-8?B?${b64('=?UTF-8?Q?Hi=0D=0A?=')}?=`, 'another encoded-word'],
  ])('refuses %s in %s', (_attack, field, value, problem) => {
    const request = { to: 'ok@allowed.com', subject: 'Hi', body: '', [field]: value };
    const message = problemOf(request, ALLOWED);
    const named = Array.isArray(value) ? `${field}[${value.length - 1}]` : field;
    expect(message.startsWith(`${named}: `), message).toBe(true);
    for (const part of [problem].flat()) expect(message).toContain(part);
    // The message quotes the bad value with every refused character escaped, so it cannot spoof the reader either.
    expect(message).not.toMatch(/[\u0080-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff\uff20]/);
  });

  it('quotes the decoded name, so the reader sees what the encoded-word hid', () => {
    expect(problemOf({ to: '=?UTF-8?B?Y2VvQGJhbmsuZXhhbXBsZQ==?= <ok@allowed.com>', subject: '', body: '' })).toBe(
      'to: the display name, once decoded, must not contain <, >, @, " or \\ (a name that looks like an address' +
        ' misleads the reader); got "=?UTF-8?B?Y2VvQGJhbmsuZXhhbXBsZQ==?= <ok@allowed.com>", whose name decodes to' +
        ' "ceo@bank.example"',
    );
    expect(problemOf({ to: 'a@example.com', subject: '=?UTF-8?Q?Hi=0D=0ABcc:_v@example.com?=', body: '' })).toBe(
      'subject: once decoded, must not contain CR or LF (a line break in a header would let the text inject' +
        ' headers); got "=?UTF-8?Q?Hi=0D=0ABcc:_v@example.com?=", which decodes to "Hi\\r\\nBcc: v@example.com"',
    );
  });

  it('refuses routed addresses before the domain check, so they never count as allowed', () => {
    for (const to of ['a%evil.com@allowed.com', 'evil.com!a@allowed.com', '<@evil.com:a@allowed.com>']) {
      expect(problemOf({ to, subject: '', body: '' }, ALLOWED)).not.toContain('allowed domain');
    }
    expect(problemOf({ to: 'ok@allowed.com.evil.com', subject: '', body: '' }, ALLOWED)).toBe(
      'to: "ok@allowed.com.evil.com" is not in an allowed domain (EMAIL_ALLOWED_DOMAINS: allowed.com)',
    );
  });

  it.each([
    ['=?UTF-8?B?Sm9zw6kgTcO8bGxlcg==?= <jose@allowed.com>', 'José Müller'],
    ['=?ISO-8859-1?Q?Jos=E9_M=FCller?= <jose@allowed.com>', 'José Müller'],
    ['=?utf-8?q?Jos=C3=A9?= =?utf-8?q?_M=C3=BCller?= <jose@allowed.com>', 'José Müller'],
    ['=?UTF-8?Q?Jos=C3?= =?UTF-8?Q?=A9?= <jose@allowed.com>', 'José'],
    ['"=?UTF-8?Q?M=C3=BCller,_Jos=C3=A9?=" <jose@allowed.com>', 'Müller, José'],
    ['=?UTF-8?Q?M=C3=BCller=2C_Jos=C3=A9?= <jose@allowed.com>', 'Müller, José'],
    ['=?windows-1252?Q?=93Jos=E9=94?= <jose@allowed.com>', '“José”'],
    ['José Müller <jose@allowed.com>', 'José Müller'],
    ['李小龙 <li@allowed.com>', '李小龙'],
    ['محمد علي <m@allowed.com>', 'محمد علي'],
    ['Ζωή Ἀγγελίδου <z@allowed.com>', 'Ζωή Ἀγγελίδου'],
    ['🎉 Launch Team <t@allowed.com>', '🎉 Launch Team'],
    ['I ❤️ Mail <t@allowed.com>', 'I ❤️ Mail'],
  ])('accepts the international display name %j, stored decoded', (to, name) => {
    expect(checkSendRequest({ to, subject: '', body: '' }, ALLOWED).to).toEqual([
      { name, address: to.slice(to.lastIndexOf('<') + 1, -1) },
    ]);
  });

  it.each([
    ['=?UTF-8?B?R3LDvMOfZSBhdXMgS8O2bG4=?=', 'Grüße aus Köln'],
    ['Re: =?UTF-8?Q?caf=C3=A9?= tomorrow', 'Re: café tomorrow'],
    ['Meeting @ 3pm <urgent>', 'Meeting @ 3pm <urgent>'],
    ['Lunch ＠ the café', 'Lunch ＠ the café'],
    ['Tabs\tare fine', 'Tabs\tare fine'],
    ['🎉 Launch ✔️', '🎉 Launch ✔️'],
  ])('accepts the subject %j, stored decoded', (subject, stored) => {
    expect(checkSendRequest({ to: 'ok@allowed.com', subject, body: '' }, ALLOWED).subject).toBe(stored);
  });
});

describe('checkStoredHeaders (a queued message, checked again before delivery)', () => {
  const FROM = { name: 'Robot', address: 'robot@example.com' };
  const headersOf = (header: string) => parseHeaderFields(header.replace(/\n/g, '\r\n'));

  it('passes every message composed from a request the checks accepted, international text included', async () => {
    const request = {
      to: ['=?UTF-8?B?Sm9zw6kgTcO8bGxlcg==?= <jose@allowed.com>', '"Liddell, Alice" <alice@allowed.com>'],
      cc: '李小龙 <li@allowed.com>',
      bcc: ['🎉 Launch Team <t@allowed.com>'],
      reply_to: 'Ζωή <z@elsewhere.example>',
      subject: `Grüße aus Köln ${'und noch viel mehr Text, '.repeat(30)}`.slice(0, 990),
      body: 'b',
    };
    const checked = checkSendRequest(request, { maxBodyBytes: 1024, allowedDomains: ['allowed.com'] });
    const raw = await composeMessage('1718000000000-0123456789abcdef', FROM, checked, new Date());
    expect(checkStoredHeaders(parseHeaderFields(splitMessage(raw).header), ['allowed.com'])).toEqual([]);
  });

  it('names every field a stored message fails, and the domain of each recipient', () => {
    const fields = headersOf(
      [
        'From: =?UTF-8?B?Y2VvQGJhbmsuZXhhbXBsZQ==?= <robot@example.com>',
        'To: ok@allowed.com, a%evil.com@allowed.com',
        'Cc: spy@evil.example',
        'Reply-To: "ceo@bank.example" <desk@elsewhere.example>',
        'Subject: =?UTF-8?Q?Hi=0D=0ABcc:_victim@example.com?=',
      ].join('\n'),
    );
    const problems = checkStoredHeaders(fields, ['allowed.com']);
    expect(problems.map((problem) => problem.slice(0, problem.indexOf(':')))).toEqual([
      'From',
      'Reply-To',
      'To',
      'Cc',
      'Subject',
    ]);
    expect(problems[0]).toContain('the display name, once decoded, must not contain <, >, @');
    expect(problems[1]).toContain('the display name must not contain <, >, @');
    expect(problems[2]).toContain('expected an address without %');
    expect(problems[3]).toBe('Cc: "spy@evil.example" is not in an allowed domain (EMAIL_ALLOWED_DOMAINS: allowed.com)');
    expect(problems[4]).toContain('Subject: once decoded, must not contain CR or LF');
  });

  it('does not restrict the domains of From and Reply-To', () => {
    expect(
      checkStoredHeaders(headersOf('From: a@x.example\nReply-To: b@y.example\nTo: c@allowed.com'), ['allowed.com']),
    ).toEqual([]);
  });
});
