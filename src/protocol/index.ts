/** The protocol layer's public API: connection, framing, errors, method names and versions. */
export { createMcpConnection, McpConnection, DEFAULT_REQUEST_TIMEOUT_MS } from './connection.js';
export type {
  McpConnectionOptions,
  NotificationHandler,
  RequestContext,
  RequestHandler,
  RequestOptions,
} from './connection.js';
export { NdjsonMessageReader, NdjsonMessageWriter, DEFAULT_MAX_MESSAGE_BYTES } from './ndjson.js';
export type { InvalidLine, NdjsonReaderOptions } from './ndjson.js';
export { JSONRPC_ERROR, MCP_ERROR, McpHostError, WireError, isMcpHostError } from './errors.js';
export type { McpHostErrorCode, McpHostErrorContext } from './errors.js';
export { METHOD, NOTIFICATION } from './methods.js';
export type { ClientNotifications, ClientRequests, ServerNotifications, ServerRequests } from './methods.js';
export {
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  isSupportedProtocolVersion,
  negotiateProtocolVersion,
} from './versions.js';
export { LOGGING_LEVELS } from './types.js';
