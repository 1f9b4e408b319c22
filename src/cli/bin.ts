/**
 * What `bin/mcp-host.js` runs (bundled into dist/cli by scripts/bundle.js). The warm path first: when a daemon
 * serves the config it runs the command, and nothing but this module and the daemon's client is ever loaded here.
 * Otherwise the whole CLI, bundled beside this file as main.cjs, runs in this process.
 */

import { runBundle } from '../runtime/code-cache.js';
import { runFastPath } from './fast-path.js';
import type * as Main from './main.js';

const exitCode = await runFastPath(process.argv);
if (exitCode === undefined) {
  const { main } = runBundle(new URL('./main.cjs', import.meta.url)) as unknown as typeof Main;
  process.exitCode = await main(process.argv);
} else {
  process.exitCode = exitCode;
}
