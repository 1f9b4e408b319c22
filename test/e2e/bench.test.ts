/**
 * `mcp-host bench` end to end against the cacheable fixture: its `--json` document, calls spread over replicas
 * with none lost or counted twice, a long run, failures by kind with their exit codes, and Ctrl-C.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Workspace,
  fixture,
  killProcessesWith,
  mcpHost,
  outputContaining,
  parseJson,
  processesWith,
} from './mcp-host.js';
import type { BenchDocument } from '../../src/cli/commands/bench.js';

/** On the command line of every server this suite starts, so `ps` finds them (and only them). */
const MARKER = `mcp-host-e2e-bench-${randomUUID()}`;
const DOCUMENT_KEYS = ['concurrency', 'durationMs', 'errors', 'latencyMs', 'replicas', 'requests', 'requestsPerSecond'];

let workspace: Workspace;
let cwd: string;

beforeAll(() => {
  workspace = new Workspace();
  cwd = workspace.dir;
  const cacheable = { command: process.execPath, args: [fixture('cacheable'), MARKER] };
  workspace.writeConfig({
    mcpServers: {
      trio: { ...cacheable, replicas: 3 },
      single: cacheable,
      broken: { command: process.execPath, args: [fixture('crash-on-start'), MARKER], replicas: 2 },
    },
  });
});

afterAll(async () => {
  await killProcessesWith(MARKER);
  workspace.remove();
});

async function bench(args: string[]): Promise<{ exitCode: number | undefined; document: BenchDocument }> {
  const result = await mcpHost(['--json', 'bench', ...args], { cwd });
  return { exitCode: result.exitCode, document: parseJson(result.stdout) as unknown as BenchDocument };
}

function servedInTotal(document: BenchDocument): number {
  return document.replicas.reduce((sum, replica) => sum + replica.completed, 0);
}

describe('bench over replicas', () => {
  it('spreads the calls over all three replicas, none lost and none counted twice', async () => {
    const { exitCode, document } = await bench(['trio.slow', 'ms=5', '--requests', '300', '--concurrency', '9']);
    expect(exitCode).toBe(0);
    expect(Object.keys(document).sort()).toEqual(DOCUMENT_KEYS);
    expect(document).toMatchObject({ requests: 300, concurrency: 9, errors: {} });
    // Each call was served by exactly one replica: the host's per-replica counts add up to the calls made.
    expect(servedInTotal(document)).toBe(300);
    expect(document.replicas.map(({ replica }) => replica)).toEqual([0, 1, 2]);
    expect(new Set(document.replicas.map(({ pid }) => pid)).size).toBe(3);
    for (const replica of document.replicas) {
      expect(replica.completed, `replica ${replica.replica}'s share`).toBeGreaterThan(0);
      expect(replica.restarts).toBe(0);
    }
    // Every call waited 5 ms in the server.
    expect(document.latencyMs.p50).toBeGreaterThanOrEqual(5);
    expect(document.requestsPerSecond).toBeGreaterThan(0);
  });

  // About 1 s on a 2-core machine. A run that has gone badly wrong (a hang, a call waiting on a timer) is ended by
  // mcpHost's limit on a run, and fails for its missing exit code; how fast it is, is the bench's to say.
  it('makes 10,000 calls at concurrency 64 without an error', async () => {
    const { exitCode, document } = await bench(['trio.counter_uncached', '--requests', '10000', '--concurrency', '64']);
    expect(exitCode).toBe(0);
    expect(document).toMatchObject({ requests: 10_000, concurrency: 64, errors: {} });
    expect(servedInTotal(document)).toBe(10_000);
    // Nothing went wrong along the way either: every replica served, and none was restarted.
    for (const replica of document.replicas) {
      expect(replica.completed, `replica ${replica.replica}'s share`).toBeGreaterThan(0);
      expect(replica.restarts).toBe(0);
    }
  });
});

describe('bench failures', () => {
  it('counts tool errors by kind and exits 5', async () => {
    // One replica, no warmup: the process's calls 10, 20, …, 100 fail, exactly ten.
    const args = ['single.flaky', 'every=10', '--requests', '100', '--concurrency', '4', '--warmup', '0'];
    const { exitCode, document } = await bench(args);
    expect(exitCode).toBe(5);
    expect(document).toMatchObject({ requests: 100, errors: { TOOL_ERROR: 10 } });
    expect(servedInTotal(document)).toBe(100);

    const human = await mcpHost(['bench', ...args], { cwd });
    expect(human.exitCode).toBe(5);
    const lines = String(human.stdout).split('\n');
    expect(lines[0]).toBe('single.flaky: 100 requests, concurrency 4, 1 replica');
    expect(lines).toContain('  errors      TOOL_ERROR × 10  flaky: call 10 fails on purpose (every 10)');
    expect(lines).toContainEqual(
      expect.stringMatching(/^ {2}latency {5}p50 [\d.]+ ms {2}p90 [\d.]+ ms {2}p99 [\d.]+ ms {2}max [\d.]+ ms$/),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}single#0 +\d+ +100 +0$/));
  });

  it('counts timeouts as REQUEST_TIMEOUT and exits 4', async () => {
    const { exitCode, document } = await bench([
      '--timeout',
      '1000',
      'single.slow',
      'ms=30000',
      '--requests',
      '2',
      '--concurrency',
      '2',
      '--warmup',
      '0',
    ]);
    expect(exitCode).toBe(4);
    expect(document).toMatchObject({
      requests: 2,
      errors: { REQUEST_TIMEOUT: 2 },
      latencyMs: { p50: null, p90: null, p99: null, max: null },
    });
  });

  it('exits 3 when no replica of the server can start', async () => {
    const result = await mcpHost(['bench', 'broken.anything'], { cwd });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('error: Server broken exited with code 1');
    expect(result.stdout).toBe('');
  });
});

describe('bench interrupted', () => {
  it('on Ctrl-C stops, cancels the calls in flight, reports them and exits 130', async () => {
    const running = mcpHost(
      [
        '--json',
        '--verbose',
        'bench',
        'single.slow',
        'ms=30000',
        'announce=true',
        '--requests',
        '1000',
        '--concurrency',
        '4',
        '--warmup',
        '0',
      ],
      { cwd },
    );
    // The server announces each call as it arrives (shown by --verbose): the measured calls are under way.
    await outputContaining(running.stderr, 'slow: waiting 30000 ms');
    running.kill('SIGINT');
    const result = await running;
    expect(result.exitCode).toBe(130);
    const document = parseJson(result.stdout) as unknown as BenchDocument;
    // All four lanes had issued their first call; each was cancelled, and no other call was started.
    expect(document).toMatchObject({ requests: 4, concurrency: 4, errors: { CANCELLED: 4 } });
    expect(servedInTotal(document)).toBe(4);
    expect(await processesWith(MARKER)).toEqual([]);
  });
});
