/**
 * The benchmark: mcp-host's stack against the official SDK and a bare NDJSON floor, side by side in one run.
 * `npm run build && npx tsx bench/run.ts [--quick] [--only cold,throughput,big,discovery] [--out file]`
 * See bench/README.md for what is measured and how to read it.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildBench, staleProjectSources } from './build.js';
import { describeMachine } from './machine.js';
import { makePlan, parseOptions } from './options.js';
import { REPO_ROOT, RESULTS_FILE } from './paths.js';
import { renderReport } from './report.js';
import type { BenchResults } from './results.js';
import { runBigResultsSuite } from './suites/big-results.js';
import { runColdSuite } from './suites/cold.js';
import { runDiscoverySuite } from './suites/discovery.js';
import { runThroughputSuite } from './suites/throughput.js';

async function main(argv: string[]): Promise<number> {
  const options = parseOptions(argv, RESULTS_FILE);
  const stale = staleProjectSources();
  if (stale.length > 0) {
    console.error(
      `warning: dist/ is older than ${stale.join(', ')}; run \`npm run build\` to measure the current code`,
    );
  }
  const built = await buildBench();
  if (built > 0) console.error(`compiled ${built} bench files to dist/bench/`);
  const plan = makePlan(options.isQuick, options.isEnvInherited);
  const results: BenchResults = {
    machine: describeMachine(),
    isQuick: options.isQuick,
    isEnvInherited: options.isEnvInherited,
    plan,
  };
  const started = Date.now();
  for (const suite of options.suites) {
    if (suite === 'cold') results.cold = runColdSuite(plan);
    if (suite === 'throughput') results.throughput = runThroughputSuite(plan);
    if (suite === 'big') results.big = runBigResultsSuite(plan);
    if (suite === 'discovery') results.discovery = runDiscoverySuite(plan);
  }
  const report = renderReport(results);
  console.log(report);
  if (options.outFile !== undefined) {
    writeFileSync(options.outFile, report);
    console.error(`written to ${path.relative(REPO_ROOT, path.resolve(options.outFile))}`);
  }
  console.error(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
