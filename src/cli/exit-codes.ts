/**
 * The CLI's exit codes: one number per kind of outcome, documented in docs/cli.md, so scripts can branch on them.
 * Errors are classified by their `code` (and, for `SERVER_ERROR`, the JSON-RPC code), never by their message.
 */

import { JSONRPC_ERROR, MCP_ERROR } from '../protocol/errors.js';
import type { McpHostErrorContext } from '../protocol/errors.js';
import { INTERNAL_ERROR_CODE } from './errors.js';
import type { CliErrorCode } from './errors.js';

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

/**
 * Every code of every layer and its exit code (or, for `SERVER_ERROR`, how to choose one from the error's context).
 * A `Record` over `CliErrorCode`: a new code without an exit code fails to compile.
 */
const BY_CODE: Record<CliErrorCode, ExitCode | ((context: McpHostErrorContext) => ExitCode)> = {
  USAGE: EXIT_CODE.USAGE,
  CONFIG_INVALID: EXIT_CODE.CONFIG,
  SPAWN_FAILED: EXIT_CODE.SERVER_FAILED,
  SERVER_EXITED: EXIT_CODE.SERVER_FAILED,
  HANDSHAKE_FAILED: EXIT_CODE.SERVER_FAILED,
  CONNECTION_CLOSED: EXIT_CODE.SERVER_FAILED,
  PROTOCOL_VIOLATION: EXIT_CODE.SERVER_FAILED,
  MESSAGE_TOO_LARGE: EXIT_CODE.SERVER_FAILED,
  AUTH_REQUIRED: EXIT_CODE.SERVER_FAILED,
  HTTP_ERROR: EXIT_CODE.SERVER_FAILED,
  REQUEST_TIMEOUT: EXIT_CODE.TIMEOUT,
  TOOL_ERROR: EXIT_CODE.TOOL_ERROR,
  SERVER_NOT_FOUND: EXIT_CODE.NOT_FOUND,
  NOT_FOUND: EXIT_CODE.NOT_FOUND,
  // The server lacks the whole feature (no `resources` capability, say): what was asked for is not there.
  CAPABILITY_MISSING: EXIT_CODE.NOT_FOUND,
  DENIED: EXIT_CODE.DENIED,
  CANCELLED: EXIT_CODE.INTERRUPTED,
  INTERNAL: EXIT_CODE.INTERNAL,
  SERVER_ERROR: serverErrorExitCode,
};

/**
 * The exit code for an error, by its code. A code outside `CliErrorCode` (an `McpHostError` of someone else's
 * making reached the CLI) is a bug of mcp-host: 70.
 */
export function exitCodeForError(error: { code: string; context: McpHostErrorContext }): ExitCode {
  const exit = Object.hasOwn(BY_CODE, error.code) ? BY_CODE[error.code as CliErrorCode] : EXIT_CODE.INTERNAL;
  return typeof exit === 'function' ? exit(error.context) : exit;
}

/** A JSON-RPC error answer, by what its code means to the CLI. */
function serverErrorExitCode(context: McpHostErrorContext): ExitCode {
  switch (context.rpcCode) {
    // Tool and prompt names are checked before the call, so -32602 here means the arguments were refused.
    case JSONRPC_ERROR.INVALID_PARAMS:
      return EXIT_CODE.USAGE;
    case MCP_ERROR.RESOURCE_NOT_FOUND:
    case JSONRPC_ERROR.METHOD_NOT_FOUND:
      return EXIT_CODE.NOT_FOUND;
    default:
      return EXIT_CODE.SERVER_FAILED;
  }
}

/**
 * The exit code of a command over several servers (discover, list, ping), from the error of each server that failed
 * (undefined for one without an error to show): 0 when none failed, 2 when each failure is its entry in the config
 * (an invalid entry, an unset variable: no server failed), 3 when a server failed, and 70 when one of the failures
 * is a bug of mcp-host, which is never a server's fault.
 */
export function exitCodeForServerFailures(failures: readonly ({ code: string } | undefined)[]): ExitCode {
  if (failures.length === 0) return EXIT_CODE.OK;
  const isOurBug = failures.some((error) => error?.code === 'INTERNAL' || error?.code === INTERNAL_ERROR_CODE);
  if (isOurBug) return EXIT_CODE.INTERNAL;
  return failures.every((error) => error?.code === 'CONFIG_INVALID') ? EXIT_CODE.CONFIG : EXIT_CODE.SERVER_FAILED;
}
