/**
 * `mcp-host daemon start|stop|status` as a script sees it: exit codes, the `--json` documents, usage errors, and a
 * call answered by the daemon's running server. (How much faster that is, bench/ measures; tests do not time.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DaemonWorkspace, expectAllGone, fixtureServer, parseJson } from '../integration/daemon/harness.js';

let workspace: DaemonWorkspace;

beforeAll(() => {
  workspace = new DaemonWorkspace({ mcpServers: { kitchen: fixtureServer('kitchen-sink') } });
});

afterAll(async () => {
  await workspace.cleanup();
});

interface Replica {
  pid: number;
  completed: number;
}

/** The daemon's one kitchen replica and its count of completed runs, from `daemon status --json`. */
async function daemonCounts(): Promise<{ replica: Replica; completedRuns: number }> {
  const status = parseJson((await workspace.cli(['--json', 'daemon', 'status'])).stdout) as {
    runs: { completed: number };
    servers: { replicas: Replica[] }[];
  };
  return { replica: status.servers[0]!.replicas[0]!, completedRuns: status.runs.completed };
}

describe('mcp-host daemon', () => {
  it('status: "not running" and exit 1 when no daemon runs; stop: nothing to do, exit 0', async () => {
    const human = await workspace.cli(['daemon', 'status']);
    expect(human).toMatchObject({ exitCode: 1, stdout: `not running (config ${workspace.configPath})\n`, stderr: '' });
    const json = await workspace.cli(['--json', 'daemon', 'status']);
    expect(json.exitCode).toBe(1);
    expect(parseJson(json.stdout)).toEqual({
      running: false,
      config: workspace.configPath,
      socket: expect.stringMatching(/\/mcp-host\/[0-9a-f]{16}\.sock$/),
    });
    const stop = await workspace.cli(['--json', 'daemon', 'stop']);
    expect(stop.exitCode).toBe(0);
    expect(parseJson(stop.stdout)).toMatchObject({ stopped: false, config: workspace.configPath });
    const quiet = await workspace.cli(['daemon', 'stop']);
    expect(quiet).toMatchObject({
      exitCode: 0,
      stdout: '',
      stderr: `no daemon is running for ${workspace.configPath}\n`,
    });
  });

  it('rejects start-only options on other actions, unknown actions and a malformed idle timeout (exit 1)', async () => {
    const misplaced = await workspace.cli(['daemon', 'status', '--idle-timeout', '5']);
    expect(misplaced.exitCode).toBe(1);
    expect(misplaced.stderr).toContain('--idle-timeout and --foreground apply to "daemon start", not "status"');
    const unknown = await workspace.cli(['daemon', 'restart']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain(
      "'restart' is invalid for argument 'action'. Allowed choices are start, stop, status",
    );
    const malformed = await workspace.cli(['daemon', 'start', '--idle-timeout', '10s']);
    expect(malformed.exitCode).toBe(1);
    expect(malformed.stderr).toContain('expected a whole number of milliseconds');
  });

  it('start --json describes the daemon; a second start finds it running', async () => {
    const started = await workspace.cli(['--json', 'daemon', 'start', '--idle-timeout', '60000']);
    expect(started.exitCode).toBe(0);
    const document = parseJson(started.stdout);
    expect(document).toMatchObject({
      started: true,
      running: true,
      state: 'ready',
      idleTimeoutMs: 60_000,
      config: workspace.configPath,
      runs: { active: 0, completed: 0 },
      servers: [{ name: 'kitchen', replicas: [{ index: 0, state: 'ready', restarts: 0 }] }],
    });
    expect(Object.keys(document).sort()).toEqual(
      [
        'config',
        'idleTimeoutMs',
        'log',
        'pid',
        'running',
        'runs',
        'servers',
        'socket',
        'started',
        'startedAt',
        'state',
        'uptimeMs',
      ].sort(),
    );
    const again = await workspace.cli(['--json', 'daemon', 'start']);
    expect(again.exitCode).toBe(0);
    expect(parseJson(again.stdout)).toMatchObject({ started: false, running: true, pid: document.pid });
  });

  it('a call runs in the daemon on its running server; --no-daemon starts a server of its own', async () => {
    const args = ['call', 'kitchen.add', 'a=1', 'b=2'];
    // The first call also lists the tools (for their schemas); the daemon's host keeps them for the next ones.
    expect((await workspace.cli(args)).exitCode).toBe(0);
    const before = await daemonCounts();
    const results = [];
    for (let run = 0; run < 3; run++) results.push(await workspace.cli(args));
    expect(results.map((result) => result.exitCode)).toEqual([0, 0, 0]);
    const warm = await daemonCounts();
    // The same process answered all three (no server was started for them), and the daemon ran them.
    expect(warm.replica.pid).toBe(before.replica.pid);
    expect(warm.replica.completed).toBe(before.replica.completed + 3);
    expect(warm.completedRuns).toBe(before.completedRuns + 3);
    // The same answer without the daemon, from a server of the command's own: the daemon's saw nothing.
    const cold = await workspace.cli(['--no-daemon', ...args]);
    expect(cold).toMatchObject({ exitCode: 0, stdout: results[0]!.stdout });
    expect((await daemonCounts()).replica.completed).toBe(warm.replica.completed);
  });

  it('start warns about a server that failed to start and serves the others', async () => {
    const partial = new DaemonWorkspace({
      mcpServers: { kitchen: fixtureServer('kitchen-sink'), broken: fixtureServer('crash-on-start') },
    });
    try {
      const started = await partial.cli(['daemon', 'start']);
      expect(started.exitCode).toBe(0);
      expect(started.stderr).toBe('warning: broken replica 0 failed to start: Server broken exited with code 1\n');
      expect(started.stdout).toMatch(/^broken +replica 0 +failed/m);
      expect((await partial.cli(['call', 'kitchen.add', 'a=1', 'b=2'])).exitCode).toBe(0);
      const broken = await partial.cli(['call', 'broken.anything']);
      expect(broken.exitCode).toBe(3);
      // The failure is the one from start-up, with the stderr it left, as a command starting it would report.
      expect(broken.stderr).toContain(
        'error: Server broken exited with code 1\nstderr of broken (last 1 lines):\n  fatal: missing API key\n',
      );
    } finally {
      await partial.cleanup();
    }
  });

  it('stop --json reports the pid it stopped; afterwards nothing of it runs', async () => {
    const status = (await workspace.status())!;
    const stopped = await workspace.cli(['--json', 'daemon', 'stop']);
    expect(stopped.exitCode).toBe(0);
    expect(parseJson(stopped.stdout)).toEqual({
      stopped: true,
      pid: status.pid,
      config: workspace.configPath,
      socket: status.socket,
    });
    await expectAllGone(workspace.knownPids(), 1_000);
  });
});
