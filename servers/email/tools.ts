/**
 * The email server's tools and resources: send, list, read and retry messages, and read folders and raw messages
 * as resources. Every check that can fail names the field and what was expected.
 */

import * as z from 'zod';
import { describeValue, JSONRPC_ERROR, MCP_ERROR, ToolError, WireError } from '../../src/server/index.js';
import type { McpServer } from '../../src/server/index.js';
import { composeMessage } from './compose.js';
import type { EmailConfig } from './config.js';
import { redactSecrets } from './config.js';
import type { Delivery, DeliveryResult } from './delivery.js';
import { isMessageId, newMessageId, STATUS_OF_FOLDER } from './store.js';
import type { Folder, MaildirStore } from './store.js';
import { checkSendRequest, MAX_RECIPIENTS, MAX_SUBJECT_CHARS, quote, ValidationError } from './validate.js';
import { describeMessage, summarize } from './views.js';

/** Page size of `list_emails` unless the caller asks otherwise. */
export const DEFAULT_LIST_LIMIT = 20;
const MAX_LIST_LIMIT = 100;
/** Messages shown by the folder resources (newest first); `list_emails` pages through the rest. */
const MAX_RESOURCE_MESSAGES = 100;
const CURSOR_PREFIX = 'before:';
const ID_EXAMPLE = '1718000000000-0123456789abcdef';

export interface EmailDependencies {
  config: EmailConfig;
  store: MaildirStore;
  delivery: Delivery;
}

const recipientsField = (role: string) =>
  z
    .union([z.string(), z.array(z.string()).min(1).max(MAX_RECIPIENTS)], {
      error: `expected an email address or a list of 1 to ${MAX_RECIPIENTS} email addresses`,
    })
    .describe(
      `${role}: one address ("alice@example.com" or "Alice Liddell <alice@example.com>") or a list of them. ` +
        `At most ${MAX_RECIPIENTS} recipients in to, cc and bcc together.`,
    );

const idField = z
  .string()
  .regex(/^\d{13}-[0-9a-f]{16}$/, {
    error: (issue) =>
      `expected a message id like "${ID_EXAMPLE}" (as returned by send_email or list_emails), got ${describeValue(issue.input)}`,
  })
  .describe(`A message id as returned by send_email or list_emails, e.g. "${ID_EXAMPLE}"`);

const statusField = z.enum(['queued', 'sent', 'failed']);
const folderField = z.enum(['outbox', 'sent', 'failed']);

const deliveryOutput = {
  message_id: z
    .string()
    .describe('The id of the stored message, for read_email, retry_failed and email://messages/{id}'),
  status: statusField.describe('queued: waiting in the outbox; sent: accepted by the SMTP server; failed: refused'),
  error: z.string().optional().describe('Why delivery failed, or which recipients the server refused'),
  rejected_recipients: z.array(z.string()).optional().describe('Recipients refused while the others got the message'),
};

const summaryOutput = z.object({
  id: z.string(),
  folder: folderField,
  status: statusField,
  from: z.string(),
  to: z.array(z.string()),
  subject: z.string(),
  date: z.string().describe('ISO 8601'),
});

/** Registers every tool and resource of the email server. */
export function registerEmailTools(server: McpServer, { config, store, delivery }: EmailDependencies): void {
  const policy = { maxBodyBytes: config.maxBodyBytes, allowedDomains: config.allowedDomains };

  server.tool(
    'send_email',
    {
      title: 'Send an email',
      description:
        'Sends a plain-text email (optionally with an HTML version) from the configured sender. The message is ' +
        'stored durably first, then delivered over SMTP; the result says whether it was sent, failed (with the ' +
        'SMTP error; use retry_failed later) or is queued (no SMTP server configured). Each call sends a new ' +
        'message: calling again sends a second copy.',
      input: z.strictObject({
        to: recipientsField('Recipients'),
        subject: z.string().max(MAX_SUBJECT_CHARS).describe('Subject line, a single line of text'),
        body: z.string().describe('The message as plain text'),
        cc: recipientsField('Carbon-copy recipients, visible to everyone').optional(),
        bcc: recipientsField('Blind-copy recipients, not shown in the delivered headers').optional(),
        html: z.string().optional().describe('An HTML version of the body, shown by mail clients that render HTML'),
        reply_to: z.string().optional().describe('One address replies should go to, instead of the sender'),
      }),
      output: z.object(deliveryOutput),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async (args) => {
      let checked;
      try {
        checked = checkSendRequest(args, policy);
      } catch (error) {
        if (error instanceof ValidationError) throw new ToolError(error.message);
        throw error;
      }
      const id = newMessageId();
      await store.add(id, await composeMessage(id, config.from, checked, new Date()));
      // From here on the message is accepted: whatever happens next, the id is what the caller must get back.
      return toDeliveryOutput(id, await deliverAccepted(id));
    },
  );

  server.tool(
    'list_emails',
    {
      title: 'List emails',
      description:
        'Lists stored messages, newest first, with id, folder, status, sender, recipients, subject and date. ' +
        'Without folder it lists all folders (outbox: queued, sent, failed). Pass next_cursor back as cursor ' +
        'for the next page.',
      input: z.strictObject({
        folder: folderField.optional().describe('Only this folder: outbox, sent or failed. Default: all folders'),
        limit: z
          .number()
          .int()
          .min(1)
          .max(MAX_LIST_LIMIT)
          .default(DEFAULT_LIST_LIMIT)
          .describe(`Messages per page, 1 to ${MAX_LIST_LIMIT}`),
        cursor: z.string().optional().describe('next_cursor from the previous page; omit for the first page'),
      }),
      output: z.object({
        emails: z.array(summaryOutput),
        next_cursor: z.string().nullable().describe('Pass as cursor to get the next page; null on the last page'),
      }),
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ folder, limit, cursor }) => {
      const all = await store.list(folder);
      // A keyset cursor (the last id shown): pages stay right while messages arrive or move between folders.
      const before = cursor === undefined ? undefined : decodeCursor(cursor);
      const start = before === undefined ? 0 : indexAfter(all, before);
      const page = all.slice(start, start + limit);
      const last = page[page.length - 1];
      const hasMore = start + limit < all.length;
      return {
        emails: await summarize(store, page),
        next_cursor: hasMore && last ? encodeCursor(last.id) : null,
      };
    },
  );

  server.tool(
    'read_email',
    {
      title: 'Read an email',
      description:
        'Shows one stored message: its headers, plain-text body (and HTML body if any), folder, status and the ' +
        'last delivery error.',
      input: z.strictObject({ id: idField }),
      output: z.object({
        ...summaryOutput.shape,
        message_id: z.string().describe('The Message-ID header'),
        cc: z.array(z.string()),
        bcc: z.array(z.string()),
        reply_to: z.string().nullable(),
        text: z.string(),
        html: z.string().nullable(),
        last_error: z
          .object({ at: z.string(), message: z.string(), code: z.string().nullable(), response: z.string().nullable() })
          .nullable()
          .describe('The last delivery problem, or null'),
        headers: z.array(z.object({ name: z.string(), value: z.string() })).describe('Every header, as stored'),
      }),
      annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ id }) => {
      const details = await describeMessage(store, id);
      if (!details) throw new ToolError(`id: no message ${quote(id)} in the store`);
      return details;
    },
  );

  server.tool(
    'retry_failed',
    {
      title: 'Retry failed emails',
      description:
        'Moves failed messages back to the outbox and tries to deliver them again: the one given by id, or every ' +
        'failed message when id is omitted. Returns the new status of each.',
      input: z.strictObject({ id: idField.optional().describe('The failed message to retry. Default: all failed') }),
      output: z.object({ retried: z.array(z.object(deliveryOutput)) }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    async ({ id }) => {
      let ids: string[];
      if (id === undefined) {
        ids = (await store.list('failed')).map((ref) => ref.id);
      } else {
        const folder = await store.locate(id);
        if (!folder) throw new ToolError(`id: no message ${quote(id)} in the store`);
        if (folder !== 'failed') {
          throw new ToolError(
            `id: message ${quote(id)} is ${STATUS_OF_FOLDER[folder]} (in ${folder}/); only failed messages can be retried`,
          );
        }
        ids = [id];
      }
      // The rename is the claim: if another process moved the message first, it is that process's to deliver.
      const moved: string[] = [];
      for (const each of ids) if (await store.move(each, 'failed', 'outbox')) moved.push(each);
      const results = await Promise.all(moved.map(async (each) => toDeliveryOutput(each, await deliverAccepted(each))));
      return { retried: results };
    },
  );

  for (const folder of ['outbox', 'sent', 'failed'] as const) {
    server.resource(
      {
        uri: `email://${folder}`,
        name: folder,
        title: `${folder[0]!.toUpperCase()}${folder.slice(1)}`,
        description: `The ${MAX_RESOURCE_MESSAGES} newest messages in ${folder}/ (${STATUS_OF_FOLDER[folder]}), as JSON`,
        mimeType: 'application/json',
      },
      async () => ({ text: JSON.stringify(await describeFolder(store, folder), null, 2) }),
    );
  }

  server.resourceTemplate(
    {
      uriTemplate: 'email://messages/{id}',
      name: 'message',
      title: 'Raw message',
      description: 'One stored message as the complete RFC 5322 file (the sender copy: it keeps the Bcc header)',
      mimeType: 'message/rfc822',
      complete: {
        id: async (value) => (await store.list()).map((ref) => ref.id).filter((each) => each.startsWith(value)),
      },
    },
    async (uri, { id = '' }) => {
      if (!isMessageId(id)) {
        throw new WireError(
          JSONRPC_ERROR.INVALID_PARAMS,
          `id: expected a message id like "${ID_EXAMPLE}", got ${describeValue(id)}`,
          { uri },
        );
      }
      const found = await store.read(id);
      if (!found) throw new WireError(MCP_ERROR.RESOURCE_NOT_FOUND, `Resource not found: no message ${id}`, { uri });
      // Stored messages are 7-bit (MailComposer encodes every part), so the text is the exact file.
      return { text: found.raw.toString('utf8') };
    },
  );

  async function deliverAccepted(id: string): Promise<DeliveryResult> {
    try {
      return await delivery.deliver(id);
    } catch (error) {
      // The store failed while recording the outcome (a full disk, say): report where the message is now.
      const folder = await store.locate(id).catch(() => undefined);
      const reason = redactSecrets(error instanceof Error ? error.message : String(error), config.smtp);
      return { status: folder ? STATUS_OF_FOLDER[folder] : 'queued', error: `Delivery attempt broke off: ${reason}` };
    }
  }
}

function toDeliveryOutput(id: string, result: DeliveryResult): z.input<z.ZodObject<typeof deliveryOutput>> {
  return {
    message_id: id,
    status: result.status,
    ...(result.error !== undefined && { error: result.error }),
    ...(result.rejected !== undefined && { rejected_recipients: result.rejected }),
  };
}

async function describeFolder(store: MaildirStore, folder: Folder) {
  const all = await store.list(folder);
  return {
    folder,
    status: STATUS_OF_FOLDER[folder],
    total: all.length,
    messages: await summarize(store, all.slice(0, MAX_RESOURCE_MESSAGES)),
  };
}

function encodeCursor(lastId: string): string {
  return Buffer.from(`${CURSOR_PREFIX}${lastId}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const id = text.startsWith(CURSOR_PREFIX) ? text.slice(CURSOR_PREFIX.length) : '';
  if (!isMessageId(id)) {
    throw new ToolError(`cursor: expected the next_cursor of a previous list_emails call, got ${quote(cursor)}`);
  }
  return id;
}

/** Index of the first message older than `id` in a newest-first list. */
function indexAfter(all: ReadonlyArray<{ id: string }>, id: string): number {
  const index = all.findIndex((ref) => ref.id < id);
  return index === -1 ? all.length : index;
}
