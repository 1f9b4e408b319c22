/**
 * `bench` in-process through `runCli`, against the real kitchen-sink server (from dist/): its arguments are parsed,
 * typed and checked by the same code as `call`'s (same results, same messages), its options are validated, and its
 * `--json` document has exactly the documented fields.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorTally } from '../../../src/cli/bench-stats.js';
import { benchDocument } from '../../../src/cli/commands/bench.js';
import { runCli } from '../../../src/cli/main.js';
import type { ReplicaStats } from '../../../src/host/server-pool.js';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const KITCHEN_SINK = path.join(REPO_ROOT, 'dist/test/fixtures/servers/kitchen-sink.js');
const DOCUMENT_KEYS = ['concurrency', 'durationMs', 'errors', 'latencyMs', 'replicas', 'requests', 'requestsPerSecond'];

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-bench-'));
  fs.writeFileSync(
    path.join(dir, 'mcp.config.json'),
    JSON.stringify({ mcpServers: { kitchen: { command: process.execPath, args: [KITCHEN_SINK] } } }),
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function run(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const exitCode = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    stdin: Readable.from([]),
    env: { PATH: process.env.PATH, HOME: dir, XDG_RUNTIME_DIR: path.join(dir, '.run') },
    cwd: dir,
    isTTY: { stdout: false, stderr: false },
  });
  return { exitCode, stdout, stderr };
}

/** The error line of a failed run (the hint after it names the command, so it differs between call and bench). */
function errorLines(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !line.startsWith('hint: '))
    .join('\n');
}

describe('bench arguments are call arguments', () => {
  it.each([
    ['a number typed by the schema, raw JSON and nested --args', ['a=1', 'b:=2']],
    ['--args with a key=value on top', ['--args', '{"a": 1, "b": "x"}', 'b=2']],
  ])('types %s as call does', async (_, tokens) => {
    const called = await run(['--json', 'call', 'kitchen.add', ...tokens]);
    expect(called.exitCode).toBe(0);
    const benched = await run(['--json', 'bench', 'kitchen.add', ...tokens, '--requests', '20', '--concurrency', '4']);
    expect(benched).toMatchObject({ exitCode: 0, stderr: '' });
    // kitchen.add rejects strings (-32602): twenty successes mean the arguments were typed as numbers.
    expect(JSON.parse(benched.stdout)).toMatchObject({ requests: 20, errors: {} });
  });

  it.each([
    ['a value that does not fit the type', ['a=x', 'b=2']],
    ['a missing required argument', ['a=1']],
    ['a token that is not key=value', ['a=1', 'b']],
    ['--args that is not an object', ['--args', '[1]']],
    ['a nested key under a number', ['a=1', 'a.b=2', 'b=2']],
  ])('refuses %s with exit 1 and the same message as call', async (_, tokens) => {
    const called = await run(['call', 'kitchen.add', ...tokens]);
    const benched = await run(['bench', 'kitchen.add', ...tokens]);
    expect(called.exitCode).toBe(1);
    expect(benched.exitCode).toBe(1);
    expect(errorLines(benched.stderr)).toBe(errorLines(called.stderr));
    expect(benched.stdout).toBe('');
  });

  it('names an unknown tool with a suggestion, as call does (exit 6)', async () => {
    const benched = await run(['bench', 'kitchen.ad']);
    expect(benched.exitCode).toBe(6);
    expect(benched.stderr).toContain('error: Server kitchen has no tool "ad"; did you mean "add"?');
  });
});

describe('bench options', () => {
  it.each([
    [
      ['--requests', '0'],
      "option '--requests <n>' argument '0' is invalid. expected a whole number from 1 to 10,000,000",
    ],
    [['--requests', '1e3'], "option '--requests <n>' argument '1e3' is invalid"],
    [['--concurrency', '0'], "option '--concurrency <n>' argument '0' is invalid. expected a whole number from 1"],
    [['--concurrency', '10001'], "argument '10001' is invalid. expected a whole number from 1 to 10,000"],
    [['--warmup', '-1'], "option '--warmup <n>' argument '-1' is invalid. expected a whole number from 0"],
  ])('refuses %j with exit 1 before starting anything', async (options, message) => {
    const result = await run(['bench', 'kitchen.add', 'a=1', 'b=2', ...options]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(message);
  });

  it('--json gives exactly the documented fields, whose numbers add up', async () => {
    const result = await run(['--json', 'bench', 'kitchen.add', 'a=1', 'b=2', '--requests', '50', '--warmup', '0']);
    expect(result.exitCode).toBe(0);
    const document = JSON.parse(result.stdout) as Record<string, unknown>;
    // No `lost` or other field: a request is counted once, whatever its outcome.
    expect(Object.keys(document).sort()).toEqual(DOCUMENT_KEYS);
    expect(document).toMatchObject({
      requests: 50,
      concurrency: 16,
      errors: {},
      replicas: [{ replica: 0, pid: expect.any(Number) as number, completed: 50, restarts: 0 }],
    });
    const latency = document.latencyMs as Record<string, number>;
    expect(Object.keys(latency)).toEqual(['p50', 'p90', 'p99', 'max']);
    expect(latency.p50).toBeGreaterThan(0);
    expect(latency.p50! <= latency.p90! && latency.p90! <= latency.p99! && latency.p99! <= latency.max!).toBe(true);
    // Both are rounded in the document (rate to 0.1, duration to 1 µs): they agree to within 0.1%.
    const expectedRate = (50 * 1000) / (document.durationMs as number);
    expect(Math.abs((document.requestsPerSecond as number) - expectedRate) / expectedRate).toBeLessThan(0.001);
  });
});

describe('benchDocument', () => {
  const replica = (index: number, completed: number, restarts = 0, pid?: number): ReplicaStats => ({
    index,
    state: 'ready',
    pid,
    inFlight: 0,
    completed,
    restarts,
  });

  it('counts for each replica only the calls it served while measuring, and null latencies when none answered', () => {
    const errors = new ErrorTally();
    errors.addToolError('x');
    const document = benchDocument(
      { requests: 10, succeeded: 9, durationMs: 2000, latencyMs: undefined, errors, isInterrupted: false },
      4,
      // A host of its own: no replica had started when the command began.
      { initial: [], measuring: [replica(0, 7), replica(1, 3)] },
      [replica(0, 12, 0, 101), replica(1, 8, 2)],
    );
    expect(document).toEqual({
      requestsPerSecond: 5,
      latencyMs: { p50: null, p90: null, p99: null, max: null },
      errors: { TOOL_ERROR: 1 },
      requests: 10,
      concurrency: 4,
      durationMs: 2000,
      replicas: [
        { replica: 0, pid: 101, completed: 5, restarts: 0 },
        { replica: 1, pid: null, completed: 5, restarts: 2 },
      ],
    });
  });

  it('reports only what changed during the run on a host that was already running (the daemon’s)', () => {
    const document = benchDocument(
      {
        requests: 4,
        succeeded: 4,
        durationMs: 10,
        latencyMs: undefined,
        errors: new ErrorTally(),
        isInterrupted: false,
      },
      2,
      { initial: [replica(0, 500, 3, 7)], measuring: [replica(0, 510, 4, 8)] },
      [replica(0, 514, 4, 8)],
    );
    expect(document.replicas).toEqual([{ replica: 0, pid: 8, completed: 4, restarts: 1 }]);
  });
});
