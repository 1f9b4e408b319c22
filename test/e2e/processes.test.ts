/**
 * No process outlives the CLI: after a normal exit, an error exit or Ctrl-C, `ps` shows nothing from the config,
 * even for servers behind an `sh -c` wrapper or with a child of their own. And a server's stderr, however much of
 * it there is, costs the CLI bounded memory.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
      // Ignores both the end of its stdin and SIGTERM: it never stops on its own.
      stubborn: wrapped(fixture('ignore-sigterm')),
      slow: wrapped(fixture('cacheable')),
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
 * Node options that make a CLI run write its peak resident memory (getrusage's maxRSS, which only grows) when it
 * exits; `peakRssMiB(pid)` reads it afterwards. Exact, where sampling /proc could miss a peak between two samples.
 */
function peakRssProbe(): string[] {
  const probe = path.join(cwd, 'peak-rss-probe.mjs');
  fs.writeFileSync(
    probe,
    `import { writeFileSync } from 'node:fs';\n` +
      `process.on('exit', () => writeFileSync(${JSON.stringify(cwd)} + '/peak-rss-' + process.pid + '.kib', ` +
      `String(process.resourceUsage().maxRSS)));\n`,
  );
  return ['--import', pathToFileURL(probe).href];
}

/** What the probe wrote for the run with this pid, in MiB. */
function peakRssMiB(pid: number): number {
  return Number(fs.readFileSync(path.join(cwd, `peak-rss-${pid}.kib`), 'utf8')) / 1024;
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
    await waitFor(() => isGone(Number(grandchildPid)), WAIT_LIMIT_MS, `grandchild ${grandchildPid} to be gone`);
  });

  it('leaves nothing behind after a call to a server whose child left for a session of its own', async () => {
    const result = await mcpHost(['--verbose', 'call', 'setsid.echo', 'text=hi'], { cwd });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'hi\n' });
    const grandchildPid = /grandchild pid (\d+)/.exec(String(result.stderr))?.[1];
    expect(grandchildPid).toBeDefined();
    await waitFor(() => isGone(Number(grandchildPid)), WAIT_LIMIT_MS, `setsid grandchild ${grandchildPid} to be gone`);
    expect(await processesWith(MARKER)).toEqual([]);
  });

  it('returns quickly after the result: it does not wait on a slow shutdown', async () => {
    // A server that would never stop on its own, behind a wrapper: the run ends (within mcpHost's limit on a run,
    // or it fails without an exit code) only because the CLI ends the server's whole group instead of waiting.
    const result = await mcpHost(['call', 'stubborn.echo', 'text=fast'], { cwd });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'fast\n' });
    expect(await processesWith(MARKER)).toEqual([]);
  });

  it('Ctrl-C during a slow call cancels it, ends the servers and exits 130', async () => {
    const running = mcpHost(['--verbose', 'call', 'slow.slow', 'ms=30000', 'announce=true'], { cwd });
    // The server announces the call as it arrives (shown by --verbose): the call is under way.
    await outputContaining(running.stderr, 'slow: waiting 30000 ms');
    running.kill('SIGINT');
    const result = await running;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('error: Interrupted');
    // The call was cancelled (notifications/cancelled), not only cut off by the server's end.
    expect(result.stderr).toContain('slow: cancelled (CANCELLED)');
    expect(result.stdout).toBe('');
    expect(await processesWith(MARKER)).toEqual([]);
  });

  it.runIf(process.platform === 'linux')(
    'relays 256 MiB of server stderr with --verbose in bounded memory, with a note of the lines it skipped',
    async () => {
      const running = mcpHost(['--verbose', 'call', 'flood.echo', 'text=hi'], { cwd, nodeArgs: peakRssProbe() });
      const result = await running;

      expect(result).toMatchObject({ exitCode: 0, stdout: 'hi\n' });
      const stderr = String(result.stderr);
      expect(stderr).toMatch(/^\[flood\] \[mcp-host: \d+ more lines of stderr not shown: over 1000 lines a second\]$/m);
      // 1000 relayed lines a second of ~110 bytes each, for a flood read in a second or two: not 256 MiB.
      expect(stderr.length).toBeLessThan(2 * 1024 * 1024);
      // The CLI alone is ~60 MiB; before the relay was limited, this flood took it to ~500 MiB.
      expect(peakRssMiB(running.pid!)).toBeLessThan(160);
      expect(await processesWith(MARKER)).toEqual([]);
    },
  );

  it('SIGTERM is handled like Ctrl-C, the call cancelled too', async () => {
    const running = mcpHost(['--verbose', 'call', 'slow.slow', 'ms=30000', 'announce=true'], { cwd });
    await outputContaining(running.stderr, 'slow: waiting 30000 ms');
    running.kill('SIGTERM');
    const result = await running;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('slow: cancelled (CANCELLED)');
    expect(await processesWith(MARKER)).toEqual([]);
  });

  it('SIGTERM is handled like Ctrl-C, with --json', async () => {
    const running = mcpHost(['--json', 'call', 'kitchen.count', 'to=100000', 'stepMs=10'], { cwd });
    await waitFor(async () => (await processesWith(MARKER)).length > 0, WAIT_LIMIT_MS, 'the server');
    running.kill('SIGTERM');
    const result = await running;
    expect(result.exitCode).toBe(130);
    expect(JSON.parse(String(result.stdout))).toEqual({
      error: { code: 'CANCELLED', message: 'Interrupted', details: {} },
    });
    expect(await processesWith(MARKER)).toEqual([]);
  });
});
