/**
 * Statistics for `mcp-host bench`: latencies kept in one buffer allocated up front (memory stays flat however long
 * the run), nearest-rank percentiles, and failures counted by kind with one example each.
 */

import { INTERNAL_ERROR_CODE, McpHostError } from './errors.js';
import { EXIT_CODE, exitCodeForError } from './exit-codes.js';

/** The kind under which a result with `isError: true` is counted. */
export const TOOL_ERROR_KIND = 'TOOL_ERROR';

export interface LatencySummary {
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

/**
 * The nearest-rank percentile of values sorted in ascending order: the smallest value such that at least `p`% of
 * the values are less than or equal to it. Always one of the measured values, never an interpolation, as latency
 * tools report it (wrk, HdrHistogram).
 * @throws RangeError for no values, or `p` outside (0, 100].
 */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile: no values');
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile: p must be in (0, 100], got ${p}`);
  // Rounded before the ceiling: 0.9 * 10 is 9.000000000000002 in floating point, which must stay rank 9.
  const rank = Math.ceil(Number(((p * sorted.length) / 100).toFixed(9)));
  return sorted[rank - 1]!;
}

/** Latencies in milliseconds, in a `Float64Array` of a fixed capacity: recording never allocates. */
export class LatencyRecorder {
  private readonly samples: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.samples = new Float64Array(capacity);
  }

  /** How many latencies were recorded. */
  get size(): number {
    return this.count;
  }

  /** @throws RangeError past the capacity: the caller issued more requests than it planned for. */
  record(ms: number): void {
    if (this.count >= this.samples.length) {
      throw new RangeError(`LatencyRecorder: more than the ${this.samples.length} latencies planned for`);
    }
    this.samples[this.count] = ms;
    this.count += 1;
  }

  /** p50, p90, p99 and max; undefined when nothing was recorded. Sorts the samples in place (call it at the end). */
  summarize(): LatencySummary | undefined {
    if (this.count === 0) return undefined;
    // A typed array sorts numerically, with no comparator and no copy.
    const sorted = this.samples.subarray(0, this.count).sort();
    return {
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1]!,
    };
  }
}

/** One kind of failure: how often it happened, and the first one (for its message and its exit code). */
export interface FailureKind {
  count: number;
  example: { message: string; exitCode: number };
}

/** Failures by kind: `TOOL_ERROR` for `isError` results, else the McpHostError code (`REQUEST_TIMEOUT`, …). */
export class ErrorTally {
  private readonly kinds = new Map<string, FailureKind>();
  private count = 0;

  /** Every failure counted. */
  get total(): number {
    return this.count;
  }

  /** Counts a result with `isError: true`; `message` is its text. */
  addToolError(message: string): void {
    this.add(TOOL_ERROR_KIND, () => ({ message, exitCode: EXIT_CODE.TOOL_ERROR }));
  }

  /** Counts a call that threw: by its McpHostError code, or as `INTERNAL_ERROR` (a bug of ours). */
  addThrown(error: unknown): void {
    if (error instanceof McpHostError) {
      this.add(error.code, () => ({ message: error.message, exitCode: exitCodeForError(error) }));
    } else {
      this.add(INTERNAL_ERROR_CODE, () => ({
        message: error instanceof Error ? error.message : String(error),
        exitCode: EXIT_CODE.INTERNAL,
      }));
    }
  }

  /** Count per kind, kinds in alphabetical order (stable output whatever order the failures came in). */
  counts(): Record<string, number> {
    return Object.fromEntries(this.entries().map(([kind, { count }]) => [kind, count]));
  }

  entries(): [string, FailureKind][] {
    return [...this.kinds].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  /**
   * The exit code for the run: 0 when nothing failed, else the lowest exit code among the kinds seen. Lower codes
   * are the more fundamental failures (1 arguments refused, 3 server failed, 4 timeout, 5 the tool said no), so
   * the code points at what to fix first.
   */
  exitCode(): number {
    let lowest: number = EXIT_CODE.OK;
    for (const { example } of this.kinds.values()) {
      if (lowest === EXIT_CODE.OK || example.exitCode < lowest) lowest = example.exitCode;
    }
    return lowest;
  }

  private add(kind: string, example: () => FailureKind['example']): void {
    this.count += 1;
    const known = this.kinds.get(kind);
    if (known) known.count += 1;
    else this.kinds.set(kind, { count: 1, example: example() });
  }
}
