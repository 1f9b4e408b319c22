/**
 * Raw lines in, raw lines out: a server session driven by hand-written JSON-RPC, as a misbehaving or old client
 * would send it. Checks version negotiation, error answers to garbage, and cancellation semantics on the wire.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { McpClient } from '../../../src/client/index.js';
import { StdioTransport } from '../../../src/protocol/stdio/stdio-transport.js';
import { defineServer } from '../../../src/server/index.js';
import type { McpServer } from '../../../src/server/index.js';

/** A raw peer: write lines, await parsed lines. */
function rawPeer(server: McpServer) {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  server.connect(new StdioTransport(toServer, fromServer));
  const received: unknown[] = [];
  const waiters: (() => void)[] = [];
  let buffer = '';
  fromServer.setEncoding('utf8').on('data', (text: string) => {
    buffer += text;
    let index;
    while ((index = buffer.indexOf('\n')) !== -1) {
      received.push(JSON.parse(buffer.slice(0, index)));
      buffer = buffer.slice(index + 1);
      waiters.splice(0).forEach((wake) => wake());
    }
  });
  return {
    send: (line: string) => toServer.write(line + '\n'),
    async next(): Promise<unknown> {
      while (received.length === 0) await new Promise<void>((resolve) => waiters.push(resolve));
      return received.shift();
    },
    received,
    end: () => toServer.end(),
  };
}

const initialize = (version: string, id = 1) =>
  JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
  });

const MARKER = '(end of what the client sent)';

/**
 * The lines a closed client sent, all of them: a closed transport sends nothing new, but may still flush its last
 * batch (in a microtask), so a marker is written after that, and everything before it has arrived once it has.
 */
async function everythingSent(toServer: PassThrough, seen: string[]): Promise<string[]> {
  await new Promise(setImmediate);
  toServer.write(`${MARKER}\n`);
  await vi.waitFor(() => expect(seen).toContain(MARKER));
  return seen.filter((line) => line !== MARKER);
}

let servers: McpServer[] = [];
afterEach(() => {
  servers.forEach((server) => server.close());
  servers = [];
});

function makeServer() {
  const server = defineServer({ name: 'wire', version: '1' });
  server.tool('wait', { description: 'Waits until cancelled', input: z.object({}) }, async (_args, ctx) => {
    await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
    return 'too late';
  });
  server.tool('quick', { description: 'Answers at once', input: z.object({}) }, () => 'quick');
  servers.push(server);
  return server;
}

describe('version negotiation (server side)', () => {
  it.each(['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'])(
    'answers %s with the same revision',
    async (version) => {
      const peer = rawPeer(makeServer());
      peer.send(initialize(version));
      expect(await peer.next()).toMatchObject({
        id: 1,
        result: { protocolVersion: version, serverInfo: { name: 'wire' } },
      });
    },
  );

  it('answers an unknown revision with its latest one', async () => {
    const peer = rawPeer(makeServer());
    peer.send(initialize('1999-01-01'));
    expect(await peer.next()).toMatchObject({ result: { protocolVersion: '2025-11-25' } });
  });

  it('refuses a second initialize', async () => {
    const peer = rawPeer(makeServer());
    peer.send(initialize('2025-11-25', 1));
    await peer.next();
    peer.send(initialize('2025-11-25', 2));
    expect(await peer.next()).toMatchObject({ id: 2, error: { code: -32600 } });
  });
});

describe('version negotiation (client side)', () => {
  it('fails the handshake when the server answers a revision we do not speak', async () => {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    toServer.setEncoding('utf8').on('data', (line: string) => {
      const request = JSON.parse(line.trim()) as { id: number; method: string };
      if (request.method === 'initialize') {
        toClient.write(
          JSON.stringify({
            jsonrpc: '2.0',
            id: request.id,
            result: { protocolVersion: '2023-01-01', capabilities: {}, serverInfo: { name: 'old', version: '0' } },
          }) + '\n',
        );
      }
    });
    await expect(McpClient.connect(new StdioTransport(toClient, toServer), { name: 'old' })).rejects.toMatchObject({
      code: 'HANDSHAKE_FAILED',
      message: expect.stringContaining('2023-01-01') as unknown,
    });
  });
});

describe('handshake timeout', () => {
  it('fails with REQUEST_TIMEOUT naming the server, and never cancels initialize (the spec forbids it)', async () => {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const seen: string[] = [];
    toServer.setEncoding('utf8').on('data', (text: string) => seen.push(...text.trim().split('\n')));
    await expect(
      McpClient.connect(new StdioTransport(toClient, toServer), { name: 'mute', timeoutMs: 50 }),
    ).rejects.toMatchObject({
      code: 'REQUEST_TIMEOUT',
      message: 'mute: did not answer initialize within 50 ms',
      context: { server: 'mute', timeoutMs: 50 },
    });
    const sent = await everythingSent(toServer, seen);
    expect(sent.map((line) => (JSON.parse(line) as { method: string }).method)).toEqual(['initialize']);
  });
});

describe('garbage on the wire', () => {
  it('answers malformed JSON that looks like a request with -32700 and keeps serving', async () => {
    const peer = rawPeer(makeServer());
    peer.send('{"jsonrpc":"2.0","id":1,"method":"initialize",');
    // No id: JSON-RPC would say `"id": null`, which MCP's schema does not allow; its error response omits the id.
    const answer = await peer.next();
    expect(answer).toMatchObject({ error: { code: -32700 } });
    expect(answer).not.toHaveProperty('id');
    peer.send(initialize('2025-11-25', 2));
    expect(await peer.next()).toMatchObject({ id: 2, result: { protocolVersion: '2025-11-25' } });
  });

  it('answers params that are not an object with -32602 and the id the request carried', async () => {
    const peer = rawPeer(makeServer());
    peer.send('{"jsonrpc":"2.0","id":9,"method":"ping","params":[1,2]}');
    expect(await peer.next()).toMatchObject({
      id: 9,
      error: { code: -32602, message: expect.stringContaining('params') as unknown },
    });
  });

  it('answers an invalid envelope with -32600 and the id it carried', async () => {
    const peer = rawPeer(makeServer());
    peer.send('{"jsonrpc":"1.0","id":10,"method":"ping"}');
    expect(await peer.next()).toMatchObject({ id: 10, error: { code: -32600 } });
  });

  it('answers an unknown method with -32601', async () => {
    const peer = rawPeer(makeServer());
    peer.send('{"jsonrpc":"2.0","id":3,"method":"tools/dance"}');
    expect(await peer.next()).toMatchObject({ id: 3, error: { code: -32601 } });
  });

  it('answers a plain text line with -32700 too, as JSON-RPC asks of a server, and keeps serving', async () => {
    const peer = rawPeer(makeServer());
    peer.send('hello there');
    peer.send('{"jsonrpc":"2.0","id":4,"method":"ping"}');
    expect(await peer.next()).toMatchObject({ error: { code: -32700 } });
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', id: 4, result: {} });
  });

  it('as a client, answers no stray log line of a server, so that no exchange of errors can start', async () => {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const sent: string[] = [];
    toServer.setEncoding('utf8').on('data', (text: string) => sent.push(...text.trim().split('\n')));
    const client = new McpClient(new StdioTransport(toClient, toServer));
    client.connection.listen();
    toClient.write(
      'Server starting...\n{"jsonrpc":"2.0","method":"notifications/message","params":{"level":"info","data":"x"}}\n',
    );
    await expect(client.ping({ timeoutMs: 200 })).rejects.toMatchObject({ code: 'REQUEST_TIMEOUT' });
    // Only the ping (and its cancellation) left the client: nothing answered the log line.
    expect(sent.map((line) => (JSON.parse(line) as { method?: string }).method)).toEqual([
      'ping',
      'notifications/cancelled',
    ]);
    client.close();
  });
});

describe('cancellation on the wire', () => {
  it('sends no response for a request the client cancelled', async () => {
    const peer = rawPeer(makeServer());
    peer.send(initialize('2025-11-25'));
    await peer.next();
    peer.send('{"jsonrpc":"2.0","method":"notifications/initialized"}');
    peer.send('{"jsonrpc":"2.0","id":"w","method":"tools/call","params":{"name":"wait","arguments":{}}}');
    peer.send('{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"w","reason":"bored"}}');
    peer.send('{"jsonrpc":"2.0","id":"q","method":"tools/call","params":{"name":"quick","arguments":{}}}');
    // The next (and only) answer is the quick call's: the cancelled one is never answered.
    expect(await peer.next()).toMatchObject({ id: 'q', result: { content: [{ type: 'text', text: 'quick' }] } });
    // The cancelled call ended long before this ping is read, and answers leave in order: the ping's answer coming
    // next proves the cancelled call got none.
    peer.send('{"jsonrpc":"2.0","id":"p","method":"ping"}');
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', id: 'p', result: {} });
    expect(peer.received).toEqual([]);
  });

  it('ignores a cancellation for an unknown request', async () => {
    const peer = rawPeer(makeServer());
    peer.send('{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":12345}}');
    peer.send('{"jsonrpc":"2.0","id":5,"method":"ping"}');
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', id: 5, result: {} });
  });
});

describe('hostile input: every line is answered or ignored, none ends the session', () => {
  /** The session answers a ping after `line`, proving it survived; returns what came before the ping's answer. */
  async function survives(peer: ReturnType<typeof rawPeer>, line: string, pingId: number): Promise<unknown[]> {
    peer.send(line);
    peer.send(JSON.stringify({ jsonrpc: '2.0', id: pingId, method: 'ping' }));
    const before: unknown[] = [];
    for (;;) {
      const message = (await peer.next()) as { id?: unknown };
      if (message.id === pingId) return before;
      before.push(message);
    }
  }

  it.each([
    '{"jsonrpc":"2.0","method":"$/cancelRequest","params":{}}',
    '{"jsonrpc":"2.0","method":"$/cancelRequest"}',
    '{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":null}}',
    '{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":{"a":1}}}',
    '{"jsonrpc":"2.0","method":"$/progress","params":{}}',
    '{"jsonrpc":"2.0","method":"$/setTrace","params":{"value":7}}',
    '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":{"x":1}}}',
    '{"jsonrpc":"2.0","method":"notifications/progress","params":{"progressToken":[1],"progress":"a"}}',
    '{"jsonrpc":"2.0","id":77,"result":{}}',
    '{"jsonrpc":"2.0","id":78,"error":{"code":1,"message":"x"}}',
  ])('ignores the notification or stray response %s', async (line) => {
    const peer = rawPeer(makeServer());
    expect(await survives(peer, line, 100)).toEqual([]);
  });

  it.each([
    ['1', -32600],
    ['[1,2,3]', -32600],
    ['[]', -32600],
    ['"text"', -32600],
    ['null', -32600],
    ['{}', -32600],
    ['{"jsonrpc":"2.0","method":1,"params":"bar"}', -32600],
    // A refused batch with a request in it answers that request by its id: test/integration/server/batches.test.ts.
    ['[{"jsonrpc":"2.0","method":"notifications/initialized"}]', -32600],
    ['{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}', -32600],
    ['{"jsonrpc":"2.0","id":null,"method":"ping"}', -32600],
    ['{"jsonrpc":"2.0","id":1.5,"method":"ping"}', -32600],
    ['{"jsonrpc":"2.0","id":9007199254740993,"method":"ping"}', -32600],
    ['{"jsonrpc":"2.0","id":"$","method":"$/cancelRequest","params":{}}', -32601],
  ])('answers %s with %i, never with an id it could not read exactly', async (line, code) => {
    const peer = rawPeer(makeServer());
    const [answer, ...rest] = (await survives(peer, line, 100)) as { id?: unknown; error?: { code: number } }[];
    expect(rest).toEqual([]);
    expect(answer?.error?.code).toBe(code);
    if (answer && 'id' in answer) expect(answer.id).toBe('$');
  });

  it('refuses a second request with an id still in flight, and still answers the first once', async () => {
    const peer = rawPeer(makeServer());
    peer.send(initialize('2025-11-25'));
    await peer.next();
    const call = (id: number, name: string) =>
      JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: {} } });
    peer.send(call(5, 'wait'));
    peer.send(call(5, 'quick'));
    expect(await peer.next()).toMatchObject({ id: 5, error: { code: -32600 } });
    peer.send('{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":5}}');
    peer.send(call(5, 'quick'));
    expect(await peer.next()).toMatchObject({ id: 5, result: { content: [{ text: 'quick' }] } });
  });

  it('answers -32602, not an internal error, for methods whose params are missing', async () => {
    const peer = rawPeer(makeServer());
    peer.send(initialize('2025-11-25'));
    await peer.next();
    const methods = ['tools/call', 'resources/read', 'prompts/get', 'completion/complete', 'logging/setLevel'];
    for (const [index, method] of methods.entries()) {
      peer.send(JSON.stringify({ jsonrpc: '2.0', id: index, method }));
      const answer = (await peer.next()) as { id: number; error: { code: number } };
      // resources/prompts/completions are not declared by this server: not found, as the spec asks.
      expect([answer.id, answer.error.code]).toEqual([
        index,
        method === 'tools/call' || method === 'logging/setLevel' ? -32602 : -32601,
      ]);
    }
  });

  it('refuses every method but ping before initialize', async () => {
    const peer = rawPeer(makeServer());
    for (const [index, method] of ['tools/list', 'resources/subscribe', 'logging/setLevel'].entries()) {
      peer.send(JSON.stringify({ jsonrpc: '2.0', id: index, method, params: { uri: 'x', level: 'debug' } }));
      expect(await peer.next()).toMatchObject({ id: index, error: { code: -32600 } });
    }
    peer.send('{"jsonrpc":"2.0","id":"p","method":"ping"}');
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', id: 'p', result: {} });
  });
});

describe('hostile server: the client survives what a server sends', () => {
  it('uses the first answer to a request, reports the rest, and ignores LSP noise', async () => {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    toServer.setEncoding('utf8').on('data', (text: string) => {
      for (const line of text.trim().split('\n')) {
        const request = JSON.parse(line) as { id?: number; method: string };
        if (request.id === undefined) continue;
        const result =
          request.method === 'initialize'
            ? { protocolVersion: '2025-11-25', capabilities: { tools: {} }, serverInfo: { name: 'evil', version: '0' } }
            : { tools: [{ name: 'first', inputSchema: { type: 'object' } }] };
        const second = { tools: [{ name: 'second', inputSchema: { type: 'object' } }] };
        toClient.write(
          [
            '{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":null}}',
            '{"jsonrpc":"2.0","method":"$/cancelRequest"}',
            JSON.stringify({ jsonrpc: '2.0', id: request.id, result }),
            JSON.stringify({ jsonrpc: '2.0', id: request.id, result: second }),
            '{"jsonrpc":"2.0","id":424242,"result":{}}',
            '{"jsonrpc":"2.0","id":{"x":1},"method":"ping"}',
            '',
          ].join('\n'),
        );
      }
    });
    const errors: Error[] = [];
    const client = await McpClient.connect(new StdioTransport(toClient, toServer), {
      name: 'evil',
      timeoutMs: 2_000,
      onError: (error) => errors.push(error),
    });
    const tools = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(['first']);
    expect(errors.some((error) => /no request awaits/.test(error.message))).toBe(true);
    expect(client.isClosed).toBe(false);
    client.close();
  });
});
