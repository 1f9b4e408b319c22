/**
 * Cheap, hand-written checks of the JSON-RPC 2.0 envelope as MCP restricts it. They run on every message, so they
 * look only at the few fields that decide how a message is routed; the payload is checked where it is used
 * (STYLE.md section 13).
 */

import { describeValue } from './describe-value.js';
import { JSONRPC_ERROR } from './errors.js';
import type { JsonRpcNotification, JsonRpcRequest, JsonRpcResponse, RequestId } from './types.js';

/** A decoded value, sorted: a message to route, or the reason it is not one and whether it deserves an answer. */
export type ClassifiedMessage =
  | { kind: 'request'; message: JsonRpcRequest }
  | { kind: 'notification'; message: JsonRpcNotification }
  | { kind: 'response'; message: JsonRpcResponse }
  | {
      kind: 'invalid';
      reason: string;
      /**
       * False for what looks like a response: answering a response would invite an answer back, and two peers
       * could trade errors forever. Everything else that is invalid is answered, so that no peer waits forever.
       */
      shouldAnswer: boolean;
      /** The id to answer with, when the value had one that can be echoed exactly. */
      answerId: RequestId | undefined;
      code: number;
    };

/** Sorts a decoded JSON value into a request, notification or response, or says why it is none. */
export function classifyMessage(value: unknown): ClassifiedMessage {
  if (typeof value !== 'object' || value === null) return refuse('expected a JSON object');
  // A batch is the connection's to take apart (only 2025-03-26 has them); one that reaches here is nested in another.
  if (Array.isArray(value)) return refuse('a JSON-RPC batch where a single message belongs');
  const message = value as Record<string, unknown>;
  const { id, method } = message;
  if (method !== undefined) {
    const answerId = isRequestId(id) ? id : undefined;
    if (message.jsonrpc !== '2.0') return refuse('expected "jsonrpc": "2.0"', answerId);
    if (typeof method !== 'string') return refuse('expected "method" to be a string', answerId);
    if (id !== undefined && answerId === undefined) return refuse(describeBadId(id));
    const params = message.params;
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      // A request's params are its own problem (-32602); a notification with them is no valid message (-32600).
      const code = answerId === undefined ? JSONRPC_ERROR.INVALID_REQUEST : JSONRPC_ERROR.INVALID_PARAMS;
      return refuse('expected "params" to be an object', answerId, code);
    }
    if (id === undefined) return { kind: 'notification', message: message as unknown as JsonRpcNotification };
    return { kind: 'request', message: message as unknown as JsonRpcRequest };
  }
  const hasResult = 'result' in message;
  const hasError = 'error' in message;
  if (!hasResult && !hasError) {
    // Neither a request nor a response: refused, with its id when it has one that can be echoed (`{"id": 7}`
    // alone would otherwise leave a peer that meant it as a request waiting forever).
    return refuse(
      'expected "method" (a request or notification), or "result" or "error" (a response)',
      isRequestId(id) ? id : undefined,
    );
  }
  // From here on it looks like a response, and is never answered.
  if (message.jsonrpc !== '2.0') return ignore('a response without "jsonrpc": "2.0"');
  if (hasResult === hasError) return ignore('a response must have exactly one of "result" and "error"');
  if (hasError) {
    const error = message.error as Record<string, unknown> | null;
    if (typeof error !== 'object' || error === null || !Number.isInteger(error.code)) {
      return ignore('a response\'s "error" must be an object with an integer "code"');
    }
    // An error about input whose id could not be read carries no id (MCP's schema; JSON-RPC would say null).
    if (id !== undefined && id !== null && !isRequestId(id)) return ignore(`a response with ${describeBadId(id)}`);
  } else {
    if (!isRequestId(id)) return ignore(`a response with ${describeBadId(id)}`);
    const result = message.result;
    if (typeof result !== 'object' || result === null || Array.isArray(result)) {
      return ignore('a response\'s "result" must be an object');
    }
  }
  if (id === null) delete message.id;
  return { kind: 'response', message: message as unknown as JsonRpcResponse };
}

/**
 * A JSON-RPC id as MCP allows it: a string or an integer (never null). Integers beyond 2^53 are refused: JSON.parse
 * has already rounded them, and an answer with the rounded id would reach the wrong request.
 */
export function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));
}

function describeBadId(id: unknown): string {
  if (typeof id === 'number' && Number.isInteger(id)) {
    return '"id" beyond 2^53, which cannot be read exactly (send it as a string)';
  }
  if (id === null) return '"id": null, which MCP does not allow';
  return `"id": expected a string or an integer, got ${describeValue(id)}`;
}

function refuse(reason: string, answerId?: RequestId, code: number = JSONRPC_ERROR.INVALID_REQUEST): ClassifiedMessage {
  return { kind: 'invalid', reason, shouldAnswer: true, answerId, code };
}

function ignore(reason: string): ClassifiedMessage {
  return { kind: 'invalid', reason, shouldAnswer: false, answerId: undefined, code: JSONRPC_ERROR.INVALID_REQUEST };
}
