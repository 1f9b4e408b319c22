/**
 * The start-up floor: a bare parent spawns a bare child, sends one JSON line, waits for the echo, ends the child's
 * stdin and waits for it to exit. No MCP stack can start, talk and stop faster than this on the same machine.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

const child = spawn(process.execPath, [fileURLToPath(new URL('./echo-child.js', import.meta.url))], {
  stdio: ['pipe', 'pipe', 'inherit'],
});
const exited = once(child, 'exit');
child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) + '\n');
child.stdout.setEncoding('utf8');
let received = '';
for await (const text of child.stdout) {
  received += String(text);
  if (received.includes('\n')) break;
}
child.stdin.end();
await exited;
