/** The protocol layer's public API: connection, framing, errors, method names and versions. */
export { createMcpConnection, McpConnection, DEFAULT_REQUEST_TIMEOUT_MS } from './connection.js';
export type {
  InvalidMessage,
  McpConnectionOptions,
  NotificationHandler,
  RequestContext,
  RequestHandler,
  RequestOptions,
} from './connection.js';
export type { MessageTransport, SendOptions, TransportSink, UnreadableInput } from './transport.js';
export { StdioTransport, DEFAULT_MAX_MESSAGE_BYTES } from './stdio/stdio-transport.js';
export type { StdioTransportOptions } from './stdio/stdio-transport.js';
export { createMemoryTransportPair } from './memory/memory-transport.js';
export { JSONRPC_ERROR, MCP_ERROR, McpHostError, WireError, isMcpHostError } from './errors.js';
export type { McpHostErrorClass, McpHostErrorContext, McpHostErrorGuard, ProtocolErrorCode } from './errors.js';
export { METHOD, NOTIFICATION } from './methods.js';
export type { ClientNotifications, ClientRequests, ServerNotifications, ServerRequests } from './methods.js';
export {
  LATEST_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  isSupportedProtocolVersion,
  negotiateProtocolVersion,
} from './versions.js';
export { LOGGING_LEVELS } from './types.js';
export { JsonSchemaError, compileJsonSchema, describeSchemaIssues, schemaDialect } from './json-schema-validator.js';
export type { CompiledJsonSchema, JsonSchemaDialect, SchemaIssue } from './json-schema-validator.js';
