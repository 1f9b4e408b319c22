/**
 * Replicas over real processes: load spreads to the least busy replica, a replica that dies fails its in-flight
 * call with the reason and is replaced, and a one-shot call starts a single process.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/host/config.js';
import { Host } from '../../../src/host/host.js';
import type { McpHostError } from '../../../src/protocol/errors.js';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const fixture = (name: string) => path.join(REPO_ROOT, 'dist/test/fixtures/servers', `${name}.js`);

const hosts: Host[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.closeAll()));
});

function makeHost(
  servers: Record<string, unknown>,
  onReplicaRestart?: (server: string, replica: number, reason: McpHostError) => void,
) {
  const config = parseConfig(
    JSON.stringify({ mcpServers: servers }),
    path.join(REPO_ROOT, 'replicas.json'),
    process.env,
  );
  const host = new Host({ config, env: process.env, timeoutMs: 10_000, onReplicaRestart });
  hosts.push(host);
  return host;
}

describe('replicas', () => {
  it('starts only one replica for one-shot work, all of them on request', async () => {
    const host = makeHost({ sink: { command: process.execPath, args: [fixture('kitchen-sink')], replicas: 3 } });
    await host.callTool('sink.add', { a: 1, b: 1 });
    expect(host.replicaStats('sink').map((replica) => replica.state)).toEqual(['ready', 'closed', 'closed']);
    await host.startAll(['sink']);
    const stats = host.replicaStats('sink');
    expect(stats.map((replica) => replica.state)).toEqual(['ready', 'ready', 'ready']);
    expect(new Set(stats.map((replica) => replica.pid)).size).toBe(3);
  });

  it('sends each request to the replica with the fewest in flight', async () => {
    const host = makeHost({ sink: { command: process.execPath, args: [fixture('kitchen-sink')], replicas: 3 } });
    await host.startAll(['sink']);
    // 9 slow calls at once: each replica should take 3.
    await Promise.all(Array.from({ length: 9 }, () => host.callTool('sink.count', { to: 2, stepMs: 30 })));
    expect(host.replicaStats('sink').map((replica) => replica.completed)).toEqual([3, 3, 3]);
  });

  it('fails the in-flight call of a replica that dies, then replaces it', async () => {
    const restarts: string[] = [];
    const host = makeHost(
      { crashy: { command: process.execPath, args: [fixture('crash-mid-call')], replicas: 2 } },
      (server, replica, reason) => restarts.push(`${server}#${replica}: ${reason.code}`),
    );
    await host.startAll(['crashy']);
    const before = host.replicaStats('crashy').map((replica) => replica.pid);
    const error = await host.callTool('crashy.crash', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SERVER_EXITED', context: { exitCode: 3 } });
    await expect
      .poll(() => host.replicaStats('crashy').every((replica) => replica.state === 'ready'), { timeout: 5_000 })
      .toBe(true);
    const after = host.replicaStats('crashy');
    expect(after.reduce((sum, replica) => sum + replica.restarts, 0)).toBe(1);
    expect(after.map((replica) => replica.pid)).not.toEqual(before);
    expect(restarts).toEqual([expect.stringMatching(/^crashy#[01]: SERVER_EXITED$/)]);
    const echo = await host.callTool('crashy.echo', { text: 'still here' });
    expect(echo.content).toEqual([{ type: 'text', text: 'still here' }]);
  });

  it('gives up on a replica that keeps dying, reporting why', async () => {
    const host = makeHost({ broken: { command: process.execPath, args: [fixture('crash-on-start')], replicas: 2 } });
    const results = await host.startAll(['broken']);
    expect(results[0]).toMatchObject({ ok: false, error: { code: 'SERVER_EXITED' } });
    expect(host.replicaStats('broken').map((replica) => replica.state)).toEqual(['failed', 'failed']);
    expect(host.replicaStats('broken')[0]!.lastError).toMatch(/exited with code 1/);
  });
});
