/**
 * Server process lifecycle against real processes: spawning, the stderr tail, how an exit is reported, and a
 * shutdown that leaves nothing behind (servers that ignore SIGTERM, grandchildren, `sh -c` wrappers, a host that
 * exits abruptly). Fixtures are the built ones in dist/test/fixtures/servers (run `npm run build` first).
 */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { serverEnvironment } from '../../../src/host/environment.js';
import { spawnServerProcess } from '../../../src/host/server-process.js';
import type { ServerProcess, SpawnServerOptions } from '../../../src/host/server-process.js';
import { REPO_ROOT, connectAndInitialize } from '../../helpers/stdio-server.js';

const FIXTURES = path.join(REPO_ROOT, 'dist/test/fixtures/servers');
const fixture = (name: string): string => path.join(FIXTURES, `${name}.js`);
const NODE = process.execPath;

const started: ServerProcess[] = [];
const tempDirs: string[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close({ graceMs: 0, termMs: 200 })));
});

afterAll(() => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

function start(options: Partial<SpawnServerOptions> & Pick<SpawnServerOptions, 'command'>): ServerProcess {
  const server = spawnServerProcess({
    name: 'test',
    args: [],
    env: serverEnvironment(process.env, {}),
    ...options,
  });
  started.push(server);
  return server;
}

/** Resolves with the first stderr line matching `pattern` (the fixtures announce pids and readiness there). */
function stderrLine(pattern: RegExp): { onStderrLine: (line: string) => void; line: Promise<RegExpMatchArray> } {
  let found: (match: RegExpMatchArray) => void = () => undefined;
  const line = new Promise<RegExpMatchArray>((resolve) => (found = resolve));
  return {
    onStderrLine: (text) => {
      const match = pattern.exec(text);
      if (match) found(match);
    },
    line,
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * For orphans (a grandchild, a wrapper's child): once SIGKILLed they are zombies until init reaps them, which some
 * inits do only every second or two, and a zombie still answers `kill(pid, 0)`. The server itself is reaped by us.
 * The limit is only there to fail a test whose process never goes; a loaded machine may take its time.
 */
async function expectGone(pid: number): Promise<void> {
  await expect
    .poll(() => isAlive(pid), { timeout: 20_000, interval: 10, message: `process ${pid} is gone` })
    .toBe(false);
}

/** The session id of a live process (Linux: /proc/<pid>/stat, after the command name, the 4th field). */
function sessionOf(pid: number): number | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[3]);
  } catch {
    return undefined;
  }
}

/**
 * A grace or term period longer than any test may run: a `close()` with it that resolves at all was ended by the
 * server's exit, never by the period running out.
 */
const NEVER_MS = 10 * 60_000;

/** The signals sent to the process group led by `pid` while `run` runs, in order (probes with signal 0 left out). */
async function signalsToGroup<T>(pid: number, run: (signals: readonly string[]) => Promise<T>): Promise<T> {
  const signals: string[] = [];
  const kill = process.kill.bind(process);
  const spy = vi.spyOn(process, 'kill').mockImplementation((target: number, signal?: string | number) => {
    if (target === -pid && signal !== 0 && signal !== undefined) signals.push(String(signal));
    return kill(target, signal);
  });
  try {
    return await run(signals);
  } finally {
    spy.mockRestore();
  }
}

async function initialize(server: ServerProcess): Promise<string> {
  const { connection, initialize: result } = await connectAndInitialize(server.stdout, server.stdin);
  connection.close();
  return result.serverInfo.name;
}

describe('spawnServerProcess: closing', () => {
  it('closes a server that exits when its stdin ends, well within the grace period', async () => {
    const server = start({ command: NODE, args: [fixture('echo')] });
    expect(await initialize(server)).toBe('echo');
    expect(server.isRunning).toBe(true);
    const pid = server.pid!;

    // Only the server's own exit can end this close within the test's time: the grace period outlasts the test.
    const exit = await signalsToGroup(pid, async (signals) => {
      const exit = await server.close({ graceMs: NEVER_MS, termMs: NEVER_MS });
      expect(signals).toEqual([]);
      return exit;
    });

    expect(exit).toEqual({ exitCode: 0, signal: null });
    expect(server.isRunning).toBe(false);
    expect(isAlive(pid)).toBe(false);
  });

  it('kills a server that ignores SIGTERM and stdin end with SIGKILL after grace + term', async () => {
    const ready = stderrLine(/ready pid (\d+)/);
    const ignored = stderrLine(/ignoring SIGTERM/);
    const server = start({
      command: NODE,
      args: [fixture('ignore-sigterm')],
      onStderrLine: (line) => {
        ready.onStderrLine(line);
        ignored.onStderrLine(line);
      },
    });
    await ready.line;
    const pid = server.pid!;
    /** Lets every promise chain the timers started run on (setImmediate is not faked: it comes after them). */
    const settle = () => new Promise((resolve) => setImmediate(resolve));

    const exit = await signalsToGroup(pid, async (signals) => {
      // The grace and term periods on a faked clock: each ends exactly when the test moves time past it.
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        const closing = server.close({ graceMs: 300, termMs: 300 });
        await vi.advanceTimersByTimeAsync(299);
        await settle();
        expect(signals).toEqual([]);
        expect(server.isRunning).toBe(true); // stdin has ended, and the server lives on
        await vi.advanceTimersByTimeAsync(1);
        await settle();
        expect(signals).toEqual(['SIGTERM']);
        await ignored.line; // the server got it, and lives on
        await vi.advanceTimersByTimeAsync(299);
        await settle();
        expect(signals).toEqual(['SIGTERM']);
        expect(server.isRunning).toBe(true);
        await vi.advanceTimersByTimeAsync(1);
        await settle();
        expect(signals).toEqual(['SIGTERM', 'SIGKILL']);
        return await closing;
      } finally {
        vi.useRealTimers();
      }
    });

    expect(exit).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(server.stderrTail()).toContain('ignore-sigterm: ignoring SIGTERM');
    expect(isAlive(pid)).toBe(false);
  });

  it('kills a grandchild that outlives the server and holds its pipes', async () => {
    const pids = stderrLine(/server pid (\d+) grandchild pid (\d+)/);
    const server = start({ command: NODE, args: [fixture('grandchild')], onStderrLine: pids.onStderrLine });
    const [, serverPid, grandchildPid] = (await pids.line).map(Number);
    expect(isAlive(grandchildPid!)).toBe(true);

    // The server itself exits on stdin end; the grandchild is SIGKILLed at once rather than after grace + term,
    // which here outlast the test: only the server's exit can have ended this close.
    const exit = await server.close({ graceMs: NEVER_MS, termMs: NEVER_MS });

    expect(exit).toEqual({ exitCode: 0, signal: null });
    expect(isAlive(serverPid!)).toBe(false);
    await expectGone(grandchildPid!);
  });

  it('kills a grandchild that left the process group for a session of its own (setsid)', async () => {
    const pids = stderrLine(/server pid (\d+) grandchild pid (\d+)/);
    const server = start({ command: NODE, args: [fixture('setsid-grandchild')], onStderrLine: pids.onStderrLine });
    const [, serverPid, grandchildPid] = (await pids.line).map(Number);
    // The fixture does what it claims: the grandchild runs in a session (and so a group) of its own.
    await expect.poll(() => sessionOf(grandchildPid!), { timeout: 20_000, interval: 10 }).toBe(grandchildPid);
    expect(sessionOf(serverPid!)).toBe(serverPid);

    const exit = await server.close({ graceMs: 2_000, termMs: 2_000 });

    expect(exit).toEqual({ exitCode: 0, signal: null });
    await expectGone(grandchildPid!);
  });

  it('kills the inner process of an `sh -c` wrapper, not only the shell', async () => {
    const ready = stderrLine(/ready pid (\d+)/);
    // The trailing command keeps sh from exec-ing node in place, so sh really is a separate wrapper process.
    const script = `"${NODE}" "${fixture('ignore-sigterm')}"; echo wrapper-done >&2`;
    const server = start({ command: 'sh', args: ['-c', script], onStderrLine: ready.onStderrLine });
    const innerPid = Number((await ready.line)[1]);
    expect(innerPid).not.toBe(server.pid);

    const exit = await server.close({ graceMs: 200, termMs: 2_000 });

    expect(exit.signal).toBe('SIGTERM'); // the shell dies of SIGTERM; its child ignores it and is SIGKILLed
    expect(isAlive(server.pid!)).toBe(false);
    await expectGone(innerPid);
  });

  it('stops a server that floods stdout while nobody reads it', async () => {
    const server = start({ command: NODE, args: [fixture('flood-stdout')] });
    const exit = await server.close({ graceMs: 200, termMs: 1_000 });
    expect(exit.exitCode === 0 || exit.signal === 'SIGTERM').toBe(true);
    expect(isAlive(server.pid!)).toBe(false);
  });

  it('is idempotent and also reaps a server that already exited', async () => {
    const server = start({ command: NODE, args: [fixture('crash-on-start')] });
    await server.exited;
    const first = server.close();
    expect(server.close()).toBe(first);
    expect(await first).toEqual({ exitCode: 1, signal: null });
  });
});

describe('spawnServerProcess: how an exit is reported', () => {
  it('reports a crash on start as SERVER_EXITED with the exit code and the stderr tail', async () => {
    const server = start({ name: 'weather', command: NODE, args: [fixture('crash-on-start')] });

    const exit = await server.exited;
    const error = server.exitError();

    expect(exit).toEqual({ exitCode: 1, signal: null });
    expect(server.isRunning).toBe(false);
    expect(error.code).toBe('SERVER_EXITED');
    expect(error.message).toBe('Server weather exited with code 1');
    expect(error.context).toMatchObject({
      server: 'weather',
      pid: server.pid,
      exitCode: 1,
      signal: null,
      stderrTail: ['fatal: missing API key'],
    });
  });

  it('names the signal that killed a server', async () => {
    const server = start({ name: 'doomed', command: NODE, args: ['-e', 'process.kill(process.pid, "SIGKILL")'] });
    expect(await server.exited).toEqual({ exitCode: null, signal: 'SIGKILL' });
    expect(server.exitError().message).toBe('Server doomed was killed by SIGKILL');
  });

  it('reports a missing command as SPAWN_FAILED naming the command', async () => {
    const server = start({ name: 'weather', command: 'mcp-host-no-such-command' });

    const exit = await server.exited;
    const error = server.exitError();

    expect(server.pid).toBeUndefined();
    expect(server.isRunning).toBe(false);
    expect(exit.error).toBeInstanceOf(Error);
    expect(error.code).toBe('SPAWN_FAILED');
    expect(error.message).toBe('Server weather could not start: command "mcp-host-no-such-command" not found');
    expect(error.context).toMatchObject({ server: 'weather', command: 'mcp-host-no-such-command', errno: 'ENOENT' });
    await expect(server.close()).resolves.toBe(exit);
  });

  it('reports a missing working directory as such, not as a missing command', async () => {
    const cwd = path.join(os.tmpdir(), 'mcp-host-no-such-dir');
    const server = start({ name: 'weather', command: NODE, args: [fixture('echo')], cwd });
    await server.exited;
    expect(server.exitError().message).toBe(
      `Server weather could not start: working directory "${cwd}" does not exist`,
    );
  });

  it('reports a command that is not executable as SPAWN_FAILED', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-process-'));
    tempDirs.push(dir);
    const script = path.join(dir, 'server.sh');
    fs.writeFileSync(script, '#!/bin/sh\n', { mode: 0o644 });
    const server = start({ name: 'weather', command: script });
    await server.exited;
    expect(server.exitError().code).toBe('SPAWN_FAILED');
    expect(server.exitError().message).toBe(
      `Server weather could not start: command "${script}" is not executable (permission denied)`,
    );
  });

  it('keeps the last lines of stderr, each capped in length, and reports every line as it comes', async () => {
    const lines: string[] = [];
    const program = `for (let i = 1; i <= 100; i++) console.error('line ' + i); process.stderr.write('x'.repeat(5000) + '\\r\\nlast without newline')`;
    const server = start({
      command: NODE,
      args: ['-e', program],
      stderrTailLines: 3,
      onStderrLine: (l) => lines.push(l),
    });

    await server.exited;
    const tail = server.stderrTail();

    expect(lines).toHaveLength(102);
    expect(lines[0]).toBe('line 1');
    expect(tail).toHaveLength(3);
    expect(tail[0]).toBe('line 100');
    expect(tail[1]).toBe(`${'x'.repeat(1_000)}…`);
    expect(tail[2]).toBe('last without newline');
  });

  it('survives writes to a server that has exited (EPIPE never crashes the host)', async () => {
    const server = start({ command: NODE, args: [fixture('crash-on-start')] });
    await server.exited;

    const writeError = await new Promise<Error | null | undefined>((resolve) => {
      server.stdin.write('{"jsonrpc":"2.0","id":1,"method":"ping"}\n', resolve);
    });

    expect(writeError).toBeInstanceOf(Error);
    expect(server.exitError().code).toBe('SERVER_EXITED');
  });
});

describe('spawnServerProcess: environment', () => {
  it('gives the server the allow-listed host variables and the config env, never the rest of the host env', async () => {
    process.env.SECRET_HOST_VAR = 'must-not-leak';
    try {
      const env = serverEnvironment(process.env, { FROM_CONFIG: 'yes' });
      const server = start({ command: NODE, args: ['-e', 'console.error(JSON.stringify(process.env))'], env });
      await server.exited;
      const childEnv = JSON.parse(server.stderrTail().join('\n')) as Record<string, string>;

      expect(childEnv.SECRET_HOST_VAR).toBeUndefined();
      expect(childEnv.FROM_CONFIG).toBe('yes');
      expect(childEnv.PATH).toBe(process.env.PATH);
    } finally {
      delete process.env.SECRET_HOST_VAR;
    }
  });
});

describe('spawnServerProcess: the host exits without closing its servers', () => {
  const runHost = async (mode: 'exit' | 'signal' | 'close') => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-abrupt-'));
    tempDirs.push(dir);
    const moduleUrl = pathToFileURL(path.join(REPO_ROOT, 'dist/src/host/server-process.js')).href;
    // A host that spawns three stubborn servers (one with a grandchild in its group, one with a grandchild in a
    // session of its own), prints their pids, then dies without calling close() (or, in 'close' mode, closes them
    // and lets its event loop end on its own).
    const hostScript = `
      import { spawnServerProcess } from ${JSON.stringify(moduleUrl)};
      const env = { PATH: process.env.PATH };
      const pids = [];
      const servers = await Promise.all([${JSON.stringify(fixture('ignore-sigterm'))}, ${JSON.stringify(fixture('grandchild'))}, ${JSON.stringify(fixture('setsid-grandchild'))}].map(
        (script) => new Promise((resolve) => { const server = spawnServerProcess({
          name: 'x', command: process.execPath, args: [script], env,
          onStderrLine: (line) => { const m = /pid (\\d+)(?: grandchild pid (\\d+))?/.exec(line); if (m) { pids.push(...m.slice(1).filter(Boolean).map(Number)); resolve(server); } },
        }) }),
      ));
      process.stdout.write(JSON.stringify(pids) + '\\n');
      if (${JSON.stringify(mode)} === 'signal') process.kill(process.pid, 'SIGTERM');
      else if (${JSON.stringify(mode)} === 'exit') process.exit(7);
      else await Promise.all(servers.map((server) => server.close({ graceMs: 100, termMs: 100 })));
    `;
    const file = path.join(dir, 'host.mjs');
    fs.writeFileSync(file, hostScript);
    const host = spawn(NODE, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let stderr = '';
    host.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
    host.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const [exitCode, signal] = (await once(host, 'exit')) as [number | null, NodeJS.Signals | null];
    expect(stderr).not.toContain('unsettled top-level await');
    return { exitCode, signal, pids: JSON.parse(output) as number[] };
  };

  it('lets a host that awaited close() end on its own, with nothing left behind', async () => {
    // Regression: once the last child handle closed, unref'd shutdown timers left `await close()` unsettled.
    const { exitCode, pids } = await runHost('close');
    expect(exitCode).toBe(0);
    expect(pids).toHaveLength(5);
    for (const pid of pids) await expectGone(pid);
  });

  it('SIGKILLs every live process group on process.exit()', async () => {
    const { exitCode, pids } = await runHost('exit');
    expect(exitCode).toBe(7);
    expect(pids).toHaveLength(5);
    for (const pid of pids) await expectGone(pid);
  });

  it('SIGKILLs every live process group on a fatal signal, and still dies of that signal', async () => {
    const { signal, pids } = await runHost('signal');
    expect(signal).toBe('SIGTERM');
    expect(pids).toHaveLength(5);
    for (const pid of pids) await expectGone(pid);
  });
});
