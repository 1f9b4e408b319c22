/** The bare stack's client: the hand-written NDJSON client, with the MCP handshake done by hand. */
import { BareClient } from '../bare/client.js';
import { firstText, serverArgs } from './stack.js';
import type { BenchClient, ConnectOptions } from './stack.js';

export async function connect(options: ConnectOptions): Promise<BenchClient> {
  const client = new BareClient(serverArgs(options.serverScript));
  await client.request('initialize', {
    protocolVersion: '2025-11-25',
    capabilities: {},
    clientInfo: { name: 'bench', version: '1.0.0' },
  });
  client.notify('notifications/initialized');
  return {
    listTools: async () =>
      ((await client.request('tools/list')) as { tools: { name: string }[] }).tools.map((t) => t.name),
    callTool: async (name, args) => firstText(await client.request('tools/call', { name, arguments: args }), name),
    close: () => client.close(),
  };
}
