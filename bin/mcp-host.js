#!/usr/bin/env node
// The CLI, bundled by `npm run build` (scripts/bundle.js; the source is src/cli/bin.ts). CommonJS, through
// bin/package.json: Node starts a CommonJS entry ~4 ms sooner than an ES module, and shell loops feel every one.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../dist/cli/mcp-host.cjs');
