/**
 * Connectors: how the host makes one replica of a configured server reachable. There is one per kind of config
 * entry (`stdio` spawns a process; `http` will open a Streamable HTTP session), and a host can be given its own for
 * any kind: a test's in-memory server, a server running in the host's process, a transport of the user's.
 */

import type { CallOptions, McpClient, McpClientOptions } from '../client/index.js';
import { McpHostError } from './errors.js';
import type { MessageTransport } from '../protocol/transport.js';
import type { HttpServerConfig, ServerConfig, StdioServerConfig } from './config.js';
import type { ReplicaLink } from './server-pool.js';

/** What a connector needs to make one replica reachable. */
export interface ConnectorRequest<C extends ServerConfig = ServerConfig> {
  config: C;
  /** Which replica (0-based). */
  replica: number;
  /** The host's hooks and diagnostics for the client: pass them to the `McpClient` the connector makes. */
  clientOptions: McpClientOptions;
  /** Largest message accepted from the server. @default 64 MiB */
  maxMessageBytes?: number;
  /** Each stderr line of the replica, when it has one. */
  onStderrLine?: (line: string) => void;
  /** Signal and timeout for the handshake. */
  options: CallOptions;
}

/**
 * Makes one replica of a server reachable, handshake done. Rejects with an `McpHostError` naming the server when it
 * cannot (the host reports it as that server's failure, and the others go on).
 */
export type ServerConnector<C extends ServerConfig = ServerConfig> = (
  request: ConnectorRequest<C>,
) => Promise<ReplicaLink>;

/** One connector per kind of config entry. A kind with no connector fails its servers with `CONFIG_INVALID`. */
export interface Connectors {
  stdio?: ServerConnector<StdioServerConfig>;
  http?: ServerConnector<HttpServerConfig>;
}

/**
 * A connector over any message transport: `open` makes the transport for a replica (an in-memory pair whose other
 * side a server serves, a socket, …), and the client, the handshake and the replica's lifetime are the host's.
 * `close` is called after the client closed, to release what `open` made.
 */
export function transportConnector<C extends ServerConfig = ServerConfig>(
  open: (request: ConnectorRequest<C>) => MessageTransport | Promise<MessageTransport>,
  close?: (request: ConnectorRequest<C>) => void | Promise<void>,
): ServerConnector<C> {
  return async (request) => {
    const { McpClient: Client } = await import('../client/index.js');
    const transport = await open(request);
    const client: McpClient = new Client(transport, request.clientOptions);
    const gone = new Promise<McpHostError>((resolve) =>
      client.onClose((error) => resolve(toServerError(error, request.config.name))),
    );
    try {
      await client.initialize(request.options);
    } catch (error) {
      client.close();
      await close?.(request);
      throw toServerError(error, request.config.name);
    }
    return {
      client,
      gone,
      stderrTail: () => [],
      close: async () => {
        client.close(new McpHostError('CANCELLED', 'The host is shutting down', { server: request.config.name }));
        await close?.(request);
      },
    };
  };
}

/**
 * An error as the host reports it: an `McpHostError` that names the server. Whatever the server did reaches here as
 * an `McpHostError` already (the client and the connection classify it); anything else is an exception of our own
 * code (or of a connector given to the host), so it is `INTERNAL`, never blamed on the server.
 */
export function toServerError(error: unknown, server: string): McpHostError {
  if (error instanceof McpHostError) {
    if (error.context.server === undefined) error.context.server = server;
    return error;
  }
  const message = error instanceof Error ? error.message : String(error);
  return new McpHostError('INTERNAL', `Server ${server}: ${message}`, { server }, { cause: error });
}
