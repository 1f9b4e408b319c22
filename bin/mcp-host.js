#!/usr/bin/env node
// The CLI, bundled by `npm run build` (scripts/bundle.js; the source is src/cli/bin.ts).
import '../dist/cli/mcp-host.js';
