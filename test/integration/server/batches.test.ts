/**
 * JSON-RPC batches and the ids of error answers, raw lines over a real server process's pipes.
 *
 * Batches: 2025-03-26 says a receiver MUST accept them (basic/index, "Batching"); 2024-11-05 never had them and
 * 2025-06-18 removed them. Ids: MCP ids are strings or integers, never null; an error whose request id could not be
 * read has no id, the 2025-11-25 form (JSON-RPC 2.0 would say `"id": null`, which no MCP schema allows).
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const KITCHEN_SINK = path.join(REPO_ROOT, 'dist/test/fixtures/servers/kitchen-sink.js');

/** A raw client of a real server process: writes lines, reads lines (each kept as text and parsed). */
class RawClient {
  /** Every line the server wrote, as text. */
  readonly seen: string[] = [];
  private readonly lines: string[] = [];
  private buffer = '';
  private waiters: (() => void)[] = [];

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      this.buffer += text;
      let index;
      while ((index = this.buffer.indexOf('\n')) !== -1) {
        this.lines.push(this.buffer.slice(0, index));
        this.seen.push(this.buffer.slice(0, index));
        this.buffer = this.buffer.slice(index + 1);
      }
      this.waiters.splice(0).forEach((wake) => wake());
    });
  }

  send(...messages: (object | string)[]): void {
    this.child.stdin.write(messages.map((m) => (typeof m === 'string' ? m : JSON.stringify(m)) + '\n').join(''));
  }

  /** The next line the server writes, parsed. */
  async next(): Promise<unknown> {
    while (this.lines.length === 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return JSON.parse(this.lines.shift()!) as unknown;
  }

  /** Sends a ping and returns every line before its answer: the ping is answered after what came before it. */
  async untilPing(id: string): Promise<unknown[]> {
    this.send({ jsonrpc: '2.0', id, method: 'ping' });
    const before: unknown[] = [];
    for (;;) {
      const message = await this.next();
      if ((message as { id?: unknown }).id === id) return before;
      before.push(message);
    }
  }
}

let children: ChildProcessWithoutNullStreams[] = [];
afterEach(async () => {
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    }),
  );
  children = [];
});

/** Starts the kitchen-sink server and, unless `version` is undefined, initializes it with that revision. */
async function start(version: string | undefined): Promise<RawClient> {
  const child = spawn(process.execPath, [KITCHEN_SINK], { stdio: ['pipe', 'pipe', 'pipe'] });
  children.push(child);
  const client = new RawClient(child);
  if (version !== undefined) {
    client.send({
      jsonrpc: '2.0',
      id: 'init',
      method: 'initialize',
      params: { protocolVersion: version, capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
    });
    expect(await client.next()).toMatchObject({ id: 'init', result: { protocolVersion: version } });
    client.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }
  return client;
}

const add = (id: number, a: number, b: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'add', arguments: { a, b } },
});

describe('batches with 2025-03-26 agreed', () => {
  it('answers a batch of requests with one array holding every answer', async () => {
    const client = await start('2025-03-26');
    client.send([add(1, 1, 2), { jsonrpc: '2.0', id: 2, method: 'ping' }, add(3, 2, 2)]);
    const answer = (await client.next()) as { id: number; result: { content?: unknown } }[];
    expect(Array.isArray(answer)).toBe(true);
    expect(answer.map((response) => response.id).sort()).toEqual([1, 2, 3]);
    // In the shape of 2025-03-26, which has no structuredContent: the text alone.
    expect(answer.find((response) => response.id === 3)?.result).toEqual({
      content: [{ type: 'text', text: '{"sum":4}' }],
    });
  });

  it('answers a batch of notifications with nothing', async () => {
    const client = await start('2025-03-26');
    client.send([{ jsonrpc: '2.0', method: 'notifications/initialized' }]);
    expect(await client.untilPing('after')).toEqual([]);
  });

  it('answers the invalid members of a batch inside its array, and the valid ones still run', async () => {
    const client = await start('2025-03-26');
    client.send([add(1, 1, 1), { jsonrpc: '2.0', id: 2, method: 'no/such' }, 7, [add(4, 0, 0)]]);
    const answer = (await client.next()) as { id?: number; error?: { code: number }; result?: unknown }[];
    expect(answer).toHaveLength(4);
    expect(answer.find((response) => response.id === 1)).toHaveProperty('result');
    expect(answer.find((response) => response.id === 2)?.error?.code).toBe(-32601);
    // The member `7` and the nested batch have no id to echo: their errors have none.
    expect(answer.filter((response) => !('id' in response)).map((response) => response.error?.code)).toEqual([
      -32600, -32600,
    ]);
  });

  it('leaves a cancelled member out of the batch’s answer, which does not wait for it', async () => {
    const client = await start('2025-03-26');
    client.send([
      { jsonrpc: '2.0', id: 'slow', method: 'tools/call', params: { name: 'count', arguments: { to: 1000 } } },
      add(2, 1, 1),
    ]);
    client.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'slow' } });
    const answer = (await client.next()) as { id: unknown }[];
    expect(answer.map((response) => response.id)).toEqual([2]);
  });
});

describe('batches refused by every other revision, and before initialize', () => {
  it.each(['2025-11-25', '2025-06-18', '2024-11-05', undefined])(
    'with %s: each request of the batch gets -32600 with its own id, and nothing runs',
    async (version) => {
      const client = await start(version);
      client.send([add(1, 1, 2), { jsonrpc: '2.0', id: 'two', method: 'ping' }, { jsonrpc: '2.0', method: 'x' }]);
      const answers = (await client.untilPing('after')) as { id: unknown; error: { code: number } }[];
      expect(answers.map((answer) => [answer.id, answer.error.code])).toEqual([
        [1, -32600],
        ['two', -32600],
      ]);
      expect(answers.every((answer) => !('result' in answer))).toBe(true);
    },
  );

  it('refuses a batch with no request to answer with one error without an id', async () => {
    const client = await start('2025-11-25');
    client.send('[]', '[{"jsonrpc":"2.0","method":"notifications/initialized"}]');
    const answers = await client.untilPing('after');
    expect(answers).toEqual([
      { jsonrpc: '2.0', error: { code: -32600, message: 'Invalid request: an empty batch' } },
      {
        jsonrpc: '2.0',
        error: {
          code: -32600,
          message:
            'Invalid request: a JSON-RPC batch, which MCP allows only in protocol revision 2025-03-26, after initialize',
        },
      },
    ]);
  });
});

describe('error answers never carry "id": null', () => {
  it.each(['2025-11-25', '2025-03-26'])('with %s: an unreadable id is left out, a readable one echoed', async (v) => {
    const client = await start(v);
    client.send(
      '{"jsonrpc":"2.0","id":1,"method":',
      'plain text',
      '{"jsonrpc":"2.0","id":null,"method":"ping"}',
      '{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}',
      '{"jsonrpc":"1.0","id":"x","method":"ping"}',
    );
    const answers = (await client.untilPing('after')) as { id?: unknown; error: { code: number } }[];
    expect(answers.map((answer) => [answer.id, answer.error.code])).toEqual([
      [undefined, -32700],
      [undefined, -32700],
      [undefined, -32600],
      [undefined, -32600],
      ['x', -32600],
    ]);
    // On the wire itself, not just after parsing: no line has a null id.
    expect(client.seen.filter((line) => /"id":\s*null/.test(line))).toEqual([]);
  });
});
