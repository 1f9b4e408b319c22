/**
 * Our client against a server built on our framework, over a real pair of in-memory byte streams (PassThrough):
 * every message is serialised, framed and parsed exactly as over a pipe.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { McpClient } from '../../../src/client/index.js';
import type { ClientHooks, McpClientOptions } from '../../../src/client/index.js';
import { McpHostError } from '../../../src/protocol/errors.js';
import { StdioTransport } from '../../../src/protocol/stdio/stdio-transport.js';
import type {
  ElicitRequestFormParams,
  ElicitRequestURLParams,
  LoggingMessageNotificationParams,
  ProgressNotificationParams,
} from '../../../src/protocol/types.js';
import { ToolError, defineServer } from '../../../src/server/index.js';
import type { McpServer } from '../../../src/server/index.js';
import { checkedTransport, takeSchemaViolations } from '../../helpers/mcp-schema.js';

const open: { client: McpClient; server: McpServer }[] = [];

async function connect(server: McpServer, hooks?: ClientHooks, options: McpClientOptions = {}) {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const session = server.connect(new StdioTransport(toServer, toClient));
  const client = await McpClient.connect(checkedTransport(new StdioTransport(toClient, toServer), 'framework server'), {
    hooks,
    timeoutMs: 5_000,
    ...options,
  });
  open.push({ client, server });
  return { client, session };
}

afterEach(() => {
  for (const { client, server } of open.splice(0)) {
    client.close();
    server.close();
  }
});

function makeServer(options: { pageSize?: number } = {}) {
  const server = defineServer({ name: 'test', version: '1.2.3', instructions: 'Be nice', ...options });
  server.tool(
    'add',
    {
      title: 'Add',
      description: 'Adds two numbers',
      input: z.strictObject({ a: z.number().describe('First'), b: z.number().describe('Second') }),
      output: z.object({ sum: z.number() }),
      annotations: { readOnlyHint: true, idempotentHint: true },
    },
    ({ a, b }) => ({ sum: a + b }),
  );
  server.tool('fail', { description: 'Always fails', input: z.object({}) }, () => {
    throw new ToolError('the widget is broken: expected a working widget');
  });
  return server;
}

describe('handshake', () => {
  it('negotiates 2025-11-25 and keeps the server info, capabilities and instructions', async () => {
    const { client } = await connect(makeServer());
    expect(client.protocolVersion).toBe('2025-11-25');
    expect(client.serverInfo).toEqual({ name: 'test', version: '1.2.3' });
    expect(client.instructions).toBe('Be nice');
    // Only what is served: tools and logging, no resources, prompts or completions.
    expect(client.serverCapabilities).toEqual({ logging: {}, tools: { listChanged: true } });
  });

  it('fails fast for a capability the server lacks, without sending anything', async () => {
    const { client } = await connect(makeServer());
    expect(() => client.listResources()).toThrow(McpHostError);
    expect(() => client.listPrompts()).toThrow(/does not support prompts/);
  });
});

describe('tools', () => {
  it('lists tools with JSON Schema, output schema, title and annotations', async () => {
    const { client } = await connect(makeServer());
    const tools = await client.listTools();
    const add = tools.find((tool) => tool.name === 'add')!;
    expect(add.title).toBe('Add');
    expect(add.annotations).toEqual({ readOnlyHint: true, idempotentHint: true });
    expect(add.inputSchema).toMatchObject({
      type: 'object',
      properties: { a: { type: 'number', description: 'First' } },
      required: ['a', 'b'],
      additionalProperties: false,
    });
    expect(add.outputSchema).toMatchObject({ type: 'object', properties: { sum: { type: 'number' } } });
  });

  it('returns structuredContent with the same JSON as text', async () => {
    const { client } = await connect(makeServer());
    const result = await client.callTool('add', { a: 2, b: 40 });
    expect(result.structuredContent).toEqual({ sum: 42 });
    expect(result.content).toEqual([{ type: 'text', text: '{"sum":42}' }]);
    expect(result.isError).toBeUndefined();
  });

  it('answers invalid arguments with an isError result naming the field, expected and got', async () => {
    const { client } = await connect(makeServer());
    const result = await client.callTool('add', { a: 'two', b: 1, c: 3 });
    expect(result.isError).toBe(true);
    const text = (result.content[0] as { text: string }).text;
    expect(text).toContain('a: Invalid input: expected number, received string');
    expect(text).toContain('Unrecognized key: "c"');
  });

  it('turns a handler failure into an isError result', async () => {
    const { client } = await connect(makeServer());
    const result = await client.callTool('fail');
    expect(result).toEqual({
      content: [{ type: 'text', text: 'the widget is broken: expected a working widget' }],
      isError: true,
    });
  });

  it('answers an unknown tool with a JSON-RPC error', async () => {
    const { client } = await connect(makeServer());
    const error = await client.callTool('nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpHostError);
    expect(error).toMatchObject({ code: 'SERVER_ERROR', context: { rpcCode: -32602 } });
    expect((error as McpHostError).message).toContain('Unknown tool: nope');
  });

  it('pages through a long list', async () => {
    const server = makeServer({ pageSize: 3 });
    for (let i = 0; i < 10; i++) server.tool(`t${i}`, { description: `tool ${i}`, input: z.object({}) }, () => 'ok');
    const { client } = await connect(server);
    const tools = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['add', 'fail', ...Array.from({ length: 10 }, (_, i) => `t${i}`)]);
    await expect(client.request('tools/list', { cursor: 'bogus' })).rejects.toMatchObject({
      context: { rpcCode: -32602 },
    });
  });

  it('sends tools/list_changed when tools change at run time', async () => {
    const server = makeServer();
    const { client } = await connect(server);
    const nextChange = () =>
      new Promise<void>((resolve) => {
        const stop = client.onNotification('notifications/tools/list_changed', () => {
          stop();
          resolve();
        });
      });
    const added = nextChange();
    const registration = server.tool('late', { description: 'Added later', input: z.object({}) }, () => 'late');
    await added;
    expect((await client.listTools()).map((tool) => tool.name)).toContain('late');
    const disabled = nextChange();
    registration.disable();
    await disabled;
    expect((await client.listTools()).map((tool) => tool.name)).not.toContain('late');
    await expect(client.callTool('late')).rejects.toMatchObject({ code: 'SERVER_ERROR' });
  });
});

describe('progress, cancellation and timeouts', () => {
  function slowServer(observed: { aborted?: string }) {
    const server = defineServer({ name: 'slow', version: '1' });
    server.tool(
      'slow',
      { description: 'Reports progress, then waits for cancellation', input: z.object({}) },
      async (_args, ctx) => {
        await ctx.progress(1, 3, 'first');
        await ctx.progress(2, 3, 'second');
        // The cancellation may already have arrived while the progress was being sent.
        if (!ctx.signal.aborted) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
        observed.aborted = String((ctx.signal.reason as Error).message);
        return 'never seen';
      },
    );
    return server;
  }

  it('delivers progress notifications to onprogress', async () => {
    const observed: { aborted?: string } = {};
    const { client } = await connect(slowServer(observed));
    const progress: ProgressNotificationParams[] = [];
    const controller = new AbortController();
    const call = client.callTool(
      'slow',
      {},
      {
        signal: controller.signal,
        onprogress: (p) => {
          progress.push(p);
          if (p.progress === 2) controller.abort('user pressed Ctrl-C');
        },
      },
    );
    await expect(call).rejects.toMatchObject({ code: 'CANCELLED' });
    expect(progress.map(({ progress: p, total, message }) => [p, total, message])).toEqual([
      [1, 3, 'first'],
      [2, 3, 'second'],
    ]);
    await vi.waitFor(() => expect(observed.aborted).toBe('user pressed Ctrl-C'));
  });

  it('times out, tells the server with notifications/cancelled, and rejects with REQUEST_TIMEOUT', async () => {
    const observed: { aborted?: string } = {};
    const { client } = await connect(slowServer(observed));
    const error = await client.callTool('slow', {}, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REQUEST_TIMEOUT', context: { method: 'tools/call', timeoutMs: 100 } });
    await vi.waitFor(() => expect(observed.aborted).toMatch(/Timed out after \d+ ms/));
    // The connection is still usable afterwards.
    await expect(client.ping()).resolves.toBeUndefined();
  });

  it('times out each request at its own deadline, a shorter one sent after a longer one first', async () => {
    const observed: { aborted?: string } = {};
    const { client } = await connect(slowServer(observed));
    const long = client.callTool('slow', {}, { timeoutMs: 30_000 }).catch((e: unknown) => e);
    const short = await client.callTool('slow', {}, { timeoutMs: 100 }).catch((e: unknown) => e);
    expect(short).toMatchObject({ code: 'REQUEST_TIMEOUT', context: { timeoutMs: 100 } });
    // The longer request is still pending: a third, shorter still, times out before it too.
    const shorter = await client.callTool('slow', {}, { timeoutMs: 50 }).catch((e: unknown) => e);
    expect(shorter).toMatchObject({ code: 'REQUEST_TIMEOUT', context: { timeoutMs: 50 } });
    let isLongSettled = false;
    void long.then(() => (isLongSettled = true));
    await client.ping();
    expect(isLongSettled).toBe(false);
    client.close();
    expect(await long).toMatchObject({ code: 'CONNECTION_CLOSED' });
  });

  /**
   * A tool that reports progress each time the test lets it, and the request's clock faked (in-process only: the
   * connection's deadlines use setTimeout and Date), so time passes only when the test says so.
   */
  async function tickingCall(options: { resetTimeoutOnProgress: boolean }) {
    const server = defineServer({ name: 'ticker', version: '1' });
    const opens: (() => void)[] = [];
    const gates = Array.from({ length: 5 }, () => new Promise<void>((resolve) => opens.push(resolve)));
    server.tool('tick', { description: 'Reports progress 5 times, when let', input: z.object({}) }, async (_a, ctx) => {
      for (const [index, gate] of gates.entries()) {
        await gate;
        await ctx.progress(index + 1, gates.length);
      }
      return 'done';
    });
    const { client } = await connect(server);
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    let onProgress: (() => void) | undefined;
    const call = client
      .callTool('tick', {}, { timeoutMs: 120, ...options, onprogress: () => onProgress?.() })
      .catch((error: unknown) => error);
    /** Lets 100 ms pass (under the 120 ms timeout), then the next tick, and waits for its progress. */
    const tick = async (): Promise<void> => {
      vi.advanceTimersByTime(100);
      const progressed = new Promise<void>((resolve) => (onProgress = resolve));
      opens.shift()!();
      await progressed;
    };
    return { call, tick };
  }

  it('resets the timeout on progress when asked', async () => {
    try {
      const { call, tick } = await tickingCall({ resetTimeoutOnProgress: true });
      // 500 ms in all, never 120 ms without progress.
      for (let i = 0; i < 5; i++) await tick();
      expect(await call).toMatchObject({ content: [{ type: 'text', text: 'done' }] });
    } finally {
      vi.useRealTimers();
    }
  });

  it('times out with progress coming, when not asked to reset', async () => {
    try {
      const { call, tick } = await tickingCall({ resetTimeoutOnProgress: false });
      await tick();
      vi.advanceTimersByTime(100); // 200 ms since the request
      expect(await call).toMatchObject({ code: 'REQUEST_TIMEOUT', context: { timeoutMs: 120 } });
    } finally {
      vi.useRealTimers();
    }
  });

  it('rejects every pending request when the connection closes', async () => {
    const { client } = await connect(slowServer({}));
    const call = client.callTool('slow');
    client.close(new McpHostError('SERVER_EXITED', 'gone'));
    await expect(call).rejects.toMatchObject({ code: 'SERVER_EXITED' });
    await expect(client.ping()).rejects.toMatchObject({ code: 'SERVER_EXITED' });
  });
});

describe('resources, templates, prompts, completion, logging', () => {
  function richServer() {
    const server = defineServer({ name: 'rich', version: '1', resourceSubscriptions: true });
    server.resource({ uri: 'test://readme', name: 'readme', mimeType: 'text/plain' }, () => ({ text: 'hello' }));
    server.resource({ uri: 'test://logo', name: 'logo', mimeType: 'image/png' }, () => ({
      blob: Buffer.from([1, 2, 3]),
    }));
    server.resourceTemplate(
      {
        uriTemplate: 'test://users/{id}',
        name: 'user',
        mimeType: 'application/json',
        complete: { id: (value) => ['alice', 'albert', 'bob'].filter((id) => id.startsWith(value)) },
      },
      (_uri, { id }) => ({ text: JSON.stringify({ id }) }),
    );
    server.prompt(
      'greet',
      {
        description: 'Greets someone',
        args: z.object({ name: z.string().describe('Who to greet'), mood: z.string().optional() }),
        complete: { name: (value) => ['Ada', 'Alan'].filter((n) => n.startsWith(value)) },
      },
      ({ name }) => `Say hello to ${name}`,
    );
    server.tool('shout', { description: 'Logs at every level', input: z.object({}) }, async (_args, ctx) => {
      await ctx.log('debug', 'quiet detail');
      await ctx.log('warning', { note: 'loud' }, 'shouter');
      return 'ok';
    });
    return server;
  }

  it('lists and reads fixed resources, text and blob', async () => {
    const { client } = await connect(richServer());
    expect((await client.listResources()).map((r) => r.uri)).toEqual(['test://readme', 'test://logo']);
    expect(await client.readResource('test://readme')).toEqual({
      contents: [{ uri: 'test://readme', mimeType: 'text/plain', text: 'hello' }],
    });
    expect((await client.readResource('test://logo')).contents[0]).toEqual({
      uri: 'test://logo',
      mimeType: 'image/png',
      blob: 'AQID',
    });
  });

  it('reads through a template with a percent-encoded variable', async () => {
    const { client } = await connect(richServer());
    expect((await client.listResourceTemplates())[0]).toMatchObject({ uriTemplate: 'test://users/{id}', name: 'user' });
    const result = await client.readResource('test://users/a%20b');
    expect(result.contents[0]).toMatchObject({ text: '{"id":"a b"}' });
  });

  it('answers an unknown resource with -32002', async () => {
    const { client } = await connect(richServer());
    await expect(client.readResource('test://nothing')).rejects.toMatchObject({
      code: 'SERVER_ERROR',
      context: { rpcCode: -32002 },
    });
  });

  it('gets a prompt with validated arguments', async () => {
    const { client } = await connect(richServer());
    expect(await client.listPrompts()).toEqual([
      {
        name: 'greet',
        description: 'Greets someone',
        arguments: [
          { name: 'name', required: true, description: 'Who to greet' },
          { name: 'mood', required: false },
        ],
      },
    ]);
    expect(await client.getPrompt('greet', { name: 'Ada' })).toEqual({
      messages: [{ role: 'user', content: { type: 'text', text: 'Say hello to Ada' } }],
    });
    await expect(client.getPrompt('greet', {})).rejects.toMatchObject({ context: { rpcCode: -32602 } });
  });

  it('completes prompt arguments and template variables', async () => {
    const { client } = await connect(richServer());
    const prompt = await client.complete({
      ref: { type: 'ref/prompt', name: 'greet' },
      argument: { name: 'name', value: 'A' },
    });
    expect(prompt.completion).toEqual({ values: ['Ada', 'Alan'], total: 2, hasMore: false });
    const template = await client.complete({
      ref: { type: 'ref/resource', uri: 'test://users/{id}' },
      argument: { name: 'id', value: 'al' },
    });
    expect(template.completion.values).toEqual(['alice', 'albert']);
  });

  it('sends log messages at or above the level the client set', async () => {
    const { client } = await connect(richServer());
    const messages: LoggingMessageNotificationParams[] = [];
    client.onNotification('notifications/message', (params) => messages.push(params));
    await client.callTool('shout');
    await client.setLoggingLevel('debug');
    await client.callTool('shout');
    await vi.waitFor(() => expect(messages).toHaveLength(3));
    expect(messages[0]).toEqual({ level: 'warning', data: { note: 'loud' }, logger: 'shouter' });
    expect(messages[1]).toEqual({ level: 'debug', data: 'quiet detail' });
    await expect(client.request('logging/setLevel', { level: 'loud' as 'info' })).rejects.toMatchObject({
      context: { rpcCode: -32602 },
    });
  });

  it('notifies subscribers when a resource changes', async () => {
    const server = richServer();
    const { client } = await connect(server);
    const updates: string[] = [];
    client.onNotification('notifications/resources/updated', ({ uri }) => updates.push(uri));
    await client.subscribeResource('test://readme');
    await server.notifyResourceUpdated('test://readme');
    await server.notifyResourceUpdated('test://logo'); // not subscribed
    await vi.waitFor(() => expect(updates).toEqual(['test://readme']));
  });
});

describe('server-to-client requests', () => {
  it('answers roots/list through the hook and -32601 for a missing hook', async () => {
    const server = defineServer({ name: 'asker', version: '1' });
    const { session } = await connect(server, { roots: () => [{ uri: 'file:///work', name: 'work' }] });
    expect(await session.request('roots/list', undefined)).toEqual({ roots: [{ uri: 'file:///work', name: 'work' }] });
    await expect(session.request('ping', undefined)).resolves.toEqual({});
    await expect(session.request('sampling/createMessage', { messages: [], maxTokens: 10 })).rejects.toMatchObject({
      code: -32601,
      message: 'sampling/createMessage: this client has no LLM to sample from',
    });
    await expect(
      session.request('elicitation/create', { message: 'Name?', requestedSchema: { type: 'object', properties: {} } }),
    ).rejects.toMatchObject({
      code: -32601,
      message: 'elicitation/create: this client has no one to ask (no elicitation hook)',
    });
  });

  it('declares a capability for each hook given: roots, sampling, form elicitation with defaults, URL elicitation', async () => {
    const server = defineServer({ name: 'asker', version: '1' });
    const { client, session } = await connect(server, {
      roots: () => [],
      sampling: () => Promise.reject(new Error('unused')),
      elicitation: () => Promise.resolve({ action: 'decline' }),
      elicitationUrl: () => Promise.resolve({ action: 'decline' }),
    });
    const declared = {
      roots: { listChanged: true },
      sampling: {},
      elicitation: { form: { applyDefaults: true }, url: {} },
    };
    expect(client.capabilities()).toEqual(declared);
    expect(session.clientCapabilities).toEqual(declared);
  });

  it('fills the form’s defaults into an accepted answer, and never into a declined one', async () => {
    const server = defineServer({ name: 'asker', version: '1' });
    const asked: unknown[] = [];
    const answers = [
      { action: 'accept' as const, content: { name: 'Ada' } },
      { action: 'decline' as const, content: { name: 'ignored' } },
    ];
    const { session } = await connect(server, {
      elicitation: (params) => {
        asked.push(params.requestedSchema.properties);
        return Promise.resolve(answers.shift()!);
      },
    });
    const form: ElicitRequestFormParams = {
      message: 'Who are you?',
      requestedSchema: {
        type: 'object',
        properties: {
          name: { type: 'string' },
          units: { type: 'string', enum: ['metric', 'imperial'], default: 'metric' },
          days: { type: 'integer', default: 3 },
        },
        required: ['name'],
      },
    };
    expect(await session.request('elicitation/create', form)).toEqual({
      action: 'accept',
      content: { name: 'Ada', units: 'metric', days: 3 },
    });
    expect(await session.request('elicitation/create', form)).toEqual({ action: 'decline' });
    expect(asked).toHaveLength(2);
  });

  it('passes URL-mode elicitation to its own hook, with no content in the answer', async () => {
    const server = defineServer({ name: 'asker', version: '1' });
    const seen: unknown[] = [];
    const { session } = await connect(server, {
      elicitation: () => Promise.reject(new Error('form hook must not be used')),
      elicitationUrl: (params) => {
        seen.push(params);
        return Promise.resolve({ action: 'accept', content: { leaked: 'no' } });
      },
    });
    const params: ElicitRequestURLParams = {
      mode: 'url',
      message: 'Log in',
      url: 'https://example.test/login',
      elicitationId: 'e1',
    };
    expect(await session.request('elicitation/create', params)).toEqual({ action: 'accept' });
    expect(seen).toEqual([params]);
    // What a broken server may send, past the types.
    await expect(session.request('elicitation/create', { mode: 'url', message: 'x' } as never)).rejects.toMatchObject({
      code: -32602,
      message: 'elicitation/create: URL mode needs params.url and params.elicitationId, as strings',
    });
    await expect(
      session.request('elicitation/create', { mode: 'telepathy', message: 'x', requestedSchema: {} } as never),
    ).rejects.toMatchObject({ code: -32602 });
    // Broken on purpose, and the schema check sees it too.
    expect(await takeSchemaViolations()).toEqual([
      expect.stringMatching(
        /^framework server sent request elicitation\/create, not a valid ElicitRequest: params\.elicitationId: required/,
      ),
      expect.stringMatching(
        /^framework server sent request elicitation\/create, not a valid ElicitRequest: params: expected an object with mode "url" or an object with mode "form"/,
      ),
    ]);
  });

  it('refuses URL mode when only a form hook is given', async () => {
    const server = defineServer({ name: 'asker', version: '1' });
    const { client, session } = await connect(server, { elicitation: () => Promise.resolve({ action: 'cancel' }) });
    expect(client.capabilities()).toEqual({ elicitation: { form: { applyDefaults: true } } });
    await expect(
      session.request('elicitation/create', { mode: 'url', message: 'x', url: 'https://a.test', elicitationId: '1' }),
    ).rejects.toMatchObject({
      code: -32601,
      message: 'elicitation/create: this client does not do URL-mode elicitation',
    });
  });

  it('sends roots/list_changed, and refuses to when it declared no roots', async () => {
    const server = defineServer({ name: 'asker', version: '1' });
    let roots = [{ uri: 'file:///a', name: 'a' }];
    const { client, session } = await connect(server, { roots: () => roots });
    const changed = new Promise<void>((resolve) =>
      session.connection.onNotification('notifications/roots/list_changed', () => resolve()),
    );
    roots = [{ uri: 'file:///b', name: 'b' }];
    await client.sendRootsListChanged();
    await changed;
    expect(await session.request('roots/list', undefined)).toEqual({ roots });
    const { client: rootless } = await connect(defineServer({ name: 'other', version: '1' }));
    await expect(rootless.sendRootsListChanged()).rejects.toMatchObject({ code: 'CAPABILITY_MISSING' });
  });

  it('offers the protocol revision it is pinned to, and reports the one negotiated', async () => {
    const { client } = await connect(makeServer(), undefined, { protocolVersion: '2025-03-26' });
    expect(client.protocolVersion).toBe('2025-03-26');
    await expect(connect(makeServer(), undefined, { protocolVersion: '1999-01-01' })).rejects.toMatchObject({
      code: 'USAGE',
      message: 'protocolVersion "1999-01-01": expected one of 2025-11-25, 2025-06-18, 2025-03-26, 2024-11-05',
    });
  });

  it('rejects requests sent before initialize', async () => {
    const server = makeServer();
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    server.connect(new StdioTransport(toServer, toClient));
    const client = new McpClient(checkedTransport(new StdioTransport(toClient, toServer), 'framework server'));
    client.connection.listen();
    await expect(client.request('tools/list', {})).rejects.toMatchObject({ context: { rpcCode: -32600 } });
    client.close();
    server.close();
  });
});
