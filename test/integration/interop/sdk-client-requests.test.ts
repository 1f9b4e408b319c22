/**
 * The official SDK's Client answers the requests a server on our framework sends from inside its handlers:
 * sampling, elicitation in form and URL mode, and roots, over real stdio. A cancelled tool cancels the sampling
 * request it was waiting on; a client that did not declare a capability is never sent the request.
 */
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ClientOptions } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ElicitationCompleteNotificationSchema,
  ListRootsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const ASKS_CLIENT = path.join(REPO_ROOT, 'dist/test/fixtures/servers/asks-client.js');

interface Started {
  client: Client;
  stderr: () => string;
  /** Every request of the server that reached a handler of the client, by method. */
  received: { method: string; params: unknown }[];
}

let clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.map((client) => client.close()));
  clients = [];
});

/** Starts the fixture and connects an SDK client that declares `capabilities` and answers what they cover. */
async function start(capabilities: NonNullable<ClientOptions['capabilities']>): Promise<Started> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [ASKS_CLIENT], stderr: 'pipe' });
  let stderr = '';
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const client = new Client({ name: 'sdk-asked', version: '1.0.0' }, { capabilities });
  const received: Started['received'] = [];
  if (capabilities.sampling) {
    client.setRequestHandler(CreateMessageRequestSchema, async (request, extra) => {
      received.push({ method: request.method, params: request.params });
      const content = request.params.messages[0]?.content;
      const text = content && !Array.isArray(content) && content.type === 'text' ? content.text : '';
      if (text === 'take your time') {
        // Answers only when cancelled, and says how it learned of it.
        await new Promise((resolve) => extra.signal.addEventListener('abort', resolve));
        received.push({ method: 'aborted', params: String(extra.signal.reason) });
        return { role: 'assistant', model: 'late', content: { type: 'text', text: 'too late' } };
      }
      return { role: 'assistant', model: 'sdk-model', content: { type: 'text', text: `an answer to "${text}"` } };
    });
  }
  if (capabilities.elicitation) {
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      received.push({ method: request.method, params: request.params });
      return request.params.mode === 'url' ? { action: 'accept' } : { action: 'accept', content: { name: 'Ada' } };
    });
  }
  if (capabilities.roots) {
    client.setRequestHandler(ListRootsRequestSchema, (request) => {
      received.push({ method: request.method, params: request.params });
      return {
        roots: [
          { uri: 'file:///work/project', name: 'project' },
          { uri: 'file:///work/notes', name: 'notes' },
        ],
      };
    });
  }
  await client.connect(transport);
  clients.push(client);
  return { client, stderr: () => stderr, received };
}

const EVERYTHING = { sampling: {}, elicitation: { form: {}, url: {} }, roots: { listChanged: true } };

function text(result: object): string {
  const [block] = (result as { content: { type: string; text?: string }[] }).content;
  return block?.text ?? '';
}

describe('official SDK client answers our server’s requests from inside handlers', () => {
  it('samples the client LLM from a tool', async () => {
    const { client, received } = await start(EVERYTHING);
    const result = await client.callTool({ name: 'ask_model', arguments: { question: 'why is the sky blue?' } });
    expect(result.isError).toBeUndefined();
    expect(text(result)).toBe('sdk-model says: an answer to "why is the sky blue?"');
    expect(received).toEqual([
      {
        method: 'sampling/createMessage',
        params: {
          messages: [{ role: 'user', content: { type: 'text', text: 'why is the sky blue?' } }],
          maxTokens: 50,
        },
      },
    ]);
  });

  it('elicits a form from a tool', async () => {
    const { client, received } = await start(EVERYTHING);
    const result = await client.callTool({ name: 'ask_user', arguments: {} });
    expect(text(result)).toBe('hello Ada');
    expect(received[0]).toMatchObject({ method: 'elicitation/create', params: { message: 'What is your name?' } });
  });

  it('elicits in URL mode from a tool, then tells the client the elicitation completed', async () => {
    const { client, received } = await start(EVERYTHING);
    const completed: string[] = [];
    client.setNotificationHandler(ElicitationCompleteNotificationSchema, (notification) => {
      completed.push(notification.params.elicitationId);
    });
    const result = await client.callTool({ name: 'connect_account', arguments: {} });
    const [, elicitationId] = text(result).split(' ');
    expect(text(result)).toMatch(/^accept connect-/);
    expect(received[0]).toEqual({
      method: 'elicitation/create',
      params: { mode: 'url', message: 'Connect your account', url: 'https://example.com/connect', elicitationId },
    });
    await vi.waitFor(() => expect(completed).toEqual([elicitationId]));
  });

  it('lists roots from a tool, a prompt’s sampling, a resource template and its completer', async () => {
    const { client } = await start(EVERYTHING);
    expect(text(await client.callTool({ name: 'list_roots', arguments: {} }))).toBe(
      'file:///work/project\nfile:///work/notes',
    );
    const prompt = await client.getPrompt({ name: 'haiku', arguments: { topic: 'rain' } });
    expect(prompt.messages[0]?.content).toEqual({ type: 'text', text: 'an answer to "haiku: rain"' });
    const read = await client.readResource({ uri: 'roots://notes' });
    expect(read.contents).toEqual([{ uri: 'roots://notes', mimeType: 'text/plain', text: 'file:///work/notes' }]);
    const completion = await client.complete({
      ref: { type: 'ref/resource', uri: 'roots://{name}' },
      argument: { name: 'name', value: 'pro' },
    });
    expect(completion.completion.values).toEqual(['project']);
  });

  it('cancelling the tool call cancels the sampling request the tool is waiting on', async () => {
    const { client, received, stderr } = await start(EVERYTHING);
    const controller = new AbortController();
    const call = client.callTool({ name: 'wait_for_model', arguments: {} }, undefined, { signal: controller.signal });
    await vi.waitFor(() => expect(received.map((entry) => entry.method)).toEqual(['sampling/createMessage']), {
      timeout: 10_000,
    });
    controller.abort('the user gave up');
    await expect(call).rejects.toThrow();
    // The server cancelled its own request in turn: the SDK aborted its sampling handler's signal.
    await vi.waitFor(() => expect(received.map((entry) => entry.method)).toContain('aborted'), { timeout: 10_000 });
    await vi.waitFor(() => expect(stderr()).toMatch(/wait_for_model: CANCELLED: .*was cancelled/), {
      timeout: 10_000,
    });
  });

  it('never sends a request whose capability the client did not declare; the handler gets a clear error', async () => {
    const { client, received } = await start({});
    const cases: [string, RegExp][] = [
      ['ask_model', /sampling\/createMessage: the client did not declare the sampling capability/],
      ['ask_user', /elicitation\/create: the client did not declare the elicitation capability/],
      ['list_roots', /roots\/list: the client did not declare the roots capability/],
    ];
    for (const [name, message] of cases) {
      const result = await client.callTool({ name, arguments: name === 'ask_model' ? { question: 'hi' } : {} });
      expect(result.isError).toBe(true);
      expect(text(result)).toMatch(message);
    }
    expect(text(await client.callTool({ name: 'client_capabilities', arguments: {} }))).toBe('{}');
    expect(received).toEqual([]);
  });

  it('refuses URL mode to a client that declared form-mode elicitation only', async () => {
    const { client, received } = await start({ elicitation: { form: {} } });
    const result = await client.callTool({ name: 'connect_account', arguments: {} });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/elicitation\/create in URL mode: the client did not declare the elicitation\.url/);
    expect(text(await client.callTool({ name: 'ask_user', arguments: {} }))).toBe('hello Ada');
    expect(received.map((entry) => entry.method)).toEqual(['elicitation/create']);
  });
});
