/**
 * The official SDK's Client drives a server built on our framework over real stdio.
 */
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

describe('official SDK client → our server framework (stdio)', () => {
  let client: Client;
  let transport: StdioClientTransport;
  let stderr = '';

  beforeAll(async () => {
    transport = new StdioClientTransport({
      command: process.execPath,
      args: [path.join(REPO_ROOT, 'dist/test/fixtures/servers/kitchen-sink.js')],
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    client = new Client({ name: 'sdk-test', version: '1.0.0' });
    await client.connect(transport);
  });

  afterAll(async () => {
    await client.close();
  });

  it('completes the handshake on 2025-11-25 with the declared capabilities', () => {
    expect(client.getServerVersion()).toEqual({ name: 'kitchen-sink', version: '1.0.0' });
    expect(client.getServerCapabilities()).toEqual({
      logging: {},
      tools: { listChanged: true },
      resources: { listChanged: true, subscribe: true },
      prompts: { listChanged: true },
      completions: {},
    });
  });

  it('lists and calls tools, with structured content validated by the SDK against outputSchema', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['add', 'fail', 'count', 'log']);
    const result = await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
    expect(result.structuredContent).toEqual({ sum: 3 });
    const failed = await client.callTool({ name: 'fail', arguments: {} });
    expect(failed).toMatchObject({ isError: true, content: [{ type: 'text', text: 'failing on purpose' }] });
  });

  it('reads resources and templates', async () => {
    expect((await client.listResources()).resources).toEqual([
      { uri: 'kitchen://menu', name: 'menu', title: 'Menu', mimeType: 'text/plain' },
      { uri: 'kitchen://bytes', name: 'bytes', mimeType: 'application/octet-stream' },
    ]);
    expect((await client.listResourceTemplates()).resourceTemplates[0]).toMatchObject({
      uriTemplate: 'kitchen://dishes/{dish}',
    });
    expect((await client.readResource({ uri: 'kitchen://dishes/stew' })).contents).toEqual([
      { uri: 'kitchen://dishes/stew', mimeType: 'application/json', text: '{"dish":"stew"}' },
    ]);
  });

  it('gets prompts and completes their arguments', async () => {
    const prompt = await client.getPrompt({ name: 'order', arguments: { dish: 'soup' } });
    expect(prompt.messages[0]).toEqual({
      role: 'user',
      content: { type: 'text', text: 'I would like the soup, please.' },
    });
    const completion = await client.complete({
      ref: { type: 'ref/prompt', name: 'order' },
      argument: { name: 'dish', value: 's' },
    });
    expect(completion.completion.values).toEqual(['soup', 'salad', 'stew']);
  });

  it('receives log messages at the level it set', async () => {
    const messages: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
      messages.push(notification.params);
    });
    await client.setLoggingLevel('error');
    await client.callTool({ name: 'log', arguments: { level: 'info' } });
    await client.callTool({ name: 'log', arguments: { level: 'error' } });
    await vi.waitFor(() => expect(messages).toEqual([{ level: 'error', data: 'a error message', logger: 'kitchen' }]));
  });

  it('gets progress, and its cancellation reaches the handler', async () => {
    const progress: number[] = [];
    const controller = new AbortController();
    const call = client.callTool({ name: 'count', arguments: { to: 100, stepMs: 20 } }, undefined, {
      signal: controller.signal,
      onprogress: ({ progress: p }) => {
        progress.push(p);
        if (p === 3) controller.abort('enough');
      },
    });
    await expect(call).rejects.toThrow();
    expect(progress).toEqual([1, 2, 3]);
    // Written by another process, on its next step after the cancellation: the limit only fails one that never is.
    await vi.waitFor(() => expect(stderr).toMatch(/count: cancelled at \d+: enough/), { timeout: 20_000 });
  });
});
