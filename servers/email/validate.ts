/**
 * Checks on everything a model may put into a message before it is composed: addresses, header text, recipient
 * count, size and allowed domains. The rules are deliberately stricter than RFC 5322: no quoted local parts, no
 * groups, no comments, no IP literals and ASCII only, so what the model sees is what is sent, and a display name
 * can never pose as an address or smuggle in a header.
 */

/** One mailbox: an optional display name and the address. */
export interface Mailbox {
  /** Empty when there is no display name. */
  name: string;
  address: string;
}

/** Recipients per message, To, Cc and Bcc together. */
export const MAX_RECIPIENTS = 50;
/** RFC 5322 allows 998 characters per header line; a longer subject would only be folded anyway. */
export const MAX_SUBJECT_CHARS = 998;
const MAX_ADDRESS_CHARS = 254;
const MAX_LOCAL_PART_CHARS = 64;
const MAX_NAME_CHARS = 200;
/** How much of a bad value is quoted back in an error message. */
const MAX_QUOTED_CHARS = 80;

/** RFC 5322 dot-atom: atext runs separated by single dots. */
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const LINE_BREAK = /[\r\n]/;
/** C0 controls except tab, and DEL. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;
/** Characters that would make a display name mean something else: a list, a group, an address or a quote. */
const NAME_SPECIALS = /[<>@,;:"\\]/;

/** A host name: LDH labels of 1..63 characters, 253 at most, and not all digits at the end (no bare IPs). */
export function isValidDomain(domain: string): boolean {
  if (domain.length === 0 || domain.length > 253) return false;
  const labels = domain.split('.');
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return false;
  return !/^\d+$/.test(labels[labels.length - 1]!);
}

/** A bare address `local@domain` under the strict rules above. */
export function isValidAddress(address: string): boolean {
  if (address.length > MAX_ADDRESS_CHARS) return false;
  const at = address.lastIndexOf('@');
  if (at <= 0) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  return local.length <= MAX_LOCAL_PART_CHARS && LOCAL_PART.test(local) && isValidDomain(domain);
}

/**
 * Parses `alice@example.com`, `Alice Liddell <alice@example.com>` or `"Liddell, Alice" <alice@example.com>`.
 * The problem, when there is one, is phrased to follow a field name: `to[2]: <problem>`.
 */
export function parseMailbox(text: string): { mailbox: Mailbox } | { problem: string } {
  const headerProblem = describeHeaderProblem(text);
  if (headerProblem) return { problem: headerProblem };
  const trimmed = text.trim();
  const expected = `expected an email address like "name@example.com" or "Name <name@example.com>", got ${quote(text)}`;
  const angled = /^([^<>]*)<([^<>]*)>$/.exec(trimmed);
  if (!angled) {
    if (isValidAddress(trimmed)) return { mailbox: { name: '', address: trimmed } };
    if (/[,;]/.test(trimmed) && (trimmed.match(/@/g)?.length ?? 0) > 1) {
      return { problem: `expected one address per entry (pass a list for several recipients), got ${quote(text)}` };
    }
    return { problem: expected };
  }
  const address = angled[2]!.trim();
  if (!isValidAddress(address)) return { problem: expected };
  let name = angled[1]!.trim();
  const isQuoted = name.length >= 2 && name.startsWith('"') && name.endsWith('"');
  if (isQuoted) name = name.slice(1, -1);
  // A quoted name may hold commas and colons, never a quote or backslash; an unquoted one none of the specials.
  const forbidden = isQuoted ? /[<>@"\\]/ : NAME_SPECIALS;
  if (forbidden.test(name)) {
    return {
      problem:
        `the display name must not contain ${isQuoted ? '<, >, @, " or \\' : '<, >, @, ",", ;, :, " or \\'}` +
        ` (a name that looks like an address or a list misleads the reader), got ${quote(text)}`,
    };
  }
  if (name.length > MAX_NAME_CHARS) {
    return { problem: `the display name must be at most ${MAX_NAME_CHARS} characters, got ${name.length}` };
  }
  return { mailbox: { name, address } };
}

/** Why `text` cannot go into a header, or undefined when it can. */
export function describeHeaderProblem(text: string): string | undefined {
  if (LINE_BREAK.test(text)) {
    return 'must not contain CR or LF (a line break in a header would let the text inject headers)';
  }
  if (CONTROL.test(text)) return 'must not contain control characters';
  return undefined;
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
      const domain = parsed.mailbox.address.slice(parsed.mailbox.address.lastIndexOf('@') + 1).toLowerCase();
      if (policy.allowedDomains && !policy.allowedDomains.includes(domain)) {
        problems.push(
          `${name}: ${quote(parsed.mailbox.address)} is not in an allowed domain` +
            ` (EMAIL_ALLOWED_DOMAINS: ${policy.allowedDomains.join(', ')})`,
        );
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

  const subjectProblem = describeHeaderProblem(request.subject);
  if (subjectProblem) problems.push(`subject: ${subjectProblem}`);
  if (request.subject.length > MAX_SUBJECT_CHARS) {
    problems.push(`subject: expected at most ${MAX_SUBJECT_CHARS} characters, got ${request.subject.length}`);
  }

  const bodyBytes = Buffer.byteLength(request.body) + Buffer.byteLength(request.html ?? '');
  if (bodyBytes > policy.maxBodyBytes) {
    problems.push(
      `${request.html === undefined ? 'body' : 'body, html'}: expected at most ${policy.maxBodyBytes} bytes` +
        ` (EMAIL_MAX_BYTES), got ${bodyBytes}`,
    );
  }

  if (problems.length > 0) throw new ValidationError(problems.join('; '));
  return { to, cc, bcc, replyTo, subject: request.subject, text: request.body, html: request.html };
}

function countEntries(value: string | string[] | undefined): number {
  if (value === undefined) return 0;
  return Array.isArray(value) ? value.length : 1;
}

/** The value as JSON (so CR and LF show as `\r` `\n`), cut to a readable length. */
export function quote(text: string): string {
  return JSON.stringify(text.length > MAX_QUOTED_CHARS ? `${text.slice(0, MAX_QUOTED_CHARS)}…` : text);
}
