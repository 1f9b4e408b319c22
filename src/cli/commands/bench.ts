/**
 * `mcp-host bench SERVER.TOOL [key=value ...]`: a load generator for any MCP server (like `wrk`): every replica is
 * started, then C calls are kept in flight until N are done; the report gives throughput, latency percentiles,
 * errors by kind and each replica's share.
 */

import { setMaxListeners } from 'node:events';
import { Command } from 'commander';
import type { ReplicaStats } from '../../host/server-pool.js';
import { loadArgsOption, parseAssignments, toolArguments } from '../args.js';
import { runLoad } from '../bench-runner.js';
import type { LoadReport } from '../bench-runner.js';
import { COMMANDS } from '../command-line.js';
import type { CliContext } from '../context.js';
import { EXIT_CODE } from '../exit-codes.js';
import { formatMs, renderTable } from '../render.js';
import type { Cell } from '../render.js';
import { parseTarget } from '../targets.js';
import { checkedNumber } from '../option-values.js';

/** Node's warning threshold for listeners on one signal, kept as headroom for listeners other than the calls'. */
const DEFAULT_SIGNAL_LISTENERS = 10;

interface BenchOptions {
  requests: number;
  concurrency: number;
  warmup?: number;
  args?: string;
}

/** The `--json` document. */
export interface BenchDocument {
  requestsPerSecond: number;
  latencyMs: { p50: number | null; p90: number | null; p99: number | null; max: number | null };
  errors: Record<string, number>;
  requests: number;
  concurrency: number;
  durationMs: number;
  replicas: { replica: number; pid: number | null; completed: number; restarts: number }[];
}

export function createBenchCommand(ctx: CliContext): Command {
  const {
    arguments: [tool, tokens],
    options: { requests, concurrency, warmup, args },
  } = COMMANDS.bench;
  return new Command('bench')
    .description('load-test a tool: C calls in flight until N are done; throughput, latency, errors')
    .argument(tool.name, tool.description)
    .argument(tokens.name, tokens.description)
    .option(requests.flags, requests.description, checkedNumber(requests), requests.defaultValue)
    .option(concurrency.flags, concurrency.description, checkedNumber(concurrency), concurrency.defaultValue)
    .option(warmup.flags, warmup.description, checkedNumber(warmup))
    .option(args.flags, args.description)
    .addHelpText(
      'after',
      `
Every replica of the server is started first; calls go to the least busy one. Read-only tools on a server with
a cache are answered from the cache, so that is what gets measured.

Exit codes: 0 every call succeeded, 5 some returned isError, 3 the server failed (or calls failed because
replicas exited), 4 calls timed out, 130 interrupted (the calls done so far are reported).

Examples:
  mcp-host bench weather.get_forecast city=Paris --requests 5000 --concurrency 32
  mcp-host --json bench database.query sql="select 1" | jq .latencyMs`,
    )
    .action(
      ctx.action(async (targetText: string, tokens: string[], options: BenchOptions) => {
        const { server, name: tool } = parseTarget(targetText, 'tool', ctx.adHocServer);
        const target = `${server}.${tool}`;
        // As for `call`: everything that can be checked without the server is checked before it starts.
        const assignments = parseAssignments(tokens);
        const base =
          options.args === undefined ? {} : await loadArgsOption(options.args, { ...ctx.io, signal: ctx.signal });
        const { requests, concurrency } = options;
        const warmup = options.warmup ?? concurrency;
        return ctx.withHost(async (host) => {
          host.serverConfig(server);
          // The host may be the daemon's, its counters already running: the report gives what changed in this run.
          const initial = host.replicaStats(server);
          const requestOptions = ctx.requestOptions();
          // The tool and its arguments are checked on one replica: a typo or a denied tool starts no more.
          const definition = await host.findTool(server, tool, requestOptions);
          const args = toolArguments(definition, assignments, base, target);
          const [started] = await host.startAll([server], requestOptions);
          if (started && !started.ok) throw started.error;
          for (const replica of host.replicaStats(server)) {
            if (replica.state !== 'ready') {
              ctx.note(
                ctx.err.yellow(`${server}#${replica.index} did not start (${replica.lastError ?? replica.state})`),
              );
            }
          }
          ctx.throwIfInterrupted();

          // Each call in flight listens for the interrupt: that is `concurrency` listeners by design, not a leak.
          setMaxListeners(concurrency + DEFAULT_SIGNAL_LISTENERS, ctx.signal);
          const onprogress = ctx.progressReporter(`${target} bench`);
          let before: ReplicaStats[] = [];
          const report = await runLoad({
            requests,
            concurrency,
            warmup,
            signal: ctx.signal,
            call: () => host.callTool(`${server}.${tool}`, args, requestOptions),
            beforeMeasuring: () => (before = host.replicaStats(server)),
            ...(onprogress && {
              onProgress: (settled: number) =>
                onprogress({ progressToken: 'bench', progress: settled, total: requests }),
            }),
          });
          ctx.clearProgress();
          const document = benchDocument(
            report,
            concurrency,
            { initial, measuring: before },
            host.replicaStats(server),
          );
          if (ctx.options.isJson) ctx.printJson(document);
          else printReport(ctx, target, report, document);
          if (report.isInterrupted) {
            ctx.note(ctx.err.yellow(`interrupted: ${report.requests} of ${requests} requests were made`));
            return EXIT_CODE.INTERRUPTED;
          }
          return report.errors.exitCode();
        });
      }),
    );
}

/** Per-replica counters taken earlier in the run, to report only what the run changed. */
export interface ReplicaSnapshots {
  /** When the command began (empty for a host of its own, whose servers were not started yet). */
  initial: readonly ReplicaStats[];
  /** After the warmup, as the measured calls began. */
  measuring: readonly ReplicaStats[];
}

/**
 * The `--json` document. A replica's `completed` counts only the measured calls it served (not the warmup, not
 * the tool listing); `restarts` counts its replacements since the command began (the warmup included).
 */
export function benchDocument(
  report: LoadReport,
  concurrency: number,
  snapshots: ReplicaSnapshots,
  after: readonly ReplicaStats[],
): BenchDocument {
  const since = (stats: readonly ReplicaStats[], index: number): ReplicaStats | undefined =>
    stats.find((earlier) => earlier.index === index);
  const latency = report.latencyMs;
  return {
    requestsPerSecond: report.durationMs > 0 ? round((report.requests * 1000) / report.durationMs, 1) : 0,
    latencyMs: {
      p50: latency ? round(latency.p50, 3) : null,
      p90: latency ? round(latency.p90, 3) : null,
      p99: latency ? round(latency.p99, 3) : null,
      max: latency ? round(latency.max, 3) : null,
    },
    errors: report.errors.counts(),
    requests: report.requests,
    concurrency,
    durationMs: round(report.durationMs, 3),
    replicas: after.map((replica) => ({
      replica: replica.index,
      pid: replica.pid ?? null,
      completed: replica.completed - (since(snapshots.measuring, replica.index)?.completed ?? 0),
      restarts: replica.restarts - (since(snapshots.initial, replica.index)?.restarts ?? 0),
    })),
  };
}

function printReport(ctx: CliContext, target: string, report: LoadReport, document: BenchDocument): void {
  const { out } = ctx;
  const latency = report.latencyMs;
  // The message is the last cell, never padded: its colour codes cannot skew the columns.
  const errorRows = report.errors
    .entries()
    .map(([kind, { count, example }], index) => [
      index === 0 ? 'errors' : '',
      `${out.red(`${kind} × ${count}`)}  ${ctx.redact(firstLineOf(example.message))}`,
    ]);
  const replicaCount = document.replicas.length;
  ctx.print(
    `${out.bold(target)}: ${report.requests} requests, concurrency ${document.concurrency}, ` +
      `${replicaCount} ${replicaCount === 1 ? 'replica' : 'replicas'}`,
  );
  ctx.printLines(
    renderTable(
      [
        ['throughput', `${document.requestsPerSecond.toFixed(1)} req/s in ${formatMs(report.durationMs)}`],
        [
          'latency',
          latency
            ? `p50 ${formatMs(latency.p50)}  p90 ${formatMs(latency.p90)}  p99 ${formatMs(latency.p99)}  max ${formatMs(latency.max)}`
            : 'no call returned a result',
        ],
        ...(errorRows.length > 0 ? errorRows : [['errors', out.green('none')]]),
      ],
      '  ',
    ),
  );
  ctx.print();
  const server = target.slice(0, target.indexOf('.'));
  ctx.printLines(
    renderTable(
      [
        ['replica', 'pid', 'completed', 'restarts'].map((text): Cell => ({ text, style: out.dim })),
        ...document.replicas.map((replica): (Cell | string)[] => [
          `${server}#${replica.replica}`,
          replica.pid === null ? '-' : String(replica.pid),
          String(replica.completed),
          replica.restarts > 0 ? { text: String(replica.restarts), style: out.yellow } : '0',
        ]),
      ],
      '  ',
    ),
  );
}

/** A commander parser for a whole number in [min, max]. */
function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function firstLineOf(text: string): string {
  return text.split('\n', 1)[0] ?? '';
}
