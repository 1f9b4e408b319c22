/**
 * The host: one pool of clients per configured server (one per replica), started on demand and in parallel, with
 * routing of `server.tool` calls, resource reads and prompts, the tools policy, the result cache, and a fast,
 * complete shutdown.
 */

import type { ChildProcess } from 'node:child_process';
import type { CallOptions, ClientHooks, McpClient, McpClientOptions } from '../client/index.js';
import { McpHostError, isMcpHostError } from '../protocol/errors.js';
import type { InvalidMessage } from '../protocol/connection.js';
import { StdioTransport } from '../protocol/stdio/stdio-transport.js';
import type {
  CallToolResult,
  GetPromptResult,
  Implementation,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  ServerCapabilities,
  Tool,
} from '../protocol/types.js';
import type { LoadedConfig, ServerConfig, StdioServerConfig } from './config.js';
import { ToolPolicy } from './policy.js';
import { ResultCache, TOOL_PREFIX, resourceKey, toolKey } from './result-cache.js';
import { spawnServerProcess } from './server-process.js';
import { serverSpawnSpec } from './spawn-spec.js';
import type { SpawnSpec } from './spawn-spec.js';
import { ServerPool } from './server-pool.js';
import type { ReplicaLink, ReplicaStats } from './server-pool.js';
import { suggest } from './suggest.js';

/** How long the host waits, after its work is done, for servers to exit on their own before ending them. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 100;
/** After SIGTERM, how long before SIGKILL. */
export const DEFAULT_SHUTDOWN_TERM_MS = 500;
/** How long a closed pipe waits for the process's exit status, to explain why it closed. */
const EXIT_REASON_WAIT_MS = 1_000;

/** What a connector needs to make one replica reachable. */
export interface ConnectorRequest {
  config: StdioServerConfig;
  /** Which replica (0-based). */
  replica: number;
  /** The host's hooks and diagnostics for the client. */
  clientOptions: McpClientOptions;
  /** Largest message accepted from the server. @default 64 MiB */
  maxMessageBytes?: number;
  /** Each stderr line of the replica, when it has one. */
  onStderrLine?: (line: string) => void;
  /** Signal and timeout for the handshake. */
  options: CallOptions;
}

/**
 * Makes one replica of a server reachable, handshake done. Today that is `spawnConnector` (stdio); it is the seam
 * where the Streamable HTTP transport will plug in.
 */
export type ServerConnector = (request: ConnectorRequest) => Promise<ReplicaLink>;

export interface HostOptions {
  config: LoadedConfig;
  /** The host's environment: the source of the allow-listed variables servers inherit. */
  env: NodeJS.ProcessEnv;
  clientInfo?: Implementation;
  /** Per-request timeout unless the server's `timeoutMs` or the call says otherwise. @default 60_000 */
  timeoutMs?: number;
  /** Largest message accepted from a server, in bytes. @default 64 MiB */
  maxMessageBytes?: number;
  hooks?: ClientHooks;
  /** Each line a server writes to stderr (for `--verbose`). */
  onServerStderr?: (server: string, line: string) => void;
  /** Each line a server wrote to stdout that was not a valid message. */
  onInvalidMessage?: (server: string, problem: InvalidMessage) => void;
  /** A replica that died and is being replaced. */
  onReplicaRestart?: (server: string, replica: number, reason: McpHostError) => void;
  /**
   * Server processes started before the host (the CLI's early start): asked first whenever a server is to start,
   * and taken over only if exactly that process would have been started.
   */
  prestarted?: Prestarted;
}

/** See `HostOptions.prestarted`. */
export interface Prestarted {
  /** The running process for `server` started as `spec`, once; otherwise undefined. */
  take(server: string, spec: SpawnSpec): ChildProcess | undefined;
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
  config: StdioServerConfig;
  pool: ServerPool;
  policy: ToolPolicy;
  cache: ResultCache | undefined;
  /** The tool list, kept until the server says it changed. */
  tools: Promise<Tool[]> | undefined;
}

export class Host {
  private readonly states = new Map<string, ServerState>();
  private isClosing = false;

  constructor(private readonly options: HostOptions) {}

  /** The configuration this host runs. */
  get config(): LoadedConfig {
    return this.options.config;
  }

  /** Names of the servers that are not disabled, in config order. */
  serverNames(): string[] {
    return this.options.config.servers.filter((server) => !server.disabled).map((server) => server.name);
  }

  /**
   * The config of one server.
   * @throws McpHostError `SERVER_NOT_FOUND` with a suggestion, or `CONFIG_INVALID` for a disabled or HTTP server.
   */
  serverConfig(name: string): StdioServerConfig {
    const server = this.options.config.servers.find((entry) => entry.name === name);
    if (!server) {
      const names = this.options.config.servers.map((entry) => entry.name);
      throw new McpHostError(
        'SERVER_NOT_FOUND',
        `No server named "${name}" in ${this.options.config.path}${suggest(name, names)}`,
        { server: name, available: names },
      );
    }
    return requireStdio(server, this.options.config.path);
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
          if (!link) return { replica: slot, error: toHostError(error, name) };
          try {
            return { replica: slot, pid: link.pid, ms: await timed(() => link.client.ping(options)) };
          } catch (failure) {
            return { replica: slot, pid: link.pid, error: toHostError(failure, name) };
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
    if (!state.tools) {
      state.tools = state.pool.run((link) => link.client.listTools(options));
      state.tools.catch(() => (state.tools = undefined)); // a failed listing is not kept
    }
    return (await state.tools).filter((tool) => state.policy.isAllowed(tool.name));
  }

  /** Finds a tool's declaration. @throws McpHostError `DENIED` by policy, `NOT_FOUND` with a suggestion. */
  async findTool(server: string, tool: string, options: CallOptions = {}): Promise<Tool> {
    this.state(server, options).policy.assertAllowed(server, tool);
    const tools = await this.listTools(server, options);
    const found = tools.find((entry) => entry.name === tool);
    if (!found) {
      const names = tools.map((entry) => entry.name);
      throw new McpHostError('NOT_FOUND', `Server ${server} has no tool "${tool}"${suggest(tool, names)}`, {
        server,
        tool,
        available: names,
      });
    }
    return found;
  }

  /**
   * Calls a tool on the least busy replica. A tool failure is a result with `isError: true`, not an exception.
   * Results of read-only tools come from the cache when the server has one.
   * @throws McpHostError `DENIED` (before anything reaches the server), and the client's errors.
   */
  async callTool(
    server: string,
    tool: string,
    args: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<CallToolResult> {
    const state = this.state(server, options);
    state.policy.assertAllowed(server, tool);
    const cache = state.cache && (await this.isReadOnly(server, tool, options)) ? state.cache : undefined;
    const key = cache && toolKey(tool, args);
    const cached = key === undefined ? undefined : cache?.get<CallToolResult>(key);
    if (cached) return cached;
    const result = await state.pool.run((link) => link.client.callTool(tool, args, options));
    if (key !== undefined && !result.isError) cache?.set(key, result);
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
    const connector = spawnConnector(this.options.env, this.options.prestarted);
    const pool = new ServerPool({
      name,
      replicas: config.replicas,
      start: async (index) => {
        const { onServerStderr } = this.options;
        const link = await connector({
          config,
          replica: index,
          clientOptions: this.clientOptions(config),
          maxMessageBytes: this.options.maxMessageBytes,
          onStderrLine: onServerStderr && ((line) => onServerStderr(name, line)),
          options, // the client's default timeout is already the server's `timeoutMs` (see clientOptions)
        });
        this.watch(state!, link.client);
        return link;
      },
      onRestart: (index, reason) => this.options.onReplicaRestart?.(name, index, reason),
    });
    state = {
      config,
      pool,
      policy: new ToolPolicy(config.tools),
      cache: config.cache ? new ResultCache(config.cache.ttlMs) : undefined,
      tools: undefined,
    };
    this.states.set(name, state);
    return state;
  }

  /** Keeps the tool list and the cache true to what the server announces. */
  private watch(state: ServerState, client: McpClient): void {
    client.onNotification('notifications/tools/list_changed', () => {
      state.tools = undefined;
      state.cache?.invalidate(TOOL_PREFIX);
    });
    client.onNotification('notifications/resources/updated', ({ uri }) => state.cache?.invalidate(resourceKey(uri)));
  }

  private clientOptions(config: StdioServerConfig): McpClientOptions {
    const { name } = config;
    const { onInvalidMessage } = this.options;
    return {
      name,
      clientInfo: this.options.clientInfo,
      hooks: this.options.hooks,
      // The one place a server's `timeoutMs` applies: every request without its own timeout, handshake included.
      defaultTimeoutMs: config.timeoutMs ?? this.options.timeoutMs,
      onInvalidMessage: onInvalidMessage && ((problem) => onInvalidMessage(name, problem)),
    };
  }

  private async isReadOnly(server: string, tool: string, options: CallOptions): Promise<boolean> {
    const tools = await this.listTools(server, options);
    return tools.find((entry) => entry.name === tool)?.annotations?.readOnlyHint === true;
  }

  private async describe(name: string, options: CallOptions): Promise<ServerDescription> {
    const { client } = await this.connect(name, options);
    const capabilities = client.serverCapabilities ?? {};
    const [tools, resources, resourceTemplates, prompts] = await Promise.all([
      capabilities.tools ? this.listTools(name, options) : [],
      capabilities.resources ? client.listResources(options) : [],
      capabilities.resources ? client.listResourceTemplates(options) : [],
      capabilities.prompts ? client.listPrompts(options) : [],
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
}

/**
 * The stdio connector: spawn the server in its own process group with a minimal environment, connect a client
 * to its stdio, and perform the handshake. A server that dies first fails with its exit code and stderr tail.
 */
export function spawnConnector(hostEnv: NodeJS.ProcessEnv, prestarted?: Prestarted): ServerConnector {
  return async ({ config, clientOptions, maxMessageBytes, onStderrLine, options }) => {
    const { name } = config;
    const spec = serverSpawnSpec(config, hostEnv);
    const adopt = prestarted?.take(name, spec);
    const process = spawnServerProcess({ name, ...spec, onStderrLine, ...(adopt && { adopt }) });
    // Loaded now, not with this module: the client loads while the server boots, so a cold command's start-up
    // overlaps with the server's.
    const { McpClient: Client } = await import('../client/index.js');
    const exitReason = (): Promise<Error | undefined> =>
      Promise.race([process.exited.then(() => process.exitError()), delay(EXIT_REASON_WAIT_MS)]);
    const transport = new StdioTransport(process.stdout, process.stdin, { maxMessageBytes });
    const client = new Client(transport, { ...clientOptions, closeReason: exitReason });
    // And the other way round: a connection that failed while the process runs (a message over the size limit, a
    // broken pipe) leaves a process nobody can talk to. End it, so the pool replaces the replica for that reason.
    let brokenConnection: McpHostError | undefined;
    let isClosing = false;
    client.onClose((error) => {
      if (isClosing || !process.isRunning) return;
      brokenConnection = toHostError(error, name);
      void process.close({ graceMs: 0, termMs: DEFAULT_SHUTDOWN_TERM_MS });
    });
    // The pipe may stay open after the server died (a grandchild holds it): the exit alone must fail pending calls.
    const gone = process.exited.then(() => {
      const reason = brokenConnection ?? process.exitError();
      client.close(reason);
      return reason;
    });
    try {
      // Whichever comes first: the handshake, or the process dying (then the error carries its exit and stderr).
      await Promise.race([client.initialize(options), gone.then((reason) => Promise.reject(reason))]);
    } catch (error) {
      isClosing = true;
      client.close();
      const timeout = handshakeTimeout(error);
      if (timeout) {
        await process.close({ graceMs: 0, termMs: DEFAULT_SHUTDOWN_TERM_MS });
        throw new McpHostError(
          'HANDSHAKE_FAILED',
          `Server ${name} did not answer initialize within ${timeout.context.timeoutMs} ms`,
          { ...timeout.context, server: name, stderrTail: process.stderrTail() },
        );
      }
      // A server that died during the handshake is the cause; the closed pipe is only the symptom.
      const died = await Promise.race([gone, delay(EXIT_REASON_WAIT_MS)]);
      await process.close({ graceMs: 0, termMs: DEFAULT_SHUTDOWN_TERM_MS });
      throw died ?? withStderr(toHostError(error, name), process.stderrTail());
    }
    return {
      client,
      pid: process.pid,
      gone,
      stderrTail: () => process.stderrTail(),
      close: async (closeOptions) => {
        isClosing = true; // a close we asked for keeps its grace period
        client.close(new McpHostError('CANCELLED', 'The host is shutting down', { server: name }));
        await process.close(closeOptions);
      },
    };
  };
}

/** The timeout behind a failed handshake, whether the client reported it as such or as HANDSHAKE_FAILED. */
function handshakeTimeout(error: unknown): McpHostError | undefined {
  if (isMcpHostError(error, 'REQUEST_TIMEOUT')) return error;
  if (isMcpHostError(error, 'HANDSHAKE_FAILED') && isMcpHostError(error.cause, 'REQUEST_TIMEOUT')) return error.cause;
  return undefined;
}

/** Resolves with undefined after `ms`, without keeping the process alive. */
function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
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
        return { name, ok: false, error: toHostError(error, name) };
      }
    }),
  );
}

function requireStdio(server: ServerConfig, configPath: string): StdioServerConfig {
  if (server.kind !== 'stdio') {
    throw new McpHostError(
      'CONFIG_INVALID',
      `Server ${server.name} is an HTTP server (${server.url}); HTTP transports are not supported yet`,
      { server: server.name },
    );
  }
  if (server.disabled) {
    throw new McpHostError('CONFIG_INVALID', `Server ${server.name} is disabled in the config`, {
      server: server.name,
    });
  }
  if (server.unresolved) {
    const problems = server.unresolved.map((problem) => `${configPath}: ${problem}`);
    throw new McpHostError('CONFIG_INVALID', problems.join('\n'), { server: server.name, file: configPath, problems });
  }
  return server;
}

function withStderr(error: McpHostError, stderrTail: string[]): McpHostError {
  if (error.context.stderrTail === undefined) error.context.stderrTail = stderrTail;
  return error;
}

function toHostError(error: unknown, name: string): McpHostError {
  if (error instanceof McpHostError) {
    if (error.context.server === undefined) error.context.server = name;
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new McpHostError('PROTOCOL_VIOLATION', `Server ${name}: ${message}`, { server: name }, { cause: error });
}
