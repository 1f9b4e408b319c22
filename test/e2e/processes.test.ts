/**
 * No process outlives the CLI: after a normal exit, an error exit or Ctrl-C, `ps` shows nothing from the config,
 * even for servers behind an `sh -c` wrapper or with a child of their own.
 */
import { randomUUID } from 'node:crypto';
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
    },
  });
});

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
