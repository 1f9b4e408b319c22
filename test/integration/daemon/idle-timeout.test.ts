/**
 * The daemon's idle timeout, on a clock the test advances by hand: the daemon runs in this process (real socket,
 * real servers), so the test can hand it the clock, and the stop is shown to happen exactly at the timeout, not
 * raced against a real one.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseConfig } from '../../../src/host/config.js';
import { requestControl } from '../../../src/cli/daemon/control.js';
import { daemonPaths } from '../../../src/cli/daemon/paths.js';
import type { DaemonPaths } from '../../../src/cli/daemon/paths.js';
import { startDaemon } from '../../../src/cli/daemon/server.js';
import type { Daemon, DaemonClock } from '../../../src/cli/daemon/server.js';
import type { DaemonStatus } from '../../../src/cli/daemon/wire.js';
import { expectAllGone, fixtureServer } from './harness.js';
import type { Config } from './harness.js';

/** A clock that moves only when told, firing what has come due. */
class ManualClock implements DaemonClock {
  private nowMs = Date.parse('2026-01-01T00:00:00Z');
  private nextId = 0;
  private readonly timers = new Map<number, { callback: () => void; dueMs: number }>();

  readonly now = (): number => this.nowMs;

  readonly schedule = (callback: () => void, delayMs: number): (() => void) => {
    const id = ++this.nextId;
    this.timers.set(id, { callback, dueMs: this.nowMs + delayMs });
    return () => this.timers.delete(id);
  };

  /** How long until each pending timer fires. */
  pendingDelays(): number[] {
    return [...this.timers.values()].map((timer) => timer.dueMs - this.nowMs);
  }

  advance(ms: number): void {
    this.nowMs += ms;
    for (const [id, timer] of [...this.timers]) {
      if (timer.dueMs > this.nowMs) continue;
      this.timers.delete(id);
      timer.callback();
    }
  }
}

let dir: string;
let env: NodeJS.ProcessEnv;
let daemon: Daemon | undefined;
const pids = new Set<number>();

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-idle-'));
  env = { XDG_RUNTIME_DIR: path.join(dir, 'run'), PATH: process.env.PATH };
});

afterEach(async () => {
  await daemon?.stop('the test is over');
  daemon = undefined;
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  pids.clear();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Starts a daemon in this process for `config`, on `clock`; its log lines are collected in `log`. */
async function start(config: Config, idleTimeoutMs: number, clock: DaemonClock, log: string[]) {
  const configPath = path.join(dir, 'mcp.config.json');
  fs.writeFileSync(configPath, JSON.stringify(config));
  const paths = daemonPaths(configPath, env);
  daemon = await startDaemon({
    config: parseConfig(fs.readFileSync(configPath, 'utf8'), configPath, env),
    env,
    paths,
    idleTimeoutMs,
    runCommand: () => Promise.resolve(0),
    log: (line) => log.push(line),
    clock,
  });
  return { daemon, paths };
}

async function status(paths: DaemonPaths): Promise<DaemonStatus> {
  const answer = await requestControl(paths, 'status');
  if (!answer?.ok) throw new Error(`no status from the daemon: ${JSON.stringify(answer)}`);
  return answer.status;
}

describe('the daemon idle timeout', () => {
  it('stops the daemon exactly when no connection came for idleTimeoutMs, with its servers and socket', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const { paths } = await start({ mcpServers: { cacheable: fixtureServer('cacheable') } }, 300, clock, log);
    expect(clock.pendingDelays()).toEqual([300]);

    // Waits on the replica starting (an event), through status requests, each of them a connection.
    let ready: DaemonStatus | undefined;
    await vi.waitFor(
      async () => {
        ready = await status(paths);
        expect(ready.servers[0]?.replicas[0]).toMatchObject({ state: 'ready', pid: expect.any(Number) as unknown });
      },
      { timeout: 10_000, interval: 20 },
    );
    const serverPid = ready!.servers[0]!.replicas[0]!.pid!;
    pids.add(serverPid);

    // Uptime is read from the same clock.
    clock.advance(250);
    expect((await status(paths)).uptimeMs).toBe(250);

    // A connection that is closed again leaves a full idle period from its close, not from the last one before.
    await vi.waitFor(() => expect(clock.pendingDelays()).toEqual([300]));
    clock.advance(299);
    expect(log).not.toContain('stopping: idle for 300 ms');
    clock.advance(1);
    expect(log).toContain('stopping: idle for 300 ms');

    await expect(daemon!.stopped).resolves.toBe('idle for 300 ms');
    expect(fs.existsSync(paths.socket)).toBe(false);
    await expectAllGone([serverPid]);
    expect(log).toContain('stopped: idle for 300 ms');
  });

  it('stays up while a connection is open, however long, and counts again from its close', async () => {
    const clock = new ManualClock();
    const log: string[] = [];
    const { paths } = await start({ mcpServers: {} }, 300, clock, log);
    const socket = net.createConnection(paths.socket);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    // The daemon has seen the connection once the idle stop is cancelled.
    await vi.waitFor(() => expect(clock.pendingDelays()).toEqual([]));
    clock.advance(60 * 60_000);
    expect(log.some((line) => line.startsWith('stopping'))).toBe(false);

    socket.destroy();
    await vi.waitFor(() => expect(clock.pendingDelays()).toEqual([300]));
    clock.advance(300);
    await expect(daemon!.stopped).resolves.toBe('idle for 300 ms');
  });

  it('never stops on its own with an idle timeout of 0', async () => {
    const clock = new ManualClock();
    const { paths } = await start({ mcpServers: {} }, 0, clock, []);
    expect(clock.pendingDelays()).toEqual([]);
    expect((await status(paths)).idleTimeoutMs).toBe(0);
    expect(clock.pendingDelays()).toEqual([]);
  });
});
