/**
 * One client's session with a server: the MCP lifecycle, every client-to-server method, and the server's requests
 * to the client, over one connection.
 */

import { createMcpConnection } from '../protocol/connection.js';
import type {
  McpConnection,
  McpConnectionOptions,
  RequestContext,
  RequestHandler,
  RequestOptions,
} from '../protocol/connection.js';
import { describeValue } from '../protocol/describe-value.js';
import { JSONRPC_ERROR, MCP_ERROR, McpHostError, WireError } from '../protocol/errors.js';
import { METHOD, NOTIFICATION } from '../protocol/methods.js';
import type {
  ClientNotifications,
  ClientRequests,
  ParamsOf,
  ResultOf,
  ServerNotifications,
  ServerRequests,
} from '../protocol/methods.js';
import type { SendOptions } from '../protocol/transport.js';
import type {
  CallToolRequestParams,
  CallToolResult,
  ClientCapabilities,
  CompleteRequestParams,
  CompleteResult,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  GetPromptRequestParams,
  GetPromptResult,
  Implementation,
  InitializeRequestParams,
  InitializeResult,
  LoggingLevel,
  ReadResourceResult,
  ResourceContents,
  Root,
  ServerCapabilities,
  Tool,
} from '../protocol/types.js';
import { LOGGING_LEVELS } from '../protocol/types.js';
import type { MessageTransport } from '../protocol/transport.js';
import { LATEST_PROTOCOL_VERSION, negotiateProtocolVersion } from '../protocol/versions.js';
import {
  assertCanCompleteElicitation,
  assertCanElicit,
  assertCanListRoots,
  assertCanSample,
  checkCreateMessageResult,
  checkElicitResult,
  checkListRootsResult,
} from './client-requests.js';
import { paginate } from './pagination.js';
import type {
  ClientRequestOptions,
  Completer,
  CompletionContext,
  HandlerContext,
  ListKind,
  Registry,
  ResourceBody,
  ToolEntry,
} from './registry.js';
import { hasFeature } from './revisions.js';
import { describeIssues } from './schema.js';
import { shapeElicitRequest, shapeResult, shapeSamplingRequest } from './shape.js';
import { ToolError } from './tool-error.js';
import { errorResult, toToolResult } from './tool-definition.js';

/** Settings of a server, shared by its sessions. */
export interface ServerSettings {
  info: Implementation;
  instructions?: string;
  pageSize: number;
  /** Declare `resources.subscribe`: the server calls `notifyResourceUpdated` when a resource changes. */
  resourceSubscriptions: boolean;
  /** Features to declare even while nothing of that kind is registered yet (it may be added at run time). */
  declare: { tools?: boolean; resources?: boolean; prompts?: boolean };
}

type ServerConnection = McpConnection<ServerRequests, ClientRequests, ServerNotifications, ClientNotifications>;

/** Requests allowed before the handshake finished. */
const PRE_INITIALIZE = new Set<string>([METHOD.INITIALIZE, METHOD.PING]);
/** Completion values per answer, as the spec caps them. */
const MAX_COMPLETIONS = 100;

export class ServerSession {
  readonly connection: ServerConnection;
  /** The revision agreed in `initialize`. */
  protocolVersion: string | undefined;
  clientInfo: Implementation | undefined;
  clientCapabilities: ClientCapabilities | undefined;
  private logLevel: LoggingLevel = 'info';
  private readonly subscriptions = new Set<string>();
  private readonly stopListening: () => void;
  /**
   * What this session serves, fixed in `initialize`: it gates every method (one whose capability is missing is not
   * found, -32601), and the client is told the same, fitted to its revision (`shapeCapabilities`). Declared and
   * served thus come from one value and cannot disagree.
   */
  private capabilities: ServerCapabilities = {};
  private pendingListChanges = new Set<ListKind>();

  constructor(
    private readonly registry: Registry,
    private readonly settings: ServerSettings,
    transport: MessageTransport,
    options: McpConnectionOptions = {},
  ) {
    // A client may end stdin right after its last request: that request is still answered.
    // And every line it cannot parse is answered with -32700, as JSON-RPC asks of a server.
    this.connection = createMcpConnection(transport, {
      ...options,
      answerBeforeClosing: true,
      answerUnparsable: 'always',
      acceptsBatches: () => this.protocolVersion !== undefined && hasFeature(this.protocolVersion, 'batches'),
    });
    this.stopListening = registry.onChange((kind) => this.queueListChanged(kind));
    this.connection.onClose(() => this.stopListening());
    this.registerHandlers();
  }

  /** Starts reading requests. */
  listen(): void {
    this.connection.listen();
  }

  /** Ends the session: running handlers see their signal abort. */
  close(): void {
    this.connection.close();
  }

  /** Sends `notifications/message` if the client's level lets it through. */
  async log(level: LoggingLevel, data: unknown, logger?: string, options?: SendOptions): Promise<void> {
    if (this.connection.isClosed || !this.protocolVersion) return;
    if (LOGGING_LEVELS.indexOf(level) < LOGGING_LEVELS.indexOf(this.logLevel)) return;
    await this.connection.notify(
      NOTIFICATION.MESSAGE,
      logger === undefined ? { level, data } : { level, data, logger },
      options,
    );
  }

  /** Sends `notifications/resources/updated` when the client subscribed to the URI. */
  async notifyResourceUpdated(uri: string): Promise<void> {
    if (!this.subscriptions.has(uri) || this.connection.isClosed) return;
    await this.connection.notify(NOTIFICATION.RESOURCES_UPDATED, { uri });
  }

  /**
   * Asks the client's LLM (`sampling/createMessage`); from a handler, use `ctx.sample`, which ties the request to
   * the one being handled. No time limit of its own unless `timeoutMs` is given (a person may review the request).
   * @throws McpHostError `CAPABILITY_MISSING` (see `HandlerContext.sample`), `CANCELLED`, `REQUEST_TIMEOUT`,
   * `CONNECTION_CLOSED`, `PROTOCOL_VIOLATION` for a malformed answer; WireError when the client refuses.
   */
  async sample(params: CreateMessageRequestParams, options: RequestOptions = {}): Promise<CreateMessageResult> {
    const revision = this.requireInitialized(METHOD.SAMPLING_CREATE_MESSAGE);
    assertCanSample(params, this.clientCapabilities ?? {}, revision);
    const result = await this.connection.request(
      METHOD.SAMPLING_CREATE_MESSAGE,
      shapeSamplingRequest(params, revision),
      { ...options, timeoutMs: options.timeoutMs ?? 0 },
    );
    return checkCreateMessageResult(result);
  }

  /**
   * Asks the user through the client (`elicitation/create`, form or URL mode); from a handler, use `ctx.elicit`.
   * No time limit of its own unless `timeoutMs` is given.
   * @throws McpHostError `CAPABILITY_MISSING` when the client did not declare the mode; otherwise as `sample`.
   */
  async elicit(params: ElicitRequestParams, options: RequestOptions = {}): Promise<ElicitResult> {
    const revision = this.requireInitialized(METHOD.ELICITATION_CREATE);
    assertCanElicit(params, this.clientCapabilities ?? {}, revision);
    const result = await this.connection.request(METHOD.ELICITATION_CREATE, shapeElicitRequest(params, revision), {
      ...options,
      timeoutMs: options.timeoutMs ?? 0,
    });
    return checkElicitResult(result);
  }

  /**
   * The client's roots (`roots/list`); from a handler, use `ctx.listRoots`. @default timeoutMs 60_000
   * @throws McpHostError `CAPABILITY_MISSING` when the client did not declare `roots`; otherwise as `sample`.
   */
  async listRoots(options: RequestOptions = {}): Promise<Root[]> {
    this.requireInitialized(METHOD.ROOTS_LIST);
    assertCanListRoots(this.clientCapabilities ?? {});
    const result = await this.connection.request(METHOD.ROOTS_LIST, undefined, options);
    return checkListRootsResult(result).roots;
  }

  /**
   * Tells the client that the out-of-band interaction of a URL-mode elicitation finished
   * (`notifications/elicitation/complete`), so that it may retry what needed it.
   * @throws McpHostError `CAPABILITY_MISSING` when the client did not declare `elicitation.url`; `CONNECTION_CLOSED`.
   */
  async notifyElicitationComplete(elicitationId: string): Promise<void> {
    this.requireInitialized(NOTIFICATION.ELICITATION_COMPLETE);
    assertCanCompleteElicitation(this.clientCapabilities ?? {});
    await this.connection.notify(NOTIFICATION.ELICITATION_COMPLETE, { elicitationId });
  }

  /** Sends a request to the client as it is, with no capability check (see `sample`, `elicit`, `listRoots`). */
  request<M extends keyof ServerRequests>(
    method: M,
    params: ParamsOf<ServerRequests, M>,
    options?: RequestOptions,
  ): Promise<ResultOf<ServerRequests, M>> {
    return this.connection.request(method, params, options);
  }

  /** The agreed revision. @throws McpHostError `CAPABILITY_MISSING` before the client initialized the session. */
  private requireInitialized(method: string): string {
    if (this.protocolVersion === undefined) {
      throw new McpHostError(
        'CAPABILITY_MISSING',
        `${method}: the client has not initialized the session yet, so its capabilities are unknown`,
        { method },
      );
    }
    return this.protocolVersion;
  }

  private registerHandlers(): void {
    this.serve(METHOD.INITIALIZE, (params) => this.initialize(params), { hasParams: true });
    this.serve(METHOD.PING, () => ({}));
    this.serve(
      METHOD.TOOLS_LIST,
      (params) => {
        const { page, nextCursor } = paginate(this.registry.enabledTools(), params?.cursor, this.settings.pageSize);
        return { tools: page.map(describeTool), ...(nextCursor && { nextCursor }) };
      },
      { capability: (c) => c.tools },
    );
    this.serve(METHOD.TOOLS_CALL, (params, context) => this.callTool(params, context), {
      hasParams: true,
      capability: (c) => c.tools,
    });
    this.serve(
      METHOD.RESOURCES_LIST,
      (params) => {
        const all = [...this.registry.resources.values()];
        const { page, nextCursor } = paginate(all, params?.cursor, this.settings.pageSize);
        return {
          resources: page.map(({ uri, name, title, description, mimeType, size, annotations, icons, _meta }) =>
            compact({ uri, name, title, description, mimeType, size, annotations, icons, _meta }),
          ),
          ...(nextCursor && { nextCursor }),
        };
      },
      { capability: (c) => c.resources },
    );
    this.serve(
      METHOD.RESOURCES_TEMPLATES_LIST,
      (params) => {
        const all = [...this.registry.templates.values()];
        const { page, nextCursor } = paginate(all, params?.cursor, this.settings.pageSize);
        return {
          resourceTemplates: page.map(({ template, name, title, description, mimeType, annotations, icons, _meta }) =>
            compact({ uriTemplate: template.template, name, title, description, mimeType, annotations, icons, _meta }),
          ),
          ...(nextCursor && { nextCursor }),
        };
      },
      { capability: (c) => c.resources },
    );
    this.serve(METHOD.RESOURCES_READ, (params, context) => this.readResource(params.uri, context), {
      hasParams: true,
      capability: (c) => c.resources,
    });
    this.serve(
      METHOD.RESOURCES_SUBSCRIBE,
      ({ uri }) => {
        this.requireString(uri, 'uri');
        this.subscriptions.add(uri);
        return {};
      },
      { hasParams: true, capability: (c) => c.resources?.subscribe },
    );
    this.serve(
      METHOD.RESOURCES_UNSUBSCRIBE,
      ({ uri }) => {
        this.requireString(uri, 'uri');
        this.subscriptions.delete(uri);
        return {};
      },
      { hasParams: true, capability: (c) => c.resources?.subscribe },
    );
    this.serve(
      METHOD.PROMPTS_LIST,
      (params) => {
        const all = [...this.registry.prompts.values()];
        const { page, nextCursor } = paginate(all, params?.cursor, this.settings.pageSize);
        return {
          prompts: page.map(({ name, title, description, arguments: args, icons, _meta }) =>
            compact({ name, title, description, arguments: args, icons, _meta }),
          ),
          ...(nextCursor && { nextCursor }),
        };
      },
      { capability: (c) => c.prompts },
    );
    this.serve(METHOD.PROMPTS_GET, (params, context) => this.getPrompt(params, context), {
      hasParams: true,
      capability: (c) => c.prompts,
    });
    this.serve(METHOD.COMPLETION_COMPLETE, (params, context) => this.complete(params, context), {
      hasParams: true,
      capability: (c) => c.completions,
    });
    this.serve(
      METHOD.LOGGING_SET_LEVEL,
      ({ level }) => {
        if (!LOGGING_LEVELS.includes(level)) {
          throw new WireError(
            JSONRPC_ERROR.INVALID_PARAMS,
            `level: expected one of ${LOGGING_LEVELS.join(', ')}, got ${JSON.stringify(level)}`,
          );
        }
        this.logLevel = level;
        return {};
      },
      { hasParams: true, capability: (c) => c.logging },
    );
  }

  /**
   * Serves one method behind the rules every method shares: nothing but `initialize` and `ping` before the
   * handshake; a method whose capability this server did not declare is not found (-32601), as the spec asks; a
   * method whose params the schema requires gets -32602 without them, never a handler's TypeError; and the result
   * is fitted to the agreed revision (`shapeResult`), here and nowhere else.
   */
  private serve<M extends keyof ClientRequests>(
    method: M,
    handler: RequestHandler<ParamsOf<ClientRequests, M>, ResultOf<ClientRequests, M>>,
    rules: { hasParams?: boolean; capability?: (declared: ServerCapabilities) => unknown } = {},
  ): void {
    const { hasParams = false, capability } = rules;
    this.connection.onRequest(method, (params, context) => {
      if (!this.protocolVersion && !PRE_INITIALIZE.has(method)) {
        throw new WireError(JSONRPC_ERROR.INVALID_REQUEST, `${method} was received before initialize`);
      }
      if (capability && !capability(this.capabilities)) {
        throw new WireError(
          JSONRPC_ERROR.METHOD_NOT_FOUND,
          `Method not found: ${method} (not declared by this server)`,
        );
      }
      if (hasParams && params === undefined) {
        throw new WireError(JSONRPC_ERROR.INVALID_PARAMS, `${method}: params are required`);
      }
      const result = handler(params, context);
      // Read after the handler: `initialize` is what sets the revision its own answer is shaped for.
      if (this.agreedProtocolVersion === LATEST_PROTOCOL_VERSION) return result;
      const shape = (value: ResultOf<ClientRequests, M>) =>
        shapeResult(method, value, this.agreedProtocolVersion) as ResultOf<ClientRequests, M>;
      return isPromiseLike(result) ? Promise.resolve(result).then(shape) : shape(result);
    });
  }

  private initialize(params: InitializeRequestParams): InitializeResult {
    if (this.protocolVersion) throw new WireError(JSONRPC_ERROR.INVALID_REQUEST, 'The session is already initialized');
    if (typeof params?.protocolVersion !== 'string') {
      throw new WireError(JSONRPC_ERROR.INVALID_PARAMS, 'protocolVersion: expected a string');
    }
    // The schema requires both; a client that sends them broken would get answers it cannot have asked for.
    if (!isPlainObject(params.capabilities)) {
      throw new WireError(
        JSONRPC_ERROR.INVALID_PARAMS,
        `capabilities: expected an object, got ${describeValue(params.capabilities)}`,
      );
    }
    const { clientInfo } = params;
    if (!isPlainObject(clientInfo) || typeof clientInfo.name !== 'string' || typeof clientInfo.version !== 'string') {
      throw new WireError(
        JSONRPC_ERROR.INVALID_PARAMS,
        'clientInfo: expected an object with a string "name" and a string "version"',
      );
    }
    this.protocolVersion = negotiateProtocolVersion(params.protocolVersion);
    this.clientInfo = params.clientInfo;
    this.clientCapabilities = params.capabilities;
    this.capabilities = this.describeCapabilities();
    // Answered in the shape of the agreed revision by `serve` (2024-11-05, say, has no `completions` capability).
    const { info, instructions } = this.settings;
    return compact({
      protocolVersion: this.protocolVersion,
      capabilities: this.capabilities,
      serverInfo: info,
      instructions,
    });
  }

  /** Only what is really served: a kind with nothing registered (and not declared up front) is left out. */
  private describeCapabilities(): ServerCapabilities {
    const { registry, settings } = this;
    const capabilities: ServerCapabilities = { logging: {} };
    if (registry.tools.size > 0 || settings.declare.tools) capabilities.tools = { listChanged: true };
    if (registry.resources.size > 0 || registry.templates.size > 0 || settings.declare.resources) {
      capabilities.resources = { listChanged: true, ...(settings.resourceSubscriptions && { subscribe: true }) };
    }
    if (registry.prompts.size > 0 || settings.declare.prompts) capabilities.prompts = { listChanged: true };
    const hasCompleters =
      [...registry.prompts.values()].some((prompt) => prompt.complete) ||
      [...registry.templates.values()].some((template) => template.complete);
    if (hasCompleters) capabilities.completions = {};
    return capabilities;
  }

  private async callTool(params: CallToolRequestParams, context: RequestContext): Promise<CallToolResult> {
    this.requireString(params?.name, 'name');
    const tool = this.registry.tools.get(params.name);
    if (!tool || !tool.isEnabled) {
      throw new WireError(JSONRPC_ERROR.INVALID_PARAMS, `Unknown tool: ${params.name}`, {
        tool: params.name,
        available: this.registry.enabledTools().map((entry) => entry.name),
      });
    }
    // A zod check is synchronous: only a JSON Schema's first check (the validator loading) is awaited.
    const checked = tool.input.check(params.arguments ?? {});
    const parsed = checked instanceof Promise ? await checked : checked;
    if (!parsed.success) {
      return errorResult(`Invalid arguments for tool ${tool.name}: ${parsed.issues}`);
    }
    // `withContext` inlined: a tool call is the hot path, and this spares it a closure and a promise.
    const handlerContext = new SessionHandlerContext(this, context);
    try {
      const value = await tool.handler(parsed.data, handlerContext);
      return toToolResult(tool, value);
    } catch (error) {
      if (error instanceof WireError) throw error;
      if (error instanceof ToolError) return errorResult(error.message);
      if (context.signal.aborted) throw error; // cancelled: the response is dropped anyway
      return errorResult(`Tool ${tool.name} failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      handlerContext.end();
    }
  }

  private async readResource(uri: string, context: RequestContext): Promise<ReadResourceResult> {
    this.requireString(uri, 'uri');
    const fixed = this.registry.resources.get(uri);
    if (fixed) {
      const body = await this.withContext(new SessionHandlerContext(this, context), (handlerContext) =>
        fixed.read(uri, handlerContext),
      );
      return { contents: toContents(uri, body, fixed.mimeType) };
    }
    for (const entry of this.registry.templates.values()) {
      const variables = entry.template.match(uri);
      if (variables) {
        const body = await this.withContext(new SessionHandlerContext(this, context), (handlerContext) =>
          entry.read(uri, variables, handlerContext),
        );
        return { contents: toContents(uri, body, entry.mimeType) };
      }
    }
    // -32002, as every revision up to 2025-11-25 says (server/resources, "Error Handling"); the drafts after it
    // move to -32602, which a client of those will also accept for -32002.
    throw new WireError(MCP_ERROR.RESOURCE_NOT_FOUND, `Resource not found: ${uri}`, { uri });
  }

  private async getPrompt(params: GetPromptRequestParams, context: RequestContext): Promise<GetPromptResult> {
    this.requireString(params?.name, 'name');
    const prompt = this.registry.prompts.get(params.name);
    if (!prompt) {
      throw new WireError(JSONRPC_ERROR.INVALID_PARAMS, `Unknown prompt: ${params.name}`, {
        prompt: params.name,
        available: [...this.registry.prompts.keys()],
      });
    }
    let args: unknown = params.arguments ?? {};
    if (prompt.args) {
      const parsed = prompt.args.safeParse(args);
      if (!parsed.success) {
        throw new WireError(
          JSONRPC_ERROR.INVALID_PARAMS,
          `Invalid arguments for prompt ${prompt.name}: ${describeIssues(parsed.error)}`,
        );
      }
      args = parsed.data;
    }
    const result = await this.withContext(new SessionHandlerContext(this, context), (handlerContext) =>
      prompt.handler(args, handlerContext),
    );
    if (typeof result === 'string') {
      return { messages: [{ role: 'user', content: { type: 'text', text: result } }] };
    }
    return result;
  }

  private async complete(params: CompleteRequestParams, context: RequestContext): Promise<CompleteResult> {
    const { ref, argument } = params ?? {};
    if (!ref || !argument || typeof argument.name !== 'string' || typeof argument.value !== 'string') {
      throw new WireError(JSONRPC_ERROR.INVALID_PARAMS, 'Expected ref and argument {name, value}');
    }
    let completers: Record<string, Completer> | undefined;
    if (ref.type === 'ref/prompt') {
      const prompt = this.registry.prompts.get(ref.name);
      if (!prompt) throw new WireError(JSONRPC_ERROR.INVALID_PARAMS, `Unknown prompt: ${ref.name}`);
      completers = prompt.complete;
    } else if (ref.type === 'ref/resource') {
      const template = [...this.registry.templates.values()].find((entry) => entry.template.template === ref.uri);
      if (!template) throw new WireError(JSONRPC_ERROR.INVALID_PARAMS, `Unknown resource template: ${ref.uri}`);
      completers = template.complete;
    } else {
      throw new WireError(JSONRPC_ERROR.INVALID_PARAMS, `ref.type: expected "ref/prompt" or "ref/resource"`);
    }
    const completer = completers?.[argument.name];
    const given = params.context?.arguments ?? {};
    const values = completer
      ? await this.withContext(new CompletionHandlerContext(this, context, given), (handlerContext) =>
          completer(argument.value, handlerContext),
        )
      : [];
    return {
      completion: {
        values: values.slice(0, MAX_COMPLETIONS),
        total: values.length,
        hasMore: values.length > MAX_COMPLETIONS,
      },
    };
  }

  /** Runs a handler with its context, and ends the context (and the requests it made) when the handler is done. */
  private async withContext<R, C extends SessionHandlerContext>(
    context: C,
    run: (context: C) => R | Promise<R>,
  ): Promise<R> {
    try {
      return await run(context);
    } finally {
      context.end();
    }
  }

  /** Sends `notifications/progress` for a request whose client asked for it (a `progressToken` in `_meta`). */
  async reportProgress(context: RequestContext, progress: number, total?: number, message?: string): Promise<void> {
    const progressToken = context.meta?.progressToken;
    if (progressToken === undefined || this.connection.isClosed || context.signal.aborted) return;
    await this.connection.notify(NOTIFICATION.PROGRESS, compact({ progressToken, progress, total, message }), {
      relatedRequestId: context.requestId,
    });
  }

  /** The revision agreed with this client (the latest one before the handshake). */
  get agreedProtocolVersion(): string {
    return this.protocolVersion ?? negotiateProtocolVersion(undefined);
  }

  /** Many registrations in one turn send one notification per kind. */
  private queueListChanged(kind: ListKind): void {
    if (!this.protocolVersion || !this.capabilities[kind]) return;
    if (this.pendingListChanges.size === 0) {
      queueMicrotask(() => {
        const kinds = this.pendingListChanges;
        this.pendingListChanges = new Set();
        for (const changed of kinds) void this.sendListChanged(changed);
      });
    }
    this.pendingListChanges.add(kind);
  }

  private async sendListChanged(kind: ListKind): Promise<void> {
    if (this.connection.isClosed) return;
    const method =
      kind === 'tools'
        ? NOTIFICATION.TOOLS_LIST_CHANGED
        : kind === 'resources'
          ? NOTIFICATION.RESOURCES_LIST_CHANGED
          : NOTIFICATION.PROMPTS_LIST_CHANGED;
    await this.connection.notify(method, undefined).catch(() => undefined);
  }

  private requireString(value: unknown, field: string): asserts value is string {
    if (typeof value !== 'string') {
      throw new WireError(JSONRPC_ERROR.INVALID_PARAMS, `${field}: expected a string, got ${describeValue(value)}`);
    }
  }
}

function describeTool(tool: ToolEntry): Tool {
  const { name, title, description, inputSchema, outputSchema, annotations, icons, _meta } = tool;
  return compact({ name, title, description, inputSchema, outputSchema, annotations, icons, _meta });
}

function toContents(
  uri: string,
  body: ResourceBody | ResourceBody[],
  mimeType: string | undefined,
): ResourceContents[] {
  const bodies = Array.isArray(body) ? body : [body];
  return bodies.map((item) => {
    const type = item.mimeType ?? mimeType;
    if ('text' in item) return compact({ uri, mimeType: type, text: item.text, _meta: item._meta });
    const blob = typeof item.blob === 'string' ? item.blob : Buffer.from(item.blob).toString('base64');
    return compact({ uri, mimeType: type, blob, _meta: item._meta });
  });
}

/** Drops undefined fields so the wire carries only what is set. */
function compact<T extends Record<string, unknown>>(value: T): T {
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}

/**
 * What a handler is given. A class rather than an object literal: one is made per call, and a literal with a getter
 * and two closures costs a server's hot path three allocations more. `signal` stays a getter, so the request's
 * AbortController exists only for handlers that use it; so does the scope of requests to the client, made on the
 * first one.
 */
class SessionHandlerContext implements HandlerContext {
  /** Aborted when the request is cancelled or answered: every request to the client made for it ends with it. */
  private scope: AbortController | undefined;

  constructor(
    readonly session: ServerSession,
    private readonly request: RequestContext,
  ) {}

  get signal(): AbortSignal {
    return this.request.signal;
  }

  get requestId(): RequestContext['requestId'] {
    return this.request.requestId;
  }

  get meta(): RequestContext['meta'] {
    return this.request.meta;
  }

  get protocolVersion(): string {
    return this.session.agreedProtocolVersion;
  }

  get clientCapabilities(): ClientCapabilities {
    return this.session.clientCapabilities ?? {};
  }

  progress(progress: number, total?: number, message?: string): Promise<void> {
    return this.session.reportProgress(this.request, progress, total, message);
  }

  log(level: LoggingLevel, data: unknown, logger?: string): Promise<void> {
    return this.session.log(level, data, logger, { relatedRequestId: this.request.requestId });
  }

  sample(params: CreateMessageRequestParams, options?: ClientRequestOptions): Promise<CreateMessageResult> {
    return this.session.sample(params, this.tiedOptions(options));
  }

  elicit(params: ElicitRequestParams, options?: ClientRequestOptions): Promise<ElicitResult> {
    return this.session.elicit(params, this.tiedOptions(options));
  }

  listRoots(options?: ClientRequestOptions): Promise<Root[]> {
    return this.session.listRoots(this.tiedOptions(options));
  }

  /**
   * The handler is done. A request to the client it left running is cancelled: whatever it answers has no request
   * left to go into (and over HTTP, no stream left to arrive on).
   */
  end(): void {
    this.scope?.abort(new McpHostError('CANCELLED', 'the request it was made for has been answered'));
  }

  /** Options for a request to the client made for this request: it is cancelled with it, and related to it. */
  private tiedOptions(options: ClientRequestOptions = {}): RequestOptions {
    const scope = this.scope ?? this.openScope();
    const signal = options.signal ? AbortSignal.any([scope.signal, options.signal]) : scope.signal;
    return { ...options, signal, relatedRequestId: this.request.requestId };
  }

  private openScope(): AbortController {
    const scope = new AbortController();
    this.scope = scope;
    const incoming = this.request.signal;
    const cancel = () => {
      const reason = incoming.reason instanceof Error ? incoming.reason.message : 'cancelled';
      scope.abort(new McpHostError('CANCELLED', `the request it was made for was cancelled (${reason})`));
    };
    if (incoming.aborted) cancel();
    else incoming.addEventListener('abort', cancel, { once: true });
    return scope;
  }
}

/** A completer's context: a handler's, with the arguments the client already gave. */
class CompletionHandlerContext extends SessionHandlerContext implements CompletionContext {
  readonly arguments: Record<string, string>;

  constructor(session: ServerSession, request: RequestContext, given: Record<string, string>) {
    super(session, request);
    this.arguments = given;
  }
}
