/**
 * The host: one pool of clients per configured server (one per replica), started on demand and in parallel, with
 * the tools policy, the result cache, a catalog of everything every server offers under qualified names
 * (`server.tool`), and a fast, complete shutdown. Build one with `createHost`.
 */

import path from 'node:path';
import type { CallOptions, ClientHooks, McpClient, McpClientOptions } from '../client/index.js';
import { McpHostError } from './errors.js';
import type { InvalidMessage } from '../protocol/connection.js';
import { NOTIFICATION } from '../protocol/methods.js';
import { closestNames, didYouMean } from '../protocol/did-you-mean.js';
import type {
  CallToolResult,
  GetPromptResult,
  Implementation,
  LoggingLevel,
  LoggingMessageNotificationParams,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  ServerCapabilities,
  Tool,
} from '../protocol/types.js';
import { qualifiedName, splitQualifiedName } from './catalog.js';
import type { Catalog, CatalogChange, ListKind } from './catalog.js';
import { parseConfig } from './config.js';
import type { ConfiguredServer, LoadedConfig, ServerConfig } from './config.js';
import { toServerError } from './connector.js';
import type { Connectors, ServerConnector } from './connector.js';
import { ToolPolicy } from './policy.js';
import { ResultCache, TOOL_PREFIX, resourceKey, toolKey } from './result-cache.js';
import { DEFAULT_SHUTDOWN_GRACE_MS, DEFAULT_SHUTDOWN_TERM_MS } from './shutdown-delays.js';
import { stdioConnector } from './stdio-connector.js';
import { ServerPool } from './server-pool.js';
import type { ReplicaStats } from './server-pool.js';

// The CLI's early start hands its processes to the stdio connector; it loads this module alone, so they pass here.
export { DEFAULT_SHUTDOWN_GRACE_MS, DEFAULT_SHUTDOWN_TERM_MS, stdioConnector };
export type { Prestarted } from './stdio-connector.js';

export interface HostOptions {
  config: LoadedConfig;
  /** The host's environment: the source of the allow-listed variables servers inherit. */
  env: NodeJS.ProcessEnv;
  /** How each kind of entry is reached; `stdio` defaults to spawning the process. */
  connectors?: Connectors;
  clientInfo?: Implementation;
  /** Per-request timeout unless the server's `timeoutMs` or the call says otherwise. @default 60_000 */
  timeoutMs?: number;
  /**
   * Time a server has to start and answer `initialize`, unless its `startupTimeoutMs` says otherwise; `0` for no
   * limit. Apart from the per-request timeout, since an `npx -y` server can take seconds to start where a call
   * takes milliseconds. @default 60_000
   */
  startupTimeoutMs?: number;
  /** Largest message accepted from a server, in bytes, unless its `maxMessageBytes` says otherwise. @default 64 MiB */
  maxMessageBytes?: number;
  /** The hooks of every server's client, or a function giving each server its own (to name the server that asks). */
  hooks?: ClientHooks | ((server: string) => ClientHooks);
  /** The protocol revision offered to every server (`McpClientOptions.protocolVersion`). @default the newest */
  protocolVersion?: string;
  /** Each log message a server sends (`notifications/message`), at the level it asked for with `logLevel`. */
  onServerLog?: (server: string, message: LoggingMessageNotificationParams) => void;
  /** Sent as `logging/setLevel` to each server that declares `logging`, as it starts. @default the server's own */
  logLevel?: LoggingLevel;
  /** Each line a server writes to stderr (for `--verbose`). */
  onServerStderr?: (server: string, line: string) => void;
  /** Each line a server wrote to stdout that was not a valid message. */
  onInvalidMessage?: (server: string, problem: InvalidMessage) => void;
  /** A replica that died and is being replaced. */
  onReplicaRestart?: (server: string, replica: number, reason: McpHostError) => void;
}

/** `createHost`'s options: a loaded config, or server entries as a plain object in any editor's format. */
export interface CreateHostOptions extends Omit<HostOptions, 'config' | 'env'> {
  /** A config from `loadConfig` or `parseConfig`. */
  config?: LoadedConfig;
  /** Server entries by name, as under `mcpServers` in a config file; checked as a config file is. */
  servers?: Record<string, unknown>;
  /** @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Where relative `cwd` values of `servers` point. @default process.cwd() */
  cwd?: string;
}

/**
 * Builds a host from a config or from plain server entries. Nothing starts until a server is used.
 * @throws McpHostError `CONFIG_INVALID` naming each bad field of `servers`; `USAGE` when neither or both are given.
 */
export function createHost(options: CreateHostOptions): Host {
  const { config, servers, cwd = process.cwd(), env = process.env, ...rest } = options;
  if ((config === undefined) === (servers === undefined)) {
    throw new McpHostError('USAGE', 'createHost: give either `config` or `servers`');
  }
  const loaded =
    config ??
    // Entries written in code fail at once: nobody reads a list of invalid servers there.
    parseConfig(JSON.stringify({ mcpServers: servers }), path.join(cwd, 'servers'), env, {
      displayPath: 'servers',
      invalidEntries: 'throw',
    });
  return new Host({ ...rest, config: loaded, env });
}

/** A running server replica with its client. */
export interface ConnectedServer {
  name: string;
  client: McpClient;
  /** Which replica answered (0-based). */
  replica: number;
  pid?: number;
  stderrTail(): string[];
}

/** What `discover` learns about one server. Tools denied by policy are not listed. */
export interface ServerDescription {
  name: string;
  serverInfo: Implementation;
  protocolVersion: string;
  capabilities: ServerCapabilities;
  instructions?: string;
  tools: Tool[];
  resources: Resource[];
  resourceTemplates: ResourceTemplate[];
  prompts: Prompt[];
}

/** One server's outcome in a multi-server operation: the others' results are never hidden by its failure. */
export type Settled<T> = { name: string; ok: true; value: T } | { name: string; ok: false; error: McpHostError };

/** The latency of each replica of one server. */
export interface ReplicaPing {
  replica: number;
  pid?: number;
  ms?: number;
  error?: McpHostError;
}

interface ServerState {
  config: ServerConfig;
  pool: ServerPool;
  policy: ToolPolicy;
  cache: ResultCache | undefined;
  /** Each list, kept until the server says it changed (`list_changed`); a failed listing is not kept. */
  lists: Partial<Record<ListName, Promise<unknown[]>>>;
  /** Tools by name, for what a call needs to know of its tool: built from `source`, the `lists.tools` it indexes. */
  toolsByName: { source: Promise<Tool[]>; byName: Promise<Map<string, Tool>> } | undefined;
}

type ListName = 'tools' | 'resources' | 'resourceTemplates' | 'prompts';

/** Which cached lists each `list_changed` notification voids. */
const LIST_CHANGED: Record<ListKind, { method: string; lists: ListName[] }> = {
  tools: { method: NOTIFICATION.TOOLS_LIST_CHANGED, lists: ['tools'] },
  resources: { method: NOTIFICATION.RESOURCES_LIST_CHANGED, lists: ['resources', 'resourceTemplates'] },
  prompts: { method: NOTIFICATION.PROMPTS_LIST_CHANGED, lists: ['prompts'] },
};

/** How long a server has to start and answer `initialize`, unless told otherwise. */
export const DEFAULT_STARTUP_TIMEOUT_MS = 60_000;

export class Host {
  private readonly states = new Map<string, ServerState>();
  private readonly catalogListeners = new Set<(change: CatalogChange) => void>();
  private readonly connectors: Connectors;
  private isClosing = false;

  constructor(private readonly options: HostOptions) {
    this.connectors = { stdio: stdioConnector(options.env), ...options.connectors };
  }

  /** The configuration this host runs. */
  get config(): LoadedConfig {
    return this.options.config;
  }

  /** Names of the servers that are not disabled, in config order. */
  serverNames(): string[] {
    return this.options.config.servers.filter((server) => !server.disabled).map((server) => server.name);
  }

  /**
   * The config of one server, if it can be used.
   * @throws McpHostError `SERVER_NOT_FOUND` with a suggestion; `CONFIG_INVALID` for a disabled server, one whose
   * config has problems, or a kind of entry this host has no connector for.
   */
  serverConfig(name: string): ServerConfig {
    const server = this.options.config.servers.find((entry) => entry.name === name);
    if (!server) {
      const names = this.options.config.servers.map((entry) => entry.name);
      throw new McpHostError(
        'SERVER_NOT_FOUND',
        `No server named "${name}" in ${this.options.config.path}${didYouMean(closestNames(name, names), { prefix: '; ' })}`,
        { server: name, available: names },
      );
    }
    return this.requireUsable(server);
  }

  /** A ready replica of the server (the least busy), starting one if none runs, handshake included. */
  async connect(name: string, options: CallOptions = {}): Promise<ConnectedServer> {
    const link = await this.state(name, options).pool.acquire();
    return { name, client: link.client, replica: link.slot, pid: link.pid, stderrTail: link.stderrTail };
  }

  /** Connects to several servers in parallel; each outcome is reported separately. */
  connectAll(names: string[] = this.serverNames(), options: CallOptions = {}): Promise<Settled<ConnectedServer>[]> {
    return settleEach(names, (name) => this.connect(name, options));
  }

  /** Starts every replica of each server, for long-running work (bench, daemon). */
  startAll(names: string[] = this.serverNames(), options: CallOptions = {}): Promise<Settled<number>[]> {
    return settleEach(names, async (name) => {
      const { pool } = this.state(name, options);
      await pool.startAll();
      return pool.size;
    });
  }

  /** Starts the servers in parallel and lists everything each one offers. */
  discover(names: string[] = this.serverNames(), options: CallOptions = {}): Promise<Settled<ServerDescription>[]> {
    return settleEach(names, (name) => this.describe(name, options));
  }

  /**
   * Everything the servers offer, under qualified names, listed in parallel and kept until a server announces a
   * change (then `onCatalogChange` listeners hear of it, and the next call lists that server again). A server that
   * fails is reported in `failures`, never hiding the others.
   */
  async catalog(names: string[] = this.serverNames(), options: CallOptions = {}): Promise<Catalog> {
    const described = await this.discover(names, options);
    const catalog: Catalog = { tools: [], resources: [], resourceTemplates: [], prompts: [], failures: [] };
    for (const result of described) {
      if (!result.ok) {
        catalog.failures.push({ server: result.name, error: result.error });
        continue;
      }
      const { name: server, tools, resources, resourceTemplates, prompts } = result.value;
      const entry = <T extends { name: string }>(value: T) => ({
        server,
        qualifiedName: qualifiedName(server, value.name),
        value,
      });
      catalog.tools.push(...tools.map(entry));
      catalog.resources.push(...resources.map(entry));
      catalog.resourceTemplates.push(...resourceTemplates.map(entry));
      catalog.prompts.push(...prompts.map(entry));
    }
    return catalog;
  }

  /** Hears of every change to the catalog (a server's `list_changed`). Returns the unsubscribe function. */
  onCatalogChange(listener: (change: CatalogChange) => void): () => void {
    this.catalogListeners.add(listener);
    return () => this.catalogListeners.delete(listener);
  }

  /** Pings one replica of each server in parallel; the value is the round-trip time in milliseconds. */
  ping(names: string[] = this.serverNames(), options: CallOptions = {}): Promise<Settled<number>[]> {
    return settleEach(names, async (name) => {
      const { client } = await this.connect(name, options);
      return timed(() => client.ping(options));
    });
  }

  /** Starts every replica of each server and pings each one. A server fails only when no replica answers. */
  pingReplicas(names: string[] = this.serverNames(), options: CallOptions = {}): Promise<Settled<ReplicaPing[]>[]> {
    return settleEach(names, async (name) => {
      const { pool } = this.state(name, options);
      await pool.startAll();
      return Promise.all(
        pool.replicas().map(async ({ slot, link, error }): Promise<ReplicaPing> => {
          if (!link) return { replica: slot, error: toServerError(error, name) };
          try {
            return { replica: slot, pid: link.pid, ms: await timed(() => link.client.ping(options)) };
          } catch (failure) {
            return { replica: slot, pid: link.pid, error: toServerError(failure, name) };
          }
        }),
      );
    });
  }

  /** What each replica of a server has done. */
  replicaStats(name: string): ReplicaStats[] {
    return this.states.get(name)?.pool.stats() ?? [];
  }

  /** The server's tools that the policy allows, kept until the server sends `tools/list_changed`. */
  async listTools(server: string, options: CallOptions = {}): Promise<Tool[]> {
    const state = this.state(server, options);
    const tools = await this.list(state, 'tools', (client) => client.listTools(options));
    return tools.filter((tool) => state.policy.isAllowed(tool.name));
  }

  /** Finds a tool's declaration. @throws McpHostError `DENIED` by policy, `NOT_FOUND` with a suggestion. */
  async findTool(server: string, tool: string, options: CallOptions = {}): Promise<Tool> {
    const state = this.state(server, options);
    state.policy.assertAllowed(server, tool);
    const found = (await this.toolsByName(state, options)).get(tool);
    if (!found) {
      const names = (await this.listTools(server, options)).map((entry) => entry.name);
      throw new McpHostError(
        'NOT_FOUND',
        `Server ${server} has no tool "${tool}"${didYouMean(closestNames(tool, names), { prefix: '; ' })}`,
        {
          server,
          tool,
          available: names,
        },
      );
    }
    return found;
  }

  /**
   * Calls `server.tool` on the least busy replica of the server. A tool failure is a result with `isError: true`,
   * not an exception. Results of read-only tools come from the cache when the server has one.
   * @throws McpHostError `USAGE` for a name that is not `server.tool`, `DENIED` (before anything reaches the
   * server), and the client's errors.
   */
  callTool(name: string, args: Record<string, unknown>, options: CallOptions = {}): Promise<CallToolResult> {
    let state: ServerState;
    let tool: string;
    try {
      let server: string;
      [server, tool] = splitQualifiedName(name);
      state = this.state(server, options);
      state.policy.assertAllowed(server, tool);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    // Without a cache nothing needs the tool list: the call goes straight to a replica (the hot path of bench,
    // the LLM loop and the gateway, kept free of extra promises).
    if (state.cache === undefined) return state.pool.run((link) => link.client.callTool(tool, args, options));
    return this.callCachedTool(state, tool, args, options);
  }

  private async callCachedTool(
    state: ServerState,
    tool: string,
    args: Record<string, unknown>,
    options: CallOptions,
  ): Promise<CallToolResult> {
    const cache = state.cache!;
    const isReadOnly = (await this.toolsByName(state, options)).get(tool)?.annotations?.readOnlyHint === true;
    const key = isReadOnly ? toolKey(tool, args) : undefined;
    const cached = key === undefined ? undefined : cache.get<CallToolResult>(key);
    if (cached) return cached;
    const result = await state.pool.run((link) => link.client.callTool(tool, args, options));
    if (key !== undefined && !result.isError) cache.set(key, result);
    return result;
  }

  /** Reads a resource (from the cache when the server has one and the resource has not changed). */
  async readResource(server: string, uri: string, options: CallOptions = {}): Promise<ReadResourceResult> {
    const state = this.state(server, options);
    const key = resourceKey(uri);
    const cached = state.cache?.get<ReadResourceResult>(key);
    if (cached) return cached;
    return state.pool.run(async ({ client }) => {
      const result = await client.readResource(uri, options);
      if (state.cache) {
        state.cache.set(key, result);
        // Ask to hear when it changes, so the cached copy can be dropped at once rather than at expiry.
        if (client.serverCapabilities?.resources?.subscribe) client.subscribeResource(uri).catch(() => undefined);
      }
      return result;
    });
  }

  async getPrompt(
    server: string,
    prompt: string,
    args: Record<string, string>,
    options: CallOptions = {},
  ): Promise<GetPromptResult> {
    const state = this.state(server, options);
    return state.pool.run(({ client }) => client.getPrompt(prompt, args, options));
  }

  /**
   * Ends every server: stdin closed, a short grace, then SIGTERM and SIGKILL to each whole process group.
   * Idempotent; resolves when every process is gone.
   */
  async closeAll(options: { graceMs?: number; termMs?: number } = {}): Promise<void> {
    this.isClosing = true;
    const graceMs = options.graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    const termMs = options.termMs ?? DEFAULT_SHUTDOWN_TERM_MS;
    await Promise.all([...this.states.values()].map(({ pool }) => pool.close({ graceMs, termMs })));
  }

  private state(name: string, options: CallOptions): ServerState {
    if (this.isClosing) throw new McpHostError('CANCELLED', 'The host is shutting down', { server: name });
    let state = this.states.get(name);
    if (state) return state;
    const config = this.serverConfig(name);
    const connector = this.connectorFor(config);
    const pool = new ServerPool({
      name,
      replicas: config.kind === 'stdio' ? config.replicas : 1,
      start: async (index) => {
        const { onServerStderr } = this.options;
        const link = await connector({
          config,
          replica: index,
          clientOptions: this.clientOptions(config),
          maxMessageBytes:
            (config.kind === 'stdio' ? config.maxMessageBytes : undefined) ?? this.options.maxMessageBytes,
          onStderrLine: onServerStderr && ((line) => onServerStderr(name, line)),
          // The start-up has its own limit, not the request's that made the server start.
          options: { ...options, timeoutMs: this.startupTimeoutMs(config) },
        });
        this.watch(name, state!, link.client);
        const { logLevel } = this.options;
        if (logLevel !== undefined && link.client.serverCapabilities?.logging) {
          // A courtesy, like the messages themselves: a server that refuses it still serves.
          await link.client.setLoggingLevel(logLevel, options).catch(() => undefined);
        }
        return link;
      },
      onRestart: (index, reason) => this.options.onReplicaRestart?.(name, index, reason),
    });
    const stdio = config.kind === 'stdio' ? config : undefined;
    state = {
      config,
      pool,
      policy: new ToolPolicy(stdio?.tools),
      cache: stdio?.cache ? new ResultCache(stdio.cache.ttlMs) : undefined,
      lists: {},
      toolsByName: undefined,
    };
    this.states.set(name, state);
    return state;
  }

  private connectorFor(config: ServerConfig): ServerConnector {
    const connector = this.connectors[config.kind] as ServerConnector | undefined;
    if (connector) return connector;
    const where = config.kind === 'http' ? ` (${config.url})` : '';
    throw new McpHostError(
      'CONFIG_INVALID',
      `Server ${config.name} cannot be reached: it is a ${config.kind} entry${where}, and this host has no connector for ${config.kind} servers`,
      { server: config.name },
    );
  }

  /** A list of one server, from what is kept or from the server (then kept until it changes). */
  private list<T>(state: ServerState, list: ListName, fetch: (client: McpClient) => Promise<T[]>): Promise<T[]> {
    let kept = state.lists[list] as Promise<T[]> | undefined;
    if (!kept) {
      kept = state.pool.run((link) => fetch(link.client));
      state.lists[list] = kept;
      kept.catch(() => {
        if (state.lists[list] === kept) delete state.lists[list];
      });
    }
    return kept;
  }

  private toolsByName(state: ServerState, options: CallOptions): Promise<Map<string, Tool>> {
    const tools = this.list(state, 'tools', (client) => client.listTools(options));
    // Rebuilt whenever the list is another one: after list_changed, and after a failed listing (never kept).
    if (state.toolsByName?.source !== tools) {
      state.toolsByName = {
        source: tools,
        byName: tools.then((list) => new Map(list.map((tool) => [tool.name, tool]))),
      };
    }
    return state.toolsByName.byName;
  }

  /**
   * Keeps the lists and the cache true to what the server announces, tells the catalog's listeners, and passes its
   * log messages on.
   */
  private watch(server: string, state: ServerState, client: McpClient): void {
    const { onServerLog } = this.options;
    if (onServerLog) client.onNotification(NOTIFICATION.MESSAGE, (message) => onServerLog(server, message));
    for (const [kind, { method, lists }] of Object.entries(LIST_CHANGED) as [
      ListKind,
      (typeof LIST_CHANGED)[ListKind],
    ][]) {
      client.onNotification(method as typeof NOTIFICATION.TOOLS_LIST_CHANGED, () => {
        for (const list of lists) delete state.lists[list];
        if (kind === 'tools') state.cache?.invalidate(TOOL_PREFIX);
        for (const listener of [...this.catalogListeners]) {
          try {
            listener({ server, kind });
          } catch {
            // A listener's bug must not stop the others, nor the notification.
          }
        }
      });
    }
    client.onNotification('notifications/resources/updated', ({ uri }) => state.cache?.invalidate(resourceKey(uri)));
  }

  private startupTimeoutMs(config: ServerConfig): number {
    const own = config.kind === 'stdio' ? config.startupTimeoutMs : undefined;
    return own ?? this.options.startupTimeoutMs ?? DEFAULT_STARTUP_TIMEOUT_MS;
  }

  private clientOptions(config: ServerConfig): McpClientOptions {
    const { name } = config;
    const { onInvalidMessage } = this.options;
    return {
      name,
      clientInfo: this.options.clientInfo,
      hooks: typeof this.options.hooks === 'function' ? this.options.hooks(name) : this.options.hooks,
      ...(this.options.protocolVersion !== undefined && { protocolVersion: this.options.protocolVersion }),
      // The one place a server's `timeoutMs` applies: every request without its own timeout, handshake included.
      defaultTimeoutMs: (config.kind === 'stdio' ? config.timeoutMs : undefined) ?? this.options.timeoutMs,
      onInvalidMessage: onInvalidMessage && ((problem) => onInvalidMessage(name, problem)),
    };
  }

  private async describe(name: string, options: CallOptions): Promise<ServerDescription> {
    const state = this.state(name, options);
    const { client } = await this.connect(name, options);
    const capabilities = client.serverCapabilities ?? {};
    const [tools, resources, resourceTemplates, prompts] = await Promise.all([
      capabilities.tools ? this.listTools(name, options) : [],
      capabilities.resources ? this.list(state, 'resources', (c) => c.listResources(options)) : [],
      capabilities.resources ? this.list(state, 'resourceTemplates', (c) => c.listResourceTemplates(options)) : [],
      capabilities.prompts ? this.list(state, 'prompts', (c) => c.listPrompts(options)) : [],
    ]);
    return {
      name,
      serverInfo: client.serverInfo!,
      protocolVersion: client.protocolVersion!,
      capabilities,
      instructions: client.instructions,
      tools,
      resources,
      resourceTemplates,
      prompts,
    };
  }

  private requireUsable(server: ConfiguredServer): ServerConfig {
    if (server.disabled) {
      throw new McpHostError('CONFIG_INVALID', `Server ${server.name} is disabled in the config`, {
        server: server.name,
      });
    }
    if (server.kind === 'invalid') throw this.configProblems(server.name, server.problems);
    if (server.kind === 'stdio' && server.unresolved) throw this.configProblems(server.name, server.unresolved);
    return server;
  }

  /** Why a server's entry cannot be used: each problem, after the config file's path. */
  private configProblems(server: string, problems: readonly string[]): McpHostError {
    const configPath = this.options.config.path;
    const lines = problems.map((problem) => `${configPath}: ${problem}`);
    return new McpHostError('CONFIG_INVALID', lines.join('\n'), { server, file: configPath, problems: lines });
  }
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const startedAt = performance.now();
  await work();
  return performance.now() - startedAt;
}

async function settleEach<T>(names: string[], run: (name: string) => Promise<T>): Promise<Settled<T>[]> {
  return Promise.all(
    names.map(async (name): Promise<Settled<T>> => {
      try {
        return { name, ok: true, value: await run(name) };
      } catch (error) {
        return { name, ok: false, error: toServerError(error, name) };
      }
    }),
  );
}
