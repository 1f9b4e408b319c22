/**
 * A client may write its last requests and end stdin at once (`printf '…' | server`): a server on our framework
 * answers every request it read, the slow ones too (up to a limit), and only then exits.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ANSWER_BEFORE_CLOSING_LIMIT_MS } from '../../../src/protocol/connection.js';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const KITCHEN_SINK = path.join(REPO_ROOT, 'dist/test/fixtures/servers/kitchen-sink.js');

/** Writes `messages` as one chunk, ends stdin, and answers with every line the server wrote and its exit code. */
async function sendAndEnd(messages: object[]): Promise<{ lines: { id?: number }[]; exitCode: number | null }> {
  const child = spawn(process.execPath, [KITCHEN_SINK], { stdio: ['pipe', 'pipe', 'ignore'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stdin.end(messages.map((message) => `${JSON.stringify(message)}\n`).join(''));
  const [exitCode] = (await once(child, 'exit')) as [number | null];
  const lines = output
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { id?: number });
  return { lines, exitCode };
}

const initialize = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'test', version: '0.0.0' } },
};
const initialized = { jsonrpc: '2.0', method: 'notifications/initialized' };
const call = (id: number, name: string, args: object) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

describe('stdin ending right after the last request', () => {
  it('answers every request it read, then exits 0', async () => {
    const calls = Array.from({ length: 50 }, (_, i) => call(i + 2, 'add', { a: i, b: 1 }));
    const { lines, exitCode } = await sendAndEnd([initialize, initialized, ...calls]);
    expect(exitCode).toBe(0);
    const ids = lines.map((line) => line.id);
    expect(ids).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    const last = lines.at(-1) as { result: { structuredContent: { sum: number } } };
    expect(last.result.structuredContent).toEqual({ sum: 50 });
  });

  it('waits for a handler still running when stdin ends', async () => {
    const { lines, exitCode } = await sendAndEnd([initialize, initialized, call(2, 'count', { to: 3, stepMs: 30 })]);
    expect(exitCode).toBe(0);
    const answer = lines.find((line) => line.id === 2) as { result: { content: { text: string }[] } };
    expect(answer.result.content[0]!.text).toBe('counted to 3');
  });

  it('gives up on a handler that outlasts the limit, so the server still ends soon after its stdin', async () => {
    // 100 steps of 50 ms: five seconds of work (more on a busy machine), for a client that may be dead.
    expect(ANSWER_BEFORE_CLOSING_LIMIT_MS).toBeLessThan(5_000);
    const { lines, exitCode } = await sendAndEnd([initialize, initialized, call(2, 'count', { to: 100, stepMs: 50 })]);
    // Exited without the count's answer: it did not wait for the handler to finish. (How soon is for bench/.)
    expect(exitCode).toBe(0);
    expect(lines.map((line) => line.id)).toEqual([1]);
  });
});
