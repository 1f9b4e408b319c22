/**
 * The message transport contract: what a connection needs from the wire, whatever the wire is. A transport carries
 * whole JSON-RPC messages (stdio frames them as lines, Streamable HTTP as request and response bodies, the in-memory
 * pair as objects), and knows nothing of requests, ids or MCP: the connection above it owns those.
 *
 * The shape is the one the official SDK and vscode-jsonrpc agree on (send a message, receive messages, close, closed
 * with a reason), with one addition: bytes that never became a value are reported, so that the connection can
 * answer a peer that meant to send a request.
 */

import type { JsonRpcBatchResponse, JsonRpcMessage, RequestId } from './types.js';

/** What a transport may use to route one message; a transport of one stream (stdio) has no choice to make. */
export interface SendOptions {
  /**
   * The incoming request this message belongs to: a server's request to the client made while handling it, or a
   * notification about it. A transport with a stream per request (Streamable HTTP) sends it on that request's stream.
   */
  relatedRequestId?: RequestId;
}

/** Input from the peer that could not be decoded into a JSON value. */
export interface UnreadableInput {
  /** What was wrong, for a person ("not valid JSON: Unexpected token …"). */
  reason: string;
  /** The start of the input, never more than a few hundred characters. */
  preview: string;
  /**
   * Whether the peer may have meant this as a request: true for input that opens like a JSON object. A client
   * answers only such input (see `McpConnectionOptions.answerUnparsable`); a stray log line gets no answer from it.
   */
  couldBeRequest: boolean;
}

/** Where a transport delivers what it reads. The connection is the sink; each callback is called synchronously. */
export interface TransportSink {
  /** One decoded JSON value from the peer. It is not yet known to be a JSON-RPC message: the connection checks. */
  onMessage(value: unknown): void;
  /** Input that could not be decoded at all. The transport goes on reading. */
  onUnreadable(input: UnreadableInput): void;
  /** A failure that does not close the transport by itself, for reporting. */
  onError(error: Error): void;
  /**
   * The peer will send nothing more, but this side may still send (stdio: the peer ended its output and our input
   * is at its end, while our output to it is open). The connection decides when to `close()`: a server first
   * answers what it was asked. A transport without such a half-closed state calls `onClose` instead.
   */
  onInputEnded(): void;
  /** Called once when the transport is closed, by the peer or by `close()`; with the reason when it failed. */
  onClose(reason?: Error): void;
}

/**
 * A message transport. `start` once, then `send` freely; `close` is idempotent and ends with `onClose`.
 *
 * Ownership: a transport releases what it was given when it closes (listeners, timers, sockets it opened), but a
 * stream it was handed stays open: it belongs to whoever made it (the host ends a server's pipes with the process).
 */
export interface MessageTransport {
  /** Starts delivering to the sink. Called once, before the first `send`. */
  start(sink: TransportSink): void;
  /**
   * Sends one message, or the answers to one batch as one array. Resolves once the transport took it (not when the
   * peer read it); rejects when the transport is closed or the message cannot be encoded.
   */
  send(message: JsonRpcMessage | JsonRpcBatchResponse, options?: SendOptions): Promise<void>;
  /** Closes the transport: nothing is delivered after it, and `onClose` is called once. Idempotent. */
  close(): void;
}
