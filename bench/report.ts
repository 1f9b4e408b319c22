/** The markdown report: one table per suite, ratios against the SDK and bare stacks, and the targets. */
import { MIB } from './options.js';
import type { BenchResults } from './results.js';
import { ratio, summarize } from './stats.js';
import type { Series } from './stats.js';
import type { BigSuiteResult } from './suites/big-results.js';
import { findBigRow } from './suites/big-results.js';
import type { ColdResult } from './suites/cold.js';
import type { DiscoverySuiteResult } from './suites/discovery.js';
import { findDiscoveryRow } from './suites/discovery.js';
import type { ThroughputSuiteResult } from './suites/throughput.js';
import { findPair } from './suites/throughput.js';
import { checkTargets } from './targets.js';
import type { TargetCheck } from './targets.js';

const DASH = '–';

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function number(value: number | undefined, digits: number): string {
  if (value === undefined) return DASH;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function times(value: number | undefined): string {
  return value === undefined ? DASH : `${value.toFixed(2)}×`;
}

function mib(bytes: number | undefined): string {
  return bytes === undefined ? DASH : `${number(bytes / MIB, 0)} MiB`;
}

function median(series: Series | undefined): number | undefined {
  return series ? summarize(series.values)?.median : undefined;
}

function p90(series: Series): number | undefined {
  return summarize(series.values)?.p90;
}

/** The cell of a case that failed: the failure is the result, and is shown, not hidden. */
function failureNote(series: Series): string | undefined {
  const [first] = series.failures;
  if (first === undefined) return undefined;
  const done = series.values.length;
  return done === 0 ? `**failed**: ${first}` : `failed after ${done} good rounds: ${first}`;
}

/**
 * A target's ratio: two decimals, or three when two would read as the goal itself (a missed `≤ 1.5×` shown as
 * `1.50×` looks met).
 */
function targetRatio(measured: number, goal: string): string {
  const goalValue = Number(goal.replace(/[^\d.]/g, ''));
  return measured.toFixed(2) === goalValue.toFixed(2) ? `${measured.toFixed(3)}×` : times(measured);
}

function renderTargets(checks: TargetCheck[]): string {
  return table(
    ['Target', 'Goal', 'Measured', 'Met'],
    checks.map(({ target, goal, measured, status }) => [
      target,
      goal,
      typeof measured === 'number' ? targetRatio(measured, goal) : measured,
      status === 'MISSED' ? '**MISSED**' : status,
    ]),
  );
}

function renderCold(cold: ColdResult): string {
  const reference = (id: string) => median(cold.cases.find((item) => item.id === id)?.series);
  const [floor, sdk, bare] = [reference('floor'), reference('sdk'), reference('bare')];
  const rows = cold.cases.map(({ label, series }) => {
    const value = median(series);
    const failure = failureNote(series);
    if (failure !== undefined && value === undefined) return [label, failure, DASH, DASH, DASH, DASH];
    return [
      label,
      number(value, 1),
      number(p90(series), 1),
      times(ratio(value, floor)),
      times(ratio(value, sdk)),
      times(ratio(value, bare)),
    ];
  });
  const notes = cold.skipped.map((reason) => `- Not measured: ${reason}`);
  return [
    '## Cold start',
    'Wall time of a whole `node` process, spawn to exit, in ms: spawn the server, initialize, `tools/list`, one `tools/call`, close (server exited). Lower is better.',
    table(['Case', 'median ms', 'p90 ms', '÷ floor', '÷ SDK', '÷ bare'], rows),
    ...notes,
  ].join('\n\n');
}

function renderThroughput(result: ThroughputSuiteResult): string {
  const sdk = findPair(result, 'sdk', 'sdk');
  const bare = findPair(result, 'bare', 'bare');
  const rates = result.pairs.map((pair) => {
    const name = `${pair.client} → ${pair.server}`;
    const failure = failureNote(pair.sequentialPerSecond);
    if (failure !== undefined && pair.sequentialPerSecond.values.length === 0) {
      return [name, failure, '', '', '', '', ''];
    }
    const sequential = median(pair.sequentialPerSecond);
    const pipelined = median(pair.pipelinedPerSecond);
    return [
      name,
      number(sequential, 0),
      times(ratio(sequential, median(sdk?.sequentialPerSecond))),
      times(ratio(sequential, median(bare?.sequentialPerSecond))),
      number(pipelined, 0),
      times(ratio(pipelined, median(sdk?.pipelinedPerSecond))),
      times(ratio(pipelined, median(bare?.pipelinedPerSecond))),
    ];
  });
  const totalPipelined = (pair: typeof sdk) =>
    pair ? sum(median(pair.cpu.clientPipelined), median(pair.cpu.serverPipelined)) : undefined;
  const cpu = result.pairs
    .filter((pair) => pair.sequentialPerSecond.values.length > 0)
    .map((pair) => {
      const total = totalPipelined(pair);
      return [
        `${pair.client} → ${pair.server}`,
        number(median(pair.cpu.clientSequential), 1),
        number(median(pair.cpu.serverSequential), 1),
        number(median(pair.cpu.clientPipelined), 1),
        number(median(pair.cpu.serverPipelined), 1),
        number(total, 1),
        times(ratio(total, totalPipelined(sdk))),
        times(ratio(total, totalPipelined(bare))),
      ];
    });
  return [
    '## Round trips',
    `\`tools/call\` of \`echo\` over one connection, calls per second: one at a time (sequential), and ${result.depth} in flight (pipelined). Higher is better. \`client → server\`; the ratios divide by sdk → sdk and bare → bare.`,
    table(
      ['client → server', 'sequential /s', '× SDK', '× bare', `pipelined /s (${result.depth})`, '× SDK', '× bare'],
      rates,
    ),
    '## CPU per call',
    'User + system CPU time per call in µs, each side measured by its own process (`process.cpuUsage()`). Lower is better; the ratios are of the pipelined total.',
    table(
      [
        'client → server',
        'client, seq',
        'server, seq',
        'client, pipelined',
        'server, pipelined',
        'total, pipelined',
        '÷ SDK',
        '÷ bare',
      ],
      cpu,
    ),
  ].join('\n\n');
}

function sum(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined || b === undefined ? undefined : a + b;
}

function renderBig(result: BigSuiteResult): string {
  const rows = result.rows.map((row) => {
    const size = `${row.bytes / MIB} MiB`;
    const failure = failureNote(row.seconds);
    if (failure !== undefined && row.seconds.values.length === 0) {
      return [size, row.label, failure, DASH, DASH, DASH, DASH, DASH, DASH, DASH];
    }
    const seconds = median(row.seconds);
    const growth = (series: Series) => {
      const value = median(series);
      return value === undefined ? DASH : `${mib(value)} (${times(value / row.bytes)})`;
    };
    return [
      size,
      row.label,
      number(seconds, 3),
      number(p90(row.seconds), 3),
      times(ratio(seconds, median(findBigRow(result, 'sdk', row.bytes)?.seconds))),
      times(ratio(seconds, median(findBigRow(result, 'bare', row.bytes)?.seconds))),
      mib(median(row.clientPeakRssBytes)),
      growth(row.clientGrowthBytes),
      mib(median(row.serverPeakRssBytes)),
      growth(row.serverGrowthBytes),
    ];
  });
  return [
    '## Large results',
    'One `tools/call` answering with a text of the given size (about 4% more on the wire, from JSON escaping), seconds per call; peak RSS of each process, and its growth during the call (× the text size). Lower is better.',
    table(
      [
        'size',
        'stack',
        'median s',
        'p90 s',
        '÷ SDK',
        '÷ bare',
        'client peak RSS',
        'client growth',
        'server peak RSS',
        'server growth',
      ],
      rows,
    ),
  ].join('\n\n');
}

function renderDiscovery(result: DiscoverySuiteResult): string {
  const rows = result.rows.map((row) => {
    const name = row.client === row.server ? row.client : `${row.client} client → ${row.server} servers`;
    const failure = failureNote(row.wallMs);
    if (failure !== undefined && row.wallMs.values.length === 0) {
      return [String(row.servers), name, failure, DASH, DASH, DASH];
    }
    const value = median(row.wallMs);
    return [
      String(row.servers),
      name,
      number(value, 1),
      number(p90(row.wallMs), 1),
      times(ratio(value, median(findDiscoveryRow(result, 'sdk', row.servers)?.wallMs))),
      times(ratio(value, median(findDiscoveryRow(result, 'bare', row.servers)?.wallMs))),
    ];
  });
  return [
    '## Discovery',
    "Wall time of one process that spawns N servers in parallel, initializes and lists the tools of each, and closes them all, in ms. Lower is better. The rows with bare servers show the client's share alone; the ratios divide by the SDK stack and the bare stack.",
    table(['servers', 'stack', 'median ms', 'p90 ms', '÷ SDK', '÷ bare'], rows),
  ].join('\n\n');
}

function renderHeader(results: BenchResults): string {
  const { machine, plan, isQuick, isEnvInherited } = results;
  const rounds = [
    `cold ${plan.coldRounds}`,
    `throughput ${plan.throughput.rounds} (${plan.throughput.sequentialCalls} sequential + ${plan.throughput.pipelinedCalls} pipelined calls each)`,
    `large results ${plan.big.map(({ bytes, rounds: n }) => `${bytes / MIB} MiB × ${n}`).join(', ')}`,
    `discovery ${plan.discovery.rounds}`,
  ].join('; ');
  return [
    '# mcp-host benchmark results',
    table(
      ['', ''],
      [
        ['date', machine.date],
        ['commit', machine.commit],
        ['node', machine.node],
        ['cpu', `${machine.cpuModel}, ${machine.cores} cores`],
        ['memory', `${machine.memoryGiB} GiB`],
        ['os', machine.os],
        ['mode', `${isQuick ? 'quick' : 'full'}; rounds: ${rounds}`],
        [
          'environment of measured processes',
          isEnvInherited ? 'inherited whole (--inherit-env)' : Object.keys(plan.env).sort().join(', '),
        ],
      ],
    ),
    'Medians over alternating rounds (every case once per round, order rotated), p90 where the spread matters. Ratios divide by the SDK stack or the bare stack measured in the same run; see bench/README.md.',
  ].join('\n\n');
}

export function renderReport(results: BenchResults): string {
  const sections = [renderHeader(results), '## Targets', renderTargets(checkTargets(results))];
  if (results.cold) sections.push(renderCold(results.cold));
  if (results.throughput) sections.push(renderThroughput(results.throughput));
  if (results.big) sections.push(renderBig(results.big));
  if (results.discovery) sections.push(renderDiscovery(results.discovery));
  return sections.join('\n\n') + '\n';
}
