/**
 * What the tools and resources show of stored messages: summaries for listings and the full view of one message.
 * Everything is read from the `.eml` files and their sidecars; the store keeps no other index that could drift.
 */

import { formatProblem } from './delivery.js';
import {
  decodeEncodedWords,
  extractBodies,
  formatAddressList,
  headerValue,
  parseHeaderFields,
  splitMessage,
} from './message.js';
import type { HeaderField } from './message.js';
import { STATUS_OF_FOLDER } from './store.js';
import type { DeliveryProblem, Folder, MaildirStore, MessageStatus } from './store.js';

export interface MessageSummary {
  id: string;
  folder: Folder;
  status: MessageStatus;
  from: string;
  to: string[];
  subject: string;
  /** ISO 8601, from the Date header. */
  date: string;
}

export interface MessageDetails extends MessageSummary {
  /** The `Message-ID` header. */
  message_id: string;
  cc: string[];
  bcc: string[];
  reply_to: string | null;
  text: string;
  html: string | null;
  /** The last delivery problem, or null. */
  last_error: { at: string; message: string; code: string | null; response: string | null } | null;
  /** Every header field as stored (unfolded, encoded-words kept). */
  headers: HeaderField[];
}

/** Summaries of the given messages; messages that vanished meanwhile (deleted by hand) are left out. */
export async function summarize(store: MaildirStore, refs: ReadonlyArray<{ id: string }>): Promise<MessageSummary[]> {
  const summaries = await Promise.all(
    refs.map(async ({ id }) => {
      const found = await store.readHeader(id);
      return found && summaryOf(id, found.folder, parseHeaderFields(found.header.toString('latin1')));
    }),
  );
  return summaries.filter((summary): summary is MessageSummary => summary !== undefined);
}

/** The full view of one message, or undefined when there is no such message. */
export async function describeMessage(store: MaildirStore, id: string): Promise<MessageDetails | undefined> {
  const found = await store.read(id);
  if (!found) return undefined;
  const fields = parseHeaderFields(splitMessage(found.raw).header);
  const { text, html } = extractBodies(found.raw);
  // A sent message keeps its sidecar only for recipients refused while others got it.
  const problem = await store.readProblem(id);
  const replyTo = formatAddressList(headerValue(fields, 'reply-to'))[0];
  return {
    ...summaryOf(id, found.folder, fields),
    message_id: headerValue(fields, 'message-id') ?? '',
    cc: formatAddressList(headerValue(fields, 'cc')),
    bcc: formatAddressList(headerValue(fields, 'bcc')),
    reply_to: replyTo ?? null,
    text,
    html: html ?? null,
    last_error: problem ? describeProblem(problem) : null,
    headers: fields,
  };
}

function summaryOf(id: string, folder: Folder, fields: HeaderField[]): MessageSummary {
  return {
    id,
    folder,
    status: STATUS_OF_FOLDER[folder],
    from: formatAddressList(headerValue(fields, 'from'))[0] ?? '',
    to: formatAddressList(headerValue(fields, 'to')),
    subject: decodeEncodedWords(headerValue(fields, 'subject') ?? ''),
    date: isoDate(headerValue(fields, 'date'), id),
  };
}

/** The Date header as ISO 8601; the id's timestamp when the header is missing or unreadable. */
function isoDate(header: string | undefined, id: string): string {
  const parsed = header === undefined ? NaN : Date.parse(header);
  return new Date(Number.isNaN(parsed) ? Number(id.slice(0, 13)) : parsed).toISOString();
}

function describeProblem(problem: DeliveryProblem): NonNullable<MessageDetails['last_error']> {
  return {
    at: problem.at,
    message: problem.rejected ? problem.message : formatProblem(problem),
    code: problem.code ?? null,
    response: problem.response ?? null,
  };
}
