/**
 * Test helper: spawns a real server process and talks MCP to it over its real stdio pipes, through our protocol
 * connection (no mocks). Call `close()` in afterEach; it proves the process is gone. Every message the server sends
 * is validated against the official MCP 2025-11-25 schema (test/helpers/mcp-schema.ts): a test fails on any
 * violation.
 */

import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createMcpConnection } from '../../src/protocol/connection.js';
import { StdioTransport } from '../../src/protocol/stdio/stdio-transport.js';
import type { StdioTransportOptions } from '../../src/protocol/stdio/stdio-transport.js';
import type { McpConnection, McpConnectionOptions } from '../../src/protocol/connection.js';
import type {
  ClientNotifications,
  ClientRequests,
  ServerNotifications,
  ServerRequests,
} from '../../src/protocol/methods.js';
import type { CallToolResult, InitializeResult } from '../../src/protocol/types.js';
import { checkedTransport } from './mcp-schema.js';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** A client-side connection to a server, as the tests use it. */
export type TestConnection = McpConnection<ClientRequests, ServerRequests, ClientNotifications, ServerNotifications>;

export interface StdioServer {
  child: ChildProcessWithoutNullStreams;
  connection: TestConnection;
  initialize: InitializeResult;
  stderr: () => string;
  callTool(name: string, args?: Record<string, unknown>): Promise<CallToolResult>;
  close(): Promise<void>;
}

/**
 * Starts `node <script>` (a path relative to the repo root, e.g. `dist/servers/weather/index.js`) with exactly the
 * given environment (plus PATH and HOME), and performs the MCP handshake.
 */
export async function startStdioServer(script: string, env: Record<string, string> = {}): Promise<StdioServer> {
  const child = spawn(process.execPath, [path.resolve(REPO_ROOT, script)], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const { connection, initialize } = await connectAndInitialize(child.stdout, child.stdin, { peer: script });
  return {
    child,
    connection,
    initialize,
    stderr: () => stderr,
    callTool: (name, args = {}) => connection.request('tools/call', { name, arguments: args }, { timeoutMs: 20_000 }),
    async close() {
      connection.close();
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.stdin.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/**
 * Connects to a server over its pipes (`readable` is its stdout) and performs the MCP handshake: `initialize`, then
 * `notifications/initialized`. What the server sends is checked against the MCP schema; `peer` names it in reports.
 */
export async function connectAndInitialize(
  readable: Readable,
  writable: Writable,
  options: McpConnectionOptions & StdioTransportOptions & { peer?: string } = {},
): Promise<{ connection: TestConnection; initialize: InitializeResult }> {
  const transport = checkedTransport(
    new StdioTransport(readable, writable, { maxMessageBytes: options.maxMessageBytes }),
    options.peer ?? 'the server',
  );
  const connection = createMcpConnection<ClientRequests, ServerRequests, ClientNotifications, ServerNotifications>(
    transport,
    options,
  );
  connection.listen();
  const initialize = await connection.request(
    'initialize',
    { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'test', version: '0.0.0' } },
    { timeoutMs: 10_000 },
  );
  await connection.notify('notifications/initialized', undefined);
  return { connection, initialize };
}

/** The text of the first content block of a tool result. */
export function resultText(result: CallToolResult): string {
  const block = result.content[0];
  return block && block.type === 'text' ? block.text : '';
}
