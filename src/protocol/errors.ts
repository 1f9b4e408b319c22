/**
 * The wire's error codes, the local error type shared by every layer, and the codes of the protocol and client
 * layers.
 *
 * Two kinds of error exist and never mix:
 * - wire errors (`WireError`, a JSON-RPC error object with a numeric code) travel to the peer;
 * - local errors (`McpHostError`, a string code plus context) stay in this process and become exit codes.
 */

/** JSON-RPC 2.0 error codes. */
export const JSONRPC_ERROR = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
} as const;

/** Error codes defined by MCP itself. */
export const MCP_ERROR = {
  /** `resources/read` of a URI the server does not have. */
  RESOURCE_NOT_FOUND: -32002,
  /** 2025-11-25: the request needs a URL-mode elicitation first. */
  URL_ELICITATION_REQUIRED: -32042,
} as const;

/**
 * An error that is sent to the peer as a JSON-RPC error response. Handlers throw it; the connection serialises it
 * as `{code, message, data}`.
 */
export class WireError extends Error {
  override readonly name = 'WireError';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }
}

/**
 * The codes the protocol and client layers raise. The layers above add their own (`HostErrorCode` in
 * `host/errors.ts`, `CliErrorCode` in `cli/errors.ts`); the CLI maps every code of every layer to an exit code.
 */
export type ProtocolErrorCode =
  /** The server's answer to `initialize` was an error, unusable, or in a protocol revision we do not speak. */
  | 'HANDSHAKE_FAILED'
  /** No answer within the request's timeout; `notifications/cancelled` was sent. */
  | 'REQUEST_TIMEOUT'
  /** The request was cancelled: by its signal, by the peer (for a handler), or because the host is shutting down. */
  | 'CANCELLED'
  /** The connection closed (or could not send) before the answer came. */
  | 'CONNECTION_CLOSED'
  /** The peer broke the protocol: a malformed result, a response nobody asked for, endless paging. */
  | 'PROTOCOL_VIOLATION'
  /** A message over the transport's size limit; the connection was closed. */
  | 'MESSAGE_TOO_LARGE'
  /** The server did not declare the capability the call needs. */
  | 'CAPABILITY_MISSING'
  /** The server answered with a JSON-RPC error (`context.rpcCode`, `context.rpcData`). */
  | 'SERVER_ERROR'
  /** The server wants credentials this host does not have (HTTP 401/403 it could not resolve): log in first. */
  | 'AUTH_REQUIRED'
  /** An HTTP peer answered with a status or body the transport cannot use (`context.url`, `context.status`). */
  | 'HTTP_ERROR'
  /** A bug of mcp-host itself, never the peer's fault. */
  | 'INTERNAL';

/** Facts about the failure, for messages and for `--json` output. */
export interface McpHostErrorContext {
  server?: string;
  method?: string;
  pid?: number;
  exitCode?: number | null;
  signal?: string | null;
  stderrTail?: string[];
  timeoutMs?: number;
  limitBytes?: number;
  /** The JSON-RPC error code, when the peer answered with an error. */
  rpcCode?: number;
  /** The JSON-RPC error data, when the peer answered with an error. */
  rpcData?: unknown;
  [key: string]: unknown;
}

/**
 * A local failure: never sent over the wire. The class is one for every layer; `C` is the set of codes a layer
 * may raise. The host and the CLI re-export it from their `errors.ts` typed to their codes (`HostErrorCode`,
 * `CliErrorCode`), so that there a code nobody declared fails to compile; the protocol and client layers construct
 * it directly, with a `ProtocolErrorCode`.
 */
export class McpHostError<C extends string = string> extends Error {
  override readonly name = 'McpHostError';
  constructor(
    readonly code: C,
    message: string,
    readonly context: McpHostErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The constructor of `McpHostError`, narrowed to one layer's codes. */
export type McpHostErrorClass<C extends string> = new (
  code: C,
  message: string,
  context?: McpHostErrorContext,
  options?: { cause?: unknown },
) => McpHostError<C>;

/** True for a local error (with the given code, when one is given). */
export function isMcpHostError<C extends string = string>(error: unknown, code?: C): error is McpHostError<C> {
  return error instanceof McpHostError && (code === undefined || error.code === code);
}

/** `isMcpHostError`, narrowed to one layer's codes. */
export type McpHostErrorGuard<C extends string> = (error: unknown, code?: C) => error is McpHostError<C>;
