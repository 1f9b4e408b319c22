/**
 * Calls per second over one connection, sequential and pipelined, and the CPU each side spends per call, for the
 * three stacks and for mixed pairs that isolate one side: a fast client shows the server's limit and vice versa.
 */
import type { ThroughputResult } from '../drivers/throughput.js';
import { alternate, runDriver } from '../measure.js';
import type { Plan } from '../options.js';
import type { StackName } from '../stacks/stack.js';
import { newSeries } from '../stats.js';
import type { Series } from '../stats.js';

export interface PairResult {
  client: StackName;
  server: StackName;
  sequentialPerSecond: Series;
  pipelinedPerSecond: Series;
  /** CPU per call in microseconds, by side and phase. */
  cpu: { clientSequential: Series; serverSequential: Series; clientPipelined: Series; serverPipelined: Series };
}

export interface ThroughputSuiteResult {
  pairs: PairResult[];
  depth: number;
}

/** Client → server. The first three are the stacks; the rest put one side of ours or the SDK against bare. */
const PAIRS: [StackName, StackName][] = [
  ['sdk', 'sdk'],
  ['ours', 'ours'],
  ['bare', 'bare'],
  ['sdk', 'ours'],
  ['ours', 'bare'],
  ['sdk', 'bare'],
  ['bare', 'ours'],
  ['bare', 'sdk'],
  ['host', 'bare'],
];

export function findPair(result: ThroughputSuiteResult, client: StackName, server: StackName): PairResult | undefined {
  return result.pairs.find((pair) => pair.client === client && pair.server === server);
}

export function runThroughputSuite(plan: Plan): ThroughputSuiteResult {
  const { rounds, sequentialCalls, pipelinedCalls, depth } = plan.throughput;
  const pairs: PairResult[] = PAIRS.map(([client, server]) => ({
    client,
    server,
    sequentialPerSecond: newSeries(),
    pipelinedPerSecond: newSeries(),
    cpu: {
      clientSequential: newSeries(),
      serverSequential: newSeries(),
      clientPipelined: newSeries(),
      serverPipelined: newSeries(),
    },
  }));
  alternate(
    'throughput',
    rounds,
    pairs,
    (pair) => pair.sequentialPerSecond.failures.length > 0,
    (pair) => {
      const run = runDriver<ThroughputResult>(
        'throughput',
        [pair.client, pair.server, sequentialCalls, pipelinedCalls, depth],
        plan.env,
      );
      const { result } = run;
      if (run.failure !== undefined || result === undefined) {
        pair.sequentialPerSecond.failures.push(run.failure ?? 'the driver printed no result');
        return;
      }
      const { sequential, pipelined } = result;
      pair.sequentialPerSecond.values.push((sequential.calls / sequential.elapsedMs) * 1000);
      pair.pipelinedPerSecond.values.push((pipelined.calls / pipelined.elapsedMs) * 1000);
      pair.cpu.clientSequential.values.push(sequential.clientCpuUs / sequential.calls);
      pair.cpu.serverSequential.values.push(sequential.serverCpuUs / sequential.calls);
      pair.cpu.clientPipelined.values.push(pipelined.clientCpuUs / pipelined.calls);
      pair.cpu.serverPipelined.values.push(pipelined.serverCpuUs / pipelined.calls);
    },
  );
  return { pairs, depth };
}
