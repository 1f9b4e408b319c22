/**
 * Our own McpClient answers the requests a server on our framework sends from its handlers (its hooks: sampling,
 * form elicitation, roots), over a real server process's pipes.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { McpClient } from '../../../src/client/index.js';
import type { ClientHooks } from '../../../src/client/index.js';
import { StdioTransport } from '../../../src/protocol/stdio/stdio-transport.js';
import type { CallToolResult } from '../../../src/protocol/types.js';
import { REPO_ROOT, resultText } from '../../helpers/stdio-server.js';

const ASKS_CLIENT = path.join(REPO_ROOT, 'dist/test/fixtures/servers/asks-client.js');

let running: { client: McpClient; child: ChildProcessWithoutNullStreams }[] = [];
afterEach(async () => {
  await Promise.all(
    running.map(async ({ client, child }) => {
      client.close();
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    }),
  );
  running = [];
});

async function start(
  hooks: ClientHooks,
): Promise<{ client: McpClient; child: ChildProcessWithoutNullStreams; stderr: () => string }> {
  const child = spawn(process.execPath, [ASKS_CLIENT], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const client = await McpClient.connect(new StdioTransport(child.stdout, child.stdin), { hooks, timeoutMs: 10_000 });
  running.push({ client, child });
  return { client, child, stderr: () => stderr };
}

const call = (client: McpClient, name: string, args: Record<string, unknown> = {}): Promise<CallToolResult> =>
  client.callTool(name, args, { timeoutMs: 10_000 });

describe('McpClient hooks answer our server’s requests', () => {
  it('samples, elicits a form and lists roots from tools; declares what its hooks cover', async () => {
    const { client } = await start({
      sampling: (params) => {
        const content = params.messages[0]?.content;
        const text = content && !Array.isArray(content) && content.type === 'text' ? content.text : '';
        return Promise.resolve({
          role: 'assistant',
          model: 'hooked',
          content: { type: 'text', text: text.toUpperCase() },
        });
      },
      elicitation: () => Promise.resolve({ action: 'accept', content: { name: 'Grace' } }),
      roots: () => [{ uri: 'file:///src', name: 'src' }],
    });
    expect(resultText(await call(client, 'ask_model', { question: 'loud?' }))).toBe('hooked says: LOUD?');
    expect(resultText(await call(client, 'ask_user'))).toBe('hello Grace');
    expect(resultText(await call(client, 'list_roots'))).toBe('file:///src');
    expect(JSON.parse(resultText(await call(client, 'client_capabilities')))).toEqual({
      roots: { listChanged: true },
      sampling: {},
      elicitation: { form: { applyDefaults: true } },
    });
  });

  it('is never sent URL mode without an elicitationUrl hook', async () => {
    const asked: unknown[] = [];
    const { client } = await start({
      elicitation: (params) => {
        asked.push(params);
        return Promise.resolve({ action: 'accept' });
      },
    });
    const result = await call(client, 'connect_account');
    expect(result.isError).toBe(true);
    expect(resultText(result)).toMatch(/the client did not declare the elicitation\.url capability/);
    expect(asked).toEqual([]);
  });

  it('a tool call cancelled by the client cancels the sampling request its tool waits on', async () => {
    let samplingSignal: AbortSignal | undefined;
    const { client, stderr } = await start({
      sampling: (_params, context) => {
        samplingSignal = context.signal;
        return new Promise(() => undefined);
      },
    });
    const controller = new AbortController();
    const pending = client.callTool('wait_for_model', {}, { signal: controller.signal });
    await vi.waitFor(() => expect(samplingSignal).toBeDefined(), { timeout: 10_000 });
    controller.abort(new Error('changed my mind'));
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    await vi.waitFor(() => expect(samplingSignal?.aborted).toBe(true), { timeout: 10_000 });
    expect((samplingSignal?.reason as Error).message).toBe(
      'the request it was made for was cancelled (changed my mind)',
    );
    await vi.waitFor(() => expect(stderr()).toContain('wait_for_model: CANCELLED'), { timeout: 10_000 });
  });

  it('serveStdio returns the session: closing it ends the process as the end of stdin does', async () => {
    const { client, child } = await start({});
    const exited = once(child, 'exit');
    expect(resultText(await call(client, 'quit'))).toBe('bye mcp-host');
    expect(await exited).toEqual([0, null]);
  });
});
