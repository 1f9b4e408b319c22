/**
 * A host killed outright (SIGKILL: no exit handler runs) still leaves nothing behind: its watchdog
 * (src/host/live-groups.ts) sees the pipe from the dead host close and ends the servers' process groups, and on
 * Linux what left them. Through every launch path: a server the CLI's host spawned, one the early start spawned and
 * the host took over, and one of the daemon. The server is busy (`busy.block` keeps its event loop from reading
 * anything, the end of its stdin included), with a child in its group and one in a session of its own: without the
 * watchdog all three would run on for the length of the call, and the two children forever. The same when the kill
 * is `timeout`'s, of the whole process group of mcp-host. And a normal run leaves no watchdog behind.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { DaemonWorkspace, fixtureServer } from '../integration/daemon/harness.js';
import {
  BIN,
  WAIT_LIMIT_MS,
  Workspace,
  fixture,
  isGone,
  killProcessesWith,
  mcpHost,
  outputContaining,
  processesWith,
  waitFor,
} from './mcp-host.js';

/** On the command line of every server process this suite starts, so `ps` can find them. */
const MARKER = `mcp-host-e2e-killed-${randomUUID()}`;
/** The busy call outlasts every test by far: a server still there after GONE_WITHIN_MS was not ended by us. */
const BLOCK_MS = 120_000;
/**
 * How soon the servers must be gone after the kill: the watchdog takes ~0.6 s (the host's shutdown: 100 ms, SIGTERM,
 * 500 ms, SIGKILL); the rest is margin for a loaded machine and for init to reap the zombies.
 */
const GONE_WITHIN_MS = 10_000;
const TAKEN_OVER = 'using the process started early';

const workspaces: Workspace[] = [];

afterEach(async () => {
  // A failed test must not leave its processes to the next.
  await killProcessesWith(MARKER);
});

afterAll(async () => {
  for (const workspace of workspaces.splice(0)) {
    if (workspace instanceof DaemonWorkspace) await workspace.cleanup();
    else workspace.remove();
  }
});

/** A workspace whose config has the one `busy` server (with `tag` on its command line, to tell the tests apart). */
function busyWorkspace(tag: string): { cwd: string; env: Record<string, string> } {
  const workspace = new Workspace();
  workspaces.push(workspace);
  workspace.writeConfig({
    mcpServers: { busy: { command: process.execPath, args: [fixture('busy'), MARKER, tag] } },
  });
  // A runtime directory of the test's own: the notes of validated configs (the early start's) live there.
  return { cwd: workspace.dir, env: { XDG_RUNTIME_DIR: path.join(workspace.dir, 'run') } };
}

/** The server's pid and its two children's, from the line the busy fixture writes at start. */
function busyPids(text: string): number[] {
  const match = /busy: server pid (\d+) grandchild pid (\d+) setsid pid (\d+)/.exec(text);
  expect(match, `the busy server's pids in:\n${text}`).not.toBeNull();
  // The child in a session of its own is found by its process tag, which needs Linux's /proc.
  const pids = match!.slice(1).map(Number);
  return process.platform === 'linux' ? pids : pids.slice(0, 2);
}

/** The watchdog of the process `pid` (its `ps` lines). */
function watchdogOf(pid: number): Promise<string[]> {
  return processesWith(`mcp-host-watchdog ${pid} `);
}

async function expectGone(pids: readonly number[], within: number): Promise<void> {
  for (const pid of pids) await waitFor(() => isGone(pid), within, `process ${pid} to be gone`);
}

/** Starts `mcp-host --verbose call busy.block`, waits until the server is blocked, and returns the run with the pids. */
async function blockedCall(options: { cwd: string; env: Record<string, string> }) {
  const running = mcpHost(['--verbose', 'call', 'busy.block', `ms=${BLOCK_MS}`], options);
  let stderr = '';
  running.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  await outputContaining(running.stderr, 'busy: blocking for');
  return { running, stderr: () => stderr, pids: busyPids(stderr) };
}

describe.skipIf(process.platform === 'win32')('a host killed with SIGKILL', () => {
  it('leaves no watchdog behind after a normal run', async () => {
    const options = busyWorkspace('normal');
    const running = mcpHost(['call', 'busy.block', 'ms=0'], options);
    const result = await running;
    expect(result).toMatchObject({ exitCode: 0, stdout: 'blocked for 0 ms\n' });
    // It exits as soon as the pipe from the host closes, with nothing to do: the host closed its servers itself.
    await waitFor(async () => (await watchdogOf(running.pid!)).length === 0, WAIT_LIMIT_MS, 'no watchdog');
    expect(await processesWith(MARKER)).toEqual([]);
  });

  it('ends the server it spawned, busy in a call, and the server`s children', async () => {
    const { running, stderr, pids } = await blockedCall(busyWorkspace('spawned'));
    expect(stderr()).not.toContain(TAKEN_OVER);
    await waitFor(async () => (await watchdogOf(running.pid!)).length === 1, WAIT_LIMIT_MS, 'the watchdog');

    running.kill('SIGKILL');
    expect((await running).signal).toBe('SIGKILL');

    await expectGone(pids, GONE_WITHIN_MS);
    await waitFor(async () => (await watchdogOf(running.pid!)).length === 0, GONE_WITHIN_MS, 'no watchdog');
    expect(await processesWith(MARKER)).toEqual([]);
  });

  // GNU timeout runs the command in a process group of its own and, when the time is up, signals that whole group:
  // the case, where a group kill of mcp-host never reached its servers. A SIGALRM to timeout is its time up.
  it.runIf(process.platform === 'linux' && fs.existsSync('/usr/bin/timeout'))(
    'ends them when `timeout -s KILL` kills the process group of mcp-host',
    async () => {
      const { cwd, env } = busyWorkspace('timeout');
      const running = execa(
        '/usr/bin/timeout',
        ['-s', 'KILL', '600', process.execPath, BIN, '--verbose', 'call', 'busy.block', `ms=${BLOCK_MS}`],
        { cwd, env: { PATH: process.env.PATH ?? '', HOME: cwd, ...env }, extendEnv: false, reject: false },
      );
      let stderr = '';
      running.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      await outputContaining(running.stderr, 'busy: blocking for');
      const pids = busyPids(stderr);
      // The watchdog of this mcp-host (timeout's child, the server's parent), not any: other files' hosts have theirs,
      // and killing before this one's watchdog runs would leave the servers behind for a reason of the test's own.
      const { stdout: hostPid } = await execa('ps', ['-o', 'ppid=', '-p', String(pids[0])]);
      await waitFor(async () => (await watchdogOf(Number(hostPid.trim()))).length === 1, WAIT_LIMIT_MS, 'the watchdog');

      running.kill('SIGALRM');
      expect((await running).signal).toBe('SIGKILL');

      await expectGone(pids, GONE_WITHIN_MS);
      expect(await processesWith(MARKER)).toEqual([]);
    },
  );

  it('ends a server the early start spawned and the host took over', async () => {
    const options = busyWorkspace('early');
    // The first command validates the config and notes so: the next one starts its server early.
    expect((await mcpHost(['list', 'tools'], options)).exitCode).toBe(0);
    const { running, stderr, pids } = await blockedCall(options);
    expect(stderr()).toContain(TAKEN_OVER);
    // One watchdog for the process, although two bundles (the early start's and the CLI's) registered the server.
    await waitFor(async () => (await watchdogOf(running.pid!)).length === 1, WAIT_LIMIT_MS, 'the watchdog');
    expect(await watchdogOf(running.pid!)).toHaveLength(1);

    running.kill('SIGKILL');
    await running;

    await expectGone(pids, GONE_WITHIN_MS);
    expect(await processesWith(MARKER)).toEqual([]);
  });

  it('ends the servers of a daemon killed while one of them is busy in a call', async () => {
    const workspace = new DaemonWorkspace({
      mcpServers: { busy: { ...fixtureServer('busy'), args: [fixture('busy'), MARKER, 'daemon'] } },
    });
    workspaces.push(workspace);
    expect((await workspace.cli(['daemon', 'start'])).exitCode).toBe(0);
    const status = (await workspace.status())!;
    await workspace.readyPid('busy');
    const call = workspace.cli(['call', 'busy.block', `ms=${BLOCK_MS}`]);
    await waitFor(
      () => Promise.resolve(workspace.readLog(status).includes('busy: blocking for')),
      WAIT_LIMIT_MS,
      'the call',
    );
    const pids = busyPids(workspace.readLog(status));
    await waitFor(async () => (await watchdogOf(status.pid)).length === 1, WAIT_LIMIT_MS, 'the watchdog');

    process.kill(status.pid, 'SIGKILL');

    await expectGone(pids, GONE_WITHIN_MS);
    await waitFor(async () => (await watchdogOf(status.pid)).length === 0, GONE_WITHIN_MS, 'no watchdog');
    // The command that was running there learns that the daemon is gone.
    expect((await call).exitCode).toBe(3);
    expect(await processesWith(MARKER)).toEqual([]);
  });
});
