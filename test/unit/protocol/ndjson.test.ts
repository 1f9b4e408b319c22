import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message } from 'vscode-jsonrpc/node';
import { McpHostError } from '../../../src/protocol/errors.js';
import { NdjsonMessageReader, NdjsonMessageWriter } from '../../../src/protocol/ndjson.js';
import type { InvalidLine } from '../../../src/protocol/ndjson.js';

/** A reader over a real PassThrough, collecting what it reads. */
function makeReader(maxMessageBytes?: number) {
  const stream = new PassThrough();
  const reader = new NdjsonMessageReader(stream, { maxMessageBytes });
  // Loosely typed so tests can read fields of any message shape.
  const messages: { id?: number; params?: { text: string } }[] = [];
  const invalid: InvalidLine[] = [];
  const errors: Error[] = [];
  let closed = false;
  reader.onInvalidLine((line) => invalid.push(line));
  reader.onError((error) => errors.push(error));
  reader.onClose(() => (closed = true));
  reader.listen((message) => messages.push(message as unknown as (typeof messages)[number]));
  return { stream, reader, messages, invalid, errors, isClosed: () => closed };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const request = (id: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'ping', ...extra });

describe('NdjsonMessageReader', () => {
  let cleanup: (() => void)[] = [];
  afterEach(() => {
    cleanup.forEach((fn) => fn());
    cleanup = [];
  });

  it('joins a message split across many chunks', async () => {
    const r = makeReader();
    const line = request(1, { params: { text: 'x'.repeat(1000) } }) + '\n';
    for (let i = 0; i < line.length; i += 7) r.stream.write(line.slice(i, i + 7));
    await tick();
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]!.params!.text).toHaveLength(1000);
  });

  it('reads many messages from one chunk, in order', async () => {
    const r = makeReader();
    r.stream.write([1, 2, 3, 4, 5].map((id) => request(id)).join('\n') + '\n');
    await tick();
    expect(r.messages.map((m) => m.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('accepts CRLF endings and skips blank lines', async () => {
    const r = makeReader();
    r.stream.write(`\r\n${request(1)}\r\n\n   \n${request(2)}\r\n`);
    await tick();
    expect(r.messages.map((m) => m.id)).toEqual([1, 2]);
    expect(r.invalid).toEqual([]);
  });

  it('decodes a multi-byte UTF-8 character split across chunks', async () => {
    const r = makeReader();
    const bytes = Buffer.from(request(1, { params: { text: 'héllo 東京 🌧' } }) + '\n', 'utf8');
    const cut = bytes.indexOf(Buffer.from('東', 'utf8')) + 1; // inside the 3-byte character
    r.stream.write(bytes.subarray(0, cut));
    r.stream.write(bytes.subarray(cut, cut + 3));
    r.stream.write(bytes.subarray(cut + 3));
    await tick();
    expect(r.messages[0]!.params!.text).toBe('héllo 東京 🌧');
  });

  it('reports a non-JSON line and goes on reading', async () => {
    const r = makeReader();
    r.stream.write(`Starting server...\n{"jsonrpc":"2.0","id":1,"method":\n${request(2)}\n`);
    await tick();
    expect(r.messages.map((m) => m.id)).toEqual([2]);
    expect(r.invalid).toHaveLength(2);
    expect(r.invalid[0]).toMatchObject({ kind: 'parse', couldBeRequest: false, preview: 'Starting server...' });
    expect(r.invalid[1]).toMatchObject({ kind: 'parse', couldBeRequest: true });
    expect(r.isClosed()).toBe(false);
  });

  it('reports JSON that is not a JSON-RPC message, keeping its id', async () => {
    const r = makeReader();
    r.stream.write('{"jsonrpc":"1.0","id":7,"method":"x"}\n[1,2]\n{"jsonrpc":"2.0","id":3,"result":1,"error":{}}\n');
    await tick();
    expect(r.messages).toEqual([]);
    expect(r.invalid.map((line) => [line.kind, line.id])).toEqual([
      ['envelope', 7],
      ['envelope', null],
      ['envelope', 3],
    ]);
    expect(r.invalid[0]!.reason).toContain('"jsonrpc": "2.0"');
  });

  it('fails and closes past the size limit, naming the limit, without buffering the rest', async () => {
    const r = makeReader(1024);
    r.stream.write(request(1) + '\n');
    for (let i = 0; i < 10; i++) r.stream.write('x'.repeat(512)); // no newline: a flood
    await tick();
    expect(r.messages).toHaveLength(1);
    expect(r.errors).toHaveLength(1);
    const error = r.errors[0] as McpHostError;
    expect(error).toBeInstanceOf(McpHostError);
    expect(error.code).toBe('MESSAGE_TOO_LARGE');
    expect(error.message).toContain('1024 bytes (1 KiB)');
    expect(r.isClosed()).toBe(true);
  });

  it('fails on an oversize line even when it arrives complete in one chunk', async () => {
    const r = makeReader(100);
    r.stream.write(request(1, { params: { text: 'y'.repeat(200) } }) + '\n');
    await tick();
    expect(r.messages).toHaveLength(0);
    expect((r.errors[0] as McpHostError).code).toBe('MESSAGE_TOO_LARGE');
  });

  it('reads a 50 MiB message arriving in 64 KiB chunks', async () => {
    const r = makeReader();
    const text = 'z'.repeat(50 * 1024 * 1024);
    const line = Buffer.from(request(1, { params: { text } }) + '\n');
    for (let i = 0; i < line.length; i += 65536) r.stream.write(line.subarray(i, i + 65536));
    await tick();
    expect(r.messages).toHaveLength(1);
    expect(r.messages[0]!.params!.text.length).toBe(text.length);
  });

  it('closes when the stream ends', async () => {
    const r = makeReader();
    r.stream.end();
    await tick();
    expect(r.isClosed()).toBe(true);
  });
});

describe('NdjsonMessageWriter', () => {
  it('writes one line per message, batching a burst into one write', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    const writer = new NdjsonMessageWriter(stream);
    await Promise.all([1, 2, 3].map((id) => writer.write({ jsonrpc: '2.0', id, result: {} } as Message)));
    await tick();
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.split('\n')).toEqual([
      '{"jsonrpc":"2.0","id":1,"result":{}}',
      '{"jsonrpc":"2.0","id":2,"result":{}}',
      '{"jsonrpc":"2.0","id":3,"result":{}}',
      '',
    ]);
  });

  it('writes a long burst in batches of 16 lines, in order, every write settled', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    const writer = new NdjsonMessageWriter(stream);
    const ids = Array.from({ length: 40 }, (_, i) => i + 1);
    await Promise.all(ids.map((id) => writer.write({ jsonrpc: '2.0', id, result: {} } as Message)));
    await tick();
    expect(chunks.map((chunk) => chunk.split('\n').length - 1)).toEqual([16, 16, 8]);
    const written = chunks.join('').trimEnd().split('\n');
    expect(written.map((line) => (JSON.parse(line) as { id: number }).id)).toEqual(ids);
  });

  it('drops the response to a request the peer cancelled', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
    const writer = new NdjsonMessageWriter(stream);
    writer.suppressResponse(5);
    await writer.write({ jsonrpc: '2.0', id: 5, result: {} } as Message);
    await writer.write({ jsonrpc: '2.0', id: 6, result: {} } as Message);
    await tick();
    expect(chunks.join('')).toBe('{"jsonrpc":"2.0","id":6,"result":{}}\n');
  });

  it('reports a write to a destroyed stream as an error instead of crashing', async () => {
    const stream = new PassThrough();
    const writer = new NdjsonMessageWriter(stream);
    const errors: Error[] = [];
    writer.onError(([error]) => errors.push(error));
    stream.destroy(new Error('EPIPE'));
    await tick();
    await expect(writer.write({ jsonrpc: '2.0', id: 1, result: {} } as Message)).rejects.toThrow(/closed/);
    expect(errors.map((e) => e.message)).toContain('EPIPE');
  });
});
