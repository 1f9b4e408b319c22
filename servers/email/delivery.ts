/**
 * Delivery of stored messages over SMTP with nodemailer. A delivery claims the message, sends the stored file as
 * it is (minus its `Bcc` header) to every recipient in the envelope, then moves the file to `sent/` or, with the
 * SMTP error in its sidecar, to `failed/`.
 *
 * Delivery is at least once: if the process dies after the SMTP server accepted a message but before the rename
 * into `sent/`, the message is still in `outbox/` and is sent again at the next start.
 */

import { createTransport } from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { SmtpSettings } from './config.js';
import { redactSecrets } from './config.js';
import { addressesOf, headerValue, readHeaderFields, withoutHeaders } from './message.js';
import { STATUS_OF_FOLDER } from './store.js';
import type { DeliveryProblem, MaildirStore, MessageStatus } from './store.js';
import { checkStoredHeaders } from './validate.js';

/** SMTP conversations at once; more would only queue at the server. */
const MAX_PARALLEL_DELIVERIES = 4;
/** Connecting and the greeting get at most this long, even when the inactivity limit is longer. */
const MAX_CONNECT_MS = 10_000;
/** The `code` of a problem found by the checks before sending, not by the SMTP server. */
export const REFUSED_BY_CHECKS = 'ECHECKS';

/** The outcome of one delivery attempt. */
export interface DeliveryResult {
  status: MessageStatus;
  /** Why the message failed, or which recipients were refused when it was sent to the others. */
  error?: string;
  /** Recipients the SMTP server refused while accepting others. */
  rejected?: string[];
}

type Transport = Mail<SMTPTransport.SentMessageInfo, SMTPTransport.Options>;

/** Sends messages from the outbox; without SMTP settings every message simply stays queued. */
export class Delivery {
  private readonly transport: Transport | undefined;
  private readonly running = new Set<Promise<unknown>>();
  /** Slots taken, counted apart from `running` so the check and the take happen in the same turn. */
  private activeCount = 0;
  private readonly waiting: Array<() => void> = [];

  /** `allowedDomains` is `EMAIL_ALLOWED_DOMAINS`, checked again on every stored message before it is sent. */
  constructor(
    private readonly store: MaildirStore,
    private readonly smtp: SmtpSettings | undefined,
    timeoutMs: number,
    private readonly allowedDomains: readonly string[] | undefined,
  ) {
    this.transport = smtp && createTransport(transportOptions(smtp, timeoutMs));
  }

  /** Whether messages are delivered at all (`SMTP_URL` is set). */
  get isEnabled(): boolean {
    return this.transport !== undefined;
  }

  /** Delivers one message from the outbox. Never throws for SMTP trouble: that is a `failed` result. */
  async deliver(id: string): Promise<DeliveryResult> {
    if (!this.transport) return { status: 'queued' };
    await this.acquireSlot();
    const attempt = this.attempt(id, this.transport);
    this.running.add(attempt);
    try {
      return await attempt;
    } finally {
      this.running.delete(attempt);
      this.activeCount--;
      this.waiting.shift()?.();
    }
  }

  /** Delivers everything in the outbox (at start, after a crash or a run without SMTP). */
  async deliverOutbox(): Promise<{ sent: number; failed: number; queued: number }> {
    const counts = { sent: 0, failed: 0, queued: 0 };
    if (!this.transport) return counts;
    const queued = await this.store.list('outbox');
    const results = await Promise.all(queued.map(({ id }) => this.deliver(id)));
    for (const result of results) counts[result.status]++;
    return counts;
  }

  /** Waits (at most `timeoutMs`) for running deliveries, so a clean shutdown does not resend them next time. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs).unref()));
    await Promise.race([Promise.allSettled([...this.running]), expired]);
    clearTimeout(timer);
  }

  close(): void {
    this.transport?.close();
  }

  private async attempt(id: string, transport: Transport): Promise<DeliveryResult> {
    if (!(await this.store.claim(id))) {
      return { status: 'queued', error: 'Another server process sharing this store is delivering the message' };
    }
    try {
      const found = await this.store.read(id);
      if (!found) return { status: 'failed', error: `Message ${id} is no longer in the store` };
      // Delivered meanwhile (by an earlier attempt of another process, before this claim).
      if (found.folder !== 'outbox') return { status: STATUS_OF_FOLDER[found.folder] };
      // As UTF-8 when it is, like the views: raw UTF-8 look-alikes must not pass as Latin-1 letters here.
      const fields = readHeaderFields(found.raw);
      const refusals = checkStoredHeaders(fields, this.allowedDomains);
      if (refusals.length > 0) {
        // Queued by an older version or put into the outbox by hand: it goes to failed/, where retry_failed
        // refuses it again, and nothing leaves.
        const problem: DeliveryProblem = {
          at: new Date().toISOString(),
          message: `Not sent: the stored message fails the checks of send_email: ${refusals.join('; ')}`,
          code: REFUSED_BY_CHECKS,
        };
        await this.store.writeProblem(id, problem);
        await this.store.move(id, 'outbox', 'failed');
        return { status: 'failed', error: formatProblem(problem) };
      }
      const recipients = [...new Set(['to', 'cc', 'bcc'].flatMap((name) => addressesOf(headerValue(fields, name))))];
      const envelope = { from: addressesOf(headerValue(fields, 'from'))[0] ?? '', to: recipients };
      let rejected: string[];
      try {
        // Bcc recipients get the message through the envelope only; the header would reveal them to everyone.
        const info = await transport.sendMail({ envelope, raw: withoutHeaders(found.raw, ['bcc']) });
        rejected = info.rejected.map(String);
      } catch (error) {
        const problem = this.describeFailure(error);
        await this.store.writeProblem(id, problem);
        await this.store.move(id, 'outbox', 'failed');
        return { status: 'failed', error: formatProblem(problem) };
      }
      if (rejected.length > 0) {
        // Sent to the others: retrying would deliver a second copy to them, so the message counts as sent.
        const problem: DeliveryProblem = {
          at: new Date().toISOString(),
          message: `The SMTP server refused ${rejected.length} of ${recipients.length} recipients: ${rejected.join(', ')}`,
          rejected,
        };
        await this.store.writeProblem(id, problem);
        await this.store.move(id, 'outbox', 'sent');
        return { status: 'sent', error: problem.message, rejected };
      }
      // The stale sidecar goes first: a crash in between leaves the message queued, not sent with an old error.
      await this.store.removeProblem(id);
      await this.store.move(id, 'outbox', 'sent');
      return { status: 'sent' };
    } finally {
      await this.store.release(id);
    }
  }

  private describeFailure(error: unknown): DeliveryProblem {
    const details = (typeof error === 'object' && error !== null ? error : {}) as {
      code?: unknown;
      response?: unknown;
      responseCode?: unknown;
    };
    const problem: DeliveryProblem = {
      at: new Date().toISOString(),
      message: redactSecrets(error instanceof Error ? error.message : String(error), this.smtp),
    };
    if (typeof details.code === 'string') problem.code = details.code;
    if (typeof details.response === 'string') problem.response = redactSecrets(details.response, this.smtp);
    if (typeof details.responseCode === 'number') problem.responseCode = details.responseCode;
    return problem;
  }

  private async acquireSlot(): Promise<void> {
    while (this.activeCount >= MAX_PARALLEL_DELIVERIES) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.activeCount++;
  }
}

/** Options for one SMTP connection per message, with limits so a dead server cannot hold a delivery forever. */
function transportOptions(smtp: SmtpSettings, timeoutMs: number): SMTPTransport.Options {
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user === undefined ? undefined : { user: smtp.user, pass: smtp.pass ?? '' },
    connectionTimeout: Math.min(MAX_CONNECT_MS, timeoutMs),
    greetingTimeout: Math.min(MAX_CONNECT_MS, timeoutMs),
    dnsTimeout: Math.min(MAX_CONNECT_MS, timeoutMs),
    socketTimeout: timeoutMs,
    logger: false,
  };
}

/** One line for the model: `SMTP delivery failed (EENVELOPE): …`, or the refusal of the checks as it is. */
export function formatProblem(problem: DeliveryProblem): string {
  if (problem.code === REFUSED_BY_CHECKS) return problem.message;
  return `SMTP delivery failed${problem.code ? ` (${problem.code})` : ''}: ${problem.message}`;
}
