/**
 * The daemon end to end: a real daemon process started by `mcp-host daemon start`, a real Unix socket, real servers
 * (the kitchen-sink fixture, and `cacheable`, whose `whoami` tool answers with its pid, so a test can tell whether a
 * call reached the daemon's server or a newly started one).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonWorkspace, expectAllGone, fixtureServer, isGone, parseJson, waitFor } from './harness.js';

/** The pid a `call cacheable.whoami` printed. */
function whoamiPid(stdout: unknown): number {
  return (JSON.parse(String(stdout)) as { pid: number }).pid;
}

describe('a running daemon', () => {
  let workspace: DaemonWorkspace;

  beforeAll(async () => {
    workspace = new DaemonWorkspace({
      mcpServers: { kitchen: fixtureServer('kitchen-sink'), cacheable: fixtureServer('cacheable') },
    });
    const started = await workspace.cli(['daemon', 'start']);
    expect(started.stderr).toBe('');
    expect(started.exitCode).toBe(0);
    expect(started.stdout).toMatch(/^daemon started \(pid \d+\), listening on .*\.sock$/m);
  });

  afterAll(async () => {
    await workspace.cleanup();
  });

  it('listens on an owner-only socket in an owner-only directory, and logs to an owner-only file', async () => {
    const status = (await workspace.status())!;
    expect(status.socket.startsWith(`${workspace.runtimeDir}/mcp-host/`)).toBe(true);
    expect(fs.statSync(`${workspace.runtimeDir}/mcp-host`).mode & 0o777).toBe(0o700);
    const socket = fs.statSync(status.socket);
    expect(socket.isSocket()).toBe(true);
    expect(socket.mode & 0o777).toBe(0o600);
    expect(fs.statSync(status.log).mode & 0o777).toBe(0o600);
  });

  it('status reports its pid, config and every replica', async () => {
    const status = (await workspace.status())!;
    expect(status).toMatchObject({
      running: true,
      state: 'ready',
      config: workspace.configPath,
      idleTimeoutMs: 600_000,
    });
    expect(await isGone(status.pid)).toBe(false);
    expect(status.servers.map((server) => server.name)).toEqual(['kitchen', 'cacheable']);
    for (const server of status.servers) {
      expect(server.replicas).toEqual([expect.objectContaining({ index: 0, state: 'ready', restarts: 0 })]);
      expect(await isGone(server.replicas[0]!.pid!)).toBe(false);
    }
    const human = await workspace.cli(['daemon', 'status']);
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toContain(`daemon running (pid ${status.pid})`);
    expect(human.stdout).toMatch(/^cacheable +replica 0 +ready +pid \d+/m);
  });

  it('answers calls with the servers it runs: nothing is started for a call', async () => {
    const daemonPid = await workspace.readyPid('cacheable');
    const first = await workspace.cli(['call', 'cacheable.whoami']);
    const second = await workspace.cli(['call', 'cacheable.whoami']);
    expect(first.exitCode).toBe(0);
    expect(whoamiPid(first.stdout)).toBe(daemonPid);
    expect(whoamiPid(second.stdout)).toBe(daemonPid);
    // Without the daemon, a process of its own answers.
    const spawned = await workspace.cli(['--no-daemon', 'call', 'cacheable.whoami']);
    expect(spawned.exitCode).toBe(0);
    expect(whoamiPid(spawned.stdout)).not.toBe(daemonPid);
    const refused = await workspace.cli(['call', 'cacheable.whoami'], { env: { MCP_HOST_NO_DAEMON: '1' } });
    expect(whoamiPid(refused.stdout)).not.toBe(daemonPid);
  });

  it('relays a resource that is not text byte for byte, as a command without the daemon writes it', async () => {
    const args = ['read', 'kitchen', 'kitchen://bytes'];
    const [warm, cold] = await Promise.all([
      workspace.cli(args, { encoding: 'buffer' }),
      workspace.cli(['--no-daemon', ...args], { encoding: 'buffer' }),
    ]);
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
    expect({ exitCode: warm.exitCode, stdout: Buffer.from(warm.stdout as Uint8Array) }).toEqual({
      exitCode: 0,
      stdout: everyByte,
    });
    expect({ exitCode: cold.exitCode, stdout: Buffer.from(cold.stdout as Uint8Array) }).toEqual({
      exitCode: 0,
      stdout: everyByte,
    });
  });

  it('prints exactly what a command that starts its own servers prints, with the same exit code', async () => {
    const commands = [
      ['call', 'kitchen.add', 'a=1', 'b=2'],
      ['--json', 'call', 'kitchen.add', 'a=1', 'b=2'],
      ['call', 'kitchen.fail'],
      ['call', 'kitchen.nope'],
      ['call', 'kitchen.add', 'a=x'],
      ['read', 'kitchen', 'kitchen://menu'],
      ['prompt', 'kitchen.order', 'dish=soup'],
      ['--json', 'list', 'tools'],
      ['list', 'servers'],
    ];
    for (const args of commands) {
      const [warm, cold] = await Promise.all([workspace.cli(args), workspace.cli(['--no-daemon', ...args])]);
      expect({ args, exitCode: warm.exitCode, stdout: warm.stdout, stderr: warm.stderr }).toEqual({
        args,
        exitCode: cold.exitCode,
        stdout: cold.stdout,
        stderr: cold.stderr,
      });
    }
  });

  it("reaches servers started with the caller's environment, as a command without the daemon would", async () => {
    type Zone = { tz: string | null; pid: number };
    const zone = async (env: Record<string, string>): Promise<Zone> => {
      const result = await workspace.cli(['call', 'cacheable.time_zone'], { env });
      expect(result.exitCode).toBe(0);
      return JSON.parse(String(result.stdout)) as Zone;
    };
    const tokyo = await zone({ TZ: 'Asia/Tokyo' });
    expect(tokyo.tz).toBe('Asia/Tokyo');
    // The same environment again: the same warm server.
    expect(await zone({ TZ: 'Asia/Tokyo' })).toEqual(tokyo);
    const utc = await zone({ TZ: 'UTC' });
    expect(utc.tz).toBe('UTC');
    expect(utc.pid).not.toBe(tokyo.pid);
  });

  it('says with --verbose whether the daemon was used', async () => {
    const { pid } = (await workspace.status())!;
    const warm = await workspace.cli(['--verbose', 'call', 'kitchen.add', 'a=1', 'b=2']);
    expect(warm.stderr).toContain(`using the servers of the mcp-host daemon (pid ${pid})`);
    const cold = await workspace.cli(['--verbose', '--no-daemon', 'call', 'kitchen.add', 'a=1', 'b=2']);
    expect(cold.stderr).toContain('mcp-host: no daemon used (--no-daemon)');
    expect(cold.stderr).not.toContain('using the servers of the mcp-host daemon');
  });

  it('relays stdin to the command for --args -', async () => {
    const result = await workspace.cli(['call', 'kitchen.add', '--args', '-'], { input: '{"a": 20, "b": 22}' });
    expect(result).toMatchObject({ exitCode: 0, stdout: '{\n  "sum": 42\n}\n' });
  });

  it('Ctrl-C on a slow call cancels it in the server, and the servers keep running', async () => {
    const serverPid = await workspace.readyPid('kitchen');
    const running = workspace.cli(['call', 'kitchen.count', 'to=100000', 'stepMs=10']);
    await waitFor(async () => (await workspace.status())!.runs.active === 1, 10_000, 'the call to reach the daemon');
    running.kill('SIGINT');
    const result = await running;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('error: Interrupted');
    const status = (await workspace.status())!;
    await waitFor(
      () => Promise.resolve(workspace.readLog(status).includes('count: cancelled at')),
      5_000,
      'the server to see it',
    );
    expect(await workspace.readyPid('kitchen')).toBe(serverPid);
  });

  it('a client that is killed mid-call cancels its call', async () => {
    const running = workspace.cli(['call', 'kitchen.count', 'to=100000', 'stepMs=10']);
    await waitFor(async () => (await workspace.status())!.runs.active === 1, 10_000, 'the call to reach the daemon');
    running.kill('SIGKILL');
    await running;
    await waitFor(async () => (await workspace.status())!.runs.active === 0, 5_000, 'the daemon to end the call');
  });

  it('restarts a server that was killed, and the next call works', async () => {
    const before = await workspace.readyPid('cacheable');
    process.kill(before, 'SIGKILL');
    const after = await workspace.readyPid('cacheable', before);
    const result = await workspace.cli(['call', 'cacheable.whoami']);
    expect(result.exitCode).toBe(0);
    expect(whoamiPid(result.stdout)).toBe(after);
    const replica = (await workspace.status())!.servers.find((server) => server.name === 'cacheable')!.replicas[0]!;
    expect(replica.restarts).toBe(1);
  });

  it('notices a changed config: new servers start, the old ones end', async () => {
    const oldPid = await workspace.readyPid('cacheable');
    const config = {
      mcpServers: {
        kitchen: fixtureServer('kitchen-sink'),
        cacheable: fixtureServer('cacheable', { CHANGED: '1' }),
        echo: fixtureServer('echo'),
      },
    };
    // Replaced in one step, as editors save, so no reader ever sees half a file.
    fs.writeFileSync(`${workspace.configPath}.new`, JSON.stringify(config));
    fs.renameSync(`${workspace.configPath}.new`, workspace.configPath);
    const echoed = await workspace.cli(['call', 'echo.echo', 'text=hello']);
    expect(echoed).toMatchObject({ exitCode: 0, stdout: 'hello\n' });
    const result = await workspace.cli(['call', 'cacheable.whoami']);
    expect(whoamiPid(result.stdout)).not.toBe(oldPid);
    await expectAllGone([oldPid]);
    const status = (await workspace.status())!;
    expect(status.servers.map((server) => server.name)).toEqual(['kitchen', 'cacheable', 'echo']);
  });

  it('daemon stop ends the daemon and every server, and removes the socket', async () => {
    const status = (await workspace.status())!;
    const pids = workspace.knownPids();
    const stopped = await workspace.cli(['daemon', 'stop']);
    expect(stopped).toMatchObject({ exitCode: 0, stdout: `daemon stopped (pid ${status.pid})\n` });
    // stop returns once the daemon is gone, and the daemon once its servers are.
    expect(await isGone(status.pid)).toBe(true);
    await expectAllGone(pids, 1_000);
    expect(fs.existsSync(status.socket)).toBe(false);
    expect(await workspace.status()).toBeUndefined();
    // The runtime directory stays; without a socket in it, a command knows at once that no daemon runs.
    const after = await workspace.cli(['--verbose', 'call', 'cacheable.whoami']);
    expect(after.exitCode).toBe(0);
    expect(after.stderr).toContain(`mcp-host: no daemon used (no daemon at ${status.socket})`);
  });
});

describe('daemon lifecycle', () => {
  let workspace: DaemonWorkspace;

  beforeAll(() => {
    workspace = new DaemonWorkspace({ mcpServers: { cacheable: fixtureServer('cacheable') } });
  });

  afterAll(async () => {
    await workspace.cleanup();
  });

  it('commands start their own servers when no daemon runs', async () => {
    expect(await workspace.status()).toBeUndefined();
    const result = await workspace.cli(['--verbose', 'call', 'cacheable.whoami']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/mcp-host: no daemon used \(no private runtime directory .*\)/);
    expect(await isGone(whoamiPid(result.stdout))).toBe(true);
  });

  it('stops when its config file is deleted', async () => {
    expect((await workspace.cli(['daemon', 'start'])).exitCode).toBe(0);
    const status = (await workspace.status())!;
    const config = fs.readFileSync(workspace.configPath);
    fs.rmSync(workspace.configPath);
    try {
      await expectAllGone(workspace.knownPids());
      expect(workspace.readLog(status)).toContain(`the config file ${workspace.configPath} was deleted`);
    } finally {
      fs.writeFileSync(workspace.configPath, config);
    }
  });

  it('a daemon killed outright: its command fails with exit 3 (never run twice), its servers exit', async () => {
    expect((await workspace.cli(['daemon', 'start'])).exitCode).toBe(0);
    const status = (await workspace.status())!;
    const running = workspace.cli(['call', 'cacheable.slow', 'ms=20000']);
    await waitFor(async () => (await workspace.status())!.runs.active === 1, 10_000, 'the call to reach the daemon');
    process.kill(status.pid, 'SIGKILL');
    const result = await running;
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('error: the mcp-host daemon stopped before the command finished');
    // The servers' stdin closes with the daemon, and a server ends when its stdin does.
    await expectAllGone(workspace.knownPids());
    // What is left is a socket file nobody listens on: commands start their own servers.
    const fallback = await workspace.cli(['call', 'cacheable.whoami']);
    expect(fallback.exitCode).toBe(0);
  });

  it('a stale socket is ignored by commands and replaced by daemon start', async () => {
    const runtimeDir = `${workspace.runtimeDir}/mcp-host`;
    fs.mkdirSync(runtimeDir, { recursive: true, mode: 0o700 });
    const status = await workspace.cli(['--json', 'daemon', 'status']);
    const { socket } = parseJson(status.stdout) as { socket: string };
    // A daemon that was killed leaves its socket file: make one with a listener that dies without cleaning up.
    fs.rmSync(socket, { force: true });
    const listener = spawn(process.execPath, [
      '-e',
      `require('node:net').createServer().listen(${JSON.stringify(socket)}, () => console.log('up'))`,
    ]);
    await new Promise((resolve) => listener.stdout.once('data', resolve));
    listener.kill('SIGKILL');
    await new Promise((resolve) => listener.once('exit', resolve));
    expect(fs.statSync(socket).isSocket()).toBe(true);
    expect(fs.statSync(runtimeDir).mode & 0o777).toBe(0o700);

    const call = await workspace.cli(['--verbose', 'call', 'cacheable.whoami']);
    expect(call.exitCode).toBe(0);
    expect(call.stderr).toContain('ECONNREFUSED');
    const started = await workspace.cli(['daemon', 'start']);
    expect(started.exitCode).toBe(0);
    const daemonPid = await workspace.readyPid('cacheable');
    expect(whoamiPid((await workspace.cli(['call', 'cacheable.whoami'])).stdout)).toBe(daemonPid);
    expect((await workspace.cli(['daemon', 'stop'])).exitCode).toBe(0);
    await expectAllGone(workspace.knownPids());
  });
});
