/**
 * Spoofing through the real built email server, delivering to the real SMTP sink: a refused message is never
 * stored or delivered, international names still go out and read back, and mail that is already in the store
 * (from an older version, or from elsewhere) is neither shown as the spoof it carries nor delivered.
 */

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallToolResult } from '../../../src/protocol/types.js';
import { parseMailbox, parseSubject } from '../../../servers/email/validate.js';
import { parseReceivedHeaders, startSmtpSink } from '../../fixtures/email/smtp-sink.js';
import type { SmtpSink } from '../../fixtures/email/smtp-sink.js';
import { resultText, startStdioServer } from '../../helpers/stdio-server.js';
import type { StdioServer } from '../../helpers/stdio-server.js';

const SERVER = 'dist/servers/email/index.js';
const FOLDERS = ['outbox', 'sent', 'failed'] as const;
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const R = '\uFFFD';

let tmpRoot: string;
let sink: SmtpSink;

beforeAll(async () => {
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'email-spoofing-'));
  sink = await startSmtpSink();
});

afterAll(async () => {
  await sink.close();
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

function storedFiles(storeDir: string): string[] {
  return FOLDERS.flatMap((folder) =>
    fs.readdirSync(path.join(storeDir, folder)).map((name) => `${folder}/${name}`),
  ).sort();
}

function structured<T>(result: CallToolResult): T {
  expect(result.isError, resultText(result)).toBeFalsy();
  return result.structuredContent as T;
}

/**
 * Decodes UTF-8 encoded-words the way a mail reader does. Written here, apart from the server's decoder, so the
 * test does not grade the server with its own code.
 */
function readAsMailClient(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?([BQ])\?([^?]*)\?=/gi, (_word, encoding: string, text: string) => {
      if (encoding.toUpperCase() === 'B') return Buffer.from(text, 'base64').toString('utf8');
      const bytes: number[] = [];
      for (let i = 0; i < text.length; i++) {
        if (text[i] === '=') {
          bytes.push(parseInt(text.slice(i + 1, i + 3), 16));
          i += 2;
        } else {
          bytes.push(text[i] === '_' ? 0x20 : text.charCodeAt(i));
        }
      }
      return Buffer.from(bytes).toString('utf8');
    });
}

describe('send_email refuses every spoof, and nothing is stored or delivered', () => {
  let storeDir: string;
  let server: StdioServer;

  beforeAll(async () => {
    storeDir = fs.mkdtempSync(path.join(tmpRoot, 'store-'));
    server = await startStdioServer(SERVER, {
      EMAIL_STORE: storeDir,
      SMTP_URL: sink.url,
      EMAIL_ALLOWED_DOMAINS: 'allowed.com',
    });
  });

  afterAll(async () => {
    await server.close();
  });

  beforeEach(() => {
    sink.received.length = 0;
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'a B-encoded @ in a name',
      { to: '=?UTF-8?B?Y2VvQGJhbmsuZXhhbXBsZQ==?= <ok@allowed.com>' },
      'to: the display name, once decoded, must not contain <, >, @',
    ],
    [
      'a Q-encoded @ in a cc name',
      { cc: ['ok@allowed.com', '=?UTF-8?Q?ceo=40bank.example?= <ok@allowed.com>'] },
      'cc[1]: the display name, once decoded, must not contain',
    ],
    [
      'a Q-encoded CR LF in the subject',
      { subject: '=?UTF-8?Q?Hi=0D=0ABcc:_victim@example.com?=' },
      'subject: once decoded, must not contain CR or LF',
    ],
    [
      'a fullwidth @ in a name',
      { to: 'ceo＠bank.example <ok@allowed.com>' },
      'to: must not contain look-alikes of @, < or >',
    ],
    ['NEL in a name', { to: 'Eve\u0085 <ok@allowed.com>' }, 'to: must not contain control characters (found U+0085'],
    ['CSI in the subject', { subject: 'Hi\u009B2J' }, 'subject: must not contain control characters (found U+009B'],
    [
      'RLO in reply_to',
      { reply_to: 'Bob \u202Egnp.exe <r@elsewhere.example>' },
      'reply_to: must not contain bidirectional',
    ],
    ['a zero-width space in bcc', { bcc: 'ok@allowed.com\u200B' }, 'bcc: must not contain invisible characters'],
    ['the percent hack', { to: 'a%evil.com@allowed.com' }, 'to: expected an address without %'],
    ['a bang path', { to: 'evil.com!a@allowed.com' }, 'to: expected an address without !'],
    ['a source route', { to: '<@evil.com,@relay.example:ok@allowed.com>' }, 'to: expected a plain address without'],
    ['a quoted local part', { to: '"evil@evil.com"@allowed.com' }, 'to: expected an address without a quoted'],
    ['UTF-7', { to: '=?UTF-7?Q?ceo+AEA-bank?= <ok@allowed.com>' }, 'to: the display name contains an encoded-word'],
    [
      'a word inside a word',
      { subject: `=?UTF-8?B?${b64('=?UTF-8?Q?Hi=0D=0A?=')}?=` },
      'subject: contains an encoded-word that decodes to text holding another encoded-word',
    ],
  ])('refuses %s', async (_attack, change, problem) => {
    const result = await server.callTool('send_email', { to: 'ok@allowed.com', subject: 'Hi', body: 'b', ...change });
    expect(result.isError, resultText(result)).toBe(true);
    expect(resultText(result)).toContain(problem);
    expect(storedFiles(storeDir)).toEqual([]);
    expect(sink.received).toEqual([]);
  });

  it('stays up and sends a legitimate message after all of them', async () => {
    const sent = structured<{ status: string }>(
      await server.callTool('send_email', { to: 'ok@allowed.com', subject: 'Hi', body: 'b' }),
    );
    expect(sent.status).toBe('sent');
    expect(sink.received).toHaveLength(1);
    expect(storedFiles(storeDir)).toHaveLength(1);
  });
});

describe('international names and subjects', () => {
  let storeDir: string;
  const servers: StdioServer[] = [];

  beforeEach(() => {
    storeDir = fs.mkdtempSync(path.join(tmpRoot, 'store-'));
    sink.received.length = 0;
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('delivers encoded-word names decoded and re-encoded, and list_emails and read_email show them decoded', async () => {
    const server = await startStdioServer(SERVER, {
      EMAIL_STORE: storeDir,
      SMTP_URL: sink.url,
      EMAIL_ALLOWED_DOMAINS: 'allowed.com',
      EMAIL_FROM: '=?ISO-8859-1?Q?B=FCro_M=FCller?= <buero@allowed.com>',
    });
    servers.push(server);
    const sent = structured<{ message_id: string; status: string }>(
      await server.callTool('send_email', {
        to: ['=?UTF-8?B?Sm9zw6kgTcO8bGxlcg==?= <jose@allowed.com>', '"Liddell, Alice" <alice@allowed.com>'],
        cc: '=?UTF-8?Q?Zo=C3=AB_=C3=85ngstr=C3=B6m?= <zoe@allowed.com>',
        subject: '=?UTF-8?Q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?= @ 3pm',
        body: 'Hallo',
      }),
    );
    expect(sent.status).toBe('sent');

    const mail = sink.received[0]!;
    expect(mail.recipients).toEqual(['jose@allowed.com', 'alice@allowed.com', 'zoe@allowed.com']);
    const headers = parseReceivedHeaders(mail.raw);
    // The message on the wire carries our own encoding of the decoded names, not the words the caller passed.
    expect(headers.get('to')).not.toContain('Sm9zw6kgTcO8bGxlcg==');
    expect(readAsMailClient(headers.get('to')!)).toBe(
      'José Müller <jose@allowed.com>, "Liddell, Alice" <alice@allowed.com>',
    );
    expect(readAsMailClient(headers.get('cc')!)).toBe('Zoë Ångström <zoe@allowed.com>');
    expect(readAsMailClient(headers.get('from')!)).toBe('Büro Müller <buero@allowed.com>');
    expect(readAsMailClient(headers.get('subject')!)).toBe('Grüße aus Köln @ 3pm');

    const listed = structured<{ emails: Array<Record<string, unknown>> }>(await server.callTool('list_emails', {}));
    expect(listed.emails).toEqual([
      expect.objectContaining({
        id: sent.message_id,
        from: 'Büro Müller <buero@allowed.com>',
        to: ['José Müller <jose@allowed.com>', '"Liddell, Alice" <alice@allowed.com>'],
        subject: 'Grüße aus Köln @ 3pm',
      }),
    ]);
    const read = structured<Record<string, unknown>>(await server.callTool('read_email', { id: sent.message_id }));
    expect(read).toMatchObject({ cc: ['Zoë Ångström <zoe@allowed.com>'], subject: 'Grüße aus Köln @ 3pm' });
  });
});

describe('mail already in the store', () => {
  let storeDir: string;
  const servers: StdioServer[] = [];
  const SPOOF_ID = '1718000000001-00000000000000aa';
  const QUEUED_ID = '1718000000002-00000000000000bb';

  /** A message as an older version (or another program) might have left it, with every spoof in its headers. */
  function hostileMessage(id: string, to: string): string {
    return [
      'From: =?UTF-8?B?Y2VvQGJhbmsuZXhhbXBsZQ==?= <robot@allowed.com>',
      `To: ${to}, =?UTF-8?B?${b64('Bob \u202Egnp.exe')}?= <bob@allowed.com>`,
      'Cc: "ceo@bank.example" <evil@evil.example>',
      'Reply-To: ceo\u00EF\u00BC\u00A0bank <r@allowed.com>',
      'Subject: =?UTF-8?Q?Hi=0D=0ABcc:_victim@example.com=C2=85?=',
      `Message-ID: <${id}@allowed.com>`,
      'Date: Mon, 10 Jun 2024 06:13:20 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'Body',
      '',
    ].join('\r\n');
  }

  beforeEach(() => {
    storeDir = fs.mkdtempSync(path.join(tmpRoot, 'store-'));
    sink.received.length = 0;
    for (const folder of FOLDERS) fs.mkdirSync(path.join(storeDir, folder), { recursive: true });
    // Reply-To holds raw UTF-8 bytes (RFC 6532): a fullwidth @ written byte for byte.
    fs.writeFileSync(
      path.join(storeDir, 'sent', `${SPOOF_ID}.eml`),
      hostileMessage(SPOOF_ID, 'a%evil.com@allowed.com'),
      'latin1',
    );
    fs.writeFileSync(
      path.join(storeDir, 'outbox', `${QUEUED_ID}.eml`),
      hostileMessage(QUEUED_ID, 'ok@allowed.com'),
      'latin1',
    );
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('is shown with every refused character replaced, so nothing shown is something send_email would refuse', async () => {
    const server = await startStdioServer(SERVER, { EMAIL_STORE: storeDir });
    servers.push(server);
    const read = structured<Record<string, unknown> & { headers: Array<{ value: string }> }>(
      await server.callTool('read_email', { id: SPOOF_ID }),
    );
    expect(read).toMatchObject({
      from: `ceo${R}bank.example <robot@allowed.com>`,
      to: [`a${R}evil.com@allowed.com`, `Bob ${R}gnp.exe <bob@allowed.com>`],
      cc: [`ceo${R}bank.example <evil@evil.example>`],
      reply_to: `ceo${R}bank <r@allowed.com>`,
      subject: `Hi${R}${R}Bcc: victim@example.com${R}`,
    });
    const listed = structured<{ emails: Array<{ from: string; to: string[]; subject: string }> }>(
      await server.callTool('list_emails', {}),
    );
    const folder = await server.connection.request('resources/read', { uri: 'email://sent' });
    const resourceSummaries = JSON.parse((folder.contents[0] as { text: string }).text).messages;
    for (const summary of [...listed.emails, ...resourceSummaries, read]) {
      const { from, to, subject } = summary as { from: string; to: string[]; subject: string };
      expect(parseSubject(subject), subject).toEqual({ subject });
      for (const shown of [from, ...to]) {
        const parsed = parseMailbox(shown);
        // Accepted as shown, or visibly broken (the refused address carries U+FFFD) so it cannot be sent.
        if ('problem' in parsed) expect(shown).toContain(R);
      }
    }
    // The raw header values keep their encoded-words, but lose the controls a terminal would act on.
    expect(read.headers.map((header) => header.value).join('\n')).not.toMatch(/[\u0080-\u009f\u202e]/);
  });

  it('is not delivered when it fails the checks: it goes to failed/ with the reasons', async () => {
    const server = await startStdioServer(SERVER, {
      EMAIL_STORE: storeDir,
      SMTP_URL: sink.url,
      EMAIL_ALLOWED_DOMAINS: 'allowed.com',
    });
    servers.push(server);
    await expect
      .poll(() => fs.readdirSync(path.join(storeDir, 'failed')), { timeout: 10_000 })
      .toEqual([`${QUEUED_ID}.eml`]);
    const read = structured<{ status: string; last_error: { message: string; code: string } }>(
      await server.callTool('read_email', { id: QUEUED_ID }),
    );
    expect(read.status).toBe('failed');
    expect(read.last_error.code).toBe('ECHECKS');
    expect(read.last_error.message).toMatch(/^Not sent: the stored message fails the checks of send_email: From: /);
    for (const field of ['To: ', 'Cc: ', 'Reply-To: ', 'Subject: ']) expect(read.last_error.message).toContain(field);

    const retried = structured<{ retried: Array<{ status: string; error: string }> }>(
      await server.callTool('retry_failed', { id: QUEUED_ID }),
    );
    expect(retried.retried).toEqual([
      { message_id: QUEUED_ID, status: 'failed', error: expect.stringMatching(/^Not sent/) },
    ]);
    expect(sink.received).toEqual([]);
  });
});
