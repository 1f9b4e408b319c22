/**
 * One MCP connection over any message transport: JSON-RPC 2.0 requests, notifications and responses with MCP's
 * rules on top (string or integer ids, never null; object params; `notifications/cancelled` and
 * `notifications/progress`), timeouts and clean closing.
 *
 * This is the JSON-RPC core of mcp-host. It replaced vscode-jsonrpc, whose LSP conventions MCP does not share (its
 * `$/cancelRequest` handling ended the process on a malformed line, and it had to be taught MCP's cancellation,
 * progress and id rules through its internals); see docs/architecture.md.
 *
 * Every value from the peer is checked here (envelope.ts) before anything acts on it, and nothing the peer sends
 * can throw out of the transport's callback: a bad message is answered or reported, never fatal.
 */

import { classifyMessage, isRequestId } from './envelope.js';
import { JSONRPC_ERROR, McpHostError, WireError } from './errors.js';
import { METHOD, NOTIFICATION } from './methods.js';
import type { NotificationMap, ParamsOf, RequestMap, ResultOf } from './methods.js';
import { ReportBudget } from './report-budget.js';
import type { MessageTransport, SendOptions, TransportSink, UnreadableInput } from './transport.js';
import type {
  JsonRpcBatchResponse,
  JsonRpcErrorObject,
  JsonRpcErrorResponse,
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcResponse,
  ProgressNotificationParams,
  ProgressToken,
  RequestId,
  RequestMeta,
} from './types.js';

/** How long a request may take before it is cancelled. @default 60 s */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** Options for one outgoing request. */
export interface RequestOptions {
  /** Aborting sends `notifications/cancelled` and rejects with `CANCELLED`. */
  signal?: AbortSignal;
  /** Time allowed for an answer; on expiry `notifications/cancelled` is sent and the call rejects with `REQUEST_TIMEOUT`. `0` means no limit. @default DEFAULT_REQUEST_TIMEOUT_MS */
  timeoutMs?: number;
  /** Receives the peer's progress notifications for this request (a progress token is added to `_meta`). */
  onprogress?: (progress: ProgressNotificationParams) => void;
  /** Restart the timeout whenever progress arrives. @default false */
  resetTimeoutOnProgress?: boolean;
  /** With `resetTimeoutOnProgress`, the most time allowed in all. */
  maxTotalTimeoutMs?: number;
  /** The incoming request this one is made for (a server asking the client while it handles a call); see `SendOptions`. */
  relatedRequestId?: RequestId;
}

/** What a request handler gets besides the params. */
export interface RequestContext {
  /** Aborted when the peer sends `notifications/cancelled` for this request, or the connection closes. */
  signal: AbortSignal;
  requestId: RequestId;
  /** The request's `_meta`, with the peer's `progressToken` if it asked for progress. */
  meta: RequestMeta | undefined;
}

export type RequestHandler<P, R> = (params: P, context: RequestContext) => R | Promise<R>;
export type NotificationHandler<P> = (params: P) => void | Promise<void>;

/** Input from the peer that was not a valid message: it was skipped, and answered when it could be a request. */
export interface InvalidMessage {
  /** `parse`: not JSON at all; `envelope`: JSON, but not a valid JSON-RPC message as MCP allows it. */
  kind: 'parse' | 'envelope';
  /** What was wrong, for a person. */
  reason: string;
  /** The start of the input. */
  preview: string;
  /** Reports of this connection dropped before this one by the rate limit (a flood is summarised, not printed). */
  suppressed: number;
}

export interface McpConnectionOptions {
  /** Input from the peer that was not a valid message. Rate-limited: a flood yields a few reports and a count. */
  onInvalidMessage?: (problem: InvalidMessage) => void;
  /**
   * Errors that do not belong to one request: a notification handler that threw, a response nobody awaits, a
   * failure of the transport. Rate-limited like `onInvalidMessage`.
   */
  onError?: (error: Error) => void;
  /**
   * When the transport closes, the error that pending requests should reject with. The host passes one that waits
   * for the process to exit, so callers learn the exit code and stderr rather than just "closed".
   */
  closeReason?: () => Promise<Error | undefined>;
  /**
   * When the peer's input ends, first answer the requests already read, then close. A server wants this: a client
   * may send its last requests and end its side at once (`printf '…' | server`), and stdout is still open. A client
   * does not: a server that ended its stdout is gone, and what it was asked fails at once.
   */
  answerBeforeClosing?: boolean;
  /**
   * Which unparsable input is answered with -32700. `always` is JSON-RPC's rule, and a server's: its peer sent
   * something it meant as a message. `objects` (the default) answers only input that opens like a JSON object, so
   * that a client never answers a server's stray log lines on stdout, which a server that echoes errors there would
   * turn into an endless exchange.
   */
  answerUnparsable?: 'always' | 'objects';
  /**
   * Whether a JSON-RPC batch (an array of messages) is served now. MCP 2025-03-26 requires a receiver to accept them;
   * 2024-11-05 never had them and 2025-06-18 removed them, so a server asks the revision it agreed (and nothing is
   * accepted in a batch before that: `initialize` must not be part of one). A refused batch gets -32600 for each
   * request in it. @default never
   */
  acceptsBatches?: () => boolean;
}

/**
 * How long `answerBeforeClosing` waits for running handlers; then they are aborted and the connection closes. A
 * peer that ended its stream may be dead (a host killed outright), and then nobody would ever stop a slow handler:
 * the server must still end soon after its stdin does.
 */
export const ANSWER_BEFORE_CLOSING_LIMIT_MS = 1_000;

/** The longest delay `setTimeout` takes (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** How many ids of requests cancelled here are remembered, so that their late answers are dropped quietly. */
const CANCELLED_IDS_KEPT = 1_024;
/** How much of a bad message goes into a report. */
const PREVIEW_CHARS = 200;

interface PendingRequest {
  id: RequestId;
  method: string;
  resolve: (result: unknown) => void;
  reject: (error: Error) => void;
  /** When it times out (`Date.now()` time); Infinity for never. */
  deadline: number;
  options: RequestOptions;
  startedAt: number;
  progressToken: ProgressToken | undefined;
  onAbort: (() => void) | undefined;
}

/**
 * A request being handled. Its AbortController is made only when the handler reads `signal` (most never do, and
 * one per request is a measurable share of a server's CPU); a cancel that comes first is kept until then.
 */
class InboundRequest implements RequestContext {
  private controller: AbortController | undefined;
  private abortReason: Error | undefined;

  constructor(
    readonly requestId: RequestId,
    readonly method: string,
    readonly meta: RequestMeta | undefined,
    /** The batch it came in, whose one answer waits for it. */
    readonly batch: BatchReply | undefined,
  ) {}

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortReason) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  abort(reason: Error): void {
    if (this.controller) this.controller.abort(reason);
    else this.abortReason ??= reason;
  }
}

/**
 * The one answer to a JSON-RPC batch: every response to its members, sent as one array when the last request of the
 * batch is settled (answered, or cancelled and so never answered).
 */
class BatchReply {
  private readonly responses: JsonRpcResponse[] = [];
  private awaited = 0;
  private isSealed = false;

  constructor(private readonly flush: (responses: JsonRpcBatchResponse) => void) {}

  /** One more request of the batch is running. */
  expect(): void {
    this.awaited += 1;
  }

  /** An answer that needed no handler (an invalid member, an unknown method). */
  add(response: JsonRpcResponse): void {
    this.responses.push(response);
  }

  /** A running request ended: with its answer, or with none when it was cancelled. */
  settle(response: JsonRpcResponse | undefined): void {
    this.awaited -= 1;
    if (response) this.responses.push(response);
    this.flushWhenDone();
  }

  /** Every member was routed: from now on, the last request to settle sends the answer. */
  seal(): void {
    this.isSealed = true;
    this.flushWhenDone();
  }

  private flushWhenDone(): void {
    // JSON-RPC: a batch with nothing to answer (notifications, responses, cancelled requests) gets no answer at all.
    if (!this.isSealed || this.awaited > 0 || this.responses.length === 0) return;
    this.flush(this.responses.splice(0));
  }
}

/**
 * A JSON-RPC connection that speaks MCP's conventions. `Out`/`In` are the request maps this side sends/serves and
 * `OutN`/`InN` the notification maps. Create with `createMcpConnection`, register handlers, then `listen()`.
 *
 * Ownership: the connection owns its transport and closes it in `close()`; `close()` also rejects pending
 * requests with the given error and aborts running handlers' signals.
 */
export class McpConnection<
  Out extends RequestMap,
  In extends RequestMap,
  OutN extends NotificationMap,
  InN extends NotificationMap,
> {
  private readonly pending = new Map<RequestId, PendingRequest>();
  private readonly progressTargets = new Map<ProgressToken, PendingRequest>();
  private readonly inbound = new Map<RequestId, InboundRequest>();
  private readonly requestHandlers = new Map<string, RequestHandler<unknown, unknown>>();
  private readonly notificationHandlers = new Map<string, NotificationHandler<unknown>[]>();
  private readonly closeListeners: ((error: Error) => void)[] = [];
  /** Ids this side gave up on (timeout, abort), oldest first; an answer that still comes is expected, not an error. */
  private readonly cancelledIds = new Set<RequestId>();
  private readonly reports = new ReportBudget();
  /**
   * From 1, not 0: the official SDK drops `notifications/cancelled` for request id 0 (a truthiness check,
   * typescript-sdk#2283), and a server's first request to the client (sampling, elicitation) must stay cancellable.
   */
  private nextId = 1;
  private nextProgressToken = 1;
  private closedWith: Error | undefined;
  private isListening = false;
  /** The one timer for request deadlines (see `armTimer`), and the deadline it is armed for. */
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepAt = Infinity;
  /** Who waits for the last running handler to finish. */
  private readonly idleWaiters: (() => void)[] = [];
  /** What the transport delivers to. Nothing here may throw back into the transport. */
  private readonly sink: TransportSink = {
    onMessage: (value) => this.receive(value),
    onUnreadable: (input) => this.receiveUnreadable(input),
    onError: (error) => this.report(error),
    onInputEnded: () => void this.endWhenAnswered(),
    onClose: (reason) => void this.closeFromTransport(reason),
  };

  constructor(
    private readonly transport: MessageTransport,
    private readonly options: McpConnectionOptions = {},
  ) {}

  /** True once `close()` ran or the transport closed. */
  get isClosed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Starts reading. Register handlers first: requests that arrive before a handler exists get -32601. */
  listen(): void {
    if (this.isListening || this.closedWith) return;
    this.isListening = true;
    this.transport.start(this.sink);
  }

  /**
   * Sends a request and resolves with its result.
   * @throws McpHostError `REQUEST_TIMEOUT`, `CANCELLED`, `CONNECTION_CLOSED` (or the close reason); WireError when
   * the peer answers with an error.
   */
  request<M extends keyof Out & string>(
    method: M,
    params: ParamsOf<Out, M>,
    options: RequestOptions = {},
  ): Promise<ResultOf<Out, M>> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(cancelledError(method, signal.reason));
    let progressToken: ProgressToken | undefined;
    let sentParams = params as Record<string, unknown> | undefined;
    if (options.onprogress) {
      progressToken = this.nextProgressToken++;
      const meta = (sentParams?._meta ?? {}) as Record<string, unknown>;
      sentParams = { ...sentParams, _meta: { ...meta, progressToken } };
    }
    const id = this.nextId++;
    const message: JsonRpcRequest =
      sentParams === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params: sentParams };
    return new Promise<ResultOf<Out, M>>((resolve, reject) => {
      const request: PendingRequest = {
        id,
        method,
        resolve: resolve as (result: unknown) => void,
        reject,
        deadline: Infinity,
        options,
        startedAt: Date.now(),
        progressToken,
        onAbort: undefined,
      };
      this.pending.set(id, request);
      if (progressToken !== undefined) this.progressTargets.set(progressToken, request);
      this.armTimer(request, options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
      if (signal) {
        request.onAbort = () => this.cancel(request, cancelledError(method, signal.reason), abortReason(signal.reason));
        signal.addEventListener('abort', request.onAbort, { once: true });
      }
      const sendOptions =
        options.relatedRequestId === undefined ? undefined : { relatedRequestId: options.relatedRequestId };
      this.transport.send(message, sendOptions).catch((error: unknown) => this.settleFailedSend(request, error));
    });
  }

  /**
   * Sends a notification (`options.relatedRequestId`: the incoming request it is about). Fails only when the connection is closed or the message cannot be sent, with
   * `CONNECTION_CLOSED` (or the reason the connection closed), as a request does.
   */
  async notify<M extends keyof OutN & string>(method: M, params: OutN[M], options?: SendOptions): Promise<void> {
    if (this.closedWith) throw this.closedWith;
    const message: JsonRpcNotification =
      params === undefined
        ? { jsonrpc: '2.0', method }
        : { jsonrpc: '2.0', method, params: params as Record<string, unknown> };
    try {
      await this.transport.send(message, options);
    } catch (error) {
      // A raw stream error (EPIPE) is the connection failing, not a bug of ours: classify it here, where it is known.
      if (error instanceof McpHostError) throw error;
      throw (
        this.closedWith ??
        new McpHostError('CONNECTION_CLOSED', `Notification ${method} could not be sent: ${describeError(error)}`, {
          method,
        })
      );
    }
  }

  /** Serves a request method. A handler that throws `WireError` answers with that error. */
  onRequest<M extends keyof In & string>(method: M, handler: RequestHandler<ParamsOf<In, M>, ResultOf<In, M>>): void {
    this.requestHandlers.set(method, handler as RequestHandler<unknown, unknown>);
  }

  /** True when a handler is registered for the method. */
  hasRequestHandler(method: string): boolean {
    return this.requestHandlers.has(method);
  }

  /** Subscribes to a notification method; several subscribers may listen. Returns the unsubscribe function. */
  onNotification<M extends keyof InN & string>(method: M, handler: NotificationHandler<InN[M]>): () => void {
    const handlers = this.notificationHandlers.get(method) ?? [];
    handlers.push(handler as NotificationHandler<unknown>);
    this.notificationHandlers.set(method, handlers);
    return () => {
      const index = handlers.indexOf(handler as NotificationHandler<unknown>);
      if (index !== -1) handlers.splice(index, 1);
    };
  }

  /** Called once when the connection closes, with the reason. */
  onClose(listener: (error: Error) => void): void {
    if (this.closedWith) listener(this.closedWith);
    else this.closeListeners.push(listener);
  }

  /**
   * Closes the connection and its transport: pending requests reject with `error`, running handlers see their
   * signal abort, timers stop, listeners are removed. Idempotent.
   */
  close(error: Error = new McpHostError('CONNECTION_CLOSED', 'The connection was closed')): void {
    if (this.closedWith) return;
    this.closedWith = error;
    clearTimeout(this.sweepTimer);
    this.sweepTimer = undefined;
    this.sweepAt = Infinity;
    for (const request of [...this.pending.values()]) {
      this.finish(request);
      request.reject(error);
    }
    for (const inbound of this.inbound.values()) inbound.abort(error);
    this.inbound.clear();
    for (const wake of this.idleWaiters.splice(0)) wake();
    this.transport.close();
    for (const listener of this.closeListeners.splice(0)) listener(error);
  }

  // ---- Inbound

  private receive(value: unknown): void {
    try {
      this.route(value);
    } catch (error) {
      // A bug of ours, not the peer's: report it as one, and keep the connection.
      this.report(
        new McpHostError('INTERNAL', `mcp-host failed on a message: ${describeError(error)}`, {}, { cause: error }),
      );
    }
  }

  private receiveUnreadable(input: UnreadableInput): void {
    this.reportInvalid('parse', input.reason, () => input.preview);
    // The JSON-RPC answer to unparsable input has a null id, which MCP's schema does not allow (its error
    // response has an optional id instead): MCP is the authority here, so the answer carries no id.
    if (input.couldBeRequest || this.options.answerUnparsable === 'always') {
      this.sendError(undefined, JSONRPC_ERROR.PARSE_ERROR, `Parse error: ${input.reason}`);
    }
  }

  private route(value: unknown, batch?: BatchReply): void {
    if (this.closedWith) return;
    if (Array.isArray(value) && batch === undefined) return this.handleBatch(value);
    const message = classifyMessage(value);
    switch (message.kind) {
      case 'request':
        return this.handleRequest(message.message, batch);
      case 'notification':
        return this.handleNotification(message.message);
      case 'response':
        return this.handleResponse(message.message);
      case 'invalid':
        this.reportInvalid('envelope', message.reason, () => preview(value));
        if (message.shouldAnswer) {
          const label = message.code === JSONRPC_ERROR.INVALID_PARAMS ? 'Invalid params' : 'Invalid request';
          this.sendError(message.answerId, message.code, `${label}: ${message.reason}`, batch);
        }
    }
  }

  /**
   * A JSON-RPC batch. Accepted (2025-03-26), each member is routed as if it came alone, and the answers to its
   * requests leave together as one array once the last is settled; a batch of notifications and responses only is
   * answered with nothing. Refused, each request in it is answered with -32600 and its own id, so that a peer that
   * sent one waits for none of them; one with no request to answer gets one error without an id.
   */
  private handleBatch(values: unknown[]): void {
    if (values.length === 0 || !this.options.acceptsBatches?.()) {
      const reason =
        values.length === 0
          ? 'an empty batch'
          : 'a JSON-RPC batch, which MCP allows only in protocol revision 2025-03-26, after initialize';
      this.reportInvalid('envelope', reason, () => preview(values));
      const ids = new Set<RequestId>();
      for (const value of values) {
        const id = isObject(value) && typeof value.method === 'string' ? value.id : undefined;
        if (isRequestId(id)) ids.add(id);
      }
      if (ids.size === 0) this.sendError(undefined, JSONRPC_ERROR.INVALID_REQUEST, `Invalid request: ${reason}`);
      for (const id of ids) this.sendError(id, JSONRPC_ERROR.INVALID_REQUEST, `Invalid request: ${reason}`);
      return;
    }
    const batch = new BatchReply((responses) => this.send(responses));
    for (const value of values) {
      if (Array.isArray(value)) {
        this.reportInvalid('envelope', 'a batch inside a batch', () => preview(value));
        this.sendError(undefined, JSONRPC_ERROR.INVALID_REQUEST, 'Invalid request: a batch inside a batch', batch);
      } else {
        this.route(value, batch);
      }
    }
    batch.seal();
  }

  private handleRequest({ id, method, params }: JsonRpcRequest, batch?: BatchReply): void {
    if (this.inbound.has(id)) {
      // The peer reused an id still in flight. Its first request keeps the id; this one is refused.
      this.sendError(
        id,
        JSONRPC_ERROR.INVALID_REQUEST,
        `Invalid request: id ${JSON.stringify(id)} is already in use`,
        batch,
      );
      return;
    }
    const handler = this.requestHandlers.get(method);
    if (!handler) {
      this.sendError(id, JSONRPC_ERROR.METHOD_NOT_FOUND, `Method not found: ${method}`, batch);
      return;
    }
    const meta = params?._meta;
    const inbound = new InboundRequest(id, method, isObject(meta) ? meta : undefined, batch);
    batch?.expect();
    this.inbound.set(id, inbound);
    let result: unknown;
    try {
      result = handler(params, inbound);
    } catch (error) {
      this.answer(inbound, undefined, error);
      return;
    }
    if (isPromiseLike(result)) {
      result.then(
        (value) => this.answer(inbound, value),
        (error: unknown) => this.answer(inbound, undefined, error),
      );
    } else {
      this.answer(inbound, result);
    }
  }

  private answer(inbound: InboundRequest, result: unknown, error?: unknown): void {
    const { requestId: id } = inbound;
    // Gone from the table: cancelled by the peer (MCP: a cancelled request gets no answer) or the connection closed.
    if (this.inbound.get(id) !== inbound) return;
    this.forget(inbound);
    if (this.closedWith) return;
    const response: JsonRpcResponse =
      error === undefined
        ? { jsonrpc: '2.0', id, result: (result ?? {}) as Record<string, unknown> }
        : { jsonrpc: '2.0', id, error: toErrorObject(error, inbound.method) };
    if (inbound.batch) inbound.batch.settle(response);
    else this.send(response);
  }

  /** Takes a request out of the table, answered or cancelled; the last one out wakes who waits for none left. */
  private forget(inbound: InboundRequest): void {
    this.inbound.delete(inbound.requestId);
    if (this.inbound.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
  }

  private handleNotification({ method, params }: JsonRpcNotification): void {
    if (method === NOTIFICATION.CANCELLED) this.handleCancelled(params);
    else if (method === NOTIFICATION.PROGRESS) this.handleProgress(params);
    const handlers = this.notificationHandlers.get(method);
    if (!handlers) return; // an unknown notification is ignored, as JSON-RPC asks
    for (const handler of [...handlers]) {
      try {
        const done = handler(params);
        if (isPromiseLike(done)) done.then(undefined, (error: unknown) => this.report(toError(error)));
      } catch (error) {
        this.report(toError(error));
      }
    }
  }

  private handleCancelled(params: Record<string, unknown> | undefined): void {
    const id = params?.requestId;
    if (typeof id !== 'string' && typeof id !== 'number') return;
    const inbound = this.inbound.get(id);
    if (!inbound) return; // finished already, or never known: the spec says to ignore it
    this.forget(inbound);
    // It gets no answer; the rest of its batch is answered without waiting for it.
    inbound.batch?.settle(undefined);
    const reason = typeof params?.reason === 'string' ? params.reason : 'Cancelled by the peer';
    inbound.abort(new McpHostError('CANCELLED', reason));
  }

  private handleProgress(params: Record<string, unknown> | undefined): void {
    const token = params?.progressToken;
    if ((typeof token !== 'string' && typeof token !== 'number') || typeof params?.progress !== 'number') return;
    const request = this.progressTargets.get(token);
    if (!request) return;
    const { options } = request;
    if (options.resetTimeoutOnProgress) {
      const timeoutMs = options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
      const leftMs =
        options.maxTotalTimeoutMs === undefined
          ? timeoutMs
          : Math.min(timeoutMs, options.maxTotalTimeoutMs - (Date.now() - request.startedAt));
      this.armTimer(request, Math.max(leftMs, 1));
    }
    try {
      options.onprogress?.(params as unknown as ProgressNotificationParams);
    } catch (error) {
      this.report(toError(error));
    }
  }

  private handleResponse(response: JsonRpcResponse): void {
    const id = response.id;
    const request = id === undefined ? undefined : this.pending.get(id);
    if (!request) {
      if (id !== undefined && this.cancelledIds.has(id)) return; // a late answer to what we gave up on
      const which = id === undefined ? 'without an id' : `for id ${JSON.stringify(id)}`;
      const detail = 'error' in response ? `: ${String(response.error.message).slice(0, PREVIEW_CHARS)}` : '';
      this.report(
        new McpHostError(
          'PROTOCOL_VIOLATION',
          `The peer sent a response ${which}, which no request awaits (unknown, or answered already)${detail}`,
        ),
      );
      return;
    }
    this.finish(request);
    if ('error' in response) {
      const { code, message, data } = response.error;
      request.reject(new WireError(code, typeof message === 'string' ? message : String(message), data));
    } else {
      request.resolve(response.result);
    }
  }

  // ---- Outbound

  private send(message: JsonRpcMessage | JsonRpcBatchResponse): void {
    // A failed send means the peer is gone; the transport closes and tells us, so there is no one to answer here.
    this.transport.send(message).catch(() => undefined);
  }

  /**
   * Answers with an error. Without an id (input whose id could not be read) the answer has none: JSON-RPC 2.0 would
   * say `"id": null`, which no MCP schema allows (every MCP id is a string or an integer). 2025-11-25 made `id`
   * optional in an error response for exactly this case; the revisions before it require an id, and have no valid
   * answer here at all, so every revision gets the 2025-11-25 form.
   */
  private sendError(id: RequestId | undefined, code: number, message: string, batch?: BatchReply): void {
    if (this.closedWith) return;
    const response: JsonRpcErrorResponse =
      id === undefined
        ? { jsonrpc: '2.0', error: { code, message } }
        : { jsonrpc: '2.0', id, error: { code, message } };
    if (batch) batch.add(response);
    else this.send(response);
  }

  private settleFailedSend(request: PendingRequest, error: unknown): void {
    if (!this.pending.has(request.id)) return;
    this.finish(request);
    request.reject(
      this.closedWith ??
        new McpHostError('CONNECTION_CLOSED', `Request ${request.method} could not be sent: ${describeError(error)}`, {
          method: request.method,
        }),
    );
  }

  /**
   * Sets when a request times out. One timer serves every pending request, armed for the earliest deadline: a timer
   * per request (made, unref'd and cleared on every call) was a measurable share of a client's CPU per call, and
   * requests almost never time out. A later deadline (the usual case: the same timeout, a later start) needs no new
   * timer; the sweep re-arms for whatever is next.
   */
  private armTimer(request: PendingRequest, timeoutMs: number): void {
    request.deadline = timeoutMs > 0 && Number.isFinite(timeoutMs) ? Date.now() + timeoutMs : Infinity;
    if (request.deadline < this.sweepAt) this.scheduleSweep(request.deadline);
  }

  private scheduleSweep(at: number): void {
    clearTimeout(this.sweepTimer);
    this.sweepAt = at;
    // Node fires a longer timer at once (after 1 ms): wait the longest it can, and the sweep arms again.
    const delayMs = Math.min(Math.max(at - Date.now(), 0), MAX_TIMER_MS);
    this.sweepTimer = setTimeout(() => this.sweepDeadlines(), delayMs);
    this.sweepTimer.unref();
  }

  /** Times out every request past its deadline, and arms the timer for the next deadline. */
  private sweepDeadlines(): void {
    this.sweepTimer = undefined;
    this.sweepAt = Infinity;
    const now = Date.now();
    let next = Infinity;
    for (const request of [...this.pending.values()]) {
      if (request.deadline <= now) this.timeOut(request);
      else next = Math.min(next, request.deadline);
    }
    if (next < Infinity) this.scheduleSweep(next);
  }

  private timeOut(request: PendingRequest): void {
    const elapsedMs = Date.now() - request.startedAt;
    const error = new McpHostError('REQUEST_TIMEOUT', `Request ${request.method} timed out after ${elapsedMs} ms`, {
      method: request.method,
      timeoutMs: request.options.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      elapsedMs,
    });
    this.cancel(request, error, `Timed out after ${elapsedMs} ms`);
  }

  /** Cancels an outgoing request: tell the peer, settle locally, and never wait for an answer MCP says won't come. */
  private cancel(request: PendingRequest, error: Error, reason: string): void {
    if (!this.pending.has(request.id)) return;
    this.finish(request);
    this.cancelledIds.add(request.id);
    if (this.cancelledIds.size > CANCELLED_IDS_KEPT) {
      this.cancelledIds.delete(this.cancelledIds.values().next().value as RequestId);
    }
    // The spec forbids cancelling initialize; a timed-out handshake just fails here (and the host ends the server).
    if (request.method !== METHOD.INITIALIZE && !this.closedWith) {
      this.send({ jsonrpc: '2.0', method: NOTIFICATION.CANCELLED, params: { requestId: request.id, reason } });
    }
    request.reject(error);
  }

  private finish(request: PendingRequest): void {
    this.pending.delete(request.id);
    if (request.progressToken !== undefined) this.progressTargets.delete(request.progressToken);
    if (request.onAbort) request.options.signal?.removeEventListener('abort', request.onAbort);
  }

  // ---- Reports and closing

  /** `shown` is called only for a report that is made: turning a flood of large values into text costs. */
  private reportInvalid(kind: InvalidMessage['kind'], reason: string, shown: () => string): void {
    const { onInvalidMessage } = this.options;
    if (!onInvalidMessage) return;
    const suppressed = this.reports.take();
    if (suppressed === undefined) return;
    try {
      onInvalidMessage({ kind, reason, preview: shown(), suppressed });
    } catch {
      // A listener's bug must not become the peer's problem.
    }
  }

  private report(error: Error): void {
    const { onError } = this.options;
    if (!onError || this.reports.take() === undefined) return;
    try {
      onError(error);
    } catch {
      // A listener's bug must not become the peer's problem.
    }
  }

  /** The peer's input ended: a server first answers what it was asked (up to a limit), a client closes now. */
  private async endWhenAnswered(): Promise<void> {
    if (this.closedWith) return;
    if (this.options.answerBeforeClosing && this.inbound.size > 0) {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, ANSWER_BEFORE_CLOSING_LIMIT_MS)));
      const idle = new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      await Promise.race([idle, limit]);
      clearTimeout(timer);
    }
    await this.closeFromTransport(undefined);
  }

  private async closeFromTransport(reason: Error | undefined): Promise<void> {
    if (this.closedWith) return;
    // A reason of our own (a message over the size limit) says the most. A raw stream error (EPIPE) says less than
    // the host's account of the process exit, when it has one.
    let error: Error | undefined = reason instanceof McpHostError ? reason : undefined;
    if (!error && this.options.closeReason) error = await this.options.closeReason().catch(() => undefined);
    if (this.closedWith) return;
    error ??= reason
      ? new McpHostError('CONNECTION_CLOSED', `The connection failed: ${reason.message}`, {}, { cause: reason })
      : new McpHostError('CONNECTION_CLOSED', 'The peer closed the connection');
    this.close(error);
  }
}

/** Creates a connection over a transport. Register handlers, then call `listen()` to start. */
export function createMcpConnection<
  Out extends RequestMap,
  In extends RequestMap,
  OutN extends NotificationMap,
  InN extends NotificationMap,
>(transport: MessageTransport, options?: McpConnectionOptions): McpConnection<Out, In, OutN, InN> {
  return new McpConnection<Out, In, OutN, InN>(transport, options);
}

function cancelledError(method: string, reason: unknown): McpHostError {
  return new McpHostError('CANCELLED', `Request ${method} was cancelled: ${abortReason(reason)}`, { method });
}

function abortReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'string') return reason;
  return 'aborted';
}

/** What a handler's failure becomes on the wire. */
function toErrorObject(error: unknown, method: string): JsonRpcErrorObject {
  if (error instanceof WireError) {
    return error.data === undefined
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, data: error.data };
  }
  return { code: JSONRPC_ERROR.INTERNAL_ERROR, message: `${method} failed: ${describeError(error)}` };
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/** The start of a value, as JSON, for a report. Only called for the (rate-limited) reports themselves. */
function preview(value: unknown): string {
  try {
    return (JSON.stringify(value) ?? String(value)).slice(0, PREVIEW_CHARS);
  } catch {
    return String(value).slice(0, PREVIEW_CHARS);
  }
}
