#!/usr/bin/env node
// The CLI, bundled by `npm run build` (scripts/bundle.js; the source is src/cli/bin.ts). CommonJS, through
// bin/package.json: Node starts a CommonJS entry ~4 ms sooner than an ES module, and shell loops feel every one.
/* eslint-disable @typescript-eslint/no-require-imports */
const { existsSync } = require('node:fs');
const path = require('node:path');

const entry = path.join(__dirname, '..', 'dist', 'cli', 'mcp-host.cjs');
if (existsSync(entry)) {
  require(entry);
} else {
  // A checkout that was never built, or a build that failed: say what to do rather than print a stack trace.
  process.stderr.write(`mcp-host is not built (${entry} is missing): run \`npm install\` or \`npm run build\`\n`);
  process.exitCode = 1;
}
