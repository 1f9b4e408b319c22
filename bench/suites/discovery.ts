/**
 * Discovery, timed from outside: one process spawns N servers in parallel, initializes and lists the tools of each,
 * and closes them all; what `mcp-host list` does over a config of N servers. Each stack with its own servers, then
 * our client and the SDK's with bare servers, which leaves only the client's share of the cost.
 */
import { alternate, record, runDriver } from '../measure.js';
import type { Plan } from '../options.js';
import type { StackName } from '../stacks/stack.js';
import { newSeries } from '../stats.js';
import type { Series } from '../stats.js';

export interface DiscoveryRow {
  client: StackName;
  server: StackName;
  servers: number;
  wallMs: Series;
}

export interface DiscoverySuiteResult {
  rows: DiscoveryRow[];
}

/** Client → server; the stacks first. */
const PAIRS: [StackName, StackName][] = [
  ['ours', 'ours'],
  ['sdk', 'sdk'],
  ['bare', 'bare'],
  ['ours', 'bare'],
  ['sdk', 'bare'],
];

export function findDiscoveryRow(
  result: DiscoverySuiteResult,
  stack: StackName,
  servers: number,
): DiscoveryRow | undefined {
  return result.rows.find((row) => row.client === stack && row.server === stack && row.servers === servers);
}

export function runDiscoverySuite(plan: Plan): DiscoverySuiteResult {
  const rows: DiscoveryRow[] = plan.discovery.counts.flatMap((servers) =>
    PAIRS.map(([client, server]) => ({ client, server, servers, wallMs: newSeries() })),
  );
  alternate(
    'discovery',
    plan.discovery.rounds,
    rows,
    (row) => row.wallMs.failures.length > 0,
    (row) => record(row.wallMs, runDriver('discover', [row.client, row.server, row.servers], plan.env)),
  );
  return { rows };
}
