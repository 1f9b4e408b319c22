/**
 * The handler context's requests to the client, in this process against clients of each revision: what each
 * revision lets a server ask, how a request is tied to the one being handled (cancelled with it, ended when it is
 * answered, bounded by the handler's own signal and timeout), and what a bad answer becomes.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { WireError } from '../../../src/protocol/errors.js';
import type { CallToolResult, ClientCapabilities } from '../../../src/protocol/types.js';
import { defineServer, isMcpHostError } from '../../../src/server/index.js';
import type { HandlerContext, McpServer } from '../../../src/server/index.js';
import { connectPeer } from './session-peer.js';
import type { ServerRequestHandlers } from './session-peer.js';

let servers: McpServer[] = [];
afterEach(() => {
  servers.forEach((server) => server.close());
  servers = [];
});

/** A server with one tool, `run`, whose handler is `body`; the tool answers with what it returned or threw. */
function serverRunning(body: (ctx: HandlerContext) => Promise<unknown>): McpServer {
  const server = defineServer({ name: 'context', version: '1' });
  server.tool('run', { description: 'Runs the test body', input: z.object({}) }, async (_args, ctx) => {
    try {
      return JSON.stringify({ value: await body(ctx) });
    } catch (error) {
      const code = isMcpHostError(error) ? error.code : error instanceof WireError ? error.code : 'other';
      return JSON.stringify({ code, message: (error as Error).message });
    }
  });
  servers.push(server);
  return server;
}

async function run(
  body: (ctx: HandlerContext) => Promise<unknown>,
  client: { protocolVersion?: string; capabilities?: ClientCapabilities; handlers?: ServerRequestHandlers },
): Promise<{ value?: unknown; code?: string | number; message?: string }> {
  const peer = await connectPeer(serverRunning(body), client);
  const result: CallToolResult = await peer.connection.request('tools/call', { name: 'run', arguments: {} });
  const [block] = result.content;
  return JSON.parse(block?.type === 'text' ? block.text : '{}') as { value?: unknown };
}

const FORM = {
  message: 'Name?',
  requestedSchema: { type: 'object' as const, properties: { name: { type: 'string' as const } } },
};
const SAMPLE = { messages: [{ role: 'user' as const, content: { type: 'text' as const, text: 'hi' } }], maxTokens: 5 };
const ANSWER = { role: 'assistant' as const, model: 'm', content: { type: 'text' as const, text: 'ok' } };

describe('what each revision lets a server ask', () => {
  it('2025-03-26 has no elicitation, whatever the client declared', async () => {
    const outcome = await run((ctx) => ctx.elicit(FORM), {
      protocolVersion: '2025-03-26',
      capabilities: { elicitation: {} },
      handlers: { 'elicitation/create': () => ({ action: 'accept' }) },
    });
    expect(outcome).toEqual({
      code: 'CAPABILITY_MISSING',
      message:
        'elicitation/create: the protocol revision agreed with this client (2025-03-26) has no elicitation; it came in 2025-06-18',
    });
  });

  it('2025-06-18 gets a form without `mode` (its schema has none), and no URL mode', async () => {
    const asked: unknown[] = [];
    const handlers: ServerRequestHandlers = {
      'elicitation/create': (params) => {
        asked.push(params);
        return { action: 'accept', content: { name: 'Ada' } };
      },
    };
    const client = { protocolVersion: '2025-06-18', capabilities: { elicitation: {} }, handlers };
    expect(await run((ctx) => ctx.elicit({ mode: 'form', ...FORM }), client)).toEqual({
      value: { action: 'accept', content: { name: 'Ada' } },
    });
    expect(asked).toEqual([FORM]);
    const url = { mode: 'url' as const, message: 'Go', url: 'https://example.com', elicitationId: 'e' };
    expect(await run((ctx) => ctx.elicit(url), client)).toMatchObject({
      code: 'CAPABILITY_MISSING',
      message: expect.stringContaining('has no URL-mode elicitation') as unknown,
    });
  });

  it('2025-06-18 has no tools in sampling, even from a client that claims sampling.tools', async () => {
    const outcome = await run((ctx) => ctx.sample({ ...SAMPLE, tools: [] }), {
      protocolVersion: '2025-06-18',
      capabilities: { sampling: { tools: {} } },
      handlers: { 'sampling/createMessage': () => ANSWER },
    });
    expect(outcome).toMatchObject({ code: 'CAPABILITY_MISSING', message: expect.stringContaining('tools') as unknown });
  });
});

describe('a request to the client belongs to the request being handled', () => {
  it('is cancelled when the handler returns without waiting for it', async () => {
    let samplingSignal: AbortSignal | undefined;
    let settled: unknown;
    const outcome = await run(
      (ctx) => {
        ctx.sample(SAMPLE).then(
          () => (settled = 'resolved'),
          (error: unknown) => (settled = error),
        );
        return Promise.resolve('returned at once');
      },
      {
        capabilities: { sampling: {} },
        handlers: {
          'sampling/createMessage': (_params, context) => {
            samplingSignal = context.signal;
            return new Promise(() => undefined);
          },
        },
      },
    );
    expect(outcome).toEqual({ value: 'returned at once' });
    await vi.waitFor(() => expect(samplingSignal?.aborted).toBe(true));
    expect((samplingSignal?.reason as Error).message).toBe('the request it was made for has been answered');
    await vi.waitFor(() => expect(settled).toMatchObject({ code: 'CANCELLED' }));
  });

  it('ends with the handler’s own signal, or its timeout', async () => {
    const client = {
      capabilities: { sampling: {}, roots: {} },
      handlers: {
        'sampling/createMessage': () => new Promise<never>(() => undefined),
        'roots/list': () => new Promise<never>(() => undefined),
      } satisfies ServerRequestHandlers,
    };
    const aborted = await run((ctx) => ctx.sample(SAMPLE, { signal: AbortSignal.timeout(20) }), client);
    expect(aborted).toMatchObject({ code: 'CANCELLED' });
    const timedOut = await run((ctx) => ctx.listRoots({ timeoutMs: 20 }), client);
    expect(timedOut).toMatchObject({
      code: 'REQUEST_TIMEOUT',
      message: expect.stringMatching(/^Request roots\/list timed out after \d+ ms$/) as unknown,
    });
  });
});

describe('the client’s answers', () => {
  it('a refusal is the client’s WireError; a malformed answer is a PROTOCOL_VIOLATION', async () => {
    const refused = await run((ctx) => ctx.sample(SAMPLE), {
      capabilities: { sampling: {} },
      handlers: {
        'sampling/createMessage': () => {
          throw new WireError(-1, 'User rejected sampling request');
        },
      },
    });
    expect(refused).toEqual({ code: -1, message: 'User rejected sampling request' });
    const malformed = await run((ctx) => ctx.elicit(FORM), {
      capabilities: { elicitation: {} },
      handlers: { 'elicitation/create': () => ({ action: 'maybe' }) as never },
    });
    expect(malformed).toEqual({
      code: 'PROTOCOL_VIOLATION',
      message: `The client's answer to elicitation/create is malformed: "action": expected "accept", "decline" or "cancel", got string "maybe"`,
    });
    const noRoots = await run((ctx) => ctx.listRoots(), {
      capabilities: { roots: {} },
      handlers: { 'roots/list': () => ({ roots: [{ name: 'no uri' }] }) as never },
    });
    expect(noRoots).toMatchObject({
      code: 'PROTOCOL_VIOLATION',
      message: expect.stringContaining('roots.0.uri') as unknown,
    });
  });
});

describe('the session outside any handler', () => {
  it('asks the client through the session that connect() returned', async () => {
    const server = defineServer({ name: 'outside', version: '1' });
    servers.push(server);
    const peer = await connectPeer(server, {
      capabilities: { roots: {} },
      handlers: { 'roots/list': () => ({ roots: [{ uri: 'file:///x' }] }) },
    });
    await expect(peer.session.listRoots()).resolves.toEqual([{ uri: 'file:///x' }]);
    await expect(peer.session.sample(SAMPLE)).rejects.toMatchObject({ code: 'CAPABILITY_MISSING' });
  });
});
