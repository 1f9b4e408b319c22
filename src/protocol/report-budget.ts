/**
 * How many reports a connection may make: a burst, then one per interval, so that a peer that floods invalid input
 * makes a few lines of diagnostics and a count, not one line each (300k invalid lines once grew a server from 94
 * to 352 MiB of buffered stderr, and aborted it under a small heap).
 */

/** Reports made at once before the limit applies. */
const BURST = 10;
/** After the burst, one report per this many milliseconds. */
const INTERVAL_MS = 1_000;

export class ReportBudget {
  private tokens = BURST;
  private refilledAt = 0;
  private dropped = 0;

  constructor(private readonly now: () => number = Date.now) {}

  /**
   * Takes one report. Returns how many reports were dropped since the last one that was made, or `undefined` when
   * this one must be dropped too.
   */
  take(): number | undefined {
    if (this.tokens === 0) {
      const now = this.now();
      if (now - this.refilledAt < INTERVAL_MS) {
        this.dropped += 1;
        return undefined;
      }
      this.tokens = 1;
    }
    this.tokens -= 1;
    if (this.tokens === 0) this.refilledAt = this.now();
    const dropped = this.dropped;
    this.dropped = 0;
    return dropped;
  }
}
