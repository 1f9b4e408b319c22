/**
 * A server that floods stderr: the host reads all of it (a server blocked on a full pipe never answers) in bounded
 * memory, keeps a tail of cut lines, and relays only a bounded rate of lines to its listener, with notes that count
 * exactly what was skipped. Each host runs in a process of its own, so that its peak RSS is its alone.
 */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { STDERR_LINE_MAX_CHARS, STDERR_RELAY_MAX_LINES_PER_SECOND } from '../../../src/host/server-process.js';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const FLOOD = path.join(REPO_ROOT, 'dist/test/fixtures/servers/flood-stderr.js');
const MODULE_URL = pathToFileURL(path.join(REPO_ROOT, 'dist/src/host/server-process.js')).href;
/**
 * What a host may peak at while reading any flood. A bare Node process that loads the host module is ~45 MiB here,
 * and reading 256 MiB takes it to ~75 MiB (garbage chunks awaiting collection). Before the fix, one relayed flood
 * took the CLI past 1.5 GiB.
 */
const MAX_HOST_RSS_MIB = 160;

interface HostReport {
  relayed: string[];
  relayedCount: number;
  skippedByNotes: number;
  notes: number;
  tail: string[];
  elapsedMs: number;
  maxRssMiB: number;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-stderr-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs a host that starts the flood server with `args`, closes it, and reports what its listener got. */
async function runHost(args: string[]): Promise<HostReport> {
  const script = `
    import { spawnServerProcess } from ${JSON.stringify(MODULE_URL)};
    const relayed = [];
    let relayedCount = 0, skippedByNotes = 0, notes = 0;
    const startedAt = Date.now();
    const server = spawnServerProcess({
      name: 'flood', command: process.execPath, args: ${JSON.stringify([FLOOD, ...args])}, env: { PATH: process.env.PATH },
      onStderrLine: (line) => {
        const note = /^\\[mcp-host: (\\d+) more lines? of stderr not shown/.exec(line);
        if (note) { notes++; skippedByNotes += Number(note[1]); return; }
        relayedCount++;
        if (relayed.length < 5) relayed.push(line);
      },
    });
    // Its stdin ends at once; the server notices when the flood is written, and exits.
    await server.close({ graceMs: 30000 });
    const elapsedMs = Date.now() - startedAt;
    const maxRssMiB = process.resourceUsage().maxRSS / 1024;
    process.stdout.write(JSON.stringify({ relayed, relayedCount, skippedByNotes, notes, tail: server.stderrTail(), elapsedMs, maxRssMiB }));
  `;
  const file = path.join(dir, `host-${args.join('-')}.mjs`);
  fs.writeFileSync(file, script);
  const host = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  host.stdout.setEncoding('utf8').on('data', (text: string) => (output += text));
  const [exitCode] = (await once(host, 'exit')) as [number | null];
  expect(exitCode).toBe(0);
  return JSON.parse(output) as HostReport;
}

/** The count the fixture announces in its last line. */
function announcedLines(tail: readonly string[]): number {
  const match = /^flood-stderr: done after (\d+) lines$/.exec(tail.at(-1) ?? '');
  expect(match, `last tail line: ${tail.at(-1)}`).not.toBeNull();
  return Number(match![1]);
}

// Each host reads a few hundred MiB through a pipe: about a second on 2 cores, allowed 30 s on a busy machine.
describe('spawnServerProcess: a server that floods stderr', { timeout: 30_000 }, () => {
  it('reads 256 MiB of short lines in bounded memory, relaying at most the line rate and counting the rest', async () => {
    const report = await runHost(['--mib', '256', '--line-bytes', '100']);

    const total = announcedLines(report.tail) + 1;
    expect(total).toBeGreaterThan(2_600_000);
    // Every line is either relayed or counted in a note: nothing is lost silently.
    expect(report.relayedCount + report.skippedByNotes).toBe(total);
    expect(report.notes).toBeGreaterThan(0);
    // The host's own clock, the one its limiter opens windows by: a slow run only has more windows, so this bound
    // cannot fail for lack of speed (a clock to inject would replace the Date.now() the limiter itself calls).
    const windows = Math.ceil(report.elapsedMs / 1_000) + 1;
    expect(report.relayedCount).toBeGreaterThanOrEqual(STDERR_RELAY_MAX_LINES_PER_SECOND);
    expect(report.relayedCount).toBeLessThanOrEqual(STDERR_RELAY_MAX_LINES_PER_SECOND * windows);
    expect(report.relayed[0]).toBe('x'.repeat(99));
    expect(report.tail).toHaveLength(40);
    expect(report.maxRssMiB).toBeLessThan(MAX_HOST_RSS_MIB);
  });

  it('cuts one 100 MiB line while reading it: the tail and the listener get its first characters', async () => {
    const report = await runHost(['--mib', '100', '--line-bytes', '0']);

    const cut = `${'x'.repeat(STDERR_LINE_MAX_CHARS)}…`;
    expect(report.tail).toEqual([cut, 'flood-stderr: done after 1 lines']);
    expect(report.relayed).toEqual([cut, 'flood-stderr: done after 1 lines']);
    expect(report.notes).toBe(0);
    expect(report.maxRssMiB).toBeLessThan(MAX_HOST_RSS_MIB);
  });
});
