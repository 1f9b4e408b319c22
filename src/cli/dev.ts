/**
 * `npm run dev -- <args>`: the CLI from source through tsx, with no build. (bin/mcp-host.js runs the bundle that
 * `npm run build` makes; see src/cli/bin.ts.)
 */

import { main } from './main.js';

process.exitCode = await main(process.argv);
