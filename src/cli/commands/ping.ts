/** `mcp-host ping [server...]`: round-trip latency per server, for health checks. */

import { Command } from 'commander';
import type { CliContext } from '../context.js';
import { EXIT_CODE } from '../exit-codes.js';
import { formatMs, renderTable } from '../render.js';
import type { Cell } from '../render.js';
import { selectServers } from '../targets.js';

export function createPingCommand(ctx: CliContext): Command {
  return new Command('ping')
    .description('start servers and measure each one’s ping round trip (exit 3 if any is unhealthy)')
    .argument('[servers...]', 'servers to ping (default: every enabled server)')
    .action(
      ctx.action(async (requested: string[]) =>
        ctx.withHost(async (host) => {
          const selection = selectServers(host, requested);
          const results = await host.ping(selection.names, ctx.requestOptions());
          ctx.throwIfInterrupted();
          if (ctx.options.isJson) {
            ctx.printJson({
              servers: [
                ...results.map((result) => {
                  if (result.ok) return { name: result.name, status: 'ok', ms: Math.round(result.value * 1000) / 1000 };
                  const { code, message, details } = ctx.describeFailure(result.error);
                  return { name: result.name, status: 'failed', error: { code, message, details } };
                }),
                ...selection.skipped.map(({ name, reason }) => ({ name, status: 'skipped', reason })),
              ],
            });
          } else {
            const { out } = ctx;
            const rows = results.map((result): (Cell | string)[] =>
              result.ok
                ? [{ text: result.name, style: out.bold }, { text: 'ok', style: out.green }, formatMs(result.value)]
                : [
                    { text: result.name, style: out.bold },
                    { text: 'failed', style: out.red },
                    ctx.describeFailure(result.error).message,
                  ],
            );
            for (const { name, reason } of selection.skipped) {
              rows.push([{ text: name, style: out.bold }, { text: 'skipped', style: out.yellow }, reason]);
            }
            ctx.printLines(renderTable(rows));
          }
          return results.every((result) => result.ok) ? EXIT_CODE.OK : EXIT_CODE.SERVER_FAILED;
        }),
      ),
    );
}
