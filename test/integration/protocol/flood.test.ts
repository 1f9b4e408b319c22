/**
 * A flood of invalid input costs a server a few lines of diagnostics, not one each: 300k invalid lines once grew a
 * server from 94 to 352 MiB of buffered stderr (and aborted it under a small heap). The real built weather server,
 * over real pipes.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const LINES = 300_000;

function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = /VmHWM:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kib) * 1024;
}

describe('a flood of invalid lines', () => {
  it.runIf(process.platform === 'linux')(
    'is reported in a few rate-limited lines, and the server still answers with bounded memory',
    async () => {
      const child = spawn(process.execPath, [path.join(REPO_ROOT, 'dist/servers/weather/index.js')], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', WEATHER_PROVIDER: 'offline' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
      let stdout = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
      // Noise lines and broken objects: a server answers each with -32700, as JSON-RPC asks.
      const chunk = 'noise on stdin\n{"broken":\n'.repeat(1_000);
      for (let sent = 0; sent < LINES; sent += 2_000) {
        if (!child.stdin.write(chunk)) await once(child.stdin, 'drain');
      }
      child.stdin.write('{"jsonrpc":"2.0","id":"last","method":"ping"}\n');
      await expect.poll(() => stdout.includes('"id":"last"'), { timeout: 20_000 }).toBe(true);
      const peakBytes = rssBytes(child.pid!);
      child.stdin.end();
      await once(child, 'exit');

      const reports = stderr.split('\n').filter((line) => line.startsWith('mcp: skipped an invalid message'));
      // A burst of 10, then one a second with the count of what was left out.
      expect(reports.length).toBeGreaterThanOrEqual(10);
      expect(reports.length).toBeLessThan(60);
      expect(stderr).toMatch(/similar reports were left out/);
      // 147-156 MiB alone here, 200.5 once with two other test files on the 2 cores (V8's concurrent marking gets less
      // CPU, so the heap grows further before it is swept); the unbounded buffering this guards against reached 352.
      expect(peakBytes).toBeLessThan(256 * 1024 * 1024);
      // Every line was answered, with no id (none could be read).
      expect(stdout.split('\n').filter((line) => line.includes('-32700'))).toHaveLength(LINES);
    },
  );
});
