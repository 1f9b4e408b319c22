/**
 * Error codes and the local error type shared by every layer.
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

/** What went wrong, as a stable string. The CLI maps these to exit codes. */
export type McpHostErrorCode =
  | 'CONFIG_INVALID'
  | 'USAGE'
  | 'SERVER_NOT_FOUND'
  | 'NOT_FOUND'
  | 'SPAWN_FAILED'
  | 'SERVER_EXITED'
  | 'HANDSHAKE_FAILED'
  | 'REQUEST_TIMEOUT'
  | 'CANCELLED'
  | 'CONNECTION_CLOSED'
  | 'PROTOCOL_VIOLATION'
  | 'MESSAGE_TOO_LARGE'
  | 'CAPABILITY_MISSING'
  | 'SERVER_ERROR'
  | 'TOOL_ERROR'
  | 'DENIED'
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

/** A local failure: never sent over the wire. */
export class McpHostError extends Error {
  override readonly name = 'McpHostError';
  constructor(
    readonly code: McpHostErrorCode,
    message: string,
    readonly context: McpHostErrorContext = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True for a local error with the given code. */
export function isMcpHostError(error: unknown, code?: McpHostErrorCode): error is McpHostError {
  return error instanceof McpHostError && (code === undefined || error.code === code);
}
