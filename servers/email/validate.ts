/**
 * Checks on everything a model may put into a message before it is composed: addresses, header text, recipient
 * count, size and allowed domains. The rules are deliberately stricter than RFC 5322: no quoted local parts, no
 * groups, no comments, no IP literals, no source routes and ASCII addresses only, so what the model sees is what
 * is sent, and a display name can never pose as an address or smuggle in a header.
 *
 * Display names and subjects may be given as RFC 2047 encoded-words. They are decoded strictly before any check,
 * and the decoded text is what is stored, so a word cannot hide what the checks refuse (an `@`, a line break) from
 * them and then show it to the reader.
 */

import { decodeEncodedWordsStrictly, ENCODED_WORD_START } from './encoded-words.js';
import { headerValue, mailboxesOf } from './message.js';
import type { HeaderField } from './message.js';
import { describeCharacter, describeRefusal, escapeRefusedCharacters, findRefusedCharacter } from './safe-text.js';

/** One mailbox: an optional display name and the address. */
export interface Mailbox {
  /** Empty when there is no display name. Decoded: never holds an encoded-word. */
  name: string;
  address: string;
}

/** Recipients per message, To, Cc and Bcc together. */
export const MAX_RECIPIENTS = 50;
/** RFC 5322 allows 998 characters per header line; a longer subject would only be folded anyway. */
export const MAX_SUBJECT_CHARS = 998;
const MAX_ADDRESS_CHARS = 254;
const MAX_LOCAL_PART_CHARS = 64;
/** Longest display name, counted after decoding. */
export const MAX_NAME_CHARS = 200;
/** How much of a bad value is quoted back in an error message. */
const MAX_QUOTED_CHARS = 80;

/**
 * RFC 5322 dot-atom without `%` and `!`: those two still route mail on some relays (`a%evil.com@allowed.com`
 * and `evil.com!a@allowed.com` can go to evil.com), which would get around `EMAIL_ALLOWED_DOMAINS`.
 */
const LOCAL_PART = /^[A-Za-z0-9#$&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9#$&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
/** Characters that would make an unquoted display name mean something else: a list, a group, an address. */
const NAME_SPECIALS = /[<>@,;:"\\]/;
/** What even a quoted or encoded display name must not hold: it would read as an address, or break the quotes. */
export const QUOTED_NAME_SPECIALS = /[<>@"\\]/;
/** Characters that may appear in a refused address without a more precise explanation than "expected …". */
const NON_ASCII = /[\u0080-\u{10FFFF}]/u;
const ADDRESS_EXAMPLE = 'expected an email address like "name@example.com" or "Name <name@example.com>"';

/** A host name: LDH labels of 1..63 characters, 253 at most, and not all digits at the end (no bare IPs). */
export function isValidDomain(domain: string): boolean {
  if (domain.length === 0 || domain.length > 253) return false;
  const labels = domain.split('.');
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return false;
  return !/^\d+$/.test(labels[labels.length - 1]!);
}

/** A bare address `local@domain` under the strict rules above. */
export function isValidAddress(address: string): boolean {
  if (address.length > MAX_ADDRESS_CHARS || address.includes(ENCODED_WORD_START)) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  return local.length <= MAX_LOCAL_PART_CHARS && LOCAL_PART.test(local) && isValidDomain(domain);
}

/**
 * Parses `alice@example.com`, `Alice Liddell <alice@example.com>`, `"Liddell, Alice" <alice@example.com>` or
 * `=?UTF-8?B?Sm9zw6kgTcO8bGxlcg==?= <jose@example.com>` (the name is returned decoded: "José Müller").
 * The problem, when there is one, is phrased to follow a field name: `to[2]: <problem>`.
 */
export function parseMailbox(text: string): { mailbox: Mailbox } | { problem: string } {
  // Look-alikes are refused anywhere in the entry: an address must be ASCII anyway, and in a name they pose as one.
  const refused = findRefusedCharacter(text, { isRefusingLookalikes: true });
  if (refused) return { problem: `${describeRefusal(refused)}, got ${quote(text)}` };
  const trimmed = text.trim();
  const angled = /^([^<>]*)<([^<>]*)>$/.exec(trimmed);
  if (!angled) {
    if (isValidAddress(trimmed)) return { mailbox: { name: '', address: trimmed } };
    if (/[,;]/.test(trimmed) && (trimmed.match(/@/g)?.length ?? 0) > 1) {
      return { problem: `expected one address per entry (pass a list for several recipients), got ${quote(text)}` };
    }
    // Stray or extra angle brackets: the entry is not one mailbox at all, whatever else is wrong with it.
    if (/[<>]/.test(trimmed)) return { problem: `${ADDRESS_EXAMPLE}, got ${quote(text)}` };
    return { problem: describeAddressProblem(trimmed, text) };
  }
  const address = angled[2]!.trim();
  if (!isValidAddress(address)) return { problem: describeAddressProblem(address, text) };
  const name = parseDisplayName(angled[1]!.trim(), text);
  return 'problem' in name ? name : { mailbox: { name: name.name, address } };
}

/** The display name, unquoted and decoded, or why it is refused. */
function parseDisplayName(raw: string, text: string): { name: string } | { problem: string } {
  const isQuoted = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"');
  const inner = isQuoted ? raw.slice(1, -1) : raw;
  // A quoted name may hold commas and colons, never a quote or backslash; an unquoted one none of the specials.
  if ((isQuoted ? QUOTED_NAME_SPECIALS : NAME_SPECIALS).test(inner)) {
    return {
      problem:
        `the display name must not contain ${isQuoted ? '<, >, @, " or \\' : '<, >, @, ",", ;, :, " or \\'}` +
        ` (a name that looks like an address or a list misleads the reader), got ${quote(text)}`,
    };
  }
  const decoded = decodeEncodedWordsStrictly(inner);
  if ('problem' in decoded) return { problem: `the display name ${decoded.problem}, got ${quote(text)}` };
  const name = decoded.text.trim();
  if (decoded.text !== inner) {
    // An encoded-word may hold what plain text may not; what the reader sees is the decoded name.
    const refused = findRefusedCharacter(name, { isRefusingLookalikes: true });
    const problem = refused
      ? describeRefusal(refused)
      : QUOTED_NAME_SPECIALS.test(name)
        ? 'must not contain <, >, @, " or \\ (a name that looks like an address misleads the reader)'
        : undefined;
    if (problem) {
      return {
        problem: `the display name, once decoded, ${problem}; got ${quote(text)}, whose name decodes to ${quote(name)}`,
      };
    }
  }
  if (name.length > MAX_NAME_CHARS) {
    return { problem: `the display name must be at most ${MAX_NAME_CHARS} characters, got ${name.length}` };
  }
  return { name };
}

/** Why `address` (from the entry `text`) is not an address this server sends to. */
function describeAddressProblem(address: string, text: string): string {
  const got = `got ${quote(text)}`;
  if (/^@[^:]*:/.test(address)) {
    return `expected a plain address without a source route ("@relay,@relay:" before it), ${got}`;
  }
  if (address.includes('"')) {
    return `expected an address without a quoted local part (quotes can hide an @ or spaces), ${got}`;
  }
  if (address.includes(ENCODED_WORD_START)) {
    return `expected an address without encoded-words (=?...?=; only display names and subjects may be encoded), ${got}`;
  }
  const local = address.slice(0, Math.max(0, address.lastIndexOf('@')));
  if (local.includes('@')) return `expected exactly one @ in the address, ${got}`;
  if (local.includes('%')) {
    return `expected an address without % (the "percent hack" routes mail through the host after it), ${got}`;
  }
  if (local.includes('!')) {
    return `expected an address without ! (a UUCP bang path routes mail through the host before it), ${got}`;
  }
  const nonAscii = NON_ASCII.exec(address);
  if (nonAscii) {
    return `expected an ASCII address (internationalized addresses are not supported; found ${describeCharacter(nonAscii[0])}), ${got}`;
  }
  return `${ADDRESS_EXAMPLE}, ${got}`;
}

/** Why `text` cannot go into a header, or undefined when it can. */
export function describeHeaderProblem(text: string): string | undefined {
  const refused = findRefusedCharacter(text, { isRefusingLookalikes: false });
  return refused && describeRefusal(refused);
}

/**
 * The subject, decoded, or why it is refused. A subject may hold `@`, `<` and look-alikes of them: it is not
 * read as an address.
 */
export function parseSubject(text: string): { subject: string } | { problem: string } {
  const rawProblem = describeHeaderProblem(text);
  if (rawProblem) return { problem: rawProblem };
  const decoded = decodeEncodedWordsStrictly(text);
  if ('problem' in decoded) return decoded;
  const decodedProblem = describeHeaderProblem(decoded.text);
  if (decodedProblem) {
    return { problem: `once decoded, ${decodedProblem}; got ${quote(text)}, which decodes to ${quote(decoded.text)}` };
  }
  // Counted decoded: a stored subject is longer encoded, and a tool argument is limited by its schema as well.
  if (decoded.text.length > MAX_SUBJECT_CHARS) {
    return { problem: `expected at most ${MAX_SUBJECT_CHARS} characters, got ${decoded.text.length}` };
  }
  return { subject: decoded.text };
}

/** A list of field problems, each `field: what was expected`. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
}

/** A message as the tool receives it, after zod checked the types. */
export interface SendRequest {
  to: string | string[];
  cc?: string | string[];
  bcc?: string | string[];
  reply_to?: string;
  subject: string;
  body: string;
  html?: string;
}

/** A message whose every header field passed the checks. */
export interface CheckedMessage {
  to: Mailbox[];
  cc: Mailbox[];
  bcc: Mailbox[];
  replyTo: Mailbox | undefined;
  subject: string;
  text: string;
  html: string | undefined;
}

/** What the deployment allows. */
export interface SendPolicy {
  maxBodyBytes: number;
  /** Lower-case domains; undefined allows any. */
  allowedDomains: readonly string[] | undefined;
}

/**
 * Checks a message. @throws ValidationError listing every problem as `field: …`, e.g.
 * `to[2]: expected an email address like "name@example.com" …, got "bob@"`.
 */
export function checkSendRequest(request: SendRequest, policy: SendPolicy): CheckedMessage {
  const problems: string[] = [];
  const recipients = (field: 'to' | 'cc' | 'bcc'): Mailbox[] => {
    const value = request[field];
    if (value === undefined) return [];
    const entries = Array.isArray(value) ? value.map((text, i) => [`${field}[${i}]`, text] as const) : [[field, value]];
    const mailboxes: Mailbox[] = [];
    for (const [name, text] of entries) {
      const parsed = parseMailbox(text);
      if ('problem' in parsed) {
        problems.push(`${name}: ${parsed.problem}`);
        continue;
      }
      const domainProblem = describeDomainProblem(parsed.mailbox.address, policy.allowedDomains);
      if (domainProblem) {
        problems.push(`${name}: ${domainProblem}`);
        continue;
      }
      mailboxes.push(parsed.mailbox);
    }
    return mailboxes;
  };
  const to = recipients('to');
  const cc = recipients('cc');
  const bcc = recipients('bcc');
  const count = countEntries(request.to) + countEntries(request.cc) + countEntries(request.bcc);
  if (count === 0) problems.push('to: expected at least one recipient');
  if (count > MAX_RECIPIENTS) {
    problems.push(`to, cc, bcc: expected at most ${MAX_RECIPIENTS} recipients in total, got ${count}`);
  }

  let replyTo: Mailbox | undefined;
  if (request.reply_to !== undefined) {
    const parsed = parseMailbox(request.reply_to);
    if ('problem' in parsed) problems.push(`reply_to: ${parsed.problem}`);
    else replyTo = parsed.mailbox;
  }

  const parsedSubject = parseSubject(request.subject);
  if ('problem' in parsedSubject) problems.push(`subject: ${parsedSubject.problem}`);

  const bodyBytes = Buffer.byteLength(request.body) + Buffer.byteLength(request.html ?? '');
  if (bodyBytes > policy.maxBodyBytes) {
    problems.push(
      `${request.html === undefined ? 'body' : 'body, html'}: expected at most ${policy.maxBodyBytes} bytes` +
        ` (EMAIL_MAX_BYTES), got ${bodyBytes}`,
    );
  }

  if (problems.length > 0) throw new ValidationError(problems.join('; '));
  const subject = 'subject' in parsedSubject ? parsedSubject.subject : '';
  return { to, cc, bcc, replyTo, subject, text: request.body, html: request.html };
}

/** Why `address` is outside `EMAIL_ALLOWED_DOMAINS`, or undefined when it is inside (or there is no list). */
function describeDomainProblem(address: string, allowedDomains: readonly string[] | undefined): string | undefined {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  if (!allowedDomains || allowedDomains.includes(domain)) return undefined;
  return `${quote(address)} is not in an allowed domain (EMAIL_ALLOWED_DOMAINS: ${allowedDomains.join(', ')})`;
}

const STORED_ADDRESS_FIELDS = ['From', 'Reply-To', 'To', 'Cc', 'Bcc'] as const;
const STORED_RECIPIENT_FIELDS: ReadonlySet<string> = new Set(['To', 'Cc', 'Bcc']);

/**
 * The checks of `send_email`, applied to the header fields of a stored message before it is delivered: a message
 * queued by an older version, or put into the outbox by hand, must not go out with what the checks refuse now.
 * @returns the problems, each `Field: …` (`To: expected an address without % …`); empty when the message passes.
 */
export function checkStoredHeaders(
  fields: readonly HeaderField[],
  allowedDomains: readonly string[] | undefined,
): string[] {
  const problems: string[] = [];
  for (const field of STORED_ADDRESS_FIELDS) {
    for (const { name, address } of mailboxesOf(headerValue(fields, field))) {
      // The parser unquoted the name: quote it again, so it is checked as a quoted name (commas allowed).
      const parsed = parseMailbox(name === '' ? address : `"${name}" <${address}>`);
      const problem =
        'problem' in parsed
          ? parsed.problem
          : STORED_RECIPIENT_FIELDS.has(field)
            ? describeDomainProblem(address, allowedDomains)
            : undefined;
      if (problem) problems.push(`${field}: ${problem}`);
    }
  }
  const subject = headerValue(fields, 'Subject');
  const parsedSubject = subject === undefined ? undefined : parseSubject(subject);
  if (parsedSubject && 'problem' in parsedSubject) problems.push(`Subject: ${parsedSubject.problem}`);
  return problems;
}

function countEntries(value: string | string[] | undefined): number {
  if (value === undefined) return 0;
  return Array.isArray(value) ? value.length : 1;
}

/**
 * The value as JSON (so CR and LF show as `\r` `\n`), with refused characters such as bidi controls escaped the
 * same way, cut to a readable length.
 */
export function quote(text: string): string {
  return escapeRefusedCharacters(
    JSON.stringify(text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text),
  );
}
