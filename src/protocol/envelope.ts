/**
 * Cheap, hand-written checks of the JSON-RPC 2.0 envelope. They run on every message, so they look only at the
 * few fields that decide how a message is routed; the payload is checked where it is used (STYLE.md section 13).
 */

import type { JsonRpcMessage, RequestId } from './types.js';

/** Why a parsed value is not a JSON-RPC message, or undefined when it is one. */
export function envelopeProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'expected a JSON object';
  if (Array.isArray(value)) return 'JSON-RPC batches are not supported by MCP since 2025-06-18';
  const message = value as Record<string, unknown>;
  if (message.jsonrpc !== '2.0') return 'expected "jsonrpc": "2.0"';
  const { id, method } = message;
  const hasId = id !== undefined;
  if (method !== undefined) {
    if (typeof method !== 'string') return 'expected "method" to be a string';
    if (hasId && !isRequestId(id)) return 'expected "id" to be a string or an integer';
    const params = message.params;
    if (params !== undefined && (typeof params !== 'object' || params === null || Array.isArray(params))) {
      return 'expected "params" to be an object';
    }
    return undefined;
  }
  if (!hasId) return 'expected "method" (a request or notification) or "id" (a response)';
  if (id !== null && !isRequestId(id)) return 'expected "id" to be a string or an integer';
  const hasResult = 'result' in message;
  const hasError = 'error' in message;
  if (hasResult === hasError) return 'expected a response to have exactly one of "result" and "error"';
  if (hasError) {
    const error = message.error as Record<string, unknown> | null;
    if (typeof error !== 'object' || error === null || typeof error.code !== 'number') {
      return 'expected "error" to be an object with a numeric "code"';
    }
  }
  return undefined;
}

/** A JSON-RPC id as MCP allows it: a string or an integer (never null). */
export function isRequestId(value: unknown): value is RequestId {
  return typeof value === 'string' || (typeof value === 'number' && Number.isInteger(value));
}

/** True when the message is a request (it has both a method and an id). */
export function isRequestMessage(message: JsonRpcMessage): boolean {
  return 'method' in message && 'id' in message && message.id !== undefined;
}
