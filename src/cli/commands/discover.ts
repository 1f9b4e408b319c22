/** `mcp-host discover [server...]`: start servers in parallel and show what each one offers. */

import { Command } from 'commander';
import type { ServerDescription, Settled } from '../../host/host.js';
import { COMMANDS } from '../command-line.js';
import type { CliContext } from '../context.js';
import { exitCodeForServerFailures } from '../exit-codes.js';
import { firstLine, renderTable } from '../render.js';
import type { Cell } from '../render.js';
import { selectServers } from '../targets.js';

export function createDiscoverCommand(ctx: CliContext): Command {
  const [servers] = COMMANDS.discover.arguments;
  return new Command('discover')
    .description('start servers in parallel and show each one’s tools, resources, templates and prompts')
    .argument(servers.name, servers.description)
    .action(
      ctx.action(async (requested: string[]) =>
        ctx.withHost(async (host) => {
          const selection = selectServers(host, requested);
          const results = await host.discover(selection.names, ctx.requestOptions());
          ctx.throwIfInterrupted();
          if (ctx.options.isJson) {
            ctx.printJson({
              servers: [
                ...results.map((result) => describeJson(ctx, result)),
                ...selection.skipped.map(({ name, reason }) => ({ name, status: 'skipped', reason })),
              ],
            });
          } else {
            printHuman(ctx, results, selection.skipped);
          }
          return exitCodeForServerFailures(results.flatMap((result) => (result.ok ? [] : [result.error])));
        }),
      ),
    );
}

function describeJson(ctx: CliContext, result: Settled<ServerDescription>): Record<string, unknown> {
  if (!result.ok) {
    const { code, message, details } = ctx.describeFailure(result.error);
    return { name: result.name, status: 'failed', error: { code, message, details } };
  }
  const { name, ...description } = result.value;
  return { name, status: 'ok', ...description };
}

function printHuman(
  ctx: CliContext,
  results: Settled<ServerDescription>[],
  skipped: { name: string; reason: string }[],
): void {
  const { out } = ctx;
  results.forEach((result, index) => {
    if (index > 0) ctx.print();
    if (!result.ok) {
      const failure = ctx.describeFailure(result.error);
      ctx.print(`${out.red('✖')} ${out.bold(result.name)}  ${out.red(`failed (${failure.code})`)}`);
      ctx.print(`  ${failure.message}`);
      const tail = failure.details.stderrTail;
      if (Array.isArray(tail) && tail.length > 0) {
        ctx.print(out.dim('  stderr:'));
        for (const line of tail.slice(-10) as string[]) ctx.print(out.dim(`    ${line}`));
      }
      return;
    }
    const server = result.value;
    const info = `${server.serverInfo.name} ${server.serverInfo.version}`;
    ctx.print(`${out.green('✔')} ${out.bold(server.name)}  ${info}  ${out.dim(`protocol ${server.protocolVersion}`)}`);
    section(
      ctx,
      'tools',
      server.tools.map((tool) => [bold(ctx, tool.name), dim(ctx, firstLine(tool.description))]),
    );
    section(
      ctx,
      'resources',
      server.resources.map((resource) => [
        resource.uri,
        resource.title ?? resource.name,
        dim(ctx, resource.mimeType ?? ''),
      ]),
    );
    section(
      ctx,
      'resource templates',
      server.resourceTemplates.map((template) => [
        template.uriTemplate,
        template.title ?? template.name,
        dim(ctx, template.mimeType ?? ''),
      ]),
    );
    section(
      ctx,
      'prompts',
      server.prompts.map((prompt) => [
        bold(ctx, prompt.name),
        (prompt.arguments ?? []).map((arg) => (arg.required ? arg.name : `[${arg.name}]`)).join(' '),
        dim(ctx, firstLine(prompt.description)),
      ]),
    );
  });
  for (const { name, reason } of skipped) {
    ctx.print(`${out.yellow('-')} ${out.bold(name)}  ${out.yellow(`skipped: ${reason}`)}`);
  }
  const failed = results.filter((result) => !result.ok).length;
  ctx.note(
    out.dim(
      `${results.length} server${results.length === 1 ? '' : 's'}: ${results.length - failed} ok, ${failed} failed`,
    ),
  );
}

function section(ctx: CliContext, title: string, rows: (Cell | string)[][]): void {
  if (rows.length === 0) return;
  ctx.print(`  ${ctx.out.underline(`${title} (${rows.length})`)}`);
  ctx.printLines(renderTable(rows, '    ', ctx.stdoutWidth));
}

function bold(ctx: CliContext, text: string): Cell {
  return { text, style: ctx.out.bold };
}

function dim(ctx: CliContext, text: string): Cell {
  return { text, style: ctx.out.dim };
}
