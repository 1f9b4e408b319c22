/**
 * One large tool result: the time of the call, and how much the memory of each side grew for it.
 * `node dist/bench/drivers/big-result.js <client> <server> <bytes> [<maxMessageBytes>]`
 * Without `maxMessageBytes` the client keeps its stack's default limit.
 */
import { loadStack, parseStackName, serverScript } from '../stacks/stack.js';
import type { BenchClient } from '../stacks/stack.js';
import type { ProcessStats } from '../servers/workload.js';
import { driverMain, elapsedMs, parseCount } from './driver.js';

export interface BigResult {
  elapsedMs: number;
  /** The client's peak resident memory at the end of the call, in bytes. */
  clientPeakRssBytes: number;
  /** Peak minus the resident memory just before the call: what receiving the result cost. */
  clientGrowthBytes: number;
  serverPeakRssBytes: number;
  /** The server's peak minus its resident memory before the call: what producing and sending it cost. */
  serverGrowthBytes: number;
}

/** Generous: the SDK takes seconds per 10 MiB; a timeout must not be what ends the measurement. */
const TIMEOUT_MS = 10 * 60_000;

async function serverStats(client: BenchClient): Promise<ProcessStats> {
  return JSON.parse(await client.callTool('stats', {})) as ProcessStats;
}

driverMain(async (): Promise<BigResult> => {
  const [clientArg, serverArg, bytesArg, limitArg] = process.argv.slice(2);
  const connect = await loadStack(parseStackName(clientArg, 'client'));
  const bytes = parseCount(bytesArg, 'bytes');
  const maxMessageBytes = limitArg === undefined ? undefined : parseCount(limitArg, 'maxMessageBytes');
  const client = await connect({
    serverScript: serverScript(parseStackName(serverArg, 'server')),
    maxMessageBytes,
    timeoutMs: TIMEOUT_MS,
  });
  await client.callTool('blob', { bytes: 1024 });
  const serverBefore = await serverStats(client);
  const clientRssBefore = process.memoryUsage.rss();
  const start = process.hrtime.bigint();
  const text = await client.callTool('blob', { bytes });
  const elapsed = elapsedMs(start);
  const clientPeakRssBytes = process.resourceUsage().maxRSS * 1024;
  if (text.length !== bytes) throw new Error(`blob: expected ${bytes} characters, got ${text.length}`);
  const serverAfter = await serverStats(client);
  await client.close();
  return {
    elapsedMs: elapsed,
    clientPeakRssBytes,
    clientGrowthBytes: clientPeakRssBytes - clientRssBefore,
    serverPeakRssBytes: serverAfter.peakRssBytes,
    serverGrowthBytes: serverAfter.peakRssBytes - serverBefore.rssBytes,
  };
});
