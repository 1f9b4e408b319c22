/** The server framework's public API. */
export { defineServer, McpServer } from './server.js';
export type {
  PromptOptions,
  Registration,
  ResourceOptions,
  ServerOptions,
  TemplateOptions,
  ToolArguments,
  ToolDescription,
  ToolInputOptions,
  ToolOptions,
  ToolOutputOptions,
  ToolRegistration,
} from './server.js';
export type { ClientRequestOptions, Completer, CompletionContext, HandlerContext, ResourceBody } from './registry.js';
export { ServerSession } from './session.js';
export { readSettings, SettingsError } from './settings.js';
export type { SettingReader } from './settings.js';
export { serveStdio } from './stdio.js';
export { StdioTransport } from '../protocol/stdio/stdio-transport.js';
export { createMemoryTransportPair } from '../protocol/memory/memory-transport.js';
export type { MessageTransport } from '../protocol/transport.js';
export type { ServeStdioOptions } from './stdio.js';
export type { StructuredToolResult } from './tool-definition.js';
export { ToolError } from './tool-error.js';
export { WireError, JSONRPC_ERROR, MCP_ERROR } from '../protocol/errors.js';
// What `ctx.sample`, `ctx.elicit` and `ctx.listRoots` throw: `error.code` tells a missing capability
// (`CAPABILITY_MISSING`) from a cancellation, a timeout or a closed connection.
export { McpHostError, isMcpHostError } from '../protocol/errors.js';
// The wording helpers of the whole product, so a server's messages read like the host's and the CLI's.
export { closestNames, didYouMean, editDistance, MAX_SUGGESTIONS } from '../protocol/did-you-mean.js';
export type { DidYouMeanOptions } from '../protocol/did-you-mean.js';
export { describeValue } from '../protocol/describe-value.js';
export { formatBytes } from '../protocol/format-bytes.js';
