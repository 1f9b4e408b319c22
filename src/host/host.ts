/**
 * The host: one client per configured server, started on demand and in parallel, with routing of
 * `server.tool` calls, resource reads and prompts, and a fast, complete shutdown.
 */

import { McpClient } from '../client/index.js';
import type { CallOptions, ClientHooks } from '../client/index.js';
import { McpHostError } from '../protocol/errors.js';
import type { InvalidLine } from '../protocol/ndjson.js';
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
import { serverEnvironment } from './environment.js';
import { spawnServerProcess } from './server-process.js';
import type { ServerProcess } from './server-process.js';
import { suggest } from './suggest.js';

/** How long the host waits, after its work is done, for servers to exit on their own before ending them. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 100;
/** After SIGTERM, how long before SIGKILL. */
export const DEFAULT_SHUTDOWN_TERM_MS = 500;
/** How long a closed pipe waits for the process's exit status, to explain why it closed. */
const EXIT_REASON_WAIT_MS = 1_000;

export interface HostOptions {
  config: LoadedConfig;
  /** The host's environment: the source of the allow-listed variables servers inherit. */
  env: NodeJS.ProcessEnv;
  clientInfo?: Implementation;
  /** Per-request timeout unless the server's `timeoutMs` or the call says otherwise. @default 60_000 */
  timeoutMs?: number;
  hooks?: ClientHooks;
  /** Each line a server writes to stderr (for `--verbose`). */
  onServerStderr?: (server: string, line: string) => void;
  /** Each line a server wrote to stdout that was not a valid message. */
  onInvalidLine?: (server: string, line: InvalidLine) => void;
}

/** A running server with its client. */
export interface ConnectedServer {
  name: string;
  client: McpClient;
  process: ServerProcess;
}

/** What `discover` learns about one server. */
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

export class Host {
  private readonly running = new Map<string, Promise<ConnectedServer>>();
  private readonly started: ConnectedServer[] = [];
  private readonly processes = new Set<ServerProcess>();
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
        {
          server: name,
          available: names,
        },
      );
    }
    return requireStdio(server);
  }

  /** Starts the server (once) and performs the handshake. */
  connect(name: string, options: CallOptions = {}): Promise<ConnectedServer> {
    if (this.isClosing) return Promise.reject(new McpHostError('CANCELLED', 'The host is shutting down'));
    let connection = this.running.get(name);
    if (!connection) {
      connection = this.start(this.serverConfig(name), options);
      this.running.set(name, connection);
      // A failed start is not cached: the next call may try again.
      connection.catch(() => this.running.delete(name));
    }
    return connection;
  }

  /** Connects to several servers in parallel; each outcome is reported separately. */
  connectAll(names: string[] = this.serverNames(), options: CallOptions = {}): Promise<Settled<ConnectedServer>[]> {
    return settleEach(names, (name) => this.connect(name, options));
  }

  /** Starts the servers in parallel and lists everything each one offers. */
  discover(names: string[] = this.serverNames(), options: CallOptions = {}): Promise<Settled<ServerDescription>[]> {
    return settleEach(names, async (name) => describe(await this.connect(name, options), options));
  }

  /** Pings each server in parallel; the value is the round-trip time in milliseconds. */
  ping(names: string[] = this.serverNames(), options: CallOptions = {}): Promise<Settled<number>[]> {
    return settleEach(names, async (name) => {
      const { client } = await this.connect(name, options);
      const startedAt = performance.now();
      await client.ping(options);
      return performance.now() - startedAt;
    });
  }

  /** Calls a tool on a server. A tool failure is a result with `isError: true`, not an exception. */
  async callTool(
    server: string,
    tool: string,
    args: Record<string, unknown>,
    options: CallOptions = {},
  ): Promise<CallToolResult> {
    const { client } = await this.connect(server, options);
    return client.callTool(tool, args, this.callOptions(server, options));
  }

  /** Finds a tool's declaration. @throws McpHostError `NOT_FOUND` with a suggestion. */
  async findTool(server: string, tool: string, options: CallOptions = {}): Promise<Tool> {
    const { client } = await this.connect(server, options);
    const tools = await client.listTools(this.callOptions(server, options));
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

  async readResource(server: string, uri: string, options: CallOptions = {}): Promise<ReadResourceResult> {
    const { client } = await this.connect(server, options);
    return client.readResource(uri, this.callOptions(server, options));
  }

  async getPrompt(
    server: string,
    prompt: string,
    args: Record<string, string>,
    options: CallOptions = {},
  ): Promise<GetPromptResult> {
    const { client } = await this.connect(server, options);
    return client.getPrompt(prompt, args, this.callOptions(server, options));
  }

  /**
   * Ends every server: stdin closed, a short grace, then SIGTERM and SIGKILL to each whole process group.
   * Idempotent; resolves when every process is gone.
   */
  async closeAll(options: { graceMs?: number; termMs?: number } = {}): Promise<void> {
    this.isClosing = true;
    const graceMs = options.graceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
    const termMs = options.termMs ?? DEFAULT_SHUTDOWN_TERM_MS;
    for (const { client } of this.started) client.close(new McpHostError('CANCELLED', 'The host is shutting down'));
    await Promise.all([...this.processes].map((process) => process.close({ graceMs, termMs })));
  }

  private async start(config: StdioServerConfig, options: CallOptions): Promise<ConnectedServer> {
    const { name } = config;
    const process = spawnServerProcess({
      name,
      command: config.command,
      args: config.args,
      env: serverEnvironment(this.options.env, config.env),
      cwd: config.cwd,
      onStderrLine: this.options.onServerStderr && ((line) => this.options.onServerStderr?.(name, line)),
    });
    this.processes.add(process);
    const exitReason = (): Promise<Error | undefined> =>
      Promise.race([
        process.exited.then(() => process.exitError()),
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), EXIT_REASON_WAIT_MS).unref()),
      ]);
    const client = new McpClient(process.stdout, process.stdin, {
      name,
      clientInfo: this.options.clientInfo,
      hooks: this.options.hooks,
      defaultTimeoutMs: config.timeoutMs ?? this.options.timeoutMs,
      closeReason: exitReason,
      onInvalidLine: this.options.onInvalidLine && ((line) => this.options.onInvalidLine?.(name, line)),
    });
    // The pipe may stay open after the server died (a grandchild holds it): the exit alone must fail pending calls.
    void process.exited.then(() => client.close(process.exitError()));
    try {
      // Whichever comes first: the handshake, or the process dying (then the error carries its exit and stderr).
      await Promise.race([
        client.initialize({ ...options, timeoutMs: options.timeoutMs ?? config.timeoutMs ?? this.options.timeoutMs }),
        process.exited.then(() => Promise.reject(process.exitError())),
      ]);
    } catch (error) {
      client.close();
      await process.close({ graceMs: 0, termMs: DEFAULT_SHUTDOWN_TERM_MS });
      throw error instanceof McpHostError && error.code === 'REQUEST_TIMEOUT'
        ? new McpHostError(
            'HANDSHAKE_FAILED',
            `Server ${name} did not answer initialize within ${error.context.timeoutMs} ms`,
            {
              ...error.context,
              server: name,
              stderrTail: process.stderrTail(),
            },
          )
        : withServer(error, name, process);
    }
    const connected = { name, client, process };
    this.started.push(connected);
    return connected;
  }

  private callOptions(server: string, options: CallOptions): CallOptions {
    const configured = this.serverConfig(server).timeoutMs;
    return options.timeoutMs === undefined && configured !== undefined
      ? { ...options, timeoutMs: configured }
      : options;
  }
}

async function describe(server: ConnectedServer, options: CallOptions): Promise<ServerDescription> {
  const { client } = server;
  const capabilities = client.serverCapabilities ?? {};
  const [tools, resources, resourceTemplates, prompts] = await Promise.all([
    capabilities.tools ? client.listTools(options) : [],
    capabilities.resources ? client.listResources(options) : [],
    capabilities.resources ? client.listResourceTemplates(options) : [],
    capabilities.prompts ? client.listPrompts(options) : [],
  ]);
  return {
    name: server.name,
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

function requireStdio(server: ServerConfig): StdioServerConfig {
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
  return server;
}

function withServer(error: unknown, name: string, process: ServerProcess): McpHostError {
  const hostError = toHostError(error, name);
  if (hostError.context.stderrTail === undefined) hostError.context.stderrTail = process.stderrTail();
  return hostError;
}

function toHostError(error: unknown, name: string): McpHostError {
  if (error instanceof McpHostError) {
    if (error.context.server === undefined) error.context.server = name;
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new McpHostError('PROTOCOL_VIOLATION', `Server ${name}: ${message}`, { server: name }, { cause: error });
}
