/** Our stack's client: McpClient from dist/, over the pipes of a server spawned with node:child_process. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { McpClient } from '../../src/client/index.js';
import { StdioTransport } from '../../src/protocol/stdio/stdio-transport.js';
import { firstText, serverArgs } from './stack.js';
import type { BenchClient, ConnectOptions } from './stack.js';

export async function connect(options: ConnectOptions): Promise<BenchClient> {
  const child = spawn(process.execPath, serverArgs(options.serverScript), { stdio: ['pipe', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const transport = new StdioTransport(child.stdout, child.stdin, { maxMessageBytes: options.maxMessageBytes });
  const client = await McpClient.connect(transport, {
    clientInfo: { name: 'bench', version: '1.0.0' },
    defaultTimeoutMs: options.timeoutMs,
  });
  return {
    listTools: async () => (await client.listTools()).map((tool) => tool.name),
    callTool: async (name, args) => firstText(await client.callTool(name, args), name),
    close: async () => {
      client.close();
      child.stdin.end();
      if (child.exitCode === null && child.signalCode === null) await exited;
    },
  };
}
