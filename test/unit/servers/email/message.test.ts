import { describe, expect, it } from 'vitest';
import { composeMessage, messageIdHeader } from '../../../../servers/email/compose.js';
import { decodeEncodedWords } from '../../../../servers/email/encoded-words.js';
import {
  addressesOf,
  extractBodies,
  headerValue,
  parseHeaderFields,
  splitMessage,
  withoutHeaders,
} from '../../../../servers/email/message.js';
import type { CheckedMessage, Mailbox } from '../../../../servers/email/validate.js';
import { formatMailboxes } from '../../../../servers/email/views.js';

const ID = '1718000000000-0123456789abcdef';
const FROM: Mailbox = { name: 'Robot', address: 'robot@example.com' };
const DATE = new Date('2024-06-10T06:13:20.000Z');

function message(overrides: Partial<CheckedMessage> = {}): CheckedMessage {
  return {
    to: [{ name: 'Liddell, Alice', address: 'alice@example.com' }],
    cc: [{ name: '', address: 'carol@example.com' }],
    bcc: [{ name: 'Hidden Person', address: 'hidden@example.com' }],
    replyTo: { name: '', address: 'desk@example.com' },
    subject: 'Quarterly report',
    text: 'Hello Alice,\nthe report is attached.\n',
    html: undefined,
    ...overrides,
  };
}

function headersOf(raw: Buffer) {
  return parseHeaderFields(splitMessage(raw).header);
}

describe('composeMessage', () => {
  it('writes a complete RFC 5322 message with CRLF line ends and 7-bit content only', async () => {
    const raw = await composeMessage(ID, FROM, message({ text: 'Grüße, ünïcödé\n'.repeat(3) }), DATE);
    const text = raw.toString('latin1');
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect([...raw].every((byte) => byte < 0x80)).toBe(true);
    const fields = headersOf(raw);
    expect(headerValue(fields, 'from')).toBe('Robot <robot@example.com>');
    expect(headerValue(fields, 'message-id')).toBe(`<${ID}@example.com>`);
    expect(headerValue(fields, 'date')).toBe('Mon, 10 Jun 2024 06:13:20 +0000');
    expect(headerValue(fields, 'reply-to')).toBe('desk@example.com');
    expect(headerValue(fields, 'mime-version')).toBe('1.0');
  });

  it('keeps the Bcc header in the stored copy', async () => {
    const fields = headersOf(await composeMessage(ID, FROM, message(), DATE));
    expect(formatMailboxes(headerValue(fields, 'bcc'))).toEqual(['Hidden Person <hidden@example.com>']);
  });

  it('names the Message-ID after the sender domain', () => {
    expect(messageIdHeader(ID, { name: '', address: 'mcp-host@localhost' })).toBe(`<${ID}@localhost>`);
  });
});

describe('reading a composed message back', () => {
  it('gives back names with commas (quoted, as send_email takes them) and non-ASCII characters, and the subject', async () => {
    const raw = await composeMessage(
      ID,
      FROM,
      message({
        to: [
          { name: 'Liddell, Alice', address: 'alice@example.com' },
          { name: 'Zoë Ångström', address: 'zoe@example.com' },
        ],
        subject: 'Ünïcödé subject that is long enough to be folded over more than one header line, surely',
      }),
      DATE,
    );
    const fields = headersOf(raw);
    expect(formatMailboxes(headerValue(fields, 'to'))).toEqual([
      '"Liddell, Alice" <alice@example.com>',
      'Zoë Ångström <zoe@example.com>',
    ]);
    expect(addressesOf(headerValue(fields, 'to'))).toEqual(['alice@example.com', 'zoe@example.com']);
    expect(decodeEncodedWords(headerValue(fields, 'subject')!)).toBe(
      'Ünïcödé subject that is long enough to be folded over more than one header line, surely',
    );
  });

  it.each([
    ['plain ASCII', 'Hello Alice,\nsee you.'],
    ['mostly non-ASCII (base64)', 'Привет, Алиса! Как дела? '.repeat(20)],
    ['long lines (soft breaks)', `${'word '.repeat(60)}\n= equals = and trailing space `],
    ['a line that is a lone dot', 'first\n.\nlast'],
  ])('gives back the text body exactly: %s', async (_case, text) => {
    const raw = await composeMessage(ID, FROM, message({ text }), DATE);
    expect(extractBodies(raw)).toEqual({ text, html: undefined });
  });

  it('drops the one trailing line break of a single-part message, which the composer always adds', async () => {
    const raw = await composeMessage(ID, FROM, message({ text: 'Bye\n' }), DATE);
    expect(splitMessage(raw).body.toString('latin1')).toBe('Bye\r\n');
    expect(extractBodies(raw).text).toBe('Bye');
  });

  it('gives back both parts of a text and HTML message', async () => {
    const html = '<p>Hello <b>Alice</b> — ünïcödé</p>';
    const raw = await composeMessage(ID, FROM, message({ text: 'Hello Alice', html }), DATE);
    expect(headerValue(headersOf(raw), 'content-type')).toMatch(/^multipart\/alternative;/);
    expect(extractBodies(raw)).toEqual({ text: 'Hello Alice', html });
  });
});

describe('withoutHeaders', () => {
  it('drops the Bcc field with its folded lines and leaves everything else byte for byte', async () => {
    const bcc = Array.from({ length: 12 }, (_, i) => ({ name: `Hidden Person ${i}`, address: `h${i}@example.com` }));
    const raw = await composeMessage(ID, FROM, message({ bcc }), DATE);
    expect(raw.toString('latin1')).toMatch(/^Bcc: .*\r\n /m);
    const stripped = withoutHeaders(raw, ['bcc']);
    const text = stripped.toString('latin1');
    expect(text).not.toMatch(/^Bcc:/im);
    expect(text).not.toContain('Hidden Person');
    expect(text).toBe(raw.toString('latin1').replace(/^Bcc: .*\r\n(?:[ \t].*\r\n)*/m, ''));
  });
});
