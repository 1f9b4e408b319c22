/**
 * What `bin/mcp-host.js` runs (bundled into dist/cli/mcp-host.cjs by scripts/bundle.js). The warm path first: when
 * a daemon serves the config it runs the command, and nothing but this module and the daemon's client is loaded
 * here. Otherwise the whole CLI, bundled beside this file as main.cjs, runs in this process.
 */

import { runBundle } from '../runtime/code-cache.js';
import { runFastPath } from './fast-path.js';
import type * as Main from './main.js';

async function run(): Promise<void> {
  const exitCode = await runFastPath(process.argv);
  if (exitCode === undefined) {
    const { main } = runBundle(new URL('./main.cjs', import.meta.url)) as unknown as typeof Main;
    process.exitCode = await main(process.argv);
  } else {
    process.exitCode = exitCode;
  }
}

// A CommonJS bundle has no top-level await. Neither function rejects (errors are reported as exit codes), so
// anything that does is a bug, reported as one.
run().catch((error: unknown) => {
  process.stderr.write(`mcp-host: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
