/**
 * `replicas: N` end to end: how many processes each kind of command starts, `ping` per replica, and a replica
 * that crashes (the call fails with its exit code and stderr; bench counts each crash and the pool replaces it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace, fixture, mcpHost, parseJson } from './mcp-host.js';

const CRASH_LINE = 'cacheable: crash requested, exiting with code 7';

interface PingDocument {
  servers: {
    name: string;
    status: string;
    ms?: number;
    replicas?: { replica: number; pid: number | null; status: string; ms?: number; error?: { message: string } }[];
  }[];
}

let workspace: Workspace;
let cwd: string;

/** A server of three replicas that appends a line to `<name>.starts` each time a replica process starts. */
function countedServer(name: string): object {
  const log = path.join(workspace.dir, `${name}.starts`);
  return {
    command: 'sh',
    args: ['-c', `echo started >> "${log}"; exec "${process.execPath}" "${fixture('cacheable')}"`],
    replicas: 3,
  };
}

function startsOf(name: string): number {
  const log = path.join(workspace.dir, `${name}.starts`);
  return fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean).length : 0;
}

beforeAll(() => {
  workspace = new Workspace();
  cwd = workspace.dir;
  const cacheable = { command: process.execPath, args: [fixture('cacheable')] };
  workspace.writeConfig({
    mcpServers: {
      trio: { ...cacheable, replicas: 3 },
      single: cacheable,
      oneshot: countedServer('oneshot'),
      pinged: countedServer('pinged'),
      benched: countedServer('benched'),
      // Only the first replica to take the lock (an atomic mkdir) runs; the others exit at once.
      lonely: {
        command: 'sh',
        args: [
          '-c',
          `mkdir "${path.join(workspace.dir, 'lonely.lock')}" 2>/dev/null || { echo "lonely: lock taken" >&2; exit 1; }; ` +
            `exec "${process.execPath}" "${fixture('cacheable')}"`,
        ],
        replicas: 3,
      },
    },
  });
});

afterAll(() => workspace.remove());

describe('how many replicas start', () => {
  it('a one-shot call starts one replica; ping and bench start all three', async () => {
    expect((await mcpHost(['call', 'oneshot.whoami'], { cwd })).exitCode).toBe(0);
    expect(startsOf('oneshot')).toBe(1);
    expect((await mcpHost(['ping', 'pinged'], { cwd })).exitCode).toBe(0);
    expect(startsOf('pinged')).toBe(3);
    expect((await mcpHost(['bench', 'benched.whoami', '--requests', '30'], { cwd })).exitCode).toBe(0);
    expect(startsOf('benched')).toBe(3);
  });
});

describe('ping with replicas', () => {
  it('shows one row per replica with its pid, and one row for a server of one', async () => {
    const result = await mcpHost(['ping', 'trio', 'single'], { cwd });
    expect(result.exitCode).toBe(0);
    const lines = String(result.stdout).split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^trio#0 {2}ok {2}\d+(\.\d)? ms +pid \d+$/),
      expect.stringMatching(/^trio#1 {2}ok {2}\d+(\.\d)? ms +pid \d+$/),
      expect.stringMatching(/^trio#2 {2}ok {2}\d+(\.\d)? ms +pid \d+$/),
      expect.stringMatching(/^single +ok {2}\d+(\.\d)? ms$/),
      '',
    ]);
    const pids = lines.slice(0, 3).map((line) => /pid (\d+)$/.exec(line)?.[1]);
    expect(new Set(pids).size).toBe(3);
  });

  it('reports a server whose replicas did not all start as degraded, each failed replica with its reason', async () => {
    const lock = path.join(workspace.dir, 'lonely.lock');
    const result = await mcpHost(['--json', 'ping', 'lonely'], { cwd });
    expect(result.exitCode).toBe(3);
    const [lonely] = (parseJson(result.stdout) as unknown as PingDocument).servers;
    expect(lonely).toMatchObject({ name: 'lonely', status: 'degraded', ms: expect.any(Number) as number });
    const replicas = lonely!.replicas!;
    expect(replicas.map(({ replica }) => replica)).toEqual([0, 1, 2]);
    expect(replicas.filter(({ status }) => status === 'ok')).toHaveLength(1);
    const failed = replicas.filter(({ status }) => status === 'failed');
    expect(failed).toHaveLength(2);
    for (const replica of failed) {
      expect(replica).toMatchObject({ pid: null, error: { message: 'Server lonely exited with code 1' } });
    }

    fs.rmdirSync(lock);
    const human = await mcpHost(['ping', 'lonely'], { cwd });
    expect(human.exitCode).toBe(3);
    const lines = String(human.stdout).trimEnd().split('\n');
    expect(lines.filter((line) => /^lonely#\d {2}ok {6}\d+(\.\d)? ms {2}pid \d+$/.test(line))).toHaveLength(1);
    expect(
      lines.filter((line) => /^lonely#\d {2}failed {2}- +Server lonely exited with code 1$/.test(line)),
    ).toHaveLength(2);
  });

  it('--json: each replica, and the fastest one as the server’s ms', async () => {
    const result = await mcpHost(['--json', 'ping', 'trio', 'single'], { cwd });
    expect(result.exitCode).toBe(0);
    const { servers } = parseJson(result.stdout) as unknown as PingDocument;
    const [trio, single] = servers;
    expect(trio).toMatchObject({ name: 'trio', status: 'ok' });
    expect(trio!.replicas).toHaveLength(3);
    trio!.replicas!.forEach((replica, index) => {
      expect(Object.keys(replica).sort()).toEqual(['ms', 'pid', 'replica', 'status']);
      expect(replica).toMatchObject({ replica: index, status: 'ok', pid: expect.any(Number) as number });
      expect(replica.ms).toBeGreaterThan(0);
    });
    expect(trio!.ms).toBe(Math.min(...trio!.replicas!.map((replica) => replica.ms!)));
    expect(single).toMatchObject({ name: 'single', status: 'ok', replicas: [{ replica: 0, status: 'ok' }] });
    expect(single!.ms).toBe(single!.replicas![0]!.ms);
  });
});

describe('a replica that crashes', () => {
  it('makes the call exit 3, with the exit code and the line the server wrote to stderr', async () => {
    const result = await mcpHost(['call', 'trio.crash'], { cwd });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('error: Server trio exited with code 7');
    expect(result.stderr).toContain(CRASH_LINE);
    const json = await mcpHost(['--json', 'call', 'trio.crash'], { cwd });
    expect(json.exitCode).toBe(3);
    expect(parseJson(json.stdout)).toMatchObject({
      error: { code: 'SERVER_EXITED', details: { server: 'trio', exitCode: 7, stderrTail: [CRASH_LINE] } },
    });
  });

  it('is counted by bench as SERVER_EXITED, replaced each time, and the run exits 3', async () => {
    const result = await mcpHost(
      ['--json', 'bench', 'trio.crash', '--requests', '6', '--concurrency', '1', '--warmup', '0'],
      { cwd },
    );
    expect(result.exitCode).toBe(3);
    const document = parseJson(result.stdout) as {
      errors: unknown;
      requests: number;
      replicas: { restarts: number }[];
    };
    expect(document).toMatchObject({ requests: 6, errors: { SERVER_EXITED: 6 } });
    // Every crash but perhaps the last (its replacement may be scheduled after the report) led to a restart.
    expect(document.replicas.reduce((sum, replica) => sum + replica.restarts, 0)).toBeGreaterThanOrEqual(5);
  });
});
