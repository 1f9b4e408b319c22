import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { McpHostError } from '../../../src/protocol/errors.js';
import { StdioTransport } from '../../../src/protocol/stdio/stdio-transport.js';
import type { UnreadableInput } from '../../../src/protocol/transport.js';
import type { JsonRpcMessage } from '../../../src/protocol/types.js';

/** A transport reading a real PassThrough, collecting what it delivers. */
function makeReader(maxMessageBytes?: number) {
  const stream = new PassThrough();
  const out = new PassThrough();
  const transport = new StdioTransport(stream, out, { maxMessageBytes });
  // Loosely typed so tests can read fields of any message shape.
  const messages: { id?: number; params?: { text: string } }[] = [];
  const unreadable: UnreadableInput[] = [];
  const errors: Error[] = [];
  let closedWith: Error | undefined | 'open' = 'open';
  let inputEnded = false;
  transport.start({
    onMessage: (value) => messages.push(value as (typeof messages)[number]),
    onUnreadable: (input) => unreadable.push(input),
    onError: (error) => errors.push(error),
    onInputEnded: () => (inputEnded = true),
    onClose: (reason) => (closedWith = reason),
  });
  return {
    stream,
    transport,
    messages,
    unreadable,
    errors,
    isClosed: () => closedWith !== 'open',
    closeReason: () => (closedWith === 'open' ? undefined : closedWith),
    isInputEnded: () => inputEnded,
  };
}

/** A transport writing to a real PassThrough, collecting each chunk written. */
function makeWriter() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
  const transport = new StdioTransport(new PassThrough(), stream);
  const closes: (Error | undefined)[] = [];
  transport.start({
    onMessage: () => undefined,
    onUnreadable: () => undefined,
    onError: () => undefined,
    onInputEnded: () => undefined,
    onClose: (reason) => closes.push(reason),
  });
  return { stream, chunks, transport, closes };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));
const request = (id: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ jsonrpc: '2.0', id, method: 'ping', ...extra });

describe('StdioTransport reading', () => {
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
    expect(r.unreadable).toEqual([]);
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
    expect(r.unreadable).toHaveLength(2);
    expect(r.unreadable[0]).toMatchObject({ couldBeRequest: false, preview: 'Starting server...' });
    expect(r.unreadable[0]!.reason).toMatch(/^not valid JSON/);
    expect(r.unreadable[1]).toMatchObject({ couldBeRequest: true });
    expect(r.isClosed()).toBe(false);
  });

  it('delivers any JSON value: the connection decides what is a message', async () => {
    const r = makeReader();
    r.stream.write('{"jsonrpc":"1.0","id":7,"method":"x"}\n[1,2]\n42\n');
    await tick();
    expect(r.messages).toEqual([{ jsonrpc: '1.0', id: 7, method: 'x' }, [1, 2], 42]);
    expect(r.unreadable).toEqual([]);
  });

  it('delivers a last line that has no newline when the input ends', async () => {
    const r = makeReader();
    r.stream.end(request(9));
    await tick();
    expect(r.messages.map((m) => m.id)).toEqual([9]);
    expect(r.isInputEnded()).toBe(true);
  });

  it('fails and closes past the size limit, naming the limit, without buffering the rest', async () => {
    const r = makeReader(1024);
    r.stream.write(request(1) + '\n');
    for (let i = 0; i < 10; i++) r.stream.write('x'.repeat(512)); // no newline: a flood
    await tick();
    expect(r.messages).toHaveLength(1);
    const error = r.closeReason() as McpHostError;
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
    expect((r.closeReason() as McpHostError).code).toBe('MESSAGE_TOO_LARGE');
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

  it('tells the sink when the input ends, and can still send until closed', async () => {
    const r = makeReader();
    r.stream.end();
    await tick();
    expect(r.isInputEnded()).toBe(true);
    expect(r.isClosed()).toBe(false);
    await r.transport.send({ jsonrpc: '2.0', id: 1, result: {} });
    r.transport.close();
    expect(r.isClosed()).toBe(true);
    await expect(r.transport.send({ jsonrpc: '2.0', id: 2, result: {} })).rejects.toThrow(/closed/);
  });
});

describe('StdioTransport writing', () => {
  const result = (id: number): JsonRpcMessage => ({ jsonrpc: '2.0', id, result: {} });

  it('writes one line per message, batching a burst into one write', async () => {
    const w = makeWriter();
    await Promise.all([1, 2, 3].map((id) => w.transport.send(result(id))));
    await tick();
    expect(w.chunks).toHaveLength(1);
    expect(w.chunks[0]!.split('\n')).toEqual([
      '{"jsonrpc":"2.0","id":1,"result":{}}',
      '{"jsonrpc":"2.0","id":2,"result":{}}',
      '{"jsonrpc":"2.0","id":3,"result":{}}',
      '',
    ]);
  });

  it('writes a long burst in batches of 16 lines, in order, every write settled', async () => {
    const w = makeWriter();
    const ids = Array.from({ length: 40 }, (_, i) => i + 1);
    await Promise.all(ids.map((id) => w.transport.send(result(id))));
    await tick();
    expect(w.chunks.map((chunk) => chunk.split('\n').length - 1)).toEqual([16, 16, 8]);
    const written = w.chunks.join('').trimEnd().split('\n');
    expect(written.map((line) => (JSON.parse(line) as { id: number }).id)).toEqual(ids);
  });

  it('sends what was queued before close()', async () => {
    const w = makeWriter();
    const sent = w.transport.send(result(1));
    w.transport.close();
    await sent;
    await tick();
    expect(w.chunks.join('')).toBe('{"jsonrpc":"2.0","id":1,"result":{}}\n');
  });

  it('closes with the stream error when the peer is gone (EPIPE), instead of crashing', async () => {
    const w = makeWriter();
    w.stream.destroy(new Error('EPIPE'));
    await tick();
    expect(w.closes.map((reason) => reason?.message)).toEqual(['EPIPE']);
    await expect(w.transport.send(result(1))).rejects.toThrow(/closed/);
  });
});
