import { describe, expect, it } from 'vitest';
import {
  checkSendRequest,
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
    ['alice@@example.com', 'expected an email address'],
    ['al ice@example.com', 'expected an email address'],
    ['alice..b@example.com', 'expected an email address'],
    ['"quoted local"@example.com', 'expected an email address'],
    ['alice@[127.0.0.1]', 'expected an email address'],
    ['alice@1.2.3.4', 'expected an email address'],
    ['alice@-bad.example.com', 'expected an email address'],
    ['alice@exa_mple.com', 'expected an email address'],
    ['ålice@example.com', 'expected an email address'],
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
      'subject: must not contain control characters',
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
