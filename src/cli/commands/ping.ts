/**
 * `mcp-host ping [server...]`: round-trip latency of every replica of each server, for health checks. A server is
 * `ok` when every replica answered, `degraded` when only some did, `failed` when none did.
 */

import { Command } from 'commander';
import type { ReplicaPing, Settled } from '../../host/host.js';
import { COMMANDS } from '../command-line.js';
import type { CliContext } from '../context.js';
import { exitCodeForServerFailures } from '../exit-codes.js';
import { formatMs, renderTable } from '../render.js';
import type { Cell } from '../render.js';
import { selectServers } from '../targets.js';

type ServerStatus = 'ok' | 'degraded' | 'failed';

/** An error as `--json` shows it everywhere. */
interface ErrorJson {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

interface ReplicaJson {
  replica: number;
  pid: number | null;
  status: 'ok' | 'failed';
  ms?: number;
  error?: ErrorJson;
}

interface ServerJson {
  name: string;
  status: ServerStatus | 'skipped';
  /** The fastest replica's round trip. */
  ms?: number;
  replicas?: ReplicaJson[];
  error?: ErrorJson;
  reason?: string;
}

export function createPingCommand(ctx: CliContext): Command {
  const [servers] = COMMANDS.ping.arguments;
  return new Command('ping')
    .description('start servers (every replica) and measure each one’s ping round trip (exit 3 if any is unhealthy)')
    .argument(servers.name, servers.description)
    .action(
      ctx.action(async (requested: string[]) =>
        ctx.withHost(async (host) => {
          const selection = selectServers(host, requested);
          const results = await host.pingReplicas(selection.names, ctx.requestOptions());
          ctx.throwIfInterrupted();
          const servers = results.map((result) => serverJson(ctx, result));
          if (ctx.options.isJson) {
            ctx.printJson({
              servers: [
                ...servers,
                ...selection.skipped.map(({ name, reason }): ServerJson => ({ name, status: 'skipped', reason })),
              ],
            });
          } else {
            const rows = servers.flatMap((server) => humanRows(ctx, server));
            for (const { name, reason } of selection.skipped) {
              rows.push([{ text: name, style: ctx.out.bold }, { text: 'skipped', style: ctx.out.yellow }, reason]);
            }
            ctx.printLines(renderTable(rows));
          }
          return exitCodeForServerFailures(
            servers
              .filter((server) => server.status !== 'ok')
              .map((server) => server.error ?? server.replicas?.find((replica) => replica.error)?.error),
          );
        }),
      ),
    );
}

/** One server's entry: every replica, with the reason for each that did not answer. */
function serverJson(ctx: CliContext, result: Settled<ReplicaPing[]>): ServerJson {
  if (!result.ok) return { name: result.name, status: 'failed', error: errorJson(ctx, result.error) };
  const replicas: ReplicaJson[] = result.value.map((ping) =>
    ping.ms !== undefined && ping.error === undefined
      ? { replica: ping.replica, pid: ping.pid ?? null, status: 'ok', ms: roundMs(ping.ms) }
      : {
          replica: ping.replica,
          pid: ping.pid ?? null,
          status: 'failed',
          ...(ping.error && { error: errorJson(ctx, ping.error) }),
        },
  );
  replicas.sort((a, b) => a.replica - b.replica);
  const answered = replicas.flatMap((replica) => (replica.ms === undefined ? [] : [replica.ms]));
  const status: ServerStatus = answered.length === replicas.length ? 'ok' : answered.length > 0 ? 'degraded' : 'failed';
  return {
    name: result.name,
    status,
    ...(answered.length > 0 && { ms: Math.min(...answered) }),
    replicas,
  };
}

/** One row for a server with one replica (`weather  ok  1.8 ms`), else one per replica (`weather#0  ok  1.2 ms  pid 123`). */
function humanRows(ctx: CliContext, server: ServerJson): (Cell | string)[][] {
  const { out } = ctx;
  const name = (text: string): Cell => ({ text, style: out.bold });
  const status = (text: string): Cell => ({ text, style: text === 'ok' ? out.green : out.red });
  const replicas = server.replicas ?? [];
  if (replicas.length <= 1) {
    const only = replicas[0];
    const message = server.error?.message ?? only?.error?.message ?? 'no answer';
    return only?.ms !== undefined
      ? [[name(server.name), status('ok'), formatMs(only.ms)]]
      : [[name(server.name), status('failed'), message]];
  }
  // A failed replica's reason goes last, where its length cannot widen the latency column of the others.
  return replicas.map((replica) => {
    const label = name(`${server.name}#${replica.replica}`);
    const pid = replica.pid === null ? undefined : `pid ${replica.pid}`;
    if (replica.ms !== undefined) return [label, status('ok'), formatMs(replica.ms), pid ?? ''];
    const reason = replica.error?.message ?? 'no answer';
    return [label, status('failed'), '-', pid ? `${pid}: ${reason}` : reason];
  });
}

function errorJson(ctx: CliContext, error: unknown): ErrorJson {
  const { code, message, details } = ctx.describeFailure(error);
  return { code, message, details };
}

function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
