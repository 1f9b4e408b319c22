/**
 * The result cache over a real server: read-only tool results and resource reads are kept for the TTL per
 * canonical arguments; what is not read-only never is; list_changed and resources/updated invalidate.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/host/config.js';
import { Host } from '../../../src/host/host.js';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const CACHEABLE = path.join(REPO_ROOT, 'dist/test/fixtures/servers/cacheable.js');

const hosts: Host[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.closeAll()));
});

function makeHost(cache?: { ttlMs: number }): Host {
  const entry = { command: process.execPath, args: [CACHEABLE], ...(cache && { cache }) };
  const config = parseConfig(
    JSON.stringify({ mcpServers: { c: entry } }),
    path.join(REPO_ROOT, 'cache.json'),
    process.env,
  );
  const host = new Host({ config, env: process.env, timeoutMs: 10_000 });
  hosts.push(host);
  return host;
}

const count = async (host: Host, tool: string, args: Record<string, unknown> = {}) =>
  ((await host.callTool(`c.${tool}`, args)).structuredContent as { count: number }).count;

const note = async (host: Host) => {
  const content = (await host.readResource('c', 'cacheable://note')).contents[0] as { text: string };
  return content.text;
};

describe('result cache', () => {
  it('answers a read-only tool from the cache within the TTL', async () => {
    const host = makeHost({ ttlMs: 60_000 });
    expect(await count(host, 'counter')).toBe(1);
    expect(await count(host, 'counter')).toBe(1);
  });

  it('never caches a tool that is not read-only', async () => {
    const host = makeHost({ ttlMs: 60_000 });
    expect(await count(host, 'counter_uncached')).toBe(1);
    expect(await count(host, 'counter_uncached')).toBe(2);
  });

  it('caches nothing without a cache in the config', async () => {
    const host = makeHost();
    expect(await count(host, 'counter')).toBe(1);
    expect(await count(host, 'counter')).toBe(2);
  });

  // The edge of the TTL is shown on an injected clock in test/unit/host/result-cache.test.ts; here, that the host
  // calls the server again once the entry has expired, whenever that is.
  it('expires entries after the TTL', async () => {
    const host = makeHost({ ttlMs: 50 });
    expect(await count(host, 'counter')).toBe(1);
    await expect.poll(async () => count(host, 'counter'), { timeout: 10_000 }).toBe(2);
  });

  it('drops cached tool results when the server says its tools changed', async () => {
    const host = makeHost({ ttlMs: 60_000 });
    expect(await count(host, 'counter')).toBe(1);
    await host.callTool('c.change_tools', {});
    await expect.poll(async () => count(host, 'counter')).toBe(2);
  });

  it('caches resource reads until the resource is updated', async () => {
    const host = makeHost({ ttlMs: 60_000 });
    expect(await note(host)).toBe('note 1');
    expect(await note(host)).toBe('note 1');
    await host.callTool('c.touch_note', {});
    await expect.poll(async () => note(host)).toBe('note 2');
  });
});
