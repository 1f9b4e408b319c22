/**
 * Round trips over one connection: sequential (one call at a time) and pipelined (`depth` calls in flight), with the
 * CPU time each side spent per call in both phases.
 * `node dist/bench/drivers/throughput.js <client> <server> <sequentialCalls> <pipelinedCalls> <depth>`
 */
import type { BenchClient } from '../stacks/stack.js';
import { loadStack, parseStackName, serverScript } from '../stacks/stack.js';
import type { ProcessStats } from '../servers/workload.js';
import { cpuNowUs, driverMain, elapsedMs, parseCount } from './driver.js';

/** One measured phase. */
export interface PhaseResult {
  calls: number;
  elapsedMs: number;
  clientCpuUs: number;
  serverCpuUs: number;
}

export interface ThroughputResult {
  sequential: PhaseResult;
  pipelined: PhaseResult;
}

const ARGS = { text: 'hello, world' };

async function sequential(client: BenchClient, calls: number): Promise<void> {
  for (let i = 0; i < calls; i++) await client.callTool('echo', ARGS);
}

async function pipelined(client: BenchClient, calls: number, depth: number): Promise<void> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < calls) {
      started += 1;
      await client.callTool('echo', ARGS);
    }
  };
  await Promise.all(Array.from({ length: Math.min(depth, calls) }, lane));
}

async function serverCpuUs(client: BenchClient): Promise<number> {
  return (JSON.parse(await client.callTool('stats', {})) as ProcessStats).cpuUs;
}

async function measure(client: BenchClient, calls: number, run: () => Promise<void>): Promise<PhaseResult> {
  const serverBefore = await serverCpuUs(client);
  const clientBefore = cpuNowUs();
  const start = process.hrtime.bigint();
  await run();
  const elapsed = elapsedMs(start);
  const clientCpuUs = cpuNowUs() - clientBefore;
  return { calls, elapsedMs: elapsed, clientCpuUs, serverCpuUs: (await serverCpuUs(client)) - serverBefore };
}

driverMain(async (): Promise<ThroughputResult> => {
  const [clientArg, serverArg, sequentialArg, pipelinedArg, depthArg] = process.argv.slice(2);
  const connect = await loadStack(parseStackName(clientArg, 'client'));
  const sequentialCalls = parseCount(sequentialArg, 'sequentialCalls');
  const pipelinedCalls = parseCount(pipelinedArg, 'pipelinedCalls');
  const depth = parseCount(depthArg, 'depth');
  const client = await connect({ serverScript: serverScript(parseStackName(serverArg, 'server')) });
  await client.listTools();
  // Warm up both processes' JIT on the exact paths measured, so the phases compare steady states: the first
  // thousand calls of a fresh process run interpreted code and are several times slower.
  await pipelined(client, Math.ceil(pipelinedCalls / 4), depth);
  await sequential(client, Math.ceil(sequentialCalls / 4));
  const result: ThroughputResult = {
    sequential: await measure(client, sequentialCalls, () => sequential(client, sequentialCalls)),
    pipelined: await measure(client, pipelinedCalls, () => pipelined(client, pipelinedCalls, depth)),
  };
  await client.close();
  return result;
});
