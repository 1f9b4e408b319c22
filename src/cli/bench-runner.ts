/**
 * The load loop of `mcp-host bench`: a warmup, then `concurrency` calls kept in flight until `requests` are done.
 * Nothing of a result is kept but its latency (in a preallocated buffer) and, for a failure, its kind.
 */

import { ErrorTally, LatencyRecorder } from './bench-stats.js';
import type { LatencySummary } from './bench-stats.js';

/** What a call must answer: enough of a `CallToolResult` to tell success from a tool error. */
export interface CallOutcome {
  isError?: boolean;
  content?: readonly { type: string; text?: string }[];
}

export interface LoadOptions {
  /** Calls to measure. */
  requests: number;
  /** Calls kept in flight at once. */
  concurrency: number;
  /** Calls made (with the same concurrency) before measuring; their outcomes are not counted. */
  warmup: number;
  /** One call. It may throw (that is a failure of that call) or answer with `isError`. */
  call: () => Promise<CallOutcome>;
  /** When aborted, no further call starts; calls in flight are left to settle (the caller cancels them). */
  signal: AbortSignal;
  /** Told how many measured calls have settled, at most every `progressIntervalMs`. */
  onProgress?: (settled: number) => void;
  /** @default 100 */
  progressIntervalMs?: number;
  /** Runs between the warmup and the measured calls (a snapshot of per-replica counters). */
  beforeMeasuring?: () => void;
}

export interface LoadReport {
  /** Measured calls that settled: every one that was issued (that is checked). */
  requests: number;
  /** Of those, the ones that answered without `isError`. */
  succeeded: number;
  /** From the first measured call issued to the last one settled. */
  durationMs: number;
  /** Latencies of the calls that returned a result (`isError` included); undefined when none did. */
  latencyMs: LatencySummary | undefined;
  errors: ErrorTally;
  /** The signal stopped the run before every call was issued. */
  isInterrupted: boolean;
}

/**
 * Runs the warmup, then the measured calls.
 * @throws Error when the books do not balance (a call issued twice, or one never settled): a bug, never hidden.
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const { concurrency, signal } = options;
  await drive(options.warmup, concurrency, signal, async () => {
    try {
      await options.call();
    } catch {
      // A warmup call's outcome is not measured; the measured calls will meet the same failure and count it.
    }
  });
  options.beforeMeasuring?.();

  const latencies = new LatencyRecorder(options.requests);
  const errors = new ErrorTally();
  let succeeded = 0;
  let settled = 0;
  const progressIntervalMs = options.progressIntervalMs ?? 100;
  let lastProgressAt = performance.now();
  const measureOne = async (): Promise<void> => {
    const startedAt = performance.now();
    try {
      const outcome = await options.call();
      const endedAt = performance.now();
      latencies.record(endedAt - startedAt);
      if (outcome.isError) errors.addToolError(toolErrorText(outcome));
      else succeeded += 1;
    } catch (error) {
      errors.addThrown(error);
    }
    settled += 1;
    if (options.onProgress && performance.now() - lastProgressAt >= progressIntervalMs) {
      lastProgressAt = performance.now();
      options.onProgress(settled);
    }
  };

  const startedAt = performance.now();
  const { issued, completed } = await drive(options.requests, concurrency, signal, measureOne);
  const durationMs = performance.now() - startedAt;

  const isInterrupted = issued < options.requests;
  // Every call issued must have settled exactly once, and been counted exactly once as a success or a failure.
  if (completed !== issued || settled !== issued || succeeded + errors.total !== issued || issued > options.requests) {
    throw new Error(
      `bench: the books do not balance: ${issued} issued, ${completed} completed, ${settled} settled, ` +
        `${succeeded} succeeded + ${errors.total} failed, ${options.requests} planned`,
    );
  }
  return { requests: issued, succeeded, durationMs, latencyMs: latencies.summarize(), errors, isInterrupted };
}

/**
 * Keeps up to `concurrency` runs of `one` going until `count` have started (or the signal stops new ones), and
 * resolves when all have finished. `one` must not throw.
 */
async function drive(
  count: number,
  concurrency: number,
  signal: AbortSignal,
  one: () => Promise<void>,
): Promise<{ issued: number; completed: number }> {
  let issued = 0;
  let completed = 0;
  // Each lane issues its next call as soon as its last one settles: `concurrency` lanes, that many calls in flight.
  const lane = async (): Promise<void> => {
    while (issued < count && !signal.aborted) {
      issued += 1;
      await one();
      completed += 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return { issued, completed };
}

function toolErrorText(outcome: CallOutcome): string {
  const texts = (outcome.content ?? []).flatMap((block) => (block.type === 'text' && block.text ? [block.text] : []));
  return texts.length > 0 ? texts.join('\n') : 'the tool reported an error without a message';
}
