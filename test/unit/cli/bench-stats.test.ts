/** bench's statistics: nearest-rank percentiles, the fixed-size latency buffer, and failures by kind. */
import { describe, expect, it } from 'vitest';
import { ErrorTally, LatencyRecorder, TOOL_ERROR_KIND, percentile } from '../../../src/cli/bench-stats.js';
import { McpHostError } from '../../../src/protocol/errors.js';

/** 1, 2, …, n as a sorted typed array. */
function oneTo(n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, index) => index + 1);
}

describe('percentile (nearest rank)', () => {
  it('is the smallest value with at least p% of the values at or below it', () => {
    const values = oneTo(10);
    expect(percentile(values, 50)).toBe(5);
    expect(percentile(values, 90)).toBe(9);
    expect(percentile(values, 99)).toBe(10);
    expect(percentile(values, 100)).toBe(10);
    expect(percentile(values, 1)).toBe(1);
    expect(percentile(values, 51)).toBe(6);
  });

  it('gives exact ranks where p × n is whole, despite floating point', () => {
    expect(percentile(oneTo(100), 99)).toBe(99);
    expect(percentile(oneTo(1000), 90)).toBe(900);
    expect(percentile(oneTo(10_000), 99)).toBe(9900);
    // 1.1 × 100000 / 100 is 1100.0000000000002 in floating point, 2.3 × 100000 / 100 is 2299.9999999999995.
    expect(percentile(oneTo(100_000), 1.1)).toBe(1100);
    expect(percentile(oneTo(100_000), 2.3)).toBe(2300);
    expect(percentile(oneTo(10_000), 99.9)).toBe(9990);
  });

  it('is always one of the measured values, never an interpolation', () => {
    const values = Float64Array.from([1, 100]);
    expect(percentile(values, 50)).toBe(1);
    expect(percentile(values, 51)).toBe(100);
    expect(percentile(Float64Array.from([3.25]), 50)).toBe(3.25);
    expect(percentile(Float64Array.from([3.25]), 99)).toBe(3.25);
  });

  it('refuses no values and a p outside (0, 100]', () => {
    expect(() => percentile(new Float64Array(0), 50)).toThrow('percentile: no values');
    expect(() => percentile(oneTo(3), 0)).toThrow('p must be in (0, 100], got 0');
    expect(() => percentile(oneTo(3), 101)).toThrow('p must be in (0, 100], got 101');
    expect(() => percentile(oneTo(3), Number.NaN)).toThrow('p must be in (0, 100], got NaN');
  });
});

describe('LatencyRecorder', () => {
  it('summarizes latencies recorded in any order', () => {
    const recorder = new LatencyRecorder(1000);
    // 1..1000 in a scrambled but deterministic order (7 is coprime with 1000, so each value comes once).
    for (let index = 0; index < 1000; index++) recorder.record(((index * 7) % 1000) + 1);
    expect(recorder.size).toBe(1000);
    expect(recorder.summarize()).toEqual({ p50: 500, p90: 900, p99: 990, max: 1000 });
  });

  it('sorts numerically, not as text (10 after 9)', () => {
    const recorder = new LatencyRecorder(3);
    for (const ms of [10, 9, 100]) recorder.record(ms);
    expect(recorder.summarize()).toEqual({ p50: 10, p90: 100, p99: 100, max: 100 });
  });

  it('summarizes only what was recorded when fewer samples came than planned', () => {
    const recorder = new LatencyRecorder(100);
    recorder.record(2.5);
    recorder.record(0.5);
    // The unused zeros of the buffer must not count as latencies.
    expect(recorder.summarize()).toEqual({ p50: 0.5, p90: 2.5, p99: 2.5, max: 2.5 });
  });

  it('has no summary when nothing was recorded', () => {
    expect(new LatencyRecorder(10).summarize()).toBeUndefined();
  });

  it('refuses more samples than its capacity instead of growing', () => {
    const recorder = new LatencyRecorder(2);
    recorder.record(1);
    recorder.record(2);
    expect(() => recorder.record(3)).toThrow('more than the 2 latencies planned for');
    expect(recorder.size).toBe(2);
  });
});

describe('ErrorTally', () => {
  it('counts failures by kind, kinds in alphabetical order, keeping the first message of each', () => {
    const tally = new ErrorTally();
    tally.addThrown(new McpHostError('REQUEST_TIMEOUT', 'timed out after 50 ms', { timeoutMs: 50 }));
    tally.addToolError('first failure');
    tally.addToolError('second failure');
    tally.addThrown(new McpHostError('REQUEST_TIMEOUT', 'timed out again'));
    tally.addThrown(new McpHostError('SERVER_EXITED', 'Server s exited with code 7'));
    expect(tally.total).toBe(5);
    expect(Object.entries(tally.counts())).toEqual([
      ['REQUEST_TIMEOUT', 2],
      ['SERVER_EXITED', 1],
      [TOOL_ERROR_KIND, 2],
    ]);
    expect(tally.entries().map(([kind, { example }]) => [kind, example.message])).toEqual([
      ['REQUEST_TIMEOUT', 'timed out after 50 ms'],
      ['SERVER_EXITED', 'Server s exited with code 7'],
      [TOOL_ERROR_KIND, 'first failure'],
    ]);
  });

  it('counts anything that is not an McpHostError as INTERNAL_ERROR (a bug of ours)', () => {
    const tally = new ErrorTally();
    tally.addThrown(new TypeError('x is undefined'));
    tally.addThrown('a string');
    expect(tally.counts()).toEqual({ INTERNAL_ERROR: 2 });
    expect(tally.entries()[0]?.[1].example.message).toBe('x is undefined');
  });

  it('exits 0 with no failure, else with the lowest exit code among the kinds seen', () => {
    const tally = new ErrorTally();
    expect(tally.exitCode()).toBe(0);
    tally.addToolError('no');
    expect(tally.exitCode()).toBe(5);
    tally.addThrown(new McpHostError('REQUEST_TIMEOUT', 'slow'));
    expect(tally.exitCode()).toBe(4);
    tally.addThrown(new McpHostError('SERVER_EXITED', 'gone'));
    expect(tally.exitCode()).toBe(3);
    // A server refusing the arguments (-32602) is a usage error: the most fundamental of all.
    tally.addThrown(new McpHostError('SERVER_ERROR', 'invalid params', { rpcCode: -32602 }));
    expect(tally.exitCode()).toBe(1);
  });
});
