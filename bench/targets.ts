/** The speed targets of mcp-host, checked against one run's medians. */
import { MIB } from './options.js';
import type { BenchResults } from './results.js';
import { median, ratio } from './stats.js';
import type { Series } from './stats.js';
import { findBigRow } from './suites/big-results.js';
import { findDiscoveryRow } from './suites/discovery.js';
import { findPair } from './suites/throughput.js';

export interface TargetCheck {
  target: string;
  goal: string;
  /** The measured ratio, or why there is none. */
  measured: number | string;
  status: 'met' | 'MISSED' | 'not measured';
}

const BIG_TARGET_BYTES = 50 * MIB;
/**
 * Handling one message needs a few whole copies of it at once: on the reading side the bytes read, the joined line,
 * the decoded text and the parsed value's string; on the writing side the tool's own text, the JSON, and the bytes
 * written. The bare stack, which does nothing more, measures 4.2 to 4.6 times the message; five leaves room for GC
 * timing, and anything past it is buffering the stack does not need.
 */
const MEMORY_MULTIPLE = 5;

type Comparison = { value: number | undefined; reference: number | undefined; missing: string };

function check(target: string, goal: string, comparison: Comparison, isMet: (r: number) => boolean): TargetCheck {
  const measured = ratio(comparison.value, comparison.reference);
  if (measured === undefined) return { target, goal, measured: comparison.missing, status: 'not measured' };
  return { target, goal, measured, status: isMet(measured) ? 'met' : 'MISSED' };
}

function medianOf(series: Series | undefined): number | undefined {
  return series ? median(series.values) : undefined;
}

export function checkTargets(results: BenchResults): TargetCheck[] {
  const { cold, throughput, big, discovery } = results;
  const coldCase = (id: string) => cold?.cases.find((item) => item.id === id)?.series;
  const pipelined = (client: 'ours' | 'sdk' | 'host', server: 'ours' | 'sdk' | 'bare') =>
    medianOf(throughput ? findPair(throughput, client, server)?.pipelinedPerSecond : undefined);
  const bigRow = (variant: 'ours' | 'bare') => (big ? findBigRow(big, variant, BIG_TARGET_BYTES) : undefined);
  const discovered = (stack: 'ours' | 'bare') =>
    medianOf(discovery ? findDiscoveryRow(discovery, stack, 10)?.wallMs : undefined);
  const hostCall = coldCase('mcp-host');
  return [
    check(
      'cold `mcp-host call` ÷ floor (bare parent + child echo)',
      '≤ 1.5×',
      {
        value: medianOf(hostCall),
        reference: medianOf(coldCase('floor')),
        missing: hostCall ? (hostCall.failures[0] ?? 'no samples') : 'not run (CLI or weather server missing)',
      },
      (r) => r <= 1.5,
    ),
    check(
      'warm `mcp-host call` (through the daemon) ÷ `node -e 0`',
      '≤ 1.5×',
      {
        value: medianOf(coldCase('mcp-host-warm')),
        reference: medianOf(coldCase('node')),
        missing: 'not run (CLI or weather server missing)',
      },
      (r) => r <= 1.5,
    ),
    check(
      'pipelined calls/s, our server ÷ SDK server (both under the SDK client)',
      '≥ 2×',
      { value: pipelined('sdk', 'ours'), reference: pipelined('sdk', 'sdk'), missing: 'throughput not run' },
      (r) => r >= 2,
    ),
    check(
      'pipelined calls/s, our client ÷ SDK client (both against the bare server)',
      '≥ 2×',
      { value: pipelined('ours', 'bare'), reference: pipelined('sdk', 'bare'), missing: 'throughput not run' },
      (r) => r >= 2,
    ),
    check(
      'pipelined calls/s, `host.callTool` ÷ SDK client (both against the bare server)',
      '≥ 2×',
      { value: pipelined('host', 'bare'), reference: pipelined('sdk', 'bare'), missing: 'throughput not run' },
      (r) => r >= 2,
    ),
    check(
      '50 MiB result, time: ours ÷ bare',
      '≤ 1.5×',
      {
        value: medianOf(bigRow('ours')?.seconds),
        reference: medianOf(bigRow('bare')?.seconds),
        missing: bigRow('ours')?.seconds.failures[0] ?? '50 MiB not run',
      },
      (r) => r <= 1.5,
    ),
    check(
      '50 MiB result, client memory growth ÷ message size (ours)',
      `≤ ${MEMORY_MULTIPLE}×`,
      { value: medianOf(bigRow('ours')?.clientGrowthBytes), reference: BIG_TARGET_BYTES, missing: '50 MiB not run' },
      (r) => r <= MEMORY_MULTIPLE,
    ),
    check(
      '50 MiB result, server memory growth ÷ message size (ours)',
      `≤ ${MEMORY_MULTIPLE}×`,
      { value: medianOf(bigRow('ours')?.serverGrowthBytes), reference: BIG_TARGET_BYTES, missing: '50 MiB not run' },
      (r) => r <= MEMORY_MULTIPLE,
    ),
    check(
      'discovery of 10 servers, wall time: ours ÷ bare',
      '≤ 1.3×',
      { value: discovered('ours'), reference: discovered('bare'), missing: 'discovery not run' },
      (r) => r <= 1.3,
    ),
  ];
}
