/**
 * Declare what is served, serve what is declared: a method whose capability the server did not declare is not
 * found (-32601), and every declared one is served. Checked on sessions in this process and on the bundled
 * servers over real stdio.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { WireError } from '../../../src/protocol/errors.js';
import type { ClientRequests, ParamsOf } from '../../../src/protocol/methods.js';
import type { ServerCapabilities } from '../../../src/protocol/types.js';
import { defineServer } from '../../../src/server/index.js';
import type { McpServer } from '../../../src/server/index.js';
import { startStdioServer } from '../../helpers/stdio-server.js';
import type { StdioServer, TestConnection } from '../../helpers/stdio-server.js';
import { connectPeer } from './session-peer.js';

/** Each method a client may send that needs a capability, a request for it, and the capability it needs. */
const GATED: {
  [M in keyof ClientRequests]?: { params: ParamsOf<ClientRequests, M>; needs: (c: ServerCapabilities) => unknown };
} = {
  'tools/list': { params: undefined, needs: (c) => c.tools },
  'tools/call': { params: { name: 'nothing', arguments: {} }, needs: (c) => c.tools },
  'resources/list': { params: undefined, needs: (c) => c.resources },
  'resources/templates/list': { params: undefined, needs: (c) => c.resources },
  'resources/read': { params: { uri: 'nothing://here' }, needs: (c) => c.resources },
  'resources/subscribe': { params: { uri: 'nothing://here' }, needs: (c) => c.resources?.subscribe },
  'resources/unsubscribe': { params: { uri: 'nothing://here' }, needs: (c) => c.resources?.subscribe },
  'prompts/list': { params: undefined, needs: (c) => c.prompts },
  'prompts/get': { params: { name: 'nothing' }, needs: (c) => c.prompts },
  'completion/complete': {
    params: { ref: { type: 'ref/prompt', name: 'nothing' }, argument: { name: 'x', value: '' } },
    needs: (c) => c.completions,
  },
  'logging/setLevel': { params: { level: 'info' }, needs: (c) => c.logging },
};

/** For every gated method: whether the server declared its capability, and whether it answered -32601. */
async function probe(connection: TestConnection, capabilities: ServerCapabilities) {
  const rows: { method: string; isDeclared: boolean; isNotFound: boolean }[] = [];
  for (const [method, { params, needs }] of Object.entries(GATED)) {
    const error = await connection.request(method as keyof ClientRequests, params as never, { timeoutMs: 10_000 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    const isNotFound = error instanceof WireError && error.code === -32601;
    rows.push({ method, isDeclared: Boolean(needs(capabilities)), isNotFound });
  }
  return rows;
}

/** The rows whose answer disagrees with the declaration: declared yet not found, or not declared yet served. */
function disagreements(rows: Awaited<ReturnType<typeof probe>>): string[] {
  return rows
    .filter((row) => row.isDeclared === row.isNotFound)
    .map((row) => `${row.method}: ${row.isDeclared ? 'declared but -32601' : 'served but not declared'}`);
}

describe('in this process', () => {
  let servers: McpServer[] = [];
  afterEach(() => {
    servers.forEach((server) => server.close());
    servers = [];
  });
  function make(options: Parameters<typeof defineServer>[0]): McpServer {
    const server = defineServer(options);
    servers.push(server);
    return server;
  }

  it('a server of tools only answers every resource, prompt and completion method with -32601', async () => {
    const server = make({ name: 'tools-only', version: '1' });
    server.tool('echo', { description: 'Echoes', input: z.object({}) }, () => 'echo');
    const peer = await connectPeer(server);
    expect(peer.initialize.capabilities).toEqual({ logging: {}, tools: { listChanged: true } });
    const rows = await probe(peer.connection, peer.initialize.capabilities);
    expect(disagreements(rows)).toEqual([]);
    expect(rows.filter((row) => row.isNotFound).map((row) => row.method)).toEqual([
      'resources/list',
      'resources/templates/list',
      'resources/read',
      'resources/subscribe',
      'resources/unsubscribe',
      'prompts/list',
      'prompts/get',
      'completion/complete',
    ]);
  });

  it('resources without resourceSubscriptions: subscribe and unsubscribe are not found', async () => {
    const server = make({ name: 'resources', version: '1' });
    server.resource({ uri: 'a://b', name: 'b' }, () => ({ text: 'b' }));
    const peer = await connectPeer(server);
    expect(peer.initialize.capabilities.resources).toEqual({ listChanged: true });
    expect(disagreements(await probe(peer.connection, peer.initialize.capabilities))).toEqual([]);
  });

  it('what is declared up front (`declare`, `resourceSubscriptions`) is served while nothing is registered', async () => {
    const server = make({
      name: 'later',
      version: '1',
      declare: { tools: true, resources: true, prompts: true },
      resourceSubscriptions: true,
    });
    const peer = await connectPeer(server);
    expect(peer.initialize.capabilities).toEqual({
      logging: {},
      tools: { listChanged: true },
      resources: { listChanged: true, subscribe: true },
      prompts: { listChanged: true },
    });
    expect(disagreements(await probe(peer.connection, peer.initialize.capabilities))).toEqual([]);
  });
});

describe('the bundled servers, over stdio', () => {
  let tmp: string;
  const started: StdioServer[] = [];
  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'capabilities-'));
  });
  afterAll(async () => {
    await Promise.all(started.map((server) => server.close()));
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it.each([
    ['weather', {}],
    ['database', { DATABASE_PATH: 'demo.db' }],
    ['email', { EMAIL_STORE: 'outbox' }],
  ])('%s serves exactly what it declares', async (name, env: Record<string, string>) => {
    const inTmp = Object.fromEntries(Object.entries(env).map(([key, file]) => [key, path.join(tmp, name, file)]));
    const server = await startStdioServer(`dist/servers/${name}/index.js`, inTmp);
    started.push(server);
    expect(disagreements(await probe(server.connection, server.initialize.capabilities))).toEqual([]);
  });
});
