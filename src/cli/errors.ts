/**
 * The CLI's error codes: the host's, plus the outcomes only a command has. `McpHostError` and `isMcpHostError` are
 * re-exported typed to these codes; `exit-codes.ts` gives each one an exit code, and a code added here without one
 * fails to compile.
 */

import { McpHostError as BaseError, isMcpHostError as isBaseError } from '../protocol/errors.js';
import type { McpHostErrorClass, McpHostErrorGuard } from '../protocol/errors.js';
import type { HostErrorCode } from '../host/errors.js';

/** What a command can fail with. */
export type CliErrorCode =
  | HostErrorCode
  /** `call` ran the tool and it reported failure (`isError: true`). */
  | 'TOOL_ERROR';

/**
 * The code reported for a failure that is not an `McpHostError` (an exception nobody classified): a bug of
 * mcp-host, exit code 70, like `INTERNAL`. It is a report's code only, never an `McpHostError`'s.
 */
export const INTERNAL_ERROR_CODE = 'INTERNAL_ERROR';

/** The code of a reported failure: an `McpHostError`'s, or `INTERNAL_ERROR`. */
export type FailureCode = CliErrorCode | typeof INTERNAL_ERROR_CODE;

/** `McpHostError`, typed to the CLI's codes. */
export const McpHostError: McpHostErrorClass<CliErrorCode> = BaseError;
export type McpHostError = BaseError<CliErrorCode>;

/** True for a local error (with the given CLI code, when one is given). */
export const isMcpHostError: McpHostErrorGuard<CliErrorCode> = isBaseError;
