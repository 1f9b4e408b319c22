/**
 * The host library as a client: `createHost` with the default stdio connector, every call through `host.callTool`
 * (policy, pool, cache check and all), which is what `mcp-host bench`, `call` and the coming LLM loop and gateway
 * use. Its server is ours or any other; the difference to the `ours` client is the host's own cost per call.
 */
import { createHost } from '../../src/index.js';
import { firstText, serverArgs } from './stack.js';
import type { BenchClient, ConnectOptions } from './stack.js';

export async function connect(options: ConnectOptions): Promise<BenchClient> {
  const host = createHost({
    servers: { bench: { command: process.execPath, args: serverArgs(options.serverScript) } },
    env: process.env,
    clientInfo: { name: 'bench', version: '1.0.0' },
    ...(options.maxMessageBytes !== undefined && { maxMessageBytes: options.maxMessageBytes }),
    ...(options.timeoutMs !== undefined && { timeoutMs: options.timeoutMs }),
  });
  await host.connect('bench');
  return {
    listTools: async () => (await host.listTools('bench')).map((tool) => tool.name),
    callTool: async (name, args) => firstText(await host.callTool(`bench.${name}`, args), name),
    // As the other stacks: the server ends when its stdin does, and the process is waited for.
    close: () => host.closeAll({ graceMs: 5_000 }),
  };
}
