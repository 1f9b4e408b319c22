/** `mcp-host list tools|resources|templates|prompts|servers [server...]`: one kind of thing across servers. */

import { Argument, Command } from 'commander';
import type { ConfiguredServer } from '../../host/config.js';
import type { ConnectedServer, Host } from '../../host/host.js';
import { closestNames, didYouMean } from '../../protocol/did-you-mean.js';
import { McpHostError } from '../errors.js';
import type { Prompt, Resource, ResourceTemplate, Tool } from '../../protocol/types.js';
import { COMMANDS } from '../command-line.js';
import type { CliContext } from '../context.js';
import { EXIT_CODE, exitCodeForServerFailures } from '../exit-codes.js';
import { firstLine, renderTable } from '../render.js';
import type { Cell } from '../render.js';
import { namesCacheEntry, readCachedNames, writeCachedNames } from '../names-cache.js';
import { selectServers } from '../targets.js';

const KINDS = ['tools', 'resources', 'templates', 'prompts', 'servers'] as const;
type Kind = (typeof KINDS)[number];
type ItemKind = Exclude<Kind, 'servers'>;

interface ListOptions {
  names?: boolean;
  cached?: boolean;
}

type Item = (Tool | Resource | ResourceTemplate | Prompt) & { server: string };

export function createListCommand(ctx: CliContext): Command {
  const {
    arguments: [kind, servers],
    options: { names, cached },
  } = COMMANDS.list;
  return new Command('list')
    .description('list tools, resources, resource templates, prompts or configured servers')
    .addArgument(new Argument(kind.name, kind.description).choices(KINDS))
    .argument(servers.name, servers.description)
    .option(names.flags, names.description)
    .option(cached.flags, cached.description)
    .action(
      ctx.action(async (kind: Kind, requested: string[], options: ListOptions) => {
        if (kind === 'servers') return listServers(ctx, requested, options);
        if (options.names && options.cached && !ctx.options.isJson) return listCachedNames(ctx, kind, requested);
        return ctx.withHost((host) => listItems(ctx, host, kind, requested, options));
      }),
    );
}

/** `--names --cached`: the names kept from the last listing of the same servers, or a listing that is then kept. */
async function listCachedNames(ctx: CliContext, kind: ItemKind, requested: string[]): Promise<number> {
  const config = await ctx.loadConfig();
  const entry = namesCacheEntry(config.path, ctx.io.env, { kind, requested, servers: config.servers });
  const kept = readCachedNames(entry);
  if (kept) {
    ctx.printLines(kept);
    return EXIT_CODE.OK;
  }
  return ctx.withHost((host) =>
    listItems(ctx, host, kind, requested, { names: true }, (names) => writeCachedNames(entry, names)),
  );
}

/** Configured servers, straight from the config: nothing is started. */
async function listServers(ctx: CliContext, requested: string[], options: ListOptions): Promise<number> {
  const config = await ctx.loadConfig();
  const servers = config.servers.filter((server) => requested.length === 0 || requested.includes(server.name));
  const missing = requested.filter((name) => !config.servers.some((server) => server.name === name));
  if (missing.length > 0) {
    const names = config.servers.map((server) => server.name);
    throw new McpHostError(
      'SERVER_NOT_FOUND',
      `No server named "${missing[0]}" in ${config.path}${didYouMean(closestNames(missing[0]!, names), { prefix: '; ' })}`,
      {
        server: missing[0],
        available: names,
      },
    );
  }
  if (ctx.options.isJson) {
    ctx.printJson({ config: config.path, servers: servers.map((server) => serverJson(ctx, server)) });
    return EXIT_CODE.OK;
  }
  if (options.names) {
    ctx.printLines(
      servers.filter((server) => !server.disabled && server.kind !== 'invalid').map((server) => server.name),
    );
    return EXIT_CODE.OK;
  }
  const { out } = ctx;
  ctx.printLines(
    renderTable(
      servers.map((server) => {
        const name: Cell = { text: server.name, style: server.disabled ? out.dim : out.bold };
        const description: Cell = { text: firstLine(server.description), style: out.dim };
        if (server.kind === 'invalid') {
          // Why it cannot be used, where the command would be: it has none that could run.
          const status: Cell = { text: server.disabled ? 'disabled' : 'invalid', style: out.red };
          return [name, status, { text: server.problems.join('; '), style: out.red }, description];
        }
        const status: Cell = {
          text: server.disabled ? 'disabled' : server.kind,
          style: server.disabled ? out.yellow : out.dim,
        };
        if (server.kind === 'http') return [name, status, server.url, description];
        const commandLine = ctx.redact([server.command, ...server.args].join(' '));
        const unresolved = server.disabled ? undefined : server.unresolved;
        return [
          name,
          status,
          commandLine,
          unresolved ? { text: unresolved.join('; '), style: out.yellow } : description,
        ];
      }),
      '',
      ctx.stdoutWidth,
    ),
  );
  ctx.note(out.dim(`config: ${config.path}`));
  return EXIT_CODE.OK;
}

/** A server as `list servers --json` shows it: only the names of env variables, whose values may be secrets. */
function serverJson(ctx: CliContext, server: ConfiguredServer): Record<string, unknown> {
  const common = {
    name: server.name,
    kind: server.kind,
    disabled: server.disabled,
    ...(server.description !== undefined && { description: server.description }),
  };
  switch (server.kind) {
    case 'invalid':
      return { ...common, problems: server.problems };
    case 'http':
      return { ...common, url: server.url, transport: server.transport };
    case 'stdio':
      return {
        ...common,
        command: server.command,
        args: server.args.map((arg) => ctx.redact(arg)),
        cwd: server.cwd,
        env: Object.keys(server.env),
        ...(server.passEnv === true && { passEnv: true }),
        ...(server.timeoutMs !== undefined && { timeoutMs: server.timeoutMs }),
        ...(server.unresolved !== undefined && { problems: server.unresolved }),
      };
  }
}

async function listItems(
  ctx: CliContext,
  host: Host,
  kind: ItemKind,
  requested: string[],
  options: ListOptions,
  /** Given the names listed, when every server answered (a partial list is not worth keeping). */
  onCompleteNames?: (names: string[]) => void,
): Promise<number> {
  const selection = selectServers(host, requested);
  const connected = await host.connectAll(selection.names, ctx.requestOptions());
  const outcomes = await Promise.all(
    connected.map(async (result) => {
      if (!result.ok) return { server: result.name, error: result.error };
      try {
        return { server: result.name, items: await fetchItems(ctx, host, result.value, kind) };
      } catch (error) {
        return { server: result.name, error };
      }
    }),
  );
  ctx.throwIfInterrupted();
  const items = outcomes.flatMap((outcome) => outcome.items ?? []);
  const failures = outcomes.filter((outcome) => outcome.items === undefined);
  if (ctx.options.isJson) {
    ctx.printJson({
      [kind]: items,
      failed: failures.map(({ server, error }) => {
        const { code, message, details } = ctx.describeFailure(error);
        return { server, error: { code, message, details } };
      }),
    });
  } else {
    if (options.names) {
      const names = items.map((item) => nameOf(kind, item));
      ctx.printLines(names);
      if (failures.length === 0) onCompleteNames?.(names.map((name) => ctx.redact(name)));
    } else printItems(ctx, kind, items);
    for (const { server, error } of failures) {
      ctx.diagnostic(ctx.err.red(`✖ ${server}: ${ctx.describeFailure(error).message}`));
    }
  }
  return exitCodeForServerFailures(failures.map(({ error }) => ctx.describeFailure(error)));
}

async function fetchItems(
  ctx: CliContext,
  host: Host,
  { name, client }: ConnectedServer,
  kind: ItemKind,
): Promise<Item[]> {
  const capabilities = client.serverCapabilities ?? {};
  const options = ctx.requestOptions();
  // A server without the capability simply has none of these: not a failure.
  let items: (Tool | Resource | ResourceTemplate | Prompt)[] = [];
  // Tools come through the host, which hides those the config's policy denies.
  if (kind === 'tools' && capabilities.tools) items = await host.listTools(name, options);
  if (kind === 'resources' && capabilities.resources) items = await client.listResources(options);
  if (kind === 'templates' && capabilities.resources) items = await client.listResourceTemplates(options);
  if (kind === 'prompts' && capabilities.prompts) items = await client.listPrompts(options);
  return items.map((item) => ({ server: name, ...item }));
}

function nameOf(kind: ItemKind, item: Item): string {
  if ('uriTemplate' in item) return item.uriTemplate;
  if (kind === 'resources' && 'uri' in item) return item.uri;
  return `${item.server}.${item.name}`;
}

function printItems(ctx: CliContext, kind: ItemKind, items: Item[]): void {
  const { out } = ctx;
  const dim = (text: string | undefined): Cell => ({ text: text ?? '', style: out.dim });
  const rows = items.map((item): (Cell | string)[] => {
    if (kind === 'resources' && 'uri' in item) {
      return [item.server, item.uri, item.title ?? item.name, dim(item.mimeType)];
    }
    if ('uriTemplate' in item) return [item.server, item.uriTemplate, item.title ?? item.name, dim(item.mimeType)];
    const target: Cell = { text: `${item.server}.${item.name}`, style: out.bold };
    if (kind === 'prompts') {
      const args = ((item as Prompt).arguments ?? [])
        .map((arg) => (arg.required ? arg.name : `[${arg.name}]`))
        .join(' ');
      return [target, args, dim(firstLine(item.description))];
    }
    return [target, dim(firstLine(item.description))];
  });
  ctx.printLines(renderTable(rows, '', ctx.stdoutWidth));
  if (items.length === 0) ctx.note(out.dim(`no ${kind === 'templates' ? 'resource templates' : kind}`));
}
