/**
 * The CLI's exit codes: one number per kind of outcome, documented in docs/cli.md, so scripts can branch on them.
 * Errors are classified by their `code` (and, for `SERVER_ERROR`, the JSON-RPC code), never by their message.
 */

import type { McpHostError, McpHostErrorCode } from '../protocol/errors.js';

export const EXIT_CODE = {
  OK: 0,
  /** Bad command line: unknown command or option, malformed `key=value`, arguments that fail the tool's schema. */
  USAGE: 1,
  /** No config file, or an invalid one. */
  CONFIG: 2,
  /** A server could not start, failed its handshake, exited, broke the protocol or answered with an internal error. */
  SERVER_FAILED: 3,
  /** A request took longer than `--timeout` (or the server's `timeoutMs`). */
  TIMEOUT: 4,
  /** The tool ran and reported failure (`isError: true`). */
  TOOL_ERROR: 5,
  /** No such server, tool, resource or prompt. */
  NOT_FOUND: 6,
  /** A policy refused the call. */
  DENIED: 7,
  /** A bug of mcp-host itself (sysexits' EX_SOFTWARE), never a server's or the user's fault: please report it. */
  INTERNAL: 70,
  /** SIGINT or SIGTERM: 128 + 2, as shells report a process ended by Ctrl-C. */
  INTERRUPTED: 130,
} as const;

export type ExitCode = (typeof EXIT_CODE)[keyof typeof EXIT_CODE];

/** The code reported for errors that are not `McpHostError`s: a bug in mcp-host, reported like a usage error. */
export const INTERNAL_ERROR_CODE = 'INTERNAL_ERROR';

/** JSON-RPC error codes a server may answer with, and what they mean to the CLI. */
const RPC_INVALID_PARAMS = -32602;
const RPC_METHOD_NOT_FOUND = -32601;
const RPC_RESOURCE_NOT_FOUND = -32002;

const BY_CODE: Record<Exclude<McpHostErrorCode, 'SERVER_ERROR'>, ExitCode> = {
  USAGE: EXIT_CODE.USAGE,
  CONFIG_INVALID: EXIT_CODE.CONFIG,
  SPAWN_FAILED: EXIT_CODE.SERVER_FAILED,
  SERVER_EXITED: EXIT_CODE.SERVER_FAILED,
  HANDSHAKE_FAILED: EXIT_CODE.SERVER_FAILED,
  CONNECTION_CLOSED: EXIT_CODE.SERVER_FAILED,
  PROTOCOL_VIOLATION: EXIT_CODE.SERVER_FAILED,
  MESSAGE_TOO_LARGE: EXIT_CODE.SERVER_FAILED,
  REQUEST_TIMEOUT: EXIT_CODE.TIMEOUT,
  TOOL_ERROR: EXIT_CODE.TOOL_ERROR,
  SERVER_NOT_FOUND: EXIT_CODE.NOT_FOUND,
  NOT_FOUND: EXIT_CODE.NOT_FOUND,
  // The server lacks the whole feature (no `resources` capability, say): what was asked for is not there.
  CAPABILITY_MISSING: EXIT_CODE.NOT_FOUND,
  DENIED: EXIT_CODE.DENIED,
  CANCELLED: EXIT_CODE.INTERRUPTED,
  INTERNAL: EXIT_CODE.INTERNAL,
};

/** The exit code for an error, by its code. */
export function exitCodeForError(error: Pick<McpHostError, 'code' | 'context'>): ExitCode {
  if (error.code !== 'SERVER_ERROR') return BY_CODE[error.code];
  switch (error.context.rpcCode) {
    // Tool and prompt names are checked before the call, so -32602 here means the arguments were refused.
    case RPC_INVALID_PARAMS:
      return EXIT_CODE.USAGE;
    case RPC_RESOURCE_NOT_FOUND:
    case RPC_METHOD_NOT_FOUND:
      return EXIT_CODE.NOT_FOUND;
    default:
      return EXIT_CODE.SERVER_FAILED;
  }
}
