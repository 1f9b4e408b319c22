/**
 * `mcp-host complete SERVER.PROMPT NAME=PARTIAL [NAME=VALUE ...]`, or `complete SERVER --resource URI_TEMPLATE …`:
 * asks the server what an argument could be (MCP completion). The first pair is the argument to complete, as typed
 * so far; the others are the arguments already chosen, which the server may use (2025-06-18 and later).
 */

import { Command } from 'commander';
import { McpHostError } from '../errors.js';
import type { CompleteRequestParams } from '../../protocol/types.js';
import { COMMANDS } from '../command-line.js';
import type { CliContext } from '../context.js';
import { EXIT_CODE } from '../exit-codes.js';
import { parseTarget } from '../targets.js';

export function createCompleteCommand(ctx: CliContext): Command {
  const {
    arguments: [target, tokens],
    options,
  } = COMMANDS.complete;
  return new Command('complete')
    .description('ask a server to complete a prompt’s or resource template’s argument (MCP completion)')
    .argument(target.name, target.description)
    .argument(tokens.name, tokens.description)
    .option(options.resource.flags, options.resource.description)
    .addHelpText(
      'after',
      `
Examples:
  mcp-host complete weather.weather_report city=Par
  mcp-host complete weather --resource 'weather://current/{city}' city=Lon`,
    )
    .action(
      ctx.action(async (targetText: string, tokens: string[], options: { resource?: string }) => {
        const { server, ref } = referenceOf(targetText, options.resource, ctx.adHocServer);
        const [argument, ...context] = tokens.map(pairOf);
        if (argument === undefined) {
          throw new McpHostError(
            'USAGE',
            'complete: expected the argument to complete, as NAME=PARTIAL (NAME= for all)',
          );
        }
        const params: CompleteRequestParams = {
          ref,
          argument,
          ...(context.length > 0 && {
            context: { arguments: Object.fromEntries(context.map(({ name, value }) => [name, value])) },
          }),
        };
        return ctx.withHost(async (host) => {
          host.serverConfig(server);
          const { client } = await host.connect(server, ctx.requestOptions());
          const { completion } = await client.complete(params, ctx.requestOptions());
          ctx.serversDone();
          if (ctx.options.isJson) {
            ctx.printJson({ server, ref, argument, completion });
            return EXIT_CODE.OK;
          }
          ctx.printLines(completion.values);
          const more = completion.total !== undefined ? completion.total - completion.values.length : undefined;
          if (completion.hasMore === true || (more !== undefined && more > 0)) {
            ctx.note(ctx.out.dim(more !== undefined && more > 0 ? `${more} more not shown` : 'more not shown'));
          }
          return EXIT_CODE.OK;
        });
      }),
    );
}

/** `server.prompt`, or a server and `--resource` template. */
function referenceOf(
  text: string,
  resource: string | undefined,
  adHocServer: string | undefined,
): { server: string; ref: CompleteRequestParams['ref'] } {
  if (resource !== undefined) {
    if (text.includes('.')) {
      throw new McpHostError('USAGE', `complete: with --resource, give the server alone, not ${JSON.stringify(text)}`);
    }
    return { server: text, ref: { type: 'ref/resource', uri: resource } };
  }
  const { server, name } = parseTarget(text, 'prompt', adHocServer);
  return { server, ref: { type: 'ref/prompt', name } };
}

/** `city=Par` → the argument and what is typed so far. Values are strings: completion has no other kind. */
function pairOf(token: string): { name: string; value: string } {
  const equals = token.indexOf('=');
  if (equals <= 0) {
    throw new McpHostError(
      'USAGE',
      `"${token}" is not an argument: expected NAME=VALUE (NAME= when nothing is typed yet)`,
    );
  }
  return { name: token.slice(0, equals), value: token.slice(equals + 1) };
}
