/**
 * Raw lines in, raw lines out: a server session driven by hand-written JSON-RPC, as a misbehaving or old client
 * would send it. Checks version negotiation, error answers to garbage, and cancellation semantics on the wire.
 */
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { McpClient } from '../../../src/client/index.js';
import { defineServer } from '../../../src/server/index.js';
import type { McpServer } from '../../../src/server/index.js';

/** A raw peer: write lines, await parsed lines. */
function rawPeer(server: McpServer) {
  const toServer = new PassThrough();
  const fromServer = new PassThrough();
  server.connect(toServer, fromServer);
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
    await expect(McpClient.connect(toClient, toServer, { name: 'old' })).rejects.toMatchObject({
      code: 'HANDSHAKE_FAILED',
      message: expect.stringContaining('2023-01-01') as unknown,
    });
  });
});

describe('handshake timeout', () => {
  it('fails with HANDSHAKE_FAILED and never cancels initialize (the spec forbids it)', async () => {
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const seen: string[] = [];
    toServer.setEncoding('utf8').on('data', (text: string) => seen.push(...text.trim().split('\n')));
    await expect(McpClient.connect(toClient, toServer, { name: 'mute', timeoutMs: 50 })).rejects.toMatchObject({
      code: 'HANDSHAKE_FAILED',
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen.map((line) => (JSON.parse(line) as { method: string }).method)).toEqual(['initialize']);
  });
});

describe('garbage on the wire', () => {
  it('answers malformed JSON that looks like a request with -32700 and keeps serving', async () => {
    const peer = rawPeer(makeServer());
    peer.send('{"jsonrpc":"2.0","id":1,"method":"initialize",');
    expect(await peer.next()).toMatchObject({ id: null, error: { code: -32700 } });
    peer.send(initialize('2025-11-25', 2));
    expect(await peer.next()).toMatchObject({ id: 2, result: { protocolVersion: '2025-11-25' } });
  });

  it('answers an invalid envelope with -32600 and the id it carried', async () => {
    const peer = rawPeer(makeServer());
    peer.send('{"jsonrpc":"2.0","id":9,"method":"ping","params":[1,2]}');
    expect(await peer.next()).toMatchObject({
      id: 9,
      error: { code: -32600, message: expect.stringContaining('params') as unknown },
    });
  });

  it('answers an unknown method with -32601', async () => {
    const peer = rawPeer(makeServer());
    peer.send('{"jsonrpc":"2.0","id":3,"method":"tools/dance"}');
    expect(await peer.next()).toMatchObject({ id: 3, error: { code: -32601 } });
  });

  it('ignores a plain text line without answering', async () => {
    const peer = rawPeer(makeServer());
    peer.send('hello there');
    peer.send('{"jsonrpc":"2.0","id":4,"method":"ping"}');
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', id: 4, result: {} });
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
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(peer.received).toEqual([]);
  });

  it('ignores a cancellation for an unknown request', async () => {
    const peer = rawPeer(makeServer());
    peer.send('{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":12345}}');
    peer.send('{"jsonrpc":"2.0","id":5,"method":"ping"}');
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', id: 5, result: {} });
  });
});
