/**
 * What the tools and resources show of stored messages: summaries for listings and the full view of one message.
 * Everything is read from the `.eml` files and their sidecars; the store keeps no other index that could drift.
 *
 * A stored message may predate today's checks or come from elsewhere, so nothing is shown as it is: names and
 * subjects are decoded and then cleaned of everything `send_email` would refuse (each such character becomes
 * U+FFFD), so every name and subject shown would pass the checks and read back the same. An address the checks
 * refuse is shown with its offending characters replaced too, so it can neither pass for a valid one nor be sent.
 */

import { formatProblem } from './delivery.js';
import { decodeEncodedWords, ENCODED_WORD_START } from './encoded-words.js';
import {
  decodeHeaderBytes,
  extractBodies,
  headerValue,
  mailboxesOf,
  parseHeaderFields,
  readHeaderFields,
} from './message.js';
import type { HeaderField } from './message.js';
import { REPLACEMENT_CHAR, replaceRefusedCharacters } from './safe-text.js';
import { STATUS_OF_FOLDER } from './store.js';
import type { DeliveryProblem, Folder, MaildirStore, MessageStatus } from './store.js';
import { isValidAddress, MAX_NAME_CHARS, MAX_SUBJECT_CHARS, QUOTED_NAME_SPECIALS } from './validate.js';
import type { Mailbox } from './validate.js';

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
  /** Every header field as stored (unfolded, encoded-words kept), refused characters replaced by U+FFFD. */
  headers: HeaderField[];
}

/** Summaries of the given messages; messages that vanished meanwhile (deleted by hand) are left out. */
export async function summarize(store: MaildirStore, refs: ReadonlyArray<{ id: string }>): Promise<MessageSummary[]> {
  const summaries = await Promise.all(
    refs.map(async ({ id }) => {
      const found = await store.readHeader(id);
      return found && summaryOf(id, found.folder, parseHeaderFields(decodeHeaderBytes(found.header)));
    }),
  );
  return summaries.filter((summary): summary is MessageSummary => summary !== undefined);
}

/** The full view of one message, or undefined when there is no such message. */
export async function describeMessage(store: MaildirStore, id: string): Promise<MessageDetails | undefined> {
  const found = await store.read(id);
  if (!found) return undefined;
  const fields = readHeaderFields(found.raw);
  const { text, html } = extractBodies(found.raw);
  // A sent message keeps its sidecar only for recipients refused while others got it.
  const problem = await store.readProblem(id);
  const replyTo = formatMailboxes(headerValue(fields, 'reply-to'))[0];
  return {
    ...summaryOf(id, found.folder, fields),
    message_id: displayRawValue(headerValue(fields, 'message-id') ?? ''),
    cc: formatMailboxes(headerValue(fields, 'cc')),
    bcc: formatMailboxes(headerValue(fields, 'bcc')),
    reply_to: replyTo ?? null,
    text,
    html: html ?? null,
    last_error: problem ? describeProblem(problem) : null,
    headers: fields.map(({ name, value }) => ({ name: displayRawValue(name), value: displayRawValue(value) })),
  };
}

function summaryOf(id: string, folder: Folder, fields: HeaderField[]): MessageSummary {
  return {
    id,
    folder,
    status: STATUS_OF_FOLDER[folder],
    from: formatMailboxes(headerValue(fields, 'from'))[0] ?? '',
    to: formatMailboxes(headerValue(fields, 'to')),
    subject: displaySubject(headerValue(fields, 'subject') ?? ''),
    date: isoDate(headerValue(fields, 'date'), id),
  };
}

/** The mailboxes of an address header as `Name <address>` or `address`, each made safe by `formatMailbox`. */
export function formatMailboxes(value: string | undefined): string[] {
  return mailboxesOf(value).map(formatMailbox);
}

/**
 * One stored mailbox as shown: the name decoded and cleaned by `displayName` (and quoted when it holds a comma,
 * semicolon or colon, as `send_email` wants it), the address by `displayAddress`.
 */
export function formatMailbox({ name, address }: Mailbox): string {
  const shownName = displayName(name);
  const shownAddress = displayAddress(address);
  if (shownName === '') return shownAddress;
  return `${/[,;:]/.test(shownName) ? `"${shownName}"` : shownName} <${shownAddress}>`;
}

/**
 * A stored display name as shown: encoded-words decoded, then every character a display name may not hold
 * (controls, bidi, invisible characters, look-alikes, `<>@"\\`, the `=?` of a word left undecoded) replaced by
 * U+FFFD, and cut to the longest name `send_email` accepts.
 */
export function displayName(stored: string): string {
  const cleaned = replaceRefusedCharacters(neutralizeEncodedWords(decodeEncodedWords(stored)), {
    isRefusingLookalikes: true,
  })
    .replace(new RegExp(QUOTED_NAME_SPECIALS.source, 'g'), REPLACEMENT_CHAR)
    .trim();
  return cut(cleaned, MAX_NAME_CHARS);
}

/**
 * A stored address as shown: as it is when `send_email` would accept it; otherwise with every character outside
 * the plain dot-atom alphabet (a `%`, `!`, quote, non-ASCII character, every `@` but the last, the `?` of `=?`)
 * replaced by U+FFFD, so a routed or disguised address shows that it is broken.
 */
export function displayAddress(stored: string): string {
  if (isValidAddress(stored)) return stored;
  const at = stored.lastIndexOf('@');
  return neutralizeEncodedWords(
    stored.replace(/[^A-Za-z0-9.#$&'*+/=?^_`{|}~-]/gu, (char, offset: number) =>
      char === '@' && offset === at ? char : REPLACEMENT_CHAR,
    ),
  );
}

/** A stored subject as shown: decoded, refused characters replaced by U+FFFD, cut to the longest subject allowed. */
export function displaySubject(stored: string): string {
  const cleaned = replaceRefusedCharacters(neutralizeEncodedWords(decodeEncodedWords(stored)), {
    isRefusingLookalikes: false,
  });
  return cut(cleaned, MAX_SUBJECT_CHARS);
}

/** A raw header name or value (encoded-words kept) with controls, bidi and invisible characters replaced. */
function displayRawValue(stored: string): string {
  return replaceRefusedCharacters(stored, { isRefusingLookalikes: false });
}

/** Text where an encoded-word that did not decode can no longer be decoded by a later reader either. */
function neutralizeEncodedWords(text: string): string {
  return text.replaceAll(ENCODED_WORD_START, `=${REPLACEMENT_CHAR}`);
}

/** `text` cut to `maxChars` UTF-16 units with a final "…", never between the two halves of a surrogate pair. */
function cut(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  const end = /[\uD800-\uDBFF]/.test(text[maxChars - 2] ?? '') ? maxChars - 2 : maxChars - 1;
  return `${text.slice(0, end)}…`;
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
