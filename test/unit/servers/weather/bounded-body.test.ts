/**
 * readBoundedBody on real fetch responses from an HTTP server on 127.0.0.1: the limit is exact, a Content-Length
 * over it is refused before reading, a compressed body is counted after decompression, and a refused body's
 * connection is closed.
 */

import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ResponseTooLargeError, readBoundedBody } from '../../../../servers/weather/bounded-body.js';

const LIMIT = 1000;

let origin: string;
let server: http.Server;
/** Resolves when the response to the last request closes. */
let lastClosed: Promise<void>;

beforeAll(async () => {
  server = http.createServer((request, response) => {
    lastClosed = once(response, 'close').then(() => undefined);
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const size = Number(url.searchParams.get('size') ?? 0);
    if (url.pathname === '/fixed') {
      response.writeHead(200, { 'content-length': size });
      response.end('a'.repeat(size));
    } else if (url.pathname === '/chunked') {
      // Many small writes, no Content-Length: only counting can stop it.
      response.writeHead(200);
      for (let sent = 0; sent < size; sent += 100) response.write('b'.repeat(Math.min(100, size - sent)));
      response.end();
    } else if (url.pathname === '/announced') {
      // One byte and nothing more: only the header can be judged.
      response.writeHead(200, { 'content-length': 10 * LIMIT });
      response.write('c');
    } else if (url.pathname === '/gzip') {
      response.writeHead(200, { 'content-encoding': url.searchParams.get('coding') ?? 'gzip' });
      response.end(zlib.gzipSync(' '.repeat(size)));
    } else if (url.pathname === '/empty') {
      response.writeHead(204);
      response.end();
    } else {
      response.writeHead(404);
      response.end();
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  server.close();
  await once(server, 'close');
});

async function read(pathAndQuery: string): Promise<Buffer> {
  return readBoundedBody(await fetch(`${origin}${pathAndQuery}`), LIMIT);
}

async function refusal(pathAndQuery: string): Promise<ResponseTooLargeError> {
  const error: unknown = await read(pathAndQuery).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ResponseTooLargeError);
  return error as ResponseTooLargeError;
}

describe('readBoundedBody', () => {
  it('reads a body of exactly the limit, with or without a Content-Length', async () => {
    expect((await read(`/fixed?size=${LIMIT}`)).toString()).toBe('a'.repeat(LIMIT));
    expect((await read(`/chunked?size=${LIMIT}`)).toString()).toBe('b'.repeat(LIMIT));
  });

  it('refuses one byte more while reading, and closes the connection', async () => {
    const error = await refusal(`/chunked?size=${LIMIT + 1}`);
    expect(error).toMatchObject({ limitBytes: LIMIT, announcedBytes: undefined, decodedCodings: undefined });
    await lastClosed;
  });

  it('refuses a Content-Length over the limit before reading, and closes the connection', async () => {
    expect(await refusal('/announced')).toMatchObject({ limitBytes: LIMIT, announcedBytes: 10 * LIMIT });
    await lastClosed;
    expect((await refusal(`/fixed?size=${LIMIT + 1}`)).announcedBytes).toBe(LIMIT + 1);
  });

  it('counts a gzipped body after decompression and names the coding', async () => {
    // 50 bytes on the wire, 100 000 once inflated.
    const error = await refusal('/gzip?size=100000');
    expect(error.announcedBytes).toBeUndefined();
    expect(error.decodedCodings).toBe('gzip');
    expect((await read(`/gzip?size=${LIMIT}`)).toString()).toBe(' '.repeat(LIMIT));
  });

  it('counts the bytes as sent under a coding fetch does not decode, and does not repeat its name', async () => {
    const raw = await read('/gzip?size=100000&coding=gzip,%20x-evil');
    expect([...raw.subarray(0, 2)]).toEqual([0x1f, 0x8b]); // still gzip: fetch left it alone
    // 10 MB of spaces are about 10 KB gzipped: over the limit as sent.
    const error = await refusal('/gzip?size=10000000&coding=gzip,%20x-evil');
    expect(error.decodedCodings).toBeUndefined();
  });

  it('reads an empty body as no bytes', async () => {
    expect((await read('/empty')).length).toBe(0);
  });
});
