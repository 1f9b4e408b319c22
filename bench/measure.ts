/**
 * Running measured processes: wall time around a whole `node` process, driver results, and the alternating
 * schedule that spreads the machine's noise evenly over the cases being compared.
 */
import { spawnSync } from 'node:child_process';
import type { SpawnSyncReturns } from 'node:child_process';
import { driverScript, REPO_ROOT } from './paths.js';
import type { DriverName } from './paths.js';
import type { Series } from './stats.js';

/** No single measured process may hang the bench. */
const PROCESS_TIMEOUT_MS = 5 * 60_000;
/** How much of a failed process's stderr the report keeps. */
const STDERR_TAIL_CHARS = 300;

export interface ProcessRun {
  wallMs: number;
  stdout: string;
  /** Why the process failed, or undefined when it exited with status 0. */
  failure: string | undefined;
}

/**
 * Runs `node <args>` with exactly the environment `env` to completion, and times it from just before the spawn to
 * just after the exit: what a user typing the command would wait, minus the shell.
 */
export function timeNode(args: string[], env: Record<string, string>): ProcessRun {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, {
    cwd: REPO_ROOT,
    env,
    encoding: 'utf8',
    timeout: PROCESS_TIMEOUT_MS,
    maxBuffer: 16 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  return { wallMs, stdout: result.stdout, failure: describeFailure(result) };
}

function describeFailure(result: SpawnSyncReturns<string>): string | undefined {
  if (result.error) return result.error.message;
  if (result.status === 0) return undefined;
  const how = result.signal ? `was killed by ${result.signal}` : `exited with status ${result.status}`;
  const tail = result.stderr.trim().slice(-STDERR_TAIL_CHARS).replace(/\s+/g, ' ');
  return tail === '' ? `the process ${how}` : `${tail} (${how})`;
}

/** Runs a driver and parses the JSON line it printed; a failure is returned, not thrown, to be reported. */
export function runDriver<T>(
  driver: DriverName,
  args: (string | number)[],
  env: Record<string, string>,
): ProcessRun & { result?: T } {
  const run = timeNode([driverScript(driver), ...args.map(String)], env);
  if (run.failure !== undefined) return run;
  const line = run.stdout.trim().split('\n').pop() ?? '';
  try {
    return { ...run, result: line === '' ? undefined : (JSON.parse(line) as T) };
  } catch {
    return { ...run, failure: `the driver printed something other than one JSON line: ${line.slice(0, 200)}` };
  }
}

/** Appends a run's wall time to a series, or its failure. */
export function record(series: Series, run: ProcessRun, value = run.wallMs): void {
  if (run.failure === undefined) series.values.push(value);
  else series.failures.push(run.failure);
}

/**
 * Runs every case once per round, rotating the order each round, so that no case always runs first (cold caches)
 * or always after the same neighbour. A case that failed is not run again: its failure is the result.
 */
export function alternate<C>(
  title: string,
  rounds: number,
  cases: readonly C[],
  hasFailed: (item: C) => boolean,
  run: (item: C) => void,
): void {
  for (let round = 0; round < rounds; round++) {
    process.stderr.write(`\r${title}: round ${round + 1}/${rounds}   `);
    for (let i = 0; i < cases.length; i++) {
      const item = cases[(i + round) % cases.length]!;
      if (!hasFailed(item)) run(item);
    }
  }
  process.stderr.write('\n');
}
