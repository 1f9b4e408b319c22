/**
 * Our client drives the reference server `@modelcontextprotocol/server-everything` over real stdio.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StdioTransport } from '../../../src/protocol/stdio/stdio-transport.js';
import { McpClient } from '../../../src/client/index.js';
import type { ProgressNotificationParams } from '../../../src/protocol/types.js';

const require = createRequire(import.meta.url);
const EVERYTHING = path.join(
  path.dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')),
  'dist/index.js',
);

describe('our client → server-everything (stdio)', () => {
  let child: ChildProcessWithoutNullStreams;
  let client: McpClient;

  beforeAll(async () => {
    child = spawn(process.execPath, [EVERYTHING, 'stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stderr.resume();
    client = await McpClient.connect(new StdioTransport(child.stdout, child.stdin), { timeoutMs: 15_000 });
  });

  afterAll(async () => {
    client.close();
    const exited = once(child, 'exit');
    child.stdin.end();
    child.kill('SIGTERM');
    await exited;
  });

  it('negotiates a version we support and reads the server info', () => {
    expect(['2025-11-25', '2025-06-18']).toContain(client.protocolVersion);
    expect(client.serverInfo?.name).toBeTruthy();
    expect(client.serverCapabilities?.tools).toBeDefined();
  });

  it('lists everything, paging where the server pages', async () => {
    const tools = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(
      expect.arrayContaining(['echo', 'get-sum', 'trigger-long-running-operation']),
    );
    expect((await client.listResources()).length).toBeGreaterThan(0);
    expect((await client.listResourceTemplates()).map((t) => t.uriTemplate)).toEqual(
      expect.arrayContaining(['demo://resource/dynamic/text/{resourceId}']),
    );
    expect((await client.listPrompts()).map((p) => p.name)).toEqual(
      expect.arrayContaining(['simple-prompt', 'args-prompt']),
    );
  });

  it('calls echo and get-sum', async () => {
    const echo = await client.callTool('echo', { message: 'hello, world' });
    expect(echo.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('hello, world') });
    const sum = await client.callTool('get-sum', { a: 2, b: 3 });
    expect(sum.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('5') });
  });

  it('reads a templated resource', async () => {
    const result = await client.readResource('demo://resource/dynamic/text/1');
    expect(result.contents[0]).toMatchObject({ uri: 'demo://resource/dynamic/text/1' });
    expect(result.contents[0]).toHaveProperty('text');
  });

  it('gets a prompt with arguments', async () => {
    const prompt = await client.getPrompt('args-prompt', { city: 'Tokyo' });
    expect(JSON.stringify(prompt.messages)).toContain('Tokyo');
  });

  it('receives progress from trigger-long-running-operation', async () => {
    const progress: ProgressNotificationParams[] = [];
    const result = await client.callTool(
      'trigger-long-running-operation',
      { duration: 0.3, steps: 3 },
      { onprogress: (p) => progress.push(p) },
    );
    expect(result.isError).toBeFalsy();
    expect(progress.map((p) => [p.progress, p.total])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
  });
});
