/**
 * mcp-host's library API: the host, the client and the error type. The server framework is `mcp-host/server`,
 * the wire layer `mcp-host/protocol`.
 */
export { Host } from './host/host.js';
export type { ConnectedServer, HostOptions, ServerDescription, Settled } from './host/host.js';
export { McpClient } from './client/index.js';
export type { CallOptions, ClientHooks, McpClientOptions } from './client/index.js';
export { StdioTransport } from './protocol/stdio/stdio-transport.js';
export type { StdioTransportOptions } from './protocol/stdio/stdio-transport.js';
export { createMemoryTransportPair } from './protocol/memory/memory-transport.js';
export type { MessageTransport, TransportSink, UnreadableInput } from './protocol/transport.js';
export { McpHostError, WireError, isMcpHostError } from './protocol/errors.js';
export type { McpHostErrorCode, McpHostErrorContext } from './protocol/errors.js';
export { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from './protocol/versions.js';
