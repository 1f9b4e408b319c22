// @ts-check
/**
 * Run by `npm run build` after tsc: bundles each executable (the CLI and the three servers) into one file with
 * esbuild. Node 20 resolves and compiles every ESM module separately, and a command line pays that on each run:
 * the CLI and a server loaded ~200 modules between them, ~250 ms before the first byte. A bundle loads in a
 * fraction of that (bench/RESULTS.md). tsc's per-module output stays in dist/ as the library and for the tests.
 *
 * - `dist/cli/`: the CLI. Its entry holds only the warm path (Node built-ins and the daemon's client); the rest is
 *   a chunk loaded when no daemon answers.
 * - `dist/servers/<name>/index.js`: each server, where configs point (tsc skips these entry files).
 */
import { build } from 'esbuild';

/** CommonJS dependencies (vscode-jsonrpc, nodemailer) call `require`, which an ES module does not have. */
const requireShim = [
  "import { createRequire as __bundleCreateRequire } from 'node:module';",
  'const require = __bundleCreateRequire(import.meta.url);',
].join('\n');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20.11',
  // A native addon, found in node_modules at run time.
  external: ['better-sqlite3'],
  banner: { js: requireShim },
  sourcemap: 'linked',
  logLevel: 'warning',
};

await Promise.all([
  build({
    ...common,
    entryPoints: { 'mcp-host': 'src/cli/bin.ts' },
    outdir: 'dist/cli',
    splitting: true,
    chunkNames: '[name]-[hash]',
  }),
  ...['weather', 'email', 'database'].map((name) =>
    build({ ...common, entryPoints: [`servers/${name}/index.ts`], outfile: `dist/servers/${name}/index.js` }),
  ),
]);
