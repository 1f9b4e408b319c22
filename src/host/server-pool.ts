/**
 * The replicas of one configured server: N processes with one client each. Requests go to the ready replica with
 * the fewest requests in flight; a replica that dies is replaced with exponential backoff, up to a limit.
 */

import type { McpClient } from '../client/index.js';
import { McpHostError } from './errors.js';

/** One running replica, as a connector makes it. */
export interface ReplicaLink {
  client: McpClient;
  /** Process id, when the replica is a local process. */
  pid?: number;
  /** Settles with the reason once the replica is gone (crash, exit, or closed). */
  gone: Promise<McpHostError>;
  stderrTail: () => string[];
  /** Ends the replica. */
  close: (options: { graceMs: number; termMs: number }) => Promise<void>;
}

/** What a replica has done, for `ping`, `bench` and status output. */
export interface ReplicaStats {
  index: number;
  state: 'starting' | 'ready' | 'restarting' | 'failed' | 'closed';
  pid?: number;
  inFlight: number;
  /** Requests completed (successfully or not) by this slot, across restarts. */
  completed: number;
  restarts: number;
  /** Why the last replica in this slot went away. */
  lastError?: string;
}

export interface ServerPoolOptions {
  name: string;
  replicas: number;
  /** Starts one replica. Rejects with an McpHostError when it cannot. */
  start: (index: number) => Promise<ReplicaLink>;
  /** First restart delay; doubles per consecutive failure. @default 100 */
  restartDelayMs?: number;
  /** Most consecutive restarts of one slot before it is left failed. @default 5 */
  maxRestarts?: number;
  /** Told about each replacement, for logs. */
  onRestart?: (index: number, reason: McpHostError) => void;
  /** How long a failed replica stays failed before a request may try it again. @default 30_000 */
  failedRetryMs?: number;
  /** The clock that failures and the retry cooldown are measured on, in ms; tests pass their own. @default Date.now */
  now?: () => number;
}

interface Slot extends ReplicaStats {
  link?: ReplicaLink;
  starting?: Promise<ReplicaLink>;
  timer?: NodeJS.Timeout;
  /** Consecutive failures; reset when a replica has served a request. */
  failures: number;
  /** Why this slot's last replica failed or went away. */
  failure?: McpHostError;
  /** When the slot entered the failed state (ms since the epoch). */
  failedAt?: number;
}

/** Longest wait between restarts. */
const MAX_RESTART_DELAY_MS = 5_000;
/** How long a failed replica stays failed before it may be tried again. */
const DEFAULT_FAILED_RETRY_MS = 30_000;

export class ServerPool {
  private readonly slots: Slot[];
  private isClosed = false;
  private lastFailure: McpHostError | undefined;
  private readonly now: () => number;

  constructor(private readonly options: ServerPoolOptions) {
    this.now = options.now ?? Date.now;
    this.slots = Array.from({ length: Math.max(1, options.replicas) }, (_, index) => ({
      index,
      state: 'closed' as const,
      inFlight: 0,
      completed: 0,
      restarts: 0,
      failures: 0,
    }));
  }

  get size(): number {
    return this.slots.length;
  }

  /** Starts every replica (for long-running modes) and waits until each is ready or has failed. */
  async startAll(): Promise<void> {
    await Promise.allSettled(this.slots.map((slot) => this.ensureStarted(slot)));
    if (!this.slots.some((slot) => slot.state === 'ready')) throw this.failure();
  }

  /**
   * A ready replica with the fewest requests in flight, starting the first one if none runs. A one-shot command
   * therefore starts a single process, whatever `replicas` says.
   */
  async acquire(): Promise<ReplicaLink & { slot: number }> {
    if (this.isClosed) throw new McpHostError('CANCELLED', 'The host is shutting down', { server: this.options.name });
    const best = this.leastBusy();
    if (best?.link) return { ...best.link, slot: best.index };
    // Prefer a start already under way; then a slot never started; then one waiting out its restart delay, which a
    // waiting request cuts short (the failure count still bounds a crash loop).
    const slot =
      this.slots.find((candidate) => candidate.starting !== undefined) ??
      this.slots.find((candidate) => candidate.state === 'closed') ??
      this.slots.find((candidate) => candidate.state === 'restarting') ??
      this.slots.find((candidate) => this.isDueForRetry(candidate));
    if (!slot) throw this.failure();
    if (slot.state === 'failed') slot.failures = 0; // a fresh series of attempts after the cooldown
    if (slot.timer) {
      clearTimeout(slot.timer);
      slot.timer = undefined;
    }
    const link = await this.ensureStarted(slot);
    return { ...link, slot: slot.index };
  }

  /**
   * Runs `work` on the least busy replica, counting it as in flight there. Not an async function: a call to a ready
   * replica (every call but the first) adds one promise to the work's own, the hot path of every tool call.
   */
  run<T>(work: (link: ReplicaLink) => Promise<T>): Promise<T> {
    const slot = this.leastBusy();
    if (!slot) return this.runWhenStarted(work);
    // Counted in the same synchronous step as the choice, so a burst of calls spreads over the replicas.
    slot.inFlight += 1;
    return work(slot.link!).then(
      (result) => {
        slot.inFlight -= 1;
        slot.completed += 1;
        slot.failures = 0;
        return result;
      },
      (error: unknown) => {
        slot.inFlight -= 1;
        slot.completed += 1;
        throw error;
      },
    );
  }

  private async runWhenStarted<T>(work: (link: ReplicaLink) => Promise<T>): Promise<T> {
    await this.acquire();
    if (!this.leastBusy()) throw this.failure();
    return this.run(work);
  }

  /** The ready replica with the fewest requests in flight, if any. */
  private leastBusy(): Slot | undefined {
    if (this.isClosed) return undefined;
    let best: Slot | undefined;
    for (const slot of this.slots) {
      if (slot.state === 'ready' && slot.link && (best === undefined || slot.inFlight < best.inFlight)) best = slot;
    }
    return best;
  }

  stats(): ReplicaStats[] {
    return this.slots.map(({ index, state, pid, inFlight, completed, restarts, lastError }) => ({
      index,
      state,
      pid,
      inFlight,
      completed,
      restarts,
      ...(lastError !== undefined && { lastError }),
    }));
  }

  /** Every replica: its link when it runs, otherwise why it does not (for work that must reach each, like ping). */
  replicas(): { slot: number; link?: ReplicaLink; error?: McpHostError }[] {
    return this.slots.map((slot) =>
      slot.state === 'ready' && slot.link
        ? { slot: slot.index, link: slot.link }
        : { slot: slot.index, error: slot.failure ?? this.failure() },
    );
  }

  /** Ends every replica; no replacement happens afterwards. */
  async close(options: { graceMs: number; termMs: number }): Promise<void> {
    this.isClosed = true;
    await Promise.all(
      this.slots.map(async (slot) => {
        if (slot.timer) clearTimeout(slot.timer);
        const link = slot.link ?? (await slot.starting?.catch(() => undefined));
        slot.state = 'closed';
        await link?.close(options);
      }),
    );
  }

  private ensureStarted(slot: Slot): Promise<ReplicaLink> {
    if (slot.link && slot.state === 'ready') return Promise.resolve(slot.link);
    if (slot.starting) return slot.starting;
    slot.state = slot.restarts > 0 ? 'restarting' : 'starting';
    const starting = this.options.start(slot.index).then(
      (link) => {
        slot.starting = undefined;
        if (this.isClosed) {
          void link.close({ graceMs: 0, termMs: 500 });
          throw new McpHostError('CANCELLED', 'The host is shutting down', { server: this.options.name });
        }
        slot.link = link;
        slot.pid = link.pid;
        slot.state = 'ready';
        void link.gone.then((reason) => this.replaced(slot, link, reason));
        return link;
      },
      (error: unknown) => {
        slot.starting = undefined;
        slot.state = 'failed';
        slot.failedAt = this.now();
        this.lastFailure = error instanceof McpHostError ? error : undefined;
        slot.failure = this.lastFailure;
        slot.lastError = error instanceof Error ? error.message : String(error);
        throw error;
      },
    );
    slot.starting = starting;
    return starting;
  }

  /** A replica went away: unless we are closing, start another after a delay that grows with each failure. */
  private replaced(slot: Slot, link: ReplicaLink, reason: McpHostError): void {
    if (slot.link !== link || this.isClosed) return;
    slot.link = undefined;
    slot.pid = undefined;
    slot.lastError = reason.message;
    slot.failure = reason;
    this.lastFailure = reason;
    const maxRestarts = this.options.maxRestarts ?? 5;
    if (slot.failures >= maxRestarts) {
      slot.state = 'failed';
      slot.failedAt = this.now();
      return;
    }
    slot.failures += 1;
    slot.restarts += 1;
    slot.state = 'restarting';
    this.options.onRestart?.(slot.index, reason);
    const delayMs = Math.min((this.options.restartDelayMs ?? 100) * 2 ** (slot.failures - 1), MAX_RESTART_DELAY_MS);
    slot.timer = setTimeout(() => {
      slot.timer = undefined;
      this.ensureStarted(slot).catch(() => undefined);
    }, delayMs);
    slot.timer.unref();
  }

  /**
   * A failed slot is tried again once the cooldown has passed since its failure, so a long-running host (the daemon)
   * recovers from a server that was down for a while instead of keeping it dead until restarted.
   */
  private isDueForRetry(slot: Slot): boolean {
    const cooldownMs = this.options.failedRetryMs ?? DEFAULT_FAILED_RETRY_MS;
    return slot.state === 'failed' && slot.failedAt !== undefined && this.now() - slot.failedAt >= cooldownMs;
  }

  private failure(): McpHostError {
    return (
      this.lastFailure ??
      new McpHostError('SERVER_EXITED', `Server ${this.options.name} has no running replica`, {
        server: this.options.name,
      })
    );
  }
}
