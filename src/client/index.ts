/** The client's public API. */
export { McpClient } from './client.js';
export type { CallOptions, ClientHooks, McpClientOptions } from './client.js';
