/**
 * The pool's own logic (which slot serves, when a failed one is tried again), with links that stand for started
 * replicas. Real processes are exercised in test/integration/host/replicas.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { McpClient } from '../../../src/client/index.js';
import { ServerPool } from '../../../src/host/server-pool.js';
import type { ReplicaLink } from '../../../src/host/server-pool.js';
import { McpHostError } from '../../../src/protocol/errors.js';

function link(pid: number): ReplicaLink {
  return {
    client: {} as McpClient, // not used by the pool itself
    pid,
    gone: new Promise(() => {}),
    stderrTail: () => [],
    close: async () => {},
  };
}

const down = () => new McpHostError('SERVER_EXITED', 'Server s exited with code 1', { server: 's', exitCode: 1 });

describe('ServerPool', () => {
  it('tries a failed replica again once the cooldown has passed', async () => {
    let attempts = 0;
    let nowMs = 1_000;
    const pool = new ServerPool({
      name: 's',
      replicas: 1,
      failedRetryMs: 30_000,
      now: () => nowMs,
      start: () => (++attempts === 1 ? Promise.reject(down()) : Promise.resolve(link(42))),
    });
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'SERVER_EXITED' });
    expect(pool.stats()[0]).toMatchObject({ state: 'failed', lastError: 'Server s exited with code 1' });
    nowMs += 29_999;
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'SERVER_EXITED' }); // still cooling down
    expect(attempts).toBe(1);
    nowMs += 1;
    await expect(pool.acquire()).resolves.toMatchObject({ pid: 42, slot: 0 });
    expect(attempts).toBe(2);
    expect(pool.stats()[0]).toMatchObject({ state: 'ready', pid: 42 });
  });

  it('runs a burst on the least busy replicas', async () => {
    let pid = 100;
    const pool = new ServerPool({ name: 's', replicas: 2, start: () => Promise.resolve(link(pid++)) });
    await pool.startAll();
    const served: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const calls = Array.from({ length: 4 }, () =>
      pool.run(async ({ pid: replica }) => {
        served.push(replica!);
        await gate;
      }),
    );
    release();
    await Promise.all(calls);
    expect(served.sort()).toEqual([100, 100, 101, 101]);
    expect(pool.stats().map((stats) => stats.completed)).toEqual([2, 2]);
  });
});
