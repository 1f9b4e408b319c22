/** `mcp-host call SERVER.TOOL [key=value ...]`: call one tool, with arguments typed and checked by its schema. */

import { Command } from 'commander';
import { McpHostError } from '../errors.js';
import type { CallToolResult } from '../../protocol/types.js';
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
  mcp-host call database.query sql="select 1" params:='[1, "a"]'
  echo '{"city":"Oslo"}' | mcp-host call weather.get_forecast --args - units=metric`,
    )
    .action(
      ctx.action(async (targetText: string, tokens: string[], options: ContentCommandOptions) => {
        const { server, name: tool } = parseTarget(targetText, 'tool');
        const target = `${server}.${tool}`;
        // Everything that can be checked without the server is checked before it starts.
        const assignments = parseAssignments(tokens);
        const base =
          options.args === undefined ? {} : await loadArgsOption(options.args, { ...ctx.io, signal: ctx.signal });
        return ctx.withHost(async (host) => {
          host.serverConfig(server);
          const definition = await host.findTool(server, tool, ctx.requestOptions());
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
