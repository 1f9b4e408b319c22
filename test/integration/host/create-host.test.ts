/**
 * The host as a library, used the way a consumer of the package would: only the public exports (`mcp-host` is
 * src/index.ts, `mcp-host/server` is src/server/index.ts). A host built from a plain object, with servers that run
 * in this very process over in-memory transports, reached through a connector of the test's own; and a real stdio
 * server beside them through the default connector.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { createHost, isMcpHostError, stdioConnector, transportConnector } from '../../../src/index.js';
import type { CatalogChange, Host, ServerConnector } from '../../../src/index.js';
import { createMemoryTransportPair, defineServer } from '../../../src/server/index.js';
import type { McpServer } from '../../../src/server/index.js';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const hosts: Host[] = [];
const servers: McpServer[] = [];

afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.closeAll()));
  for (const server of servers.splice(0)) server.close();
});

function notesServer(): McpServer {
  const server = defineServer({ name: 'notes', version: '1.0.0', instructions: 'Keeps notes' });
  const notes: string[] = [];
  server.tool('add_note', { description: 'Adds a note', input: z.strictObject({ text: z.string() }) }, ({ text }) => {
    notes.push(text);
    return `${notes.length} notes`;
  });
  server.tool('count', { description: 'Counts notes', input: z.object({}), annotations: { readOnlyHint: true } }, () =>
    String(notes.length),
  );
  server.resource({ uri: 'notes://all', name: 'all', mimeType: 'text/plain' }, () => ({ text: notes.join('\n') }));
  server.prompt('summarize', { description: 'Summarize the notes' }, () => `Summarize: ${notes.join('; ')}`);
  servers.push(server);
  return server;
}

/** The test's own connector: each replica is a session of an in-process server, over an in-memory pair. */
function inProcess(byName: Record<string, McpServer>): ServerConnector {
  return transportConnector(({ config }) => {
    const server = byName[config.name];
    if (!server) throw new Error(`no in-process server ${config.name}`);
    const [clientSide, serverSide] = createMemoryTransportPair();
    server.connect(serverSide);
    return clientSide;
  });
}

describe('createHost', () => {
  it('builds a host from a plain object and a connector of its own, with everything in one catalog', async () => {
    const notes = notesServer();
    const host = createHost({
      // `command` says nothing to this connector, but the entry is checked as a config file's would be.
      servers: { notes: { command: 'in-process' } },
      connectors: { stdio: inProcess({ notes }) },
    });
    hosts.push(host);

    await expect(host.callTool('notes.add_note', { text: 'buy milk' })).resolves.toMatchObject({
      content: [{ type: 'text', text: '1 notes' }],
    });
    const catalog = await host.catalog();
    expect(catalog.failures).toEqual([]);
    expect(catalog.tools.map((entry) => entry.qualifiedName)).toEqual(['notes.add_note', 'notes.count']);
    expect(catalog.tools[1]!.value.annotations).toEqual({ readOnlyHint: true });
    expect(catalog.resources.map((entry) => [entry.server, entry.value.uri])).toEqual([['notes', 'notes://all']]);
    expect(catalog.prompts.map((entry) => entry.qualifiedName)).toEqual(['notes.summarize']);
    await expect(host.readResource('notes', 'notes://all')).resolves.toMatchObject({
      contents: [{ text: 'buy milk' }],
    });
  });

  it('hears when a server changes its lists, and lists it anew', async () => {
    const notes = notesServer();
    const host = createHost({ servers: { notes: { command: 'x' } }, connectors: { stdio: inProcess({ notes }) } });
    hosts.push(host);
    expect((await host.catalog()).tools).toHaveLength(2);
    const changes: CatalogChange[] = [];
    const changed = new Promise<void>((resolve) =>
      host.onCatalogChange((change) => {
        changes.push(change);
        resolve();
      }),
    );
    notes.tool('clear', { description: 'Forgets every note', input: z.object({}) }, () => 'cleared');
    await changed;
    expect(changes).toEqual([{ server: 'notes', kind: 'tools' }]);
    expect((await host.catalog()).tools.map((entry) => entry.qualifiedName)).toContain('notes.clear');
  });

  it('serves an in-process server and a real stdio server side by side, and a call can be aborted', async () => {
    const notes = notesServer();
    const slow = defineServer({ name: 'slow', version: '1.0.0' });
    slow.tool('wait', { description: 'Waits until cancelled', input: z.object({}) }, async (_args, ctx) => {
      if (!ctx.signal.aborted) await new Promise((resolve) => ctx.signal.addEventListener('abort', resolve));
      return 'cancelled';
    });
    servers.push(slow);
    const fixture = path.join(REPO_ROOT, 'test/fixtures/servers/kitchen-sink.ts');
    const spawn = stdioConnector(process.env);
    const host = createHost({
      servers: {
        kitchen: { command: process.execPath, args: ['--import', 'tsx', fixture], cwd: REPO_ROOT },
        notes: { command: 'x' },
        slow: { command: 'x' },
      },
      connectors: {
        // The default connector for real processes, this test's for the rest.
        stdio: (request) => (request.config.name === 'kitchen' ? spawn(request) : inProcess({ notes, slow })(request)),
      },
    });
    hosts.push(host);
    const catalog = await host.catalog();
    expect(catalog.failures).toEqual([]);
    expect(new Set(catalog.tools.map((entry) => entry.server))).toEqual(new Set(['kitchen', 'notes', 'slow']));

    const controller = new AbortController();
    const call = host.callTool('slow.wait', {}, { signal: controller.signal });
    setImmediate(() => controller.abort('enough'));
    const error = await call.catch((e: unknown) => e);
    expect(isMcpHostError(error, 'CANCELLED')).toBe(true);
  });

  it('lists the tools again after a failed listing, instead of keeping the failure', async () => {
    const notes = notesServer();
    let toolListings = 0;
    const host = createHost({
      servers: { notes: { command: 'in-process' } },
      connectors: {
        stdio: transportConnector(() => {
          const [clientSide, serverSide] = createMemoryTransportPair();
          // The server's side of the pair answers its first tools/list with an error, as a busy server might.
          notes.connect({
            start: (sink) =>
              serverSide.start({
                ...sink,
                onMessage: (value) => {
                  const message = value as { id?: number; method?: string };
                  if (message.method === 'tools/list' && toolListings++ === 0) {
                    void serverSide.send({ jsonrpc: '2.0', id: message.id!, error: { code: -32603, message: 'busy' } });
                  } else sink.onMessage(value);
                },
              }),
            send: (message) => serverSide.send(message),
            close: () => serverSide.close(),
          });
          return clientSide;
        }),
      },
    });
    hosts.push(host);
    await expect(host.findTool('notes', 'count')).rejects.toMatchObject({ code: 'SERVER_ERROR' });
    await expect(host.findTool('notes', 'count')).resolves.toMatchObject({ annotations: { readOnlyHint: true } });
    expect(toolListings).toBe(2);
  });

  it("reports an exception of the host's own code as INTERNAL, never as the server's protocol violation", async () => {
    const host = createHost({
      servers: { notes: { command: 'in-process' } },
      connectors: {
        stdio: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'client')")),
      },
    });
    hosts.push(host);
    const [ping] = await host.ping(['notes']);
    expect(ping).toMatchObject({ name: 'notes', ok: false, error: { code: 'INTERNAL', context: { server: 'notes' } } });
    expect(ping?.ok === false && ping.error.cause).toBeInstanceOf(TypeError);
  });

  it('reports a pipe that breaks during the handshake as the connection closing, not as a bug', async () => {
    const notes = notesServer();
    const host = createHost({
      servers: { notes: { command: 'in-process' } },
      connectors: {
        stdio: transportConnector(() => {
          const [clientSide, serverSide] = createMemoryTransportPair();
          notes.connect(serverSide);
          // The stream under the transport fails the last message of the handshake, as a pipe to a dead process does.
          return {
            start: (sink) => clientSide.start(sink),
            send: (message) =>
              'method' in message && message.method === 'notifications/initialized'
                ? Promise.reject(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))
                : clientSide.send(message),
            close: () => clientSide.close(),
          };
        }),
      },
    });
    hosts.push(host);
    const [ping] = await host.ping(['notes']);
    expect(ping).toMatchObject({ ok: false, error: { code: 'CONNECTION_CLOSED', context: { server: 'notes' } } });
  });

  it('refuses a name that is not server.tool, and a server it has no connector for', async () => {
    const host = createHost({ servers: { remote: { url: 'http://127.0.0.1:9/mcp' } } });
    hosts.push(host);
    await expect(host.callTool('remote', {})).rejects.toMatchObject({ code: 'USAGE' });
    await expect(host.callTool('remote.tool', {})).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringContaining('no connector for http servers') as unknown,
    });
  });

  it('checks plain server entries as a config file, naming the field', () => {
    expect(() => createHost({ servers: { bad: { command: 42 } } })).toThrow(/servers: mcpServers\.bad\.command/);
  });
});
