/**
 * What `bin/mcp-host.js` runs (bundled into dist/cli by scripts/bundle.js). The warm path first: when a daemon
 * serves the config it runs the command, and nothing but this module and the daemon's client is ever loaded here.
 * Otherwise the full CLI is loaded and run in this process.
 */

import { runFastPath } from './fast-path.js';

const exitCode = await runFastPath(process.argv);
if (exitCode === undefined) {
  const { main } = await import('./main.js');
  process.exitCode = await main(process.argv);
} else {
  process.exitCode = exitCode;
}
