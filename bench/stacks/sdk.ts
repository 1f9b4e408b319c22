/** The official SDK's client: Client over StdioClientTransport, which spawns the server itself (cross-spawn). */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { firstText, serverArgs } from './stack.js';
import type { BenchClient, ConnectOptions } from './stack.js';

export async function connect(options: ConnectOptions): Promise<BenchClient> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: serverArgs(options.serverScript),
    stderr: 'inherit',
    maxBufferSize: options.maxMessageBytes,
  });
  const client = new Client({ name: 'bench', version: '1.0.0' });
  const requestOptions = options.timeoutMs === undefined ? undefined : { timeout: options.timeoutMs };
  await client.connect(transport, requestOptions);
  return {
    listTools: async () => (await client.listTools(undefined, requestOptions)).tools.map((tool) => tool.name),
    callTool: async (name, args) =>
      firstText(await client.callTool({ name, arguments: args }, undefined, requestOptions), name),
    // The transport ends stdin and waits for the process to close (escalating to signals after 2 s).
    close: () => client.close(),
  };
}
