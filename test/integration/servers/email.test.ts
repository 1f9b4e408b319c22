/**
 * The email server as a real process, delivering to a real SMTP server on loopback, with its store in a temporary
 * directory that the tests inspect directly.
 */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { CallToolResult } from '../../../src/protocol/types.js';
import { parseReceivedHeaders, startSmtpSink } from '../../fixtures/email/smtp-sink.js';
import type { SmtpSink } from '../../fixtures/email/smtp-sink.js';
import { REPO_ROOT, resultText, startStdioServer } from '../../helpers/stdio-server.js';
import type { StdioServer } from '../../helpers/stdio-server.js';

const SERVER = 'dist/servers/email/index.js';

let tmpRoot: string;
let storeDir: string;
let sink: SmtpSink;
const servers: StdioServer[] = [];

beforeAll(async () => {
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'email-server-'));
  sink = await startSmtpSink();
});

afterAll(async () => {
  await sink.close();
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

beforeEach(() => {
  storeDir = fs.mkdtempSync(path.join(tmpRoot, 'store-'));
  sink.received.length = 0;
  sink.rejectRecipients(undefined);
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function startEmail(env: Record<string, string> = {}): Promise<StdioServer> {
  const server = await startStdioServer(SERVER, { EMAIL_STORE: storeDir, ...env });
  servers.push(server);
  return server;
}

const withSmtp = () => startEmail({ SMTP_URL: sink.url });

/** The structured result of a call that must succeed. */
function structured<T = Record<string, unknown>>(result: CallToolResult): T {
  expect(result.isError, resultText(result)).toBeFalsy();
  return result.structuredContent as T;
}

/** The error text of a call that must fail. */
function errorText(result: CallToolResult): string {
  expect(result.isError, `expected an error, got ${resultText(result)}`).toBe(true);
  return resultText(result);
}

interface Sent {
  message_id: string;
  status: string;
  error?: string;
  rejected_recipients?: string[];
}

function files(folder: string): string[] {
  return fs.readdirSync(path.join(storeDir, folder)).sort();
}

describe('tools/list', () => {
  it('describes every tool with field descriptions, strict input, an output schema and honest annotations', async () => {
    const server = await startEmail();
    const { tools } = await server.connection.request('tools/list', {});
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect([...byName.keys()].sort()).toEqual(['list_emails', 'read_email', 'retry_failed', 'send_email']);
    for (const tool of tools) {
      expect(tool.description?.length).toBeGreaterThan(40);
      expect(tool.inputSchema.additionalProperties).toBe(false);
      expect(tool.outputSchema?.type).toBe('object');
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${field}`).toBeTruthy();
      }
    }
    expect(byName.get('send_email')?.annotations).toEqual({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: true,
    });
    expect(byName.get('retry_failed')?.annotations).toMatchObject({ readOnlyHint: false, openWorldHint: true });
    expect(byName.get('list_emails')?.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
    expect(byName.get('read_email')?.annotations).toMatchObject({ readOnlyHint: true, openWorldHint: false });
    expect(byName.get('send_email')?.inputSchema.required).toEqual(['to', 'subject', 'body']);
  });
});

describe('send_email over SMTP', () => {
  it('delivers the message with its headers and body, and Bcc only in the envelope', async () => {
    const server = await withSmtp();
    const sent = structured<Sent>(
      await server.callTool('send_email', {
        to: ['Alice Liddell <alice@example.com>', 'bob@example.com'],
        cc: 'carol@example.com',
        bcc: ['dave@example.com'],
        reply_to: 'desk@example.com',
        subject: 'Status update',
        body: 'Hello team,\nall systems go.',
      }),
    );
    expect(sent).toEqual({ message_id: expect.stringMatching(/^\d{13}-[0-9a-f]{16}$/), status: 'sent' });
    expect(sink.received).toHaveLength(1);
    const mail = sink.received[0]!;
    expect(mail.from).toBe('mcp-host@localhost');
    expect(mail.recipients).toEqual(['alice@example.com', 'bob@example.com', 'carol@example.com', 'dave@example.com']);
    const headers = parseReceivedHeaders(mail.raw);
    expect(headers.get('from')).toBe('mcp-host@localhost');
    expect(headers.get('to')).toBe('Alice Liddell <alice@example.com>, bob@example.com');
    expect(headers.get('cc')).toBe('carol@example.com');
    expect(headers.get('reply-to')).toBe('desk@example.com');
    expect(headers.get('subject')).toBe('Status update');
    expect(headers.get('message-id')).toBe(`<${sent.message_id}@localhost>`);
    expect(headers.has('bcc')).toBe(false);
    expect(mail.raw).not.toContain('dave@example.com');
    expect(mail.raw.slice(mail.raw.indexOf('\r\n\r\n') + 4)).toBe('Hello team,\r\nall systems go.\r\n');

    expect(files('sent')).toEqual([`${sent.message_id}.eml`]);
    expect(files('outbox')).toEqual([]);
    // The stored copy is the sender's: it keeps the Bcc header.
    expect(fs.readFileSync(path.join(storeDir, 'sent', `${sent.message_id}.eml`), 'utf8')).toContain(
      '\r\nBcc: dave@example.com\r\n',
    );
  });

  it('uses EMAIL_FROM as the sender, in the header and the envelope', async () => {
    const server = await startEmail({ SMTP_URL: sink.url, EMAIL_FROM: 'Build Robot <robot@example.org>' });
    const sent = structured<Sent>(
      await server.callTool('send_email', { to: 'a@example.com', subject: 's', body: 'b' }),
    );
    const mail = sink.received[0]!;
    expect(mail.from).toBe('robot@example.org');
    expect(parseReceivedHeaders(mail.raw).get('from')).toBe('Build Robot <robot@example.org>');
    expect(parseReceivedHeaders(mail.raw).get('message-id')).toBe(`<${sent.message_id}@example.org>`);
  });

  it('sends text and HTML as alternatives, and read_email gives both back with non-ASCII intact', async () => {
    const server = await withSmtp();
    const sent = structured<Sent>(
      await server.callTool('send_email', {
        to: 'Zoë Ångström <zoe@example.com>',
        subject: 'Grüße aus Köln',
        body: 'Hallo Zoë,\nbis bald.',
        html: '<p>Hallo <b>Zoë</b>, bis bald.</p>',
      }),
    );
    const raw = sink.received[0]!.raw;
    expect(parseReceivedHeaders(raw).get('content-type')).toMatch(/^multipart\/alternative;/);
    expect(parseReceivedHeaders(raw).get('subject')).toMatch(/^=\?UTF-8\?/);
    const read = structured<Record<string, unknown>>(await server.callTool('read_email', { id: sent.message_id }));
    expect(read).toMatchObject({
      id: sent.message_id,
      folder: 'sent',
      status: 'sent',
      from: 'mcp-host@localhost',
      to: ['Zoë Ångström <zoe@example.com>'],
      subject: 'Grüße aus Köln',
      text: 'Hallo Zoë,\nbis bald.',
      html: '<p>Hallo <b>Zoë</b>, bis bald.</p>',
      last_error: null,
      message_id: `<${sent.message_id}@localhost>`,
    });
  });

  it('logs in with the credentials of SMTP_URL and never shows the password', async () => {
    const authSink = await startSmtpSink({ auth: { user: 'mailer', pass: 'S3cret-Pass' } });
    try {
      const good = await startEmail({ SMTP_URL: authSink.url });
      expect(
        structured<Sent>(await good.callTool('send_email', { to: 'a@example.com', subject: 's', body: 'b' })).status,
      ).toBe('sent');
      expect(authSink.received).toHaveLength(1);

      const bad = await startEmail({ SMTP_URL: authSink.url.replace('S3cret-Pass', 'Wr0ng-Pass') });
      const failed = structured<Sent>(
        await bad.callTool('send_email', { to: 'a@example.com', subject: 's', body: 'b' }),
      );
      expect(failed.status).toBe('failed');
      expect(failed.error).toMatch(/EAUTH/);
      const read = await bad.callTool('read_email', { id: failed.message_id });
      const everything = [resultText(read), failed.error, good.stderr(), bad.stderr()].join('\n');
      expect(good.stderr()).toContain('smtp://mailer:***@127.0.0.1');
      expect(everything).not.toContain('S3cret-Pass');
      expect(everything).not.toContain('Wr0ng-Pass');
      for (const name of files('errors')) {
        expect(fs.readFileSync(path.join(storeDir, 'errors', name), 'utf8')).not.toContain('Wr0ng-Pass');
      }
    } finally {
      await Promise.all(servers.splice(0).map((server) => server.close()));
      await authSink.close();
    }
  });
});

describe('without SMTP_URL', () => {
  it('keeps the message queued in outbox/', async () => {
    const server = await startEmail();
    const sent = structured<Sent>(
      await server.callTool('send_email', { to: 'a@example.com', subject: 's', body: 'b' }),
    );
    expect(sent).toEqual({ message_id: sent.message_id, status: 'queued' });
    expect(files('outbox')).toEqual([`${sent.message_id}.eml`]);
    expect(files('tmp')).toEqual([]);
    const listed = structured<{ emails: Array<{ id: string; status: string }> }>(
      await server.callTool('list_emails', { folder: 'outbox' }),
    );
    expect(listed.emails.map(({ id, status }) => ({ id, status }))).toEqual([
      { id: sent.message_id, status: 'queued' },
    ]);
  });

  it('delivers the queued messages at the next start with SMTP configured', async () => {
    const offline = await startEmail();
    const queued = [];
    for (const subject of ['first', 'second']) {
      queued.push(
        structured<Sent>(await offline.callTool('send_email', { to: 'a@example.com', subject, body: 'b' })).message_id,
      );
    }
    await offline.close();

    await withSmtp();
    await sink.waitForMessages(2);
    // Each is moved to sent/ just after the sink has it; the limit only fails a server that never moves them.
    await expect.poll(() => files('sent'), { timeout: 20_000 }).toEqual(queued.map((id) => `${id}.eml`).sort());
    expect(files('outbox')).toEqual([]);
    expect(sink.received.map((mail) => parseReceivedHeaders(mail.raw).get('subject')).sort()).toEqual([
      'first',
      'second',
    ]);
  });
});

describe('delivery failures', () => {
  it('moves a refused message to failed/ with the SMTP error, and retry_failed sends it once fixed', async () => {
    const server = await withSmtp();
    sink.rejectRecipients((address) => (address === 'alice@example.com' ? 'No such user here' : undefined));
    const failed = structured<Sent>(
      await server.callTool('send_email', { to: 'alice@example.com', subject: 'Hi', body: 'b' }),
    );
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^SMTP delivery failed \(EENVELOPE\): .*550 No such user here/);
    expect(files('failed')).toEqual([`${failed.message_id}.eml`]);

    const read = structured<{ status: string; last_error: Record<string, unknown> }>(
      await server.callTool('read_email', { id: failed.message_id }),
    );
    expect(read.status).toBe('failed');
    expect(read.last_error).toMatchObject({ code: 'EENVELOPE', message: expect.stringContaining('No such user') });

    sink.rejectRecipients(undefined);
    const retried = structured<{ retried: Sent[] }>(await server.callTool('retry_failed', { id: failed.message_id }));
    expect(retried).toEqual({ retried: [{ message_id: failed.message_id, status: 'sent' }] });
    expect(sink.received).toHaveLength(1);
    expect(files('sent')).toEqual([`${failed.message_id}.eml`]);
    expect(files('failed')).toEqual([]);
    expect(files('errors')).toEqual([]);
    const after = structured<{ last_error: unknown }>(await server.callTool('read_email', { id: failed.message_id }));
    expect(after.last_error).toBeNull();
  });

  it('retries every failed message when no id is given', async () => {
    const server = await withSmtp();
    sink.rejectRecipients(() => 'Mailbox full');
    const ids = [];
    for (const to of ['a@example.com', 'b@example.com', 'c@example.com']) {
      ids.push(structured<Sent>(await server.callTool('send_email', { to, subject: 's', body: 'b' })).message_id);
    }
    expect(files('failed')).toHaveLength(3);
    sink.rejectRecipients(undefined);
    const { retried } = structured<{ retried: Sent[] }>(await server.callTool('retry_failed', {}));
    expect(retried.map((each) => each.status)).toEqual(['sent', 'sent', 'sent']);
    expect(retried.map((each) => each.message_id).sort()).toEqual([...ids].sort());
    expect(sink.received.map((mail) => mail.recipients[0]).sort()).toEqual([
      'a@example.com',
      'b@example.com',
      'c@example.com',
    ]);
    expect(structured<{ retried: Sent[] }>(await server.callTool('retry_failed', {}))).toEqual({ retried: [] });
  });

  it('refuses to retry a message that is not failed', async () => {
    const server = await withSmtp();
    const sent = structured<Sent>(
      await server.callTool('send_email', { to: 'a@example.com', subject: 's', body: 'b' }),
    );
    expect(errorText(await server.callTool('retry_failed', { id: sent.message_id }))).toBe(
      `id: message "${sent.message_id}" is sent (in sent/); only failed messages can be retried`,
    );
    expect(errorText(await server.callTool('retry_failed', { id: '1718000000000-0123456789abcdef' }))).toBe(
      'id: no message "1718000000000-0123456789abcdef" in the store',
    );
    expect(sink.received).toHaveLength(1);
  });

  it('counts a message as sent when the server refuses only some recipients, naming them', async () => {
    const server = await withSmtp();
    sink.rejectRecipients((address) => (address === 'gone@example.com' ? 'User unknown' : undefined));
    const sent = structured<Sent>(
      await server.callTool('send_email', { to: ['here@example.com', 'gone@example.com'], subject: 's', body: 'b' }),
    );
    expect(sent).toMatchObject({ status: 'sent', rejected_recipients: ['gone@example.com'] });
    expect(sent.error).toContain('refused 1 of 2 recipients: gone@example.com');
    expect(sink.received[0]?.recipients).toEqual(['here@example.com']);
    const read = structured<{ last_error: { message: string } }>(
      await server.callTool('read_email', { id: sent.message_id }),
    );
    expect(read.last_error.message).toContain('gone@example.com');
  });

  it('fails with the connection error when no SMTP server listens', async () => {
    const closedPort = await unusedPort();
    const server = await startEmail({ SMTP_URL: `smtp://127.0.0.1:${closedPort}` });
    const failed = structured<Sent>(
      await server.callTool('send_email', { to: 'a@example.com', subject: 's', body: 'b' }),
    );
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/ECONNECTION|ECONNREFUSED/);
    expect(files('failed')).toEqual([`${failed.message_id}.eml`]);
  });
});

describe('input checks', () => {
  it.each([
    [{ subject: 'Hi\r\nBcc: victim@example.com' }, 'subject: must not contain CR or LF'],
    [{ subject: 'Hi\nthere' }, 'subject: must not contain CR or LF'],
    [{ to: 'Eve\r\nBcc: victim@example.com <eve@example.com>' }, 'to: must not contain CR or LF'],
    [{ to: ['ok@example.com', 'eve@example.com\nBcc: victim@example.com'] }, 'to[1]: must not contain CR or LF'],
    [{ cc: 'Eve <eve@example.com>\r\n' }, 'cc: must not contain CR or LF'],
    [{ reply_to: 'eve@example.com\r\nX-Evil: 1' }, 'reply_to: must not contain CR or LF'],
    [{ to: ['a@example.com', 'b@example.com', 'not-an-address'] }, 'to[2]: expected an email address'],
    [{ to: '"boss@example.com" <eve@evil.example>' }, 'to: the display name must not contain'],
    [{ to: 'a@example.com, b@example.com' }, 'to: expected one address per entry'],
    [{ to: 42 }, 'to: expected an email address or a list of 1 to 50 email addresses'],
    [{ subject: 7 }, 'subject: Invalid input: expected string, received number'],
    [{ attachments: [] }, 'Unrecognized key: "attachments"'],
  ])('refuses %j, naming the field', async (change, problem) => {
    const server = await withSmtp();
    const text = errorText(
      await server.callTool('send_email', { to: 'a@example.com', subject: 'Hi', body: 'b', ...change }),
    );
    expect(text).toContain(problem);
    expect(files('outbox')).toEqual([]);
    expect(sink.received).toHaveLength(0);
  });

  it('stays up after refusing input', async () => {
    const server = await withSmtp();
    errorText(await server.callTool('send_email', { to: 'x', subject: 'a\r\nb', body: '' }));
    const sent = structured<Sent>(
      await server.callTool('send_email', { to: 'a@example.com', subject: 's', body: 'b' }),
    );
    expect(sent.status).toBe('sent');
  });

  it('refuses more than 50 recipients in total', async () => {
    const server = await withSmtp();
    const many = (count: number, prefix: string) =>
      Array.from({ length: count }, (_, i) => `${prefix}${i}@example.com`);
    expect(
      errorText(
        await server.callTool('send_email', {
          to: many(25, 't'),
          cc: many(20, 'c'),
          bcc: many(6, 'b'),
          subject: 's',
          body: 'b',
        }),
      ),
    ).toContain('to, cc, bcc: expected at most 50 recipients in total, got 51');
    const sent = structured<Sent>(
      await server.callTool('send_email', {
        to: many(25, 't'),
        cc: many(20, 'c'),
        bcc: many(5, 'b'),
        subject: 's',
        body: 'b',
      }),
    );
    expect(sent.status).toBe('sent');
    expect(sink.received[0]?.recipients).toHaveLength(50);
  });

  it('restricts recipients to EMAIL_ALLOWED_DOMAINS, naming the offending address', async () => {
    const server = await startEmail({ SMTP_URL: sink.url, EMAIL_ALLOWED_DOMAINS: 'example.com,Example.ORG' });
    expect(
      errorText(
        await server.callTool('send_email', {
          to: 'a@example.com',
          bcc: ['b@example.org', 'leak@evil.example'],
          subject: 's',
          body: 'b',
        }),
      ),
    ).toBe('bcc[1]: "leak@evil.example" is not in an allowed domain (EMAIL_ALLOWED_DOMAINS: example.com, example.org)');
    expect(
      errorText(await server.callTool('send_email', { to: 'x@mail.example.com', subject: 's', body: 'b' })),
    ).toContain('to: "x@mail.example.com" is not in an allowed domain');
    const sent = structured<Sent>(
      await server.callTool('send_email', { to: ['A@EXAMPLE.COM', 'b@example.org'], subject: 's', body: 'b' }),
    );
    expect(sent.status).toBe('sent');
  });

  it('refuses a body larger than EMAIL_MAX_BYTES', async () => {
    const server = await startEmail({ SMTP_URL: sink.url, EMAIL_MAX_BYTES: '100' });
    expect(
      errorText(
        await server.callTool('send_email', {
          to: 'a@example.com',
          subject: 's',
          body: 'x'.repeat(60),
          html: 'y'.repeat(41),
        }),
      ),
    ).toBe('body, html: expected at most 100 bytes (EMAIL_MAX_BYTES), got 101');
    expect(
      structured<Sent>(
        await server.callTool('send_email', { to: 'a@example.com', subject: 's', body: 'x'.repeat(100) }),
      ).status,
    ).toBe('sent');
  });
});

describe('read_email', () => {
  it.each([
    ['../../etc/passwd'],
    ['..%2F..%2Fetc%2Fpasswd'],
    ['1718000000000-0123456789abcdef/../../x'],
    ['/etc/passwd'],
    [''],
  ])('refuses the id %j without touching the file system', async (id) => {
    const server = await startEmail();
    expect(errorText(await server.callTool('read_email', { id }))).toContain(
      'id: expected a message id like "1718000000000-0123456789abcdef"',
    );
  });

  it('reports an unknown id', async () => {
    const server = await startEmail();
    expect(errorText(await server.callTool('read_email', { id: '1718000000000-0123456789abcdef' }))).toBe(
      'id: no message "1718000000000-0123456789abcdef" in the store',
    );
  });
});

describe('list_emails', () => {
  it('pages through all messages newest first, across folders, without repeats', async () => {
    const server = await withSmtp();
    sink.rejectRecipients((address) => (address.startsWith('fail') ? 'Refused' : undefined));
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const to = i % 3 === 0 ? `fail${i}@example.com` : `ok${i}@example.com`;
      ids.push(structured<Sent>(await server.callTool('send_email', { to, subject: `n${i}`, body: 'b' })).message_id);
    }
    const seen: Array<{ id: string; status: string; subject: string }> = [];
    const pageSizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = structured<{ emails: typeof seen; next_cursor: string | null }>(
        await server.callTool('list_emails', { limit: 3, ...(cursor && { cursor }) }),
      );
      pageSizes.push(page.emails.length);
      seen.push(...page.emails);
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    expect(pageSizes).toEqual([3, 3, 1]);
    expect(seen.map((email) => email.id)).toEqual([...ids].reverse());
    expect(seen.map((email) => email.subject)).toEqual(['n6', 'n5', 'n4', 'n3', 'n2', 'n1', 'n0']);
    expect(seen.map((email) => email.status)).toEqual(['failed', 'sent', 'sent', 'failed', 'sent', 'sent', 'failed']);

    const failedOnly = structured<{ emails: typeof seen; next_cursor: string | null }>(
      await server.callTool('list_emails', { folder: 'failed' }),
    );
    expect(failedOnly.emails.map((email) => email.subject)).toEqual(['n6', 'n3', 'n0']);
    expect(failedOnly.next_cursor).toBeNull();
  });

  it('refuses a forged cursor and an out-of-range limit, naming them', async () => {
    const server = await startEmail();
    expect(errorText(await server.callTool('list_emails', { cursor: 'bm9wZQ' }))).toBe(
      'cursor: expected the next_cursor of a previous list_emails call, got "bm9wZQ"',
    );
    expect(errorText(await server.callTool('list_emails', { limit: 101 }))).toContain('limit: Too big');
    expect(errorText(await server.callTool('list_emails', { folder: 'trash' }))).toContain('folder: ');
  });
});

describe('resources', () => {
  it('lists the folders as JSON and serves a raw message as message/rfc822', async () => {
    const server = await withSmtp();
    const sent = structured<Sent>(
      await server.callTool('send_email', { to: 'a@example.com', subject: 'Raw', body: 'b' }),
    );
    const { resources } = await server.connection.request('resources/list', {});
    expect(resources.map((resource) => resource.uri).sort()).toEqual([
      'email://failed',
      'email://outbox',
      'email://sent',
    ]);
    const { resourceTemplates } = await server.connection.request('resources/templates/list', {});
    expect(resourceTemplates).toEqual([
      expect.objectContaining({ uriTemplate: 'email://messages/{id}', mimeType: 'message/rfc822' }),
    ]);

    const sentFolder = await server.connection.request('resources/read', { uri: 'email://sent' });
    const listing = JSON.parse((sentFolder.contents[0] as { text: string }).text);
    expect(listing).toMatchObject({ folder: 'sent', total: 1, messages: [{ id: sent.message_id, subject: 'Raw' }] });
    const outbox = await server.connection.request('resources/read', { uri: 'email://outbox' });
    expect(JSON.parse((outbox.contents[0] as { text: string }).text)).toMatchObject({ total: 0, messages: [] });

    const raw = await server.connection.request('resources/read', { uri: `email://messages/${sent.message_id}` });
    expect(raw.contents[0]).toMatchObject({ mimeType: 'message/rfc822' });
    expect((raw.contents[0] as { text: string }).text).toBe(
      fs.readFileSync(path.join(storeDir, 'sent', `${sent.message_id}.eml`), 'utf8'),
    );
  });

  it('answers a bad or unknown message id with an error, not a file', async () => {
    const server = await startEmail();
    await expect(
      server.connection.request('resources/read', { uri: 'email://messages/..%2F..%2Fetc%2Fpasswd' }),
    ).rejects.toMatchObject({ code: -32602, message: expect.stringContaining('id: expected a message id') });
    await expect(
      server.connection.request('resources/read', { uri: 'email://messages/1718000000000-0123456789abcdef' }),
    ).rejects.toMatchObject({ code: -32002 });
  });
});

describe('configuration errors', () => {
  it('stops at start with exit code 2, naming the variable and hiding the password', async () => {
    const child = spawn(process.execPath, [path.resolve(REPO_ROOT, SERVER)], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: tmpRoot,
        EMAIL_STORE: storeDir,
        SMTP_URL: 'http://user:hunter2@mail.example.com',
        EMAIL_MAX_BYTES: 'lots',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    let stdout = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    const [exitCode] = (await once(child, 'exit')) as [number | null];
    expect(exitCode).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('SMTP_URL: expected smtp://');
    expect(stderr).toContain('EMAIL_MAX_BYTES: expected a whole number');
    expect(stderr).not.toContain('hunter2');
  });
});

/** A loopback port with nothing listening on it. */
async function unusedPort(): Promise<number> {
  const probe = net.createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
