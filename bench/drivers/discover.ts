/**
 * Discovery, timed from outside by the orchestrator: spawn `count` servers in parallel, initialize and list the
 * tools of each, then close them all. `node dist/bench/drivers/discover.js <client> <server> <count>`
 */
import { loadStack, parseStackName, serverScript } from '../stacks/stack.js';
import { driverMain, parseCount } from './driver.js';

driverMain(async () => {
  const connect = await loadStack(parseStackName(process.argv[2], 'client'));
  const script = serverScript(parseStackName(process.argv[3], 'server'));
  const count = parseCount(process.argv[4], 'count');
  const clients = await Promise.all(
    Array.from({ length: count }, async () => {
      const client = await connect({ serverScript: script });
      const tools = await client.listTools();
      if (tools.length !== 3) throw new Error(`tools/list: expected 3 tools, got ${tools.length}`);
      return client;
    }),
  );
  await Promise.all(clients.map((client) => client.close()));
  return undefined;
});
