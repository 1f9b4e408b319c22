/**
 * One MCP connection over any byte-stream pair: JSON-RPC from vscode-jsonrpc, NDJSON framing, MCP's own
 * cancellation (`notifications/cancelled`) and progress (`notifications/progress`), timeouts and clean closing.
 *
 * This is the only module that drives vscode-jsonrpc's connection; everything above speaks `McpConnection`.
 */

import type { Readable, Writable } from 'node:stream';
import { Event, ResponseError, createMessageConnection } from './rpc.js';
import type { CancellationToken, Message, MessageConnection, RequestMessage } from 'vscode-jsonrpc/node';
import { installBatchedDispatch } from './batched-dispatch.js';
import { JSONRPC_ERROR, McpHostError, WireError } from './errors.js';
import { METHOD, NOTIFICATION } from './methods.js';
import type { NotificationMap, ParamsOf, RequestMap, ResultOf } from './methods.js';
import { NdjsonMessageReader, NdjsonMessageWriter } from './ndjson.js';
import type { InvalidLine } from './ndjson.js';
import type {
  CancelledNotificationParams,
  ProgressNotificationParams,
  ProgressToken,
  RequestId,
  RequestMeta,
} from './types.js';

/** How long a request may take before it is cancelled. @default 60 s */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** vscode-jsonrpc's "request cancelled" code; used only for local bookkeeping, never sent. */
const LOCALLY_SETTLED = -32800;

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

export interface McpConnectionOptions {
  /** Largest message accepted from the peer, in bytes. @default 64 MiB */
  maxMessageBytes?: number;
  /** A line from the peer that was not a valid message (it was skipped, and answered when it could be a request). */
  onInvalidLine?: (line: InvalidLine) => void;
  /** Errors that do not belong to one request: a read or write failure, a handler that threw in a notification. */
  onError?: (error: Error) => void;
  /**
   * When the transport closes, the error that pending requests should reject with. The host passes one that waits
   * for the process to exit, so callers learn the exit code and stderr rather than just "closed".
   */
  closeReason?: () => Promise<Error | undefined>;
  /**
   * When the peer ends its stream, first answer the requests already read, then close. A server wants this: a
   * client may send its last requests and end its side at once (`printf '…' | server`), and stdout is still open.
   * A client does not: a server that ended its stdout is gone, and what it was asked fails at once.
   */
  answerBeforeClosing?: boolean;
}

/**
 * How long `answerBeforeClosing` waits for running handlers; then they are aborted and the connection closes. A
 * peer that ended its stream may be dead (a host killed outright), and then nobody would ever stop a slow handler:
 * the server must still end soon after its stdin does.
 */
export const ANSWER_BEFORE_CLOSING_LIMIT_MS = 1_000;

/** The longest delay `setTimeout` takes (2^31 - 1 ms, about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;

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
 * The token vscode-jsonrpc hands a request's handler, and the source it asks the receiver strategy for: one object
 * per request, both roles. vscode-jsonrpc cancels it only on LSP's `$/cancelRequest`, which MCP does not use (its
 * `notifications/cancelled` aborts the `InboundRequest`), so it is never cancelled; what it is for is carrying the
 * request's id, which the star handler is not told. It replaced a CancellationTokenSource, its token and a WeakMap
 * entry per request: a server's hot path, measured.
 */
class InboundToken implements CancellationToken {
  readonly isCancellationRequested = false;
  readonly onCancellationRequested = Event.None;
  constructor(readonly requestId: RequestId | null) {}

  get token(): InboundToken {
    return this;
  }
  cancel(): void {}
  dispose(): void {}
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
    readonly meta: RequestMeta | undefined,
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
 * A JSON-RPC connection that speaks MCP's conventions. `Out`/`In` are the request maps this side sends/serves and
 * `OutN`/`InN` the notification maps. Create with `createMcpConnection`, register handlers, then `listen()`.
 *
 * Ownership: `close()` releases the connection (pending requests reject with the given error, handlers' signals
 * abort) but never closes the streams, which belong to whoever created them.
 */
export class McpConnection<
  Out extends RequestMap,
  In extends RequestMap,
  OutN extends NotificationMap,
  InN extends NotificationMap,
> {
  private readonly rpc: MessageConnection;
  private readonly reader: NdjsonMessageReader;
  private readonly writer: NdjsonMessageWriter;
  private readonly pending = new Map<RequestId, PendingRequest>();
  private readonly progressTargets = new Map<ProgressToken, PendingRequest>();
  private readonly inbound = new Map<RequestId, InboundRequest>();
  private readonly requestHandlers = new Map<string, RequestHandler<unknown, unknown>>();
  private readonly notificationHandlers = new Map<string, NotificationHandler<unknown>[]>();
  private readonly closeListeners: ((error: Error) => void)[] = [];
  private nextProgressToken = 1;
  private lastSentId: RequestId | undefined;
  private failure: Error | undefined;
  private closedWith: Error | undefined;
  /** The one timer for request deadlines (see `armTimer`), and the deadline it is armed for. */
  private sweepTimer: NodeJS.Timeout | undefined;
  private sweepAt = Infinity;
  /** Requests handed to their handler so far, and who waits for the last running one to finish. */
  private requestsDispatched = 0;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    readable: Readable,
    writable: Writable,
    private readonly options: McpConnectionOptions = {},
  ) {
    installBatchedDispatch();
    this.reader = new NdjsonMessageReader(readable, { maxMessageBytes: options.maxMessageBytes });
    this.writer = new NdjsonMessageWriter(writable);
    this.rpc = createMessageConnection(this.reader, this.writer, silentLogger, {
      // MCP cancels with `notifications/cancelled`, not LSP's `$/cancelRequest`: both directions are ours.
      cancellationStrategy: {
        receiver: {
          kind: 'request',
          // The star request handler is not told the id; it finds it on the token.
          createCancellationTokenSource: (request: RequestMessage) => new InboundToken(request.id),
        },
        // Requests are sent without a token: `cancel()` tells the peer itself. vscode-jsonrpc still calls this
        // strategy for every request, which is how we learn the id it gave the request.
        sender: {
          enableCancellation: (request: RequestMessage) => {
            this.lastSentId = request.id ?? undefined;
          },
          sendCancellation: () => Promise.resolve(),
          cleanup: () => undefined,
        },
      },
    });
    this.rpc.onRequest((method, params, token) => this.dispatchRequest(method, params, token));
    this.rpc.onNotification((method, params) => this.dispatchNotification(method, params));
    this.rpc.onError(([error]) => this.handleError(error));
    this.rpc.onClose(() => void this.handleTransportClosed());
    this.reader.onInvalidLine((line) => this.handleInvalidLine(line));
  }

  /** True once `close()` ran or the transport ended. */
  get isClosed(): boolean {
    return this.closedWith !== undefined;
  }

  /** Starts reading. Register handlers first: messages that arrive before a handler exists get -32601. */
  listen(): void {
    this.rpc.listen();
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
    this.lastSentId = undefined;
    // No cancellation token: one per request (with the listener vscode-jsonrpc hangs on it) was a tenth of a
    // client's CPU per call, and `cancel()` notifies the peer without one.
    const sent: Promise<unknown> =
      sentParams === undefined ? this.rpc.sendRequest(method) : this.rpc.sendRequest(method, sentParams);
    const id = this.lastSentId as RequestId | undefined;
    if (id === undefined) throw new Error('vscode-jsonrpc did not report the request id');
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
      sent.then(
        (result) => this.settle(request, undefined, result),
        (error: unknown) => this.settle(request, fromRpcError(error, method)),
      );
    });
  }

  /** Sends a notification. Fails only when the connection is closed. */
  async notify<M extends keyof OutN & string>(method: M, params: OutN[M]): Promise<void> {
    if (this.closedWith) throw this.closedWith;
    if (params === undefined) await this.rpc.sendNotification(method);
    else await this.rpc.sendNotification(method, params);
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
   * Closes the connection: pending requests reject with `error`, running handlers see their signal abort, timers
   * stop, listeners are removed. Idempotent. Does not end the streams.
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
    this.rpc.dispose();
    this.reader.dispose();
    this.writer.dispose();
    for (const listener of this.closeListeners.splice(0)) listener(error);
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
    });
    this.cancel(request, error, `Timed out after ${elapsedMs} ms`);
  }

  /** Cancels an outgoing request: tell the peer, settle locally, and never wait for an answer MCP says won't come. */
  private cancel(request: PendingRequest, error: Error, reason: string): void {
    if (!this.pending.has(request.id)) return;
    // The spec forbids cancelling initialize; a timed-out handshake just fails here (and the host ends the server).
    if (request.method !== METHOD.INITIALIZE) this.sendCancelled(request.id, reason);
    this.finish(request);
    // vscode-jsonrpc would keep the request in its own table until an answer came; a local answer lets it forget.
    this.reader.deliverLocally({
      jsonrpc: '2.0',
      id: request.id,
      error: { code: LOCALLY_SETTLED, message: reason },
    } as Message);
    request.reject(error);
  }

  private sendCancelled(requestId: RequestId, reason: string): void {
    const params: CancelledNotificationParams = { requestId, reason };
    try {
      this.rpc.sendNotification(NOTIFICATION.CANCELLED, params).catch(() => undefined);
    } catch {
      // The connection is closing (vscode-jsonrpc throws then): its peer is gone or going, and answers nothing.
    }
  }

  private settle(request: PendingRequest, error: Error | undefined, result?: unknown): void {
    if (!this.pending.has(request.id)) return; // already timed out, cancelled or closed
    this.finish(request);
    if (error) request.reject(error);
    else request.resolve(result);
  }

  private finish(request: PendingRequest): void {
    this.pending.delete(request.id);
    if (request.progressToken !== undefined) this.progressTargets.delete(request.progressToken);
    if (request.onAbort) request.options.signal?.removeEventListener('abort', request.onAbort);
  }

  private async dispatchRequest(method: string, params: unknown, token: CancellationToken): Promise<unknown> {
    const handler = this.requestHandlers.get(method);
    if (!handler) throw new ResponseError(JSONRPC_ERROR.METHOD_NOT_FOUND, `Method not found: ${method}`);
    const requestId = (token as InboundToken).requestId ?? undefined;
    if (requestId === undefined) throw new ResponseError(JSONRPC_ERROR.INVALID_REQUEST, 'Request without an id');
    // The request is its handler's context: one object per request on a server's hot path.
    const inbound = new InboundRequest(requestId, (params as { _meta?: RequestMeta } | undefined)?._meta);
    this.inbound.set(requestId, inbound);
    this.requestsDispatched += 1;
    try {
      const result = await handler(params, inbound);
      return result ?? {};
    } catch (error) {
      throw toResponseError(error, method);
    } finally {
      this.inbound.delete(requestId);
      if (this.inbound.size === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async dispatchNotification(method: string, params: unknown): Promise<void> {
    if (method === NOTIFICATION.CANCELLED) this.handleCancelled(params as CancelledNotificationParams);
    else if (method === NOTIFICATION.PROGRESS) this.handleProgress(params as ProgressNotificationParams);
    const handlers = this.notificationHandlers.get(method);
    if (!handlers) return;
    for (const handler of [...handlers]) {
      try {
        await handler(params);
      } catch (error) {
        this.options.onError?.(error as Error);
      }
    }
  }

  private handleCancelled(params: CancelledNotificationParams | undefined): void {
    const id = params?.requestId;
    if (id === undefined) return;
    const inbound = this.inbound.get(id);
    if (!inbound) return; // finished already, or never known: the spec says to ignore it
    this.inbound.delete(id);
    this.writer.suppressResponse(id);
    inbound.abort(new McpHostError('CANCELLED', params?.reason ?? 'Cancelled by the peer'));
  }

  private handleProgress(params: ProgressNotificationParams | undefined): void {
    if (params === undefined) return;
    const request = this.progressTargets.get(params.progressToken);
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
      options.onprogress?.(params);
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }

  private handleInvalidLine(line: InvalidLine): void {
    this.options.onInvalidLine?.(line);
    if (!line.couldBeRequest || this.closedWith) return;
    const code = line.kind === 'parse' ? JSONRPC_ERROR.PARSE_ERROR : JSONRPC_ERROR.INVALID_REQUEST;
    const message = line.kind === 'parse' ? `Parse error: ${line.reason}` : `Invalid request: ${line.reason}`;
    this.writer.write({ jsonrpc: '2.0', id: line.id, error: { code, message } } as Message).catch(() => undefined);
  }

  private handleError(error: Error): void {
    // A fatal read error (a message over the size limit) becomes the reason every pending request fails.
    if (error instanceof McpHostError && error.code === 'MESSAGE_TOO_LARGE') this.failure = error;
    this.options.onError?.(error);
  }

  /**
   * Waits until every request read so far has been answered. vscode-jsonrpc dispatches what it queued on the next
   * turn (see batched-dispatch.ts) and writes a reply once the handler settles: so wait for running handlers, let a
   * turn pass, and stop once a turn dispatched nothing new and nothing runs.
   */
  private async answerWhatWasRead(): Promise<void> {
    let dispatched = -1;
    while (this.inbound.size > 0 || this.requestsDispatched !== dispatched) {
      dispatched = this.requestsDispatched;
      if (this.inbound.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  private async handleTransportClosed(): Promise<void> {
    if (this.closedWith) return;
    if (this.options.answerBeforeClosing) {
      let timer: NodeJS.Timeout | undefined;
      const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, ANSWER_BEFORE_CLOSING_LIMIT_MS)));
      await Promise.race([this.answerWhatWasRead(), limit]);
      clearTimeout(timer);
    }
    if (this.closedWith) return;
    let error = this.failure;
    if (!error && this.options.closeReason) error = await this.options.closeReason().catch(() => undefined);
    this.close(error ?? new McpHostError('CONNECTION_CLOSED', 'The peer closed the connection'));
  }
}

/** Creates a connection over a readable (from the peer) and a writable (to the peer). Call `listen()` to start. */
export function createMcpConnection<
  Out extends RequestMap,
  In extends RequestMap,
  OutN extends NotificationMap,
  InN extends NotificationMap,
>(readable: Readable, writable: Writable, options?: McpConnectionOptions): McpConnection<Out, In, OutN, InN> {
  return new McpConnection<Out, In, OutN, InN>(readable, writable, options);
}

const silentLogger = {
  error: () => undefined,
  warn: () => undefined,
  info: () => undefined,
  log: () => undefined,
};

function cancelledError(method: string, reason: unknown): McpHostError {
  return new McpHostError('CANCELLED', `Request ${method} was cancelled: ${abortReason(reason)}`, { method });
}

function abortReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message;
  if (typeof reason === 'string') return reason;
  return 'aborted';
}

function fromRpcError(error: unknown, method: string): Error {
  if (error instanceof ResponseError) {
    return new WireError(error.code, error.message, error.data);
  }
  if (error instanceof Error) return error;
  return new McpHostError('PROTOCOL_VIOLATION', `Request ${method} failed: ${String(error)}`, { method });
}

function toResponseError(error: unknown, method: string): ResponseError<unknown> {
  if (error instanceof ResponseError) return error as ResponseError<unknown>;
  if (error instanceof WireError) return new ResponseError(error.code, error.message, error.data);
  const message = error instanceof Error ? error.message : String(error);
  return new ResponseError(JSONRPC_ERROR.INTERNAL_ERROR, `${method} failed: ${message}`);
}
