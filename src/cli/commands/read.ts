/** `mcp-host read SERVER URI`: read one resource (any URI, colons included). */

import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import type { Host } from '../../host/host.js';
import { closestNames, didYouMean } from '../../protocol/did-you-mean.js';
import { JSONRPC_ERROR, MCP_ERROR } from '../../protocol/errors.js';
import type { ResourceContents } from '../../protocol/types.js';
import { COMMANDS } from '../command-line.js';
import { McpHostError } from '../errors.js';
import type { CliContext } from '../context.js';
import { EXIT_CODE } from '../exit-codes.js';
import { renderResourceContents } from '../render.js';
import type { BinaryFiles, SavedFile } from '../render.js';

export function createReadCommand(ctx: CliContext): Command {
  const {
    arguments: [serverArgument, uriArgument],
    options,
  } = COMMANDS.read;
  return new Command('read')
    .description(
      'read a resource; to a pipe, one content is written as its bytes; on a terminal, binary contents are saved to files',
    )
    .argument(serverArgument.name, serverArgument.description)
    .argument(uriArgument.name, uriArgument.description)
    .option(options.out.flags, options.out.description)
    .action(
      ctx.action(async (server: string, uri: string, options: { out?: string }) =>
        ctx.withHost(async (host) => {
          host.serverConfig(server);
          const result = await readOrExplain(ctx, host, server, uri);
          ctx.serversDone();
          const [only, ...rest] = result.contents;
          const single = rest.length === 0 ? only : undefined;
          const files = ctx.binaryFiles(`${server}-resource`, options.out);
          // --out: every content to a file, as its bytes (FILE for one content, else each in the directory).
          if (options.out !== undefined) {
            const saved = await saveContents(ctx, files, result.contents, options.out);
            if (ctx.options.isJson) ctx.printJson({ server, uri, result, savedTo: saved.map((file) => file.path) });
            for (const file of saved) {
              ctx.note(`saved to ${file.path}${file.isRedacted ? ' (a secret in it was replaced with ***)' : ''}`);
            }
            return EXIT_CODE.OK;
          }
          if (ctx.options.isJson) {
            ctx.printJson({ server, uri, result });
            return EXIT_CODE.OK;
          }
          // One content is the resource itself: to a pipe or a file, its bytes exactly, so `read … > file` is the file.
          if (single && !ctx.io.isTTY.stdout) {
            if ('text' in single) ctx.printRaw(single.text);
            else ctx.printBytes(bytesOf(single));
            return EXIT_CODE.OK;
          }
          // On a terminal, text ends its line, so the prompt does not follow it on the same one.
          if (single && 'text' in single) {
            ctx.printRaw(single.text.endsWith('\n') ? single.text : `${single.text}\n`);
            return EXIT_CODE.OK;
          }
          for (const contents of result.contents) {
            ctx.printLines(await renderResourceContents(contents, ctx.out, files));
          }
          if (result.contents.length === 0) ctx.note(ctx.out.dim('the resource has no contents'));
          return EXIT_CODE.OK;
        }),
      ),
    );
}

/** Writes the contents to `out`: the file itself when there is one content and `out` is not a directory. */
async function saveContents(
  ctx: CliContext,
  files: BinaryFiles,
  contents: readonly ResourceContents[],
  out: string,
): Promise<SavedFile[]> {
  const [only, ...rest] = contents;
  if (only !== undefined && rest.length === 0 && !(await isDirectory(ctx.io.cwd, out))) {
    return [await files.saveAs(out, bytesOf(only))];
  }
  const saved: SavedFile[] = [];
  for (const content of contents) saved.push(await files.save(bytesOf(content).toString('base64'), content.mimeType));
  return saved;
}

/** A content's own bytes: text as UTF-8, a blob decoded from base64. */
function bytesOf(contents: ResourceContents): Buffer {
  return 'text' in contents ? Buffer.from(contents.text, 'utf8') : Buffer.from(contents.blob, 'base64');
}

/** `--out` names a directory: one that exists, or a path ending in a separator (`exports/`). */
async function isDirectory(cwd: string, target: string): Promise<boolean> {
  if (target.endsWith('/') || target.endsWith(path.sep)) return true;
  try {
    return (await stat(path.resolve(cwd, target))).isDirectory();
  } catch {
    return false;
  }
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
