/**
 * Cold run of one stack, timed from outside by the orchestrator: spawn the stack's server, initialize, list the
 * tools, call one, close. `node dist/bench/drivers/cold.js <stack>`
 */
import { loadStack, parseStackName, serverScript } from '../stacks/stack.js';
import { driverMain } from './driver.js';

driverMain(async () => {
  const stack = parseStackName(process.argv[2], 'stack');
  const connect = await loadStack(stack);
  const client = await connect({ serverScript: serverScript(stack) });
  await client.listTools();
  const text = await client.callTool('echo', { text: 'cold' });
  await client.close();
  if (text !== 'cold') throw new Error(`echo: expected "cold" back, got ${JSON.stringify(text)}`);
  return undefined;
});
