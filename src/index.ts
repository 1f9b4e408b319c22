/**
 * mcp-host's library API: the host (`createHost`, its config and connectors, the catalog), the client, the message
 * transports and the error type. The server framework is `mcp-host/server`, the wire layer `mcp-host/protocol`.
 */
export { Host, createHost } from './host/host.js';
export type {
  ConnectedServer,
  CreateHostOptions,
  HostOptions,
  ReplicaPing,
  ServerDescription,
  Settled,
} from './host/host.js';
export { loadConfig, locateConfig, parseConfig, CONFIG_FILE_NAME, CONFIG_PATH_VARIABLE } from './host/config.js';
export type {
  ConfigNote,
  ConfiguredServer,
  HttpServerConfig,
  InvalidServerConfig,
  LoadConfigOptions,
  LoadedConfig,
  LocatedConfig,
  ParseConfigOptions,
  ServerConfig,
  StdioServerConfig,
} from './host/config.js';
export { transportConnector } from './host/connector.js';
export { stdioConnector } from './host/stdio-connector.js';
export type { Prestarted } from './host/stdio-connector.js';
export type { ConnectorRequest, Connectors, ServerConnector } from './host/connector.js';
export type { ReplicaLink, ReplicaStats } from './host/server-pool.js';
export { qualifiedName, splitQualifiedName } from './host/catalog.js';
export type { Catalog, CatalogChange, CatalogEntry, ListKind } from './host/catalog.js';
export { McpClient } from './client/index.js';
export type { CallOptions, ClientHooks, McpClientOptions } from './client/index.js';
export { StdioTransport } from './protocol/stdio/stdio-transport.js';
export type { StdioTransportOptions } from './protocol/stdio/stdio-transport.js';
export { createMemoryTransportPair } from './protocol/memory/memory-transport.js';
export type { MessageTransport, TransportSink, UnreadableInput } from './protocol/transport.js';
// The host's view of the local error: its codes are every code this library raises.
export { McpHostError, isMcpHostError } from './host/errors.js';
export type { HostErrorCode, McpHostErrorCode } from './host/errors.js';
export { WireError } from './protocol/errors.js';
export type { McpHostErrorContext, ProtocolErrorCode } from './protocol/errors.js';
export { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from './protocol/versions.js';
