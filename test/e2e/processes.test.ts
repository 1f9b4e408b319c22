/**
 * No process outlives the CLI: after a normal exit, an error exit or Ctrl-C, `ps` shows nothing from the config,
 * even for servers behind an `sh -c` wrapper or with a child of their own. And a server's stderr, however much of
 * it there is, costs the CLI bounded memory.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace, fixture, isGone, killProcessesWith, mcpHost, processesWith, waitFor } from './mcp-host.js';

let workspace: Workspace;
let cwd: string;
/** On the command line of every server process this suite starts, so `ps` can find them. */
const MARKER = `mcp-host-e2e-${randomUUID()}`;

beforeAll(() => {
  workspace = new Workspace();
  cwd = workspace.dir;
  // The trailing `; true` keeps sh from exec-ing node: the server really is a grandchild of the CLI.
  const wrapped = (script: string): { command: string; args: string[] } => ({
    command: 'sh',
    args: ['-c', `"${process.execPath}" "${script}" ${MARKER}; true`],
  });
  workspace.writeConfig({
    mcpServers: {
      kitchen: wrapped(fixture('kitchen-sink')),
      echo: wrapped(fixture('echo')),
      grandchild: { command: process.execPath, args: [fixture('grandchild'), MARKER] },
      setsid: { command: process.execPath, args: [fixture('setsid-grandchild'), MARKER] },
      flood: {
        command: process.execPath,
        args: [fixture('flood-stderr'), MARKER, '--mib', '256', '--line-bytes', '100'],
      },
    },
  });
});

/**
 * The peak resident memory of process `pid` (Linux: VmHWM, which only grows), in MiB, read every 20 ms until `done`
 * settles. Undefined where /proc is missing.
 */
async function peakRssMiB(pid: number, done: Promise<unknown>): Promise<number | undefined> {
  let peak: number | undefined;
  let isDone = false;
  void done.finally(() => (isDone = true));
  while (!isDone) {
    try {
      const kib = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      if (kib !== undefined) peak = Math.max(peak ?? 0, Number(kib) / 1024);
    } catch {
      // Gone, or no /proc.
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return peak;
}

afterAll(async () => {
  // A failed test must not leave its processes to the next suite.
  await killProcessesWith(MARKER);
  workspace.remove();
});

describe('no orphans', () => {
  it('leaves nothing behind after a call through an sh -c wrapper', async () => {
    const result = await mcpHost(['call', 'kitchen.add', 'a=1', 'b=2'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(await processesWith(MARKER)).toEqual([]);
  });

  it('leaves nothing behind after discovering every server, one with a child of its own', async () => {
    const result = await mcpHost(['--verbose', 'discover'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(await processesWith(MARKER)).toEqual([]);
    const grandchildPid = /grandchild pid (\d+)/.exec(String(result.stderr))?.[1];
    expect(grandchildPid).toBeDefined();
    await waitFor(() => isGone(Number(grandchildPid)), 2_000, `grandchild ${grandchildPid} to be gone`);
  });

  it('leaves nothing behind after a call to a server whose child left for a session of its own', async () => {
    const result = await mcpHost(['--verbose', 'call', 'setsid.echo', 'text=hi'], { cwd });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'hi\n' });
    const grandchildPid = /grandchild pid (\d+)/.exec(String(result.stderr))?.[1];
    expect(grandchildPid).toBeDefined();
    await waitFor(() => isGone(Number(grandchildPid)), 3_000, `setsid grandchild ${grandchildPid} to be gone`);
    expect(await processesWith(MARKER)).toEqual([]);
  });

  it('returns quickly after the result: it does not wait on a slow shutdown', async () => {
    const started = Date.now();
    const result = await mcpHost(['call', 'echo.echo', 'text=fast'], { cwd });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'fast\n' });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(await processesWith(MARKER)).toEqual([]);
  });

  it('Ctrl-C during a slow call cancels it, ends the servers and exits 130', async () => {
    const running = mcpHost(['call', 'kitchen.count', 'to=100000', 'stepMs=10'], { cwd });
    // The server process is up once ps shows the marker; the call follows within milliseconds of the handshake.
    await waitFor(
      async () => (await processesWith(MARKER)).some((line) => line.includes('kitchen-sink')),
      10_000,
      'the server',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    running.kill('SIGINT');
    const result = await running;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('error: Interrupted');
    expect(result.stdout).toBe('');
    expect(await processesWith(MARKER)).toEqual([]);
  });

  it.runIf(process.platform === 'linux')(
    'relays 256 MiB of server stderr with --verbose in bounded memory, with a note of the lines it skipped',
    async () => {
      const running = mcpHost(['--verbose', 'call', 'flood.echo', 'text=hi'], { cwd });
      const peak = peakRssMiB(running.pid!, running);
      const result = await running;

      expect(result).toMatchObject({ exitCode: 0, stdout: 'hi\n' });
      const stderr = String(result.stderr);
      expect(stderr).toMatch(/^\[flood\] \[mcp-host: \d+ more lines of stderr not shown: over 1000 lines a second\]$/m);
      // 1000 relayed lines a second of ~110 bytes each, for a flood read in a second or two: not 256 MiB.
      expect(stderr.length).toBeLessThan(2 * 1024 * 1024);
      // The CLI alone is ~60 MiB; before the relay was limited, this flood took it to ~500 MiB.
      expect(await peak).toBeLessThan(160);
      expect(await processesWith(MARKER)).toEqual([]);
    },
  );

  it('SIGTERM is handled like Ctrl-C', async () => {
    const running = mcpHost(['--json', 'call', 'kitchen.count', 'to=100000', 'stepMs=10'], { cwd });
    await waitFor(async () => (await processesWith(MARKER)).length > 0, 10_000, 'the server');
    running.kill('SIGTERM');
    const result = await running;
    expect(result.exitCode).toBe(130);
    expect(JSON.parse(String(result.stdout))).toEqual({
      error: { code: 'CANCELLED', message: 'Interrupted', details: {} },
    });
    expect(await processesWith(MARKER)).toEqual([]);
  });
});
