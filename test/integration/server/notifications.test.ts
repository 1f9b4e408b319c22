/**
 * Notifications that one server sends to many sessions: a resource update reaches only the sessions subscribed to
 * that URI, and a list change reaches every session that was told the list can change.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as z from 'zod';
import { defineServer } from '../../../src/server/index.js';
import type { McpServer } from '../../../src/server/index.js';
import { connectPeer } from './session-peer.js';
import type { Peer } from './session-peer.js';

let servers: McpServer[] = [];
afterEach(() => {
  servers.forEach((server) => server.close());
  servers = [];
});

function makeServer(): McpServer {
  const server = defineServer({ name: 'many', version: '1', resourceSubscriptions: true });
  server.resource({ uri: 'many://a', name: 'a' }, () => ({ text: 'a' }));
  server.resource({ uri: 'many://b', name: 'b' }, () => ({ text: 'b' }));
  server.tool('first', { description: 'The first tool', input: z.object({}) }, () => 'first');
  servers.push(server);
  return server;
}

const methods = (peer: Peer) => peer.notifications.map((notification) => notification.method);

/** Every notification sent before this ping's answer has arrived once the answer has (answers keep their order). */
async function settled(...peers: Peer[]): Promise<void> {
  await Promise.all(peers.map((peer) => peer.connection.request('ping', undefined)));
}

describe('notifications across sessions', () => {
  it('sends resources/updated to the sessions subscribed to that URI only', async () => {
    const server = makeServer();
    const [a, b, none] = await Promise.all([connectPeer(server), connectPeer(server), connectPeer(server)]);
    await a.connection.request('resources/subscribe', { uri: 'many://a' });
    await b.connection.request('resources/subscribe', { uri: 'many://b' });
    await server.notifyResourceUpdated('many://a');
    await settled(a, b, none);
    expect(a.notifications).toEqual([{ method: 'notifications/resources/updated', params: { uri: 'many://a' } }]);
    expect(b.notifications).toEqual([]);
    expect(none.notifications).toEqual([]);
    await a.connection.request('resources/unsubscribe', { uri: 'many://a' });
    await server.notifyResourceUpdated('many://a');
    await settled(a);
    expect(a.notifications).toHaveLength(1);
  });

  it('sends one list_changed per kind to every session, however many changes one turn makes', async () => {
    const server = makeServer();
    const peers = await Promise.all([connectPeer(server), connectPeer(server), connectPeer(server)]);
    server.tool('second', { description: 'Another', input: z.object({}) }, () => 'second');
    const third = server.tool('third', { description: 'Another', input: z.object({}) }, () => 'third');
    third.disable();
    server.resource({ uri: 'many://c', name: 'c' }, () => ({ text: 'c' }));
    const expected = ['notifications/resources/list_changed', 'notifications/tools/list_changed'];
    for (const peer of peers) await vi.waitFor(() => expect(methods(peer).sort()).toEqual(expected));
    // And no second one after them.
    await settled(...peers);
    for (const peer of peers) expect(methods(peer).sort()).toEqual(expected);
  });

  it('a session closed early is skipped; the others still hear of changes', async () => {
    const server = makeServer();
    const [gone, kept] = await Promise.all([connectPeer(server), connectPeer(server)]);
    gone.connection.close();
    await vi.waitFor(() => expect(gone.session.connection.isClosed).toBe(true));
    server.tool('later', { description: 'Later', input: z.object({}) }, () => 'later');
    await vi.waitFor(() => expect(methods(kept)).toEqual(['notifications/tools/list_changed']));
    expect(gone.notifications).toEqual([]);
  });

  it('no prompts/list_changed to a session that was not told of prompts; a later session is', async () => {
    const server = makeServer();
    const early = await connectPeer(server);
    expect(early.initialize.capabilities.prompts).toBeUndefined();
    server.prompt('hello', { description: 'Says hello' }, () => 'hello');
    const late = await connectPeer(server);
    expect(late.initialize.capabilities.prompts).toEqual({ listChanged: true });
    server.prompt('bye', { description: 'Says bye' }, () => 'bye');
    await vi.waitFor(() => expect(methods(late)).toEqual(['notifications/prompts/list_changed']));
    await settled(early);
    expect(methods(early)).toEqual([]);
  });
});
