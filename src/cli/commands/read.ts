/** `mcp-host read SERVER URI`: read one resource (any URI, colons included). */

import { Command } from 'commander';
import type { Host } from '../../host/host.js';
import { closestNames, didYouMean } from '../../protocol/did-you-mean.js';
import { JSONRPC_ERROR, MCP_ERROR } from '../../protocol/errors.js';
import { COMMANDS } from '../command-line.js';
import { McpHostError } from '../errors.js';
import type { CliContext } from '../context.js';
import { EXIT_CODE } from '../exit-codes.js';
import { renderResourceContents } from '../render.js';

export function createReadCommand(ctx: CliContext): Command {
  const {
    arguments: [serverArgument, uriArgument],
    options,
  } = COMMANDS.read;
  return new Command('read')
    .description('read a resource; text is printed as is, binary contents are saved to files')
    .argument(serverArgument.name, serverArgument.description)
    .argument(uriArgument.name, uriArgument.description)
    .option(options.out.flags, options.out.description)
    .action(
      ctx.action(async (server: string, uri: string, options: { out?: string }) =>
        ctx.withHost(async (host) => {
          host.serverConfig(server);
          const result = await readOrExplain(ctx, host, server, uri);
          ctx.serversDone();
          if (ctx.options.isJson) {
            ctx.printJson({ server, uri, result });
            return EXIT_CODE.OK;
          }
          const [only, ...rest] = result.contents;
          // A single text resource is printed byte for byte, so `read … > file` gives the resource itself.
          if (only && rest.length === 0 && 'text' in only && typeof only.text === 'string') {
            ctx.printRaw(only.text.endsWith('\n') ? only.text : `${only.text}\n`);
            return EXIT_CODE.OK;
          }
          const files = ctx.binaryFiles(`${server}-resource`, options.out);
          for (const contents of result.contents) {
            ctx.printLines(await renderResourceContents(contents, ctx.out, files));
          }
          if (result.contents.length === 0) ctx.note(ctx.out.dim('the resource has no contents'));
          return EXIT_CODE.OK;
        }),
      ),
    );
}

/** Reads the resource; "not found" from the server becomes `NOT_FOUND` with the closest known URIs. */
async function readOrExplain(ctx: CliContext, host: Host, server: string, uri: string) {
  try {
    return await host.readResource(server, uri, ctx.requestOptions());
  } catch (error) {
    if (!isUnknownResource(error)) throw error;
    const known = await knownUris(ctx, host, server);
    throw new McpHostError(
      'NOT_FOUND',
      `Server ${server} has no resource ${uri}${didYouMean(closestNames(uri, known), { prefix: '; ' })}`,
      {
        ...error.context,
        uri,
      },
    );
  }
}

/**
 * The server says it has no resource at the URI: MCP's -32002, or -32602 (invalid params) as servers on the official
 * SDK answer ("Resource … not found"). resources/read has one parameter, the URI, so a refused one is a URI the server
 * does not have: classified by code and method, never by the message.
 */
function isUnknownResource(error: unknown): error is McpHostError {
  if (!(error instanceof McpHostError) || error.code !== 'SERVER_ERROR') return false;
  const { rpcCode } = error.context;
  return rpcCode === MCP_ERROR.RESOURCE_NOT_FOUND || rpcCode === JSONRPC_ERROR.INVALID_PARAMS;
}

/** What to suggest: the server's resources and its templates, as they are written (`demo://items/{id}`). */
async function knownUris(ctx: CliContext, host: Host, server: string): Promise<string[]> {
  try {
    const { client } = await host.connect(server, ctx.requestOptions());
    const [resources, templates] = await Promise.all([
      client.listResources(ctx.requestOptions()),
      // A server may list resources and have no templates (-32601): then only the resources are suggested.
      client.listResourceTemplates(ctx.requestOptions()).catch(() => []),
    ]);
    return [...resources.map((resource) => resource.uri), ...templates.map((template) => template.uriTemplate)];
  } catch {
    // The suggestion is a courtesy: without the list, the error is still right.
    return [];
  }
}
