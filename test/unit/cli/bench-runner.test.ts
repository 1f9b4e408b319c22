/**
 * bench's load loop against stub calls (as the style guide asks for CLI units: a stub host, never a stubbed
 * protocol): how many calls are made, how many are in flight, how outcomes are counted, and interruption.
 */
import { describe, expect, it } from 'vitest';
import { runLoad } from '../../../src/cli/bench-runner.js';
import type { CallOutcome } from '../../../src/cli/bench-runner.js';
import { McpHostError } from '../../../src/protocol/errors.js';

/** A stub tool: answers after `delayMs(call number)` ms, and records how many calls it saw and how many at once. */
class StubTool {
  calls = 0;
  inFlight = 0;
  maxInFlight = 0;

  constructor(private readonly delayMs: (call: number) => number = (call) => call % 3) {}

  readonly call = async (): Promise<CallOutcome> => {
    this.calls += 1;
    const delay = this.delayMs(this.calls);
    this.inFlight += 1;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, delay));
      return { content: [{ type: 'text', text: 'ok' }] };
    } finally {
      this.inFlight -= 1;
    }
  };
}

const NEVER = new AbortController().signal;

describe('runLoad', () => {
  it('makes exactly the warmup plus the measured calls, with exactly `concurrency` in flight at the peak', async () => {
    const tool = new StubTool();
    let callsBeforeMeasuring: number | undefined;
    let inFlightBeforeMeasuring: number | undefined;
    const report = await runLoad({
      requests: 500,
      concurrency: 8,
      warmup: 20,
      call: tool.call,
      signal: NEVER,
      beforeMeasuring: () => {
        callsBeforeMeasuring = tool.calls;
        inFlightBeforeMeasuring = tool.inFlight;
      },
    });
    expect(tool.calls).toBe(520);
    expect(tool.maxInFlight).toBe(8);
    // The warmup is over, every one of its calls settled, before the first measured call starts.
    expect(callsBeforeMeasuring).toBe(20);
    expect(inFlightBeforeMeasuring).toBe(0);
    expect(report).toMatchObject({ requests: 500, succeeded: 500, isInterrupted: false });
    expect(report.errors.total).toBe(0);
    expect(report.durationMs).toBeGreaterThan(0);
    expect(report.latencyMs!.p50).toBeLessThanOrEqual(report.latencyMs!.p90);
    expect(report.latencyMs!.p99).toBeLessThanOrEqual(report.latencyMs!.max);
  });

  it('makes only `requests` calls when the concurrency is higher', async () => {
    const tool = new StubTool();
    const report = await runLoad({ requests: 5, concurrency: 64, warmup: 0, call: tool.call, signal: NEVER });
    expect(tool.calls).toBe(5);
    expect(tool.maxInFlight).toBe(5);
    expect(report.requests).toBe(5);
  });

  it('counts each outcome once: success, isError, a rejection by its code, a synchronous throw', async () => {
    let calls = 0;
    const call = (): Promise<CallOutcome> => {
      calls += 1;
      switch (calls % 4) {
        case 0:
          return Promise.resolve({ isError: true, content: [{ type: 'text', text: `call ${calls} failed` }] });
        case 1:
          return Promise.reject(new McpHostError('REQUEST_TIMEOUT', `call ${calls} timed out`));
        case 2:
          // Not even a promise: the loop must still count it, and go on.
          throw new TypeError(`call ${calls} broke`);
        default:
          return Promise.resolve({ content: [] });
      }
    };
    const report = await runLoad({ requests: 100, concurrency: 7, warmup: 0, call, signal: NEVER });
    expect(calls).toBe(100);
    expect(report.requests).toBe(100);
    expect(report.succeeded).toBe(25);
    expect(report.errors.counts()).toEqual({ INTERNAL_ERROR: 25, REQUEST_TIMEOUT: 25, TOOL_ERROR: 25 });
    expect(report.errors.entries().map(([kind, { example }]) => [kind, example.message])).toEqual([
      ['INTERNAL_ERROR', 'call 2 broke'],
      ['REQUEST_TIMEOUT', 'call 1 timed out'],
      ['TOOL_ERROR', 'call 4 failed'],
    ]);
    // Results (isError included) have a latency; calls that threw do not.
    expect(report.latencyMs).toBeDefined();
  });

  it('does not count warmup outcomes', async () => {
    let calls = 0;
    const call = (): Promise<CallOutcome> => {
      calls += 1;
      return calls <= 10 ? Promise.reject(new McpHostError('SERVER_EXITED', 'cold')) : Promise.resolve({});
    };
    const report = await runLoad({ requests: 30, concurrency: 3, warmup: 10, call, signal: NEVER });
    expect(report).toMatchObject({ requests: 30, succeeded: 30 });
    expect(report.errors.total).toBe(0);
  });

  it('on abort, starts no more calls and reports the ones made, those in flight settling as cancelled', async () => {
    const controller = new AbortController();
    let calls = 0;
    const call = (): Promise<CallOutcome> => {
      calls += 1;
      // The interrupt comes while the 20th call is being made; like the host, in-flight calls then reject.
      if (calls === 20) controller.abort();
      return new Promise((resolve, reject) => {
        if (controller.signal.aborted) {
          reject(new McpHostError('CANCELLED', 'Interrupted'));
          return;
        }
        const onAbort = (): void => {
          clearTimeout(timer);
          reject(new McpHostError('CANCELLED', 'Interrupted'));
        };
        const timer = setTimeout(() => {
          controller.signal.removeEventListener('abort', onAbort);
          resolve({});
        }, 2);
        controller.signal.addEventListener('abort', onAbort, { once: true });
      });
    };
    const report = await runLoad({ requests: 1000, concurrency: 4, warmup: 0, call, signal: controller.signal });
    expect(calls).toBe(20);
    expect(report).toMatchObject({ requests: 20, succeeded: 16, isInterrupted: true });
    expect(report.errors.counts()).toEqual({ CANCELLED: 4 });
  });

  it('makes no measured call when interrupted during the warmup', async () => {
    const controller = new AbortController();
    const tool = new StubTool(() => 1);
    const call = (): Promise<CallOutcome> => {
      if (tool.calls === 3) controller.abort();
      return tool.call();
    };
    let isMeasuring = false;
    const report = await runLoad({
      requests: 100,
      concurrency: 2,
      warmup: 50,
      call,
      signal: controller.signal,
      beforeMeasuring: () => (isMeasuring = true),
    });
    expect(tool.calls).toBe(4);
    expect(isMeasuring).toBe(true);
    expect(report).toMatchObject({ requests: 0, succeeded: 0, isInterrupted: true, latencyMs: undefined });
  });

  it('reports progress as calls settle, counting up to the total', async () => {
    const seen: number[] = [];
    await runLoad({
      requests: 50,
      concurrency: 5,
      warmup: 5,
      call: new StubTool().call,
      signal: NEVER,
      onProgress: (settled) => seen.push(settled),
      progressIntervalMs: 0,
    });
    expect(seen).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
  });
});
