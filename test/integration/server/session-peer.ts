/**
 * Test helper: a client of any revision for a server of our framework, in this process. The server gets a real
 * session over the in-memory transport pair; the client is our protocol connection with exactly the protocol
 * version and capabilities a test names, and answers the server's requests with the handlers it is given.
 */
import { createMcpConnection } from '../../../src/protocol/connection.js';
import type { RequestHandler } from '../../../src/protocol/connection.js';
import { createMemoryTransportPair } from '../../../src/protocol/memory/memory-transport.js';
import type { ParamsOf, ResultOf, ServerRequests } from '../../../src/protocol/methods.js';
import type { ClientCapabilities, InitializeResult } from '../../../src/protocol/types.js';
import type { McpServer, ServerSession } from '../../../src/server/index.js';
import type { TestConnection } from '../../helpers/stdio-server.js';

export type ServerRequestHandlers = {
  [M in keyof ServerRequests]?: RequestHandler<ParamsOf<ServerRequests, M>, ResultOf<ServerRequests, M>>;
};

export interface Peer {
  connection: TestConnection;
  session: ServerSession;
  initialize: InitializeResult;
  /** Every notification from the server, in order. */
  notifications: { method: string; params: unknown }[];
}

const SERVER_NOTIFICATIONS = [
  'notifications/message',
  'notifications/progress',
  'notifications/cancelled',
  'notifications/resources/updated',
  'notifications/resources/list_changed',
  'notifications/tools/list_changed',
  'notifications/prompts/list_changed',
  'notifications/elicitation/complete',
] as const;

/** Connects a client of `protocolVersion` declaring `capabilities`, and completes the handshake. */
export async function connectPeer(
  server: McpServer,
  options: { protocolVersion?: string; capabilities?: ClientCapabilities; handlers?: ServerRequestHandlers } = {},
): Promise<Peer> {
  const [clientSide, serverSide] = createMemoryTransportPair();
  const session = server.connect(serverSide);
  const connection: TestConnection = createMcpConnection(clientSide);
  const notifications: Peer['notifications'] = [];
  for (const method of SERVER_NOTIFICATIONS) {
    connection.onNotification(method, (params) => void notifications.push({ method, params }));
  }
  for (const [method, handler] of Object.entries(options.handlers ?? {})) {
    connection.onRequest(method as 'ping', handler as unknown as RequestHandler<unknown, Record<string, unknown>>);
  }
  connection.listen();
  const initialize = await connection.request('initialize', {
    protocolVersion: options.protocolVersion ?? '2025-11-25',
    capabilities: options.capabilities ?? {},
    clientInfo: { name: 'peer', version: '0' },
  });
  await connection.notify('notifications/initialized', undefined);
  return { connection, session, initialize, notifications };
}
