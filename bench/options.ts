/** The command line of the bench, and how much work each mode does. */

export const SUITES = ['cold', 'throughput', 'big', 'discovery'] as const;
export type SuiteName = (typeof SUITES)[number];

export interface BenchOptions {
  isQuick: boolean;
  /** Give measured processes this process's whole environment instead of PATH and HOME only. */
  isEnvInherited: boolean;
  suites: SuiteName[];
  /** Where the markdown goes; undefined prints only. */
  outFile: string | undefined;
}

export const USAGE = `Usage: npx tsx bench/run.ts [--quick] [--only ${SUITES.join('|')}[,…]] [--out <file>] [--inherit-env]
  --quick  fewer rounds and no 50 MiB result (under a minute)
  --inherit-env  give the measured processes this environment, not just PATH and HOME
  --only   run only these suites (comma-separated)
  --out    write the markdown there; by default a full run of every suite writes bench/RESULTS.md`;

/** @throws Error naming the bad argument and what was expected. */
export function parseOptions(argv: string[], defaultOutFile: string): BenchOptions {
  let isQuick = false;
  let isEnvInherited = false;
  let suites: SuiteName[] | undefined;
  let outFile: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') isQuick = true;
    else if (arg === '--only') suites = parseSuites(argv[++i]);
    else if (arg === '--out') outFile = requireValue(argv[++i], '--out');
    else if (arg === '--inherit-env') isEnvInherited = true;
    else throw new Error(`Unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
  }
  // A partial run must not replace the full results with a fraction of them; it prints unless told where to write.
  const isFullRun = !isQuick && suites === undefined && !isEnvInherited;
  return {
    isQuick,
    isEnvInherited,
    suites: suites ?? [...SUITES],
    outFile: outFile ?? (isFullRun ? defaultOutFile : undefined),
  };
}

function requireValue(value: string | undefined, flag: string): string {
  if (value === undefined || value.startsWith('--')) throw new Error(`${flag}: expected a value\n${USAGE}`);
  return value;
}

function parseSuites(value: string | undefined): SuiteName[] {
  const names = requireValue(value, '--only').split(',');
  return names.map((name) => {
    const suite = SUITES.find((known) => known === name);
    if (suite === undefined) throw new Error(`--only: expected ${SUITES.join(', ')}, got ${JSON.stringify(name)}`);
    return suite;
  });
}

/** How many rounds and calls each suite runs, and the environment of every measured process. */
export interface Plan {
  env: Record<string, string>;
  coldRounds: number;
  throughput: { rounds: number; sequentialCalls: number; pipelinedCalls: number; depth: number };
  big: { bytes: number; rounds: number }[];
  discovery: { counts: number[]; rounds: number };
}

export const MIB = 1024 * 1024;

/**
 * PATH and HOME only, unless told otherwise: a variable can cost more than the stacks differ by. On the reference
 * machine NODE_EXTRA_CA_CERTS adds 35 ms to every `node` start, and the SDK's transport drops it for its servers
 * while a plain spawn passes it on, which would favour the SDK for a reason that has nothing to do with it.
 */
function measuredEnvironment(isEnvInherited: boolean): Record<string, string> {
  const names = isEnvInherited ? Object.keys(process.env) : ['PATH', 'HOME'];
  return Object.fromEntries(
    names.flatMap((name) => (process.env[name] === undefined ? [] : [[name, process.env[name]]])),
  );
}

export function makePlan(isQuick: boolean, isEnvInherited: boolean): Plan {
  const env = measuredEnvironment(isEnvInherited);
  if (isQuick) {
    return {
      env,
      coldRounds: 5,
      throughput: { rounds: 2, sequentialCalls: 1_500, pipelinedCalls: 6_000, depth: 64 },
      big: [
        { bytes: MIB, rounds: 1 },
        { bytes: 10 * MIB, rounds: 1 },
      ],
      discovery: { counts: [1, 3, 10], rounds: 3 },
    };
  }
  return {
    env,
    coldRounds: 20,
    throughput: { rounds: 7, sequentialCalls: 5_000, pipelinedCalls: 20_000, depth: 64 },
    // The SDK needs about 11 s for one 50 MiB result: three rounds of it already take half a minute.
    big: [
      { bytes: MIB, rounds: 5 },
      { bytes: 10 * MIB, rounds: 5 },
      { bytes: 50 * MIB, rounds: 3 },
    ],
    discovery: { counts: [1, 3, 10], rounds: 10 },
  };
}
