/**
 * McpClient: one connection to one MCP server. It never spawns anything and never opens a socket: give it a
 * message transport (stdio pipes to a process the host started, Streamable HTTP, or an in-memory pair).
 */

import { DEFAULT_REQUEST_TIMEOUT_MS, createMcpConnection } from '../protocol/connection.js';
import type { McpConnection, McpConnectionOptions, RequestContext, RequestOptions } from '../protocol/connection.js';
import { JSONRPC_ERROR, McpHostError, WireError, isMcpHostError } from '../protocol/errors.js';
import type { MessageTransport } from '../protocol/transport.js';
import { METHOD, NOTIFICATION } from '../protocol/methods.js';
import type {
  ClientNotifications,
  ClientRequests,
  ParamsOf,
  ResultOf,
  ServerNotifications,
  ServerRequests,
} from '../protocol/methods.js';
import type {
  CallToolResult,
  ClientCapabilities,
  CompleteRequestParams,
  CompleteResult,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestFormParams,
  ElicitRequestParams,
  ElicitRequestURLParams,
  ElicitResult,
  ElicitValue,
  GetPromptResult,
  Implementation,
  InitializeResult,
  LoggingLevel,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  Root,
  ServerCapabilities,
  Tool,
} from '../protocol/types.js';
import {
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  isSupportedProtocolVersion,
} from '../protocol/versions.js';
import {
  CALL_TOOL_RESULT,
  COMPLETE_RESULT,
  GET_PROMPT_RESULT,
  OutputSchemaChecks,
  READ_RESOURCE_RESULT,
  TOOL,
  checkResult,
  isObject,
  listOf,
  withStrings,
} from './result-checks.js';

/**
 * Answers to the requests a server may send to the client. Each hook given is declared as a capability in
 * `initialize`; a request for one left out is refused with -32601 and a message saying what this client lacks.
 */
export interface ClientHooks {
  /** `roots/list`: the directories the server may work in. */
  roots?: () => Root[] | Promise<Root[]>;
  /** `sampling/createMessage`: let the server ask the host's LLM. */
  sampling?: (params: CreateMessageRequestParams, context: RequestContext) => Promise<CreateMessageResult>;
  /**
   * `elicitation/create` in form mode: let the server ask the user to fill in a form. The answer is checked, and an
   * accepted one gets the form's defaults for the fields it leaves out (see `applyElicitationDefaults`).
   */
  elicitation?: (params: ElicitRequestFormParams, context: RequestContext) => Promise<ElicitResult>;
  /** `elicitation/create` in URL mode (2025-11-25): let the server send the user to a URL, for what a form must not carry. */
  elicitationUrl?: (params: ElicitRequestURLParams, context: RequestContext) => Promise<ElicitResult>;
}

export interface McpClientOptions extends McpConnectionOptions {
  /** How this client introduces itself. */
  clientInfo?: Implementation;
  /** A name for messages (`server weather: …`); defaults to the server's own name once known. */
  name?: string;
  hooks?: ClientHooks;
  /** Timeout of every request unless the call gives its own. @default 60_000 */
  defaultTimeoutMs?: number;
  /**
   * The revision offered in `initialize`: the newest by default; an older one pins the session to it (a server
   * that answers with another we speak is accepted, as the spec lets it). @default LATEST_PROTOCOL_VERSION
   */
  protocolVersion?: string;
  /**
   * Fill an accepted form's answer with the schema's `default` for each field it leaves out, and say so in the
   * capability (`elicitation.form.applyDefaults`). @default true
   */
  applyElicitationDefaults?: boolean;
}

/** Options of one call: cancellation, timeout, progress. */
export type CallOptions = RequestOptions;

const DEFAULT_CLIENT_INFO: Implementation = { name: 'mcp-host', version: '0.1.0' };
/** A server that keeps handing out cursors is broken; stop rather than loop forever. */
const MAX_PAGES = 1_000;

type ClientConnection = McpConnection<ClientRequests, ServerRequests, ClientNotifications, ServerNotifications>;

/**
 * A client for one server. `connect()` performs the handshake; then every method maps to one MCP request.
 * Errors are `McpHostError`: `REQUEST_TIMEOUT`, `CANCELLED`, `CONNECTION_CLOSED` (or the close reason, such as
 * `SERVER_EXITED`), `SERVER_ERROR` (the server answered with a JSON-RPC error; `context.rpcCode`),
 * `CAPABILITY_MISSING`, `PROTOCOL_VIOLATION`, `HANDSHAKE_FAILED`.
 */
export class McpClient {
  readonly connection: ClientConnection;
  private initializeResult: InitializeResult | undefined;
  private readonly defaultTimeoutMs: number;
  private readonly outputSchemas = new OutputSchemaChecks();

  /** The client owns the transport from here on: `close()` closes it. */
  constructor(
    transport: MessageTransport,
    private readonly options: McpClientOptions = {},
  ) {
    this.connection = createMcpConnection(transport, options);
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.registerServerRequests(options.hooks ?? {});
    // A changed list may have changed schemas: results are checked again once the tools are listed again.
    this.connection.onNotification(NOTIFICATION.TOOLS_LIST_CHANGED, () => this.outputSchemas.forget());
  }

  /** Creates a client and performs the handshake. On failure the connection is closed. */
  static async connect(transport: MessageTransport, options: McpClientOptions & CallOptions = {}): Promise<McpClient> {
    const client = new McpClient(transport, options);
    try {
      await client.initialize(options);
      return client;
    } catch (error) {
      client.close();
      throw error;
    }
  }

  /** The server's name, for messages. */
  get name(): string {
    return this.options.name ?? this.initializeResult?.serverInfo.name ?? 'server';
  }

  /** What the server said about itself in `initialize`. */
  get serverInfo(): Implementation | undefined {
    return this.initializeResult?.serverInfo;
  }

  get serverCapabilities(): ServerCapabilities | undefined {
    return this.initializeResult?.capabilities;
  }

  /** The protocol revision both sides agreed on. */
  get protocolVersion(): string | undefined {
    return this.initializeResult?.protocolVersion;
  }

  get instructions(): string | undefined {
    return this.initializeResult?.instructions;
  }

  get isClosed(): boolean {
    return this.connection.isClosed;
  }

  /**
   * The handshake: `initialize` offering our newest revision, a check that the server's answer is one we speak,
   * then `notifications/initialized`.
   * @throws McpHostError `HANDSHAKE_FAILED`, `REQUEST_TIMEOUT` when the server does not answer in time, or the
   * transport's close reason when the server dies first.
   */
  async initialize(options: CallOptions = {}): Promise<InitializeResult> {
    this.connection.listen();
    const capabilities = this.capabilities();
    let result: InitializeResult;
    try {
      result = await this.connection.request(
        METHOD.INITIALIZE,
        {
          protocolVersion: this.offeredVersion(),
          capabilities,
          clientInfo: this.options.clientInfo ?? DEFAULT_CLIENT_INFO,
        },
        { ...options, timeoutMs: options.timeoutMs ?? this.defaultTimeoutMs },
      );
    } catch (error) {
      // Out of time is a timeout (exit 4 in the CLI), whatever the request: a start-up slower than the limit is not
      // a broken server.
      if (isMcpHostError(error, 'REQUEST_TIMEOUT')) {
        throw new McpHostError(
          'REQUEST_TIMEOUT',
          `${this.name}: did not answer initialize within ${String(error.context.timeoutMs)} ms`,
          { ...error.context, server: this.name },
          { cause: error },
        );
      }
      if (error instanceof McpHostError && error.code !== 'CANCELLED') throw error;
      throw this.handshakeError(error instanceof Error ? error.message : String(error), error);
    }
    checkResult(METHOD.INITIALIZE, result, withStrings('protocolVersion'));
    const version: unknown = result.protocolVersion;
    if (!isSupportedProtocolVersion(version)) {
      throw this.handshakeError(
        `the server speaks protocol ${String(version)}; this client supports ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`,
      );
    }
    if (typeof result.serverInfo?.name !== 'string') {
      throw this.handshakeError('the initialize result has no serverInfo.name');
    }
    this.initializeResult = { ...result, capabilities: result.capabilities ?? {} };
    await this.connection.notify(NOTIFICATION.INITIALIZED, undefined);
    return this.initializeResult;
  }

  /** What this client declares in `initialize`: one capability per hook given. */
  capabilities(): ClientCapabilities {
    const hooks = this.options.hooks ?? {};
    const capabilities: ClientCapabilities = {};
    if (hooks.roots) capabilities.roots = { listChanged: true };
    if (hooks.sampling) capabilities.sampling = {};
    if (hooks.elicitation || hooks.elicitationUrl) {
      capabilities.elicitation = {
        ...(hooks.elicitation && {
          form: this.options.applyElicitationDefaults === false ? {} : { applyDefaults: true },
        }),
        ...(hooks.elicitationUrl && { url: {} }),
      };
    }
    return capabilities;
  }

  /**
   * Tells the server the roots changed (`notifications/roots/list_changed`): it asks `roots/list` again.
   * @throws McpHostError `CAPABILITY_MISSING` when this client has no `roots` hook (it never declared roots).
   */
  async sendRootsListChanged(): Promise<void> {
    if (!this.options.hooks?.roots) {
      throw new McpHostError('CAPABILITY_MISSING', `${this.name}: this client declared no roots (no roots hook)`, {
        server: this.name,
        capability: 'roots',
      });
    }
    await this.connection.notify(NOTIFICATION.ROOTS_LIST_CHANGED, undefined);
  }

  ping(options?: CallOptions): Promise<void> {
    return this.request(METHOD.PING, undefined, options).then(() => undefined);
  }

  /** Every tool, across all pages. Their output schemas are kept, to check the results of `callTool`. */
  async listTools(options?: CallOptions): Promise<Tool[]> {
    this.require('tools');
    const tools = await this.collect<Tool>(METHOD.TOOLS_LIST, 'tools', TOOL, options);
    this.outputSchemas.remember(tools);
    return tools;
  }

  /**
   * Calls a tool. A tool that fails answers with `isError: true` in the result (not an exception): check it.
   * When this client listed the tool with an `outputSchema`, a result that is not an error must carry
   * `structuredContent` matching it (the validator is loaded for the first such check, each schema compiled once).
   * @throws McpHostError `SERVER_ERROR` for protocol-level failures such as an unknown tool; `PROTOCOL_VIOLATION`
   * for a malformed result, or one that breaks the listed `outputSchema` (the message names each field).
   */
  async callTool(name: string, args: Record<string, unknown> = {}, options?: CallOptions): Promise<CallToolResult> {
    this.require('tools');
    const result = await this.request(METHOD.TOOLS_CALL, { name, arguments: args }, options);
    checkResult(METHOD.TOOLS_CALL, result, CALL_TOOL_RESULT);
    await this.outputSchemas.check(this.name, name, result);
    return result;
  }

  listResources(options?: CallOptions): Promise<Resource[]> {
    this.require('resources');
    return this.collect(METHOD.RESOURCES_LIST, 'resources', withStrings('uri', 'name'), options);
  }

  listResourceTemplates(options?: CallOptions): Promise<ResourceTemplate[]> {
    this.require('resources');
    return this.collect(
      METHOD.RESOURCES_TEMPLATES_LIST,
      'resourceTemplates',
      withStrings('uriTemplate', 'name'),
      options,
    );
  }

  async readResource(uri: string, options?: CallOptions): Promise<ReadResourceResult> {
    this.require('resources');
    const result = await this.request(METHOD.RESOURCES_READ, { uri }, options);
    checkResult(METHOD.RESOURCES_READ, result, READ_RESOURCE_RESULT);
    return result;
  }

  async subscribeResource(uri: string, options?: CallOptions): Promise<void> {
    this.require('resources', 'subscribe');
    await this.request(METHOD.RESOURCES_SUBSCRIBE, { uri }, options);
  }

  async unsubscribeResource(uri: string, options?: CallOptions): Promise<void> {
    this.require('resources', 'subscribe');
    await this.request(METHOD.RESOURCES_UNSUBSCRIBE, { uri }, options);
  }

  listPrompts(options?: CallOptions): Promise<Prompt[]> {
    this.require('prompts');
    return this.collect(METHOD.PROMPTS_LIST, 'prompts', withStrings('name'), options);
  }

  async getPrompt(name: string, args: Record<string, string> = {}, options?: CallOptions): Promise<GetPromptResult> {
    this.require('prompts');
    const result = await this.request(METHOD.PROMPTS_GET, { name, arguments: args }, options);
    checkResult(METHOD.PROMPTS_GET, result, GET_PROMPT_RESULT);
    return result;
  }

  async complete(params: CompleteRequestParams, options?: CallOptions): Promise<CompleteResult> {
    this.require('completions');
    const result = await this.request(METHOD.COMPLETION_COMPLETE, params, options);
    checkResult(METHOD.COMPLETION_COMPLETE, result, COMPLETE_RESULT);
    return result;
  }

  async setLoggingLevel(level: LoggingLevel, options?: CallOptions): Promise<void> {
    this.require('logging');
    await this.request(METHOD.LOGGING_SET_LEVEL, { level }, options);
  }

  /** Subscribes to a server notification (list_changed, message, resources/updated, progress). Returns unsubscribe. */
  onNotification<M extends keyof ServerNotifications>(
    method: M,
    handler: (params: ServerNotifications[M]) => void,
  ): () => void {
    return this.connection.onNotification(method, handler);
  }

  /** Runs once when the connection closes, with the reason. */
  onClose(listener: (error: Error) => void): void {
    this.connection.onClose(listener);
  }

  /** Closes the connection (pending calls reject with `error`). Does not end the streams or stop the process. */
  close(error?: Error): void {
    this.connection.close(error);
  }

  /**
   * Sends one request with the client's default timeout, turning a JSON-RPC error answer into `SERVER_ERROR`.
   */
  async request<M extends keyof ClientRequests>(
    method: M,
    params: ParamsOf<ClientRequests, M>,
    options: CallOptions = {},
  ): Promise<ResultOf<ClientRequests, M>> {
    try {
      return await this.connection.request(method, params, {
        ...options,
        timeoutMs: options.timeoutMs ?? this.defaultTimeoutMs,
      });
    } catch (error) {
      if (error instanceof WireError) {
        throw new McpHostError('SERVER_ERROR', `${this.name}: ${error.message}`, {
          server: this.name,
          method,
          rpcCode: error.code,
          rpcData: error.data,
        });
      }
      if (isMcpHostError(error, 'REQUEST_TIMEOUT')) {
        // Named as a person asks for it: which server, and which tool, prompt or resource ran out of time.
        throw new McpHostError(
          'REQUEST_TIMEOUT',
          `${this.name}: ${requestSubject(method, params)} timed out after ${String(error.context.elapsedMs)} ms`,
          { ...error.context, server: this.name },
          { cause: error },
        );
      }
      if (error instanceof McpHostError && error.context.server === undefined) error.context.server = this.name;
      throw error;
    }
  }

  /** Follows `nextCursor` until the list ends. */
  private async collect<T>(
    method:
      | typeof METHOD.TOOLS_LIST
      | typeof METHOD.RESOURCES_LIST
      | typeof METHOD.RESOURCES_TEMPLATES_LIST
      | typeof METHOD.PROMPTS_LIST,
    key: string,
    item: Parameters<typeof listOf>[1],
    options?: CallOptions,
  ): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const result = (await this.request(method, cursor === undefined ? {} : { cursor }, options)) as Record<
        string,
        unknown
      >;
      checkResult(method, result, listOf(key, item));
      items.push(...(result[key] as T[]));
      cursor = result.nextCursor as string | undefined;
      if (cursor === undefined) return items;
      if (seen.has(cursor)) break;
      seen.add(cursor);
    }
    throw new McpHostError('PROTOCOL_VIOLATION', `${this.name}: ${method} kept returning cursors; stopped paging`, {
      server: this.name,
      method,
    });
  }

  /** Fails fast, before any message, when the server did not declare the capability. */
  private require(capability: keyof ServerCapabilities, sub?: string): void {
    const capabilities = this.initializeResult?.capabilities;
    if (!capabilities) {
      throw new McpHostError('CONNECTION_CLOSED', `${this.name}: not initialized`, { server: this.name });
    }
    const declared = capabilities[capability] as Record<string, unknown> | undefined;
    if (declared === undefined || (sub !== undefined && declared[sub] !== true)) {
      const what = sub ? `${String(capability)}.${sub}` : String(capability);
      throw new McpHostError('CAPABILITY_MISSING', `${this.name} does not support ${what}`, {
        server: this.name,
        capability: what,
      });
    }
  }

  private registerServerRequests(hooks: ClientHooks): void {
    const c = this.connection;
    c.onRequest(METHOD.PING, () => ({}));
    const { roots, sampling } = hooks;
    c.onRequest(METHOD.ROOTS_LIST, async () => {
      if (!roots) throw refusal(METHOD.ROOTS_LIST, 'this client has no roots to share');
      return { roots: await roots() };
    });
    c.onRequest(METHOD.SAMPLING_CREATE_MESSAGE, (params, context) => {
      if (!sampling) throw refusal(METHOD.SAMPLING_CREATE_MESSAGE, 'this client has no LLM to sample from');
      return sampling(params, context);
    });
    c.onRequest(METHOD.ELICITATION_CREATE, (params, context) =>
      answerElicitation(hooks, params, context, this.options),
    );
  }

  private offeredVersion(): string {
    const version = this.options.protocolVersion ?? LATEST_PROTOCOL_VERSION;
    if (!isSupportedProtocolVersion(version)) {
      throw new McpHostError(
        'USAGE',
        `protocolVersion ${JSON.stringify(version)}: expected one of ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`,
      );
    }
    return version;
  }

  private handshakeError(reason: string, cause?: unknown): McpHostError {
    return new McpHostError(
      'HANDSHAKE_FAILED',
      `${this.name}: handshake failed: ${reason}`,
      { server: this.name },
      { cause },
    );
  }
}

/** What a request asks for, for messages: `tool "get_forecast"`, `prompt "plan"`, `resource file:///a`, or its method. */
function requestSubject(method: string, params: unknown): string {
  const { name, uri } = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
  if (method === METHOD.TOOLS_CALL && typeof name === 'string') return `tool "${name}"`;
  if (method === METHOD.PROMPTS_GET && typeof name === 'string') return `prompt "${name}"`;
  if (method === METHOD.RESOURCES_READ && typeof uri === 'string') return `resource ${uri}`;
  return method;
}

/** -32601 for a request this client declared no capability for, saying what it lacks (not a bare "not found"). */
function refusal(method: string, why: string): WireError {
  return new WireError(JSONRPC_ERROR.METHOD_NOT_FOUND, `${method}: ${why}`);
}

/**
 * `elicitation/create`: checked, passed to the hook of its mode, and the answer checked before it goes back. A
 * server's form is asked only in the modes this client declared; an accepted form gets the schema's defaults.
 */
async function answerElicitation(
  hooks: ClientHooks,
  params: ElicitRequestParams,
  context: RequestContext,
  options: McpClientOptions,
): Promise<ElicitResult> {
  if (!hooks.elicitation && !hooks.elicitationUrl) {
    throw refusal(METHOD.ELICITATION_CREATE, 'this client has no one to ask (no elicitation hook)');
  }
  if (!isObject(params) || typeof params.message !== 'string') {
    throw new WireError(JSONRPC_ERROR.INVALID_PARAMS, 'elicitation/create: params.message: expected a string');
  }
  if (params.mode === 'url') {
    if (!hooks.elicitationUrl) throw refusal(METHOD.ELICITATION_CREATE, 'this client does not do URL-mode elicitation');
    if (typeof params.url !== 'string' || typeof params.elicitationId !== 'string') {
      throw new WireError(
        JSONRPC_ERROR.INVALID_PARAMS,
        'elicitation/create: URL mode needs params.url and params.elicitationId, as strings',
      );
    }
    const result = checkedElicitResult(await hooks.elicitationUrl(params, context));
    // A URL-mode answer carries no content: what the user did happens at the URL.
    return { action: result.action };
  }
  if (params.mode !== undefined && params.mode !== 'form') {
    throw new WireError(
      JSONRPC_ERROR.INVALID_PARAMS,
      `elicitation/create: params.mode: expected "form" or "url", got ${JSON.stringify(params.mode)}`,
    );
  }
  if (!hooks.elicitation) {
    throw refusal(METHOD.ELICITATION_CREATE, 'this client has no one to ask (no elicitation hook)');
  }
  const schema: unknown = params.requestedSchema;
  if (!isObject(schema) || !isObject(schema.properties)) {
    throw new WireError(
      JSONRPC_ERROR.INVALID_PARAMS,
      'elicitation/create: params.requestedSchema.properties: expected an object',
    );
  }
  const result = checkedElicitResult(await hooks.elicitation(params, context));
  if (result.action !== 'accept') return { action: result.action };
  if (options.applyElicitationDefaults === false) return result;
  return { ...result, content: withDefaults(params.requestedSchema, result.content ?? {}) };
}

/** A hook's answer, checked: the host's code is not the server's to trust either way. */
function checkedElicitResult(result: ElicitResult): ElicitResult {
  if (!isObject(result) || !['accept', 'decline', 'cancel'].includes(result.action)) {
    throw new McpHostError(
      'PROTOCOL_VIOLATION',
      `elicitation hook: action: expected "accept", "decline" or "cancel", got ${JSON.stringify(
        isObject(result) ? result.action : result,
      )}`,
    );
  }
  return result;
}

/** The answer with each field it leaves out that has a `default` in the form's schema filled in with it. */
function withDefaults(
  schema: ElicitRequestFormParams['requestedSchema'],
  content: NonNullable<ElicitResult['content']>,
): NonNullable<ElicitResult['content']> {
  const filled = { ...content };
  for (const [name, field] of Object.entries(schema.properties)) {
    const fallback = (field as { default?: ElicitValue }).default;
    if (filled[name] === undefined && fallback !== undefined) filled[name] = fallback;
  }
  return filled;
}
