/**
 * The contract between the orchestrator (bench/run.ts) and a driver process: the driver prints one JSON line with
 * its result on stdout; on failure it prints the reason on stderr and exits with status 1.
 */

/** Runs a driver's body and reports its result as described above. */
export function driverMain(body: () => Promise<unknown>): void {
  body().then(
    (result) => {
      if (result !== undefined) process.stdout.write(JSON.stringify(result) + '\n');
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
      // Exit now: a half-closed server must not keep the driver (and the whole bench) waiting.
      process.exit(1);
    },
  );
}

/** A positive integer from the command line, or a message naming the argument. */
export function parseCount(value: string | undefined, what: string): number {
  const count = Number(value);
  if (!Number.isSafeInteger(count) || count <= 0) throw new Error(`${what}: expected a positive integer, got ${value}`);
  return count;
}

export function elapsedMs(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** User plus system CPU time of this process, in microseconds. */
export function cpuNowUs(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
