/** `mcp-host call SERVER.TOOL [key=value ...]`: call one tool, with arguments typed and checked by its schema. */

import { Command } from 'commander';
import { McpHostError } from '../errors.js';
import { qualifiedName } from '../../host/catalog.js';
import type { Host } from '../../host/host.js';
import { MAX_SUGGESTIONS, closestNames, didYouMean } from '../../protocol/did-you-mean.js';
import type { CallToolResult, Tool } from '../../protocol/types.js';
import { loadArgsOption, parseAssignments, toolArguments } from '../args.js';
import { COMMANDS } from '../command-line.js';
import type { CliContext } from '../context.js';
import { EXIT_CODE } from '../exit-codes.js';
import { renderContent } from '../render.js';
import type { BinaryFiles } from '../render.js';
import { parseTarget } from '../targets.js';

export interface ContentCommandOptions {
  args?: string;
  out?: string;
}

export function createCallCommand(ctx: CliContext): Command {
  const {
    arguments: [tool, tokens],
    options,
  } = COMMANDS.call;
  return new Command('call')
    .description('call a tool; key=value pairs are typed by its input schema, key:=JSON passes raw JSON')
    .argument(tool.name, tool.description)
    .argument(tokens.name, tokens.description)
    .option(options.args.flags, options.args.description)
    .option(options.out.flags, options.out.description)
    .addHelpText(
      'after',
      `
Examples:
  mcp-host call weather.get_forecast city=Paris days=3
  mcp-host call database.query sql="select name from users where id = ? or name = ?" params:='[1, "Grace Hopper"]'
  echo '{"city":"Oslo"}' | mcp-host call weather.get_forecast --args - units=metric`,
    )
    .action(
      ctx.action(async (targetText: string, tokens: string[], options: ContentCommandOptions) => {
        const { server, name: tool } = parseTarget(targetText, 'tool', ctx.adHocServer);
        const target = `${server}.${tool}`;
        // Everything that can be checked without the server is checked before it starts.
        const assignments = parseAssignments(tokens);
        const base =
          options.args === undefined ? {} : await loadArgsOption(options.args, { ...ctx.io, signal: ctx.signal });
        return ctx.withHost(async (host) => {
          host.serverConfig(server);
          const definition = await findToolOrExplain(ctx, host, server, tool);
          const args = toolArguments(definition, assignments, base, target);
          const onprogress = ctx.progressReporter(target);
          const result = await host.callTool(`${server}.${tool}`, args, {
            ...ctx.requestOptions(),
            ...(onprogress && { onprogress }),
          });
          ctx.clearProgress();
          ctx.serversDone();
          if (ctx.options.isJson) ctx.printJson({ server, tool, arguments: args, result });
          else if (!result.isError) {
            await printResult(ctx, result, ctx.binaryFiles(`${server}-${tool}`, options.out));
          }
          if (result.isError) {
            throw new McpHostError('TOOL_ERROR', `${target} failed: ${errorText(result)}`, { server, tool });
          }
          return EXIT_CODE.OK;
        });
      }),
    );
}

/** How long the other servers may take to list their tools for a "did you mean": a courtesy, never a wait to notice. */
const OTHER_SERVERS_WAIT_MS = 2_000;

/**
 * The tool's declaration. A tool the server does not have, with nothing close on it either (or a server without
 * tools), is looked for on the other servers, as a user who picked the wrong server needs (`weather.list_folders` → `email.list_folders`).
 */
async function findToolOrExplain(ctx: CliContext, host: Host, server: string, tool: string): Promise<Tool> {
  try {
    return await host.findTool(server, tool, ctx.requestOptions());
  } catch (error) {
    // The server has no such tool, or no tools at all.
    if (!(error instanceof McpHostError) || (error.code !== 'NOT_FOUND' && error.code !== 'CAPABILITY_MISSING')) {
      throw error;
    }
    const available = Array.isArray(error.context.available) ? (error.context.available as string[]) : [];
    if (closestNames(tool, available).length > 0) throw error;
    const elsewhere = await closestOnOtherServers(ctx, host, server, tool);
    if (elsewhere.length === 0) throw error;
    throw new McpHostError(error.code, `${error.message}${didYouMean(elsewhere, { prefix: '; ' })}`, error.context);
  }
}

/** `server.tool` names on the other servers whose tool names are closest to `tool`; servers that fail are skipped. */
async function closestOnOtherServers(ctx: CliContext, host: Host, server: string, tool: string): Promise<string[]> {
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(OTHER_SERVERS_WAIT_MS)]);
  const others = host.serverNames().filter((name) => name !== server);
  const lists = await Promise.all(
    others.map(async (name) => {
      try {
        const tools = await host.listTools(name, { signal, timeoutMs: OTHER_SERVERS_WAIT_MS });
        return tools.map((entry) => ({ name: entry.name, qualified: qualifiedName(name, entry.name) }));
      } catch {
        return [];
      }
    }),
  );
  const candidates = lists.flat();
  // Closest first; a name two servers share is suggested on both.
  return closestNames(tool, [...new Set(candidates.map((entry) => entry.name))])
    .flatMap((name) => candidates.filter((entry) => entry.name === name).map((entry) => entry.qualified))
    .slice(0, MAX_SUGGESTIONS);
}

async function printResult(ctx: CliContext, result: CallToolResult, files: BinaryFiles): Promise<void> {
  const lines = await renderContent(result.content, ctx.out, files);
  // structuredContent is normally mirrored as JSON text; show it only when the content says nothing. Redacted as a
  // value, so that a number that is a secret is printed as "***" and the JSON stays valid.
  if (lines.length === 0 && result.structuredContent !== undefined) {
    lines.push(JSON.stringify(files.redactor.value(result.structuredContent), null, 2));
  }
  ctx.printLines(lines);
}

/** The text of a failed result, for the error message. */
function errorText(result: CallToolResult): string {
  const texts = result.content.flatMap((block) => (block.type === 'text' ? [block.text] : []));
  return texts.length > 0 ? texts.join('\n') : 'the tool reported an error without a message';
}
