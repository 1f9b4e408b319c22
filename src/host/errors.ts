/**
 * The host layer's error codes: the protocol and client layers' codes, plus the failures of configuration, lookup,
 * policy and server processes. `McpHostError` and `isMcpHostError` are re-exported typed to these codes, so a host
 * module cannot raise a code that is not declared here (and so has no exit code in the CLI).
 */

import { McpHostError as BaseError, isMcpHostError as isBaseError } from '../protocol/errors.js';
import type { McpHostErrorClass, McpHostErrorGuard, ProtocolErrorCode } from '../protocol/errors.js';

/** What the host can report: a protocol or client failure, or one of its own. */
export type HostErrorCode =
  | ProtocolErrorCode
  /** No config file, or an invalid one: unreadable, bad JSON, an invalid entry, an unset `${VAR}`. */
  | 'CONFIG_INVALID'
  /** The caller's input is malformed: a qualified name that is not `<server>.<name>`, `createHost` misused. */
  | 'USAGE'
  /** No server of that name in the config. */
  | 'SERVER_NOT_FOUND'
  /** No tool, resource or prompt of that name on the server. */
  | 'NOT_FOUND'
  /** A policy refused the call. */
  | 'DENIED'
  /** The server's process could not be started. */
  | 'SPAWN_FAILED'
  /** The server's process exited (or was killed); `context` has its exit code, signal and stderr tail. */
  | 'SERVER_EXITED';

/** The codes of the `McpHostError`s this library raises: the name the package entry has always exported. */
export type McpHostErrorCode = HostErrorCode;

/** `McpHostError`, typed to the host's codes. */
export const McpHostError: McpHostErrorClass<HostErrorCode> = BaseError;
export type McpHostError = BaseError<HostErrorCode>;

/** True for a local error (with the given host code, when one is given). */
export const isMcpHostError: McpHostErrorGuard<HostErrorCode> = isBaseError;
