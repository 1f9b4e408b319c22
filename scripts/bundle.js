// @ts-check
/**
 * Run by `npm run build` after tsc: bundles each executable (the CLI and the three servers) with esbuild. Node 20
 * resolves and compiles every ES module on its own, and a command line pays that on each run: the CLI and a server
 * loaded ~200 modules between them, ~250 ms before the first byte. tsc's per-module output stays in dist/ as the
 * library and for the tests.
 *
 * Each executable is a small launcher and a CommonJS bundle that it runs through src/runtime/code-cache.ts, which
 * keeps V8's code cache in the user's cache directory (Node 20 has no compile cache):
 * - `dist/cli/mcp-host.cjs` (what bin/mcp-host.js requires) holds the warm path (Node built-ins and the daemon's
 *   client) and the early start of a server; when no daemon answers it runs `dist/cli/main.cjs`, the whole CLI. All
 *   CommonJS: Node starts a CommonJS entry ~4 ms sooner than an ES module, a quarter of what the warm path adds to
 *   `node -e 0`.
 * - `dist/servers/<name>/index.js`, where configs point, runs `server.cjs` beside it. tsc does not compile servers/:
 *   the servers ship only as these bundles.
 */
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import process from 'node:process';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.11',
  // A native addon, found in node_modules at run time.
  external: ['better-sqlite3'],
  // jsonc-parser's `main` is a UMD build whose internal requires esbuild cannot follow; its ES module build bundles.
  alias: { 'jsonc-parser': 'jsonc-parser/lib/esm/main.js' },
  logLevel: 'warning',
};

/**
 * CommonJS output, where `import.meta.url` (for files beside the bundle: the city index, package.json) is the
 * bundle's own URL.
 * @type {import('esbuild').BuildOptions}
 */
const commonJs = {
  ...common,
  format: 'cjs',
  // `import()` of what stays outside the bundle (Node's modules) becomes a lazy `require`: a real dynamic import inside
  // the code-cached bundle goes through vm's loader, which Node 20 warns about as experimental on stderr.
  supported: { 'dynamic-import': false },
  define: { 'import.meta.url': '__bundleFileUrl' },
  banner: { js: "var __bundleFileUrl = require('node:url').pathToFileURL(__filename).href;" },
};

/**
 * A CommonJS bundle of `entry` (a file, or source text) to run with its code cache. The last line is a hash of the
 * content, which names the cache in the user's cache directory (see code-cache.ts).
 * @param {string | import('esbuild').StdinOptions} entry
 * @param {string} outfile
 */
async function bundleCommonJs(entry, outfile) {
  await build({ ...commonJs, ...(typeof entry === 'string' ? { entryPoints: [entry] } : { stdin: entry }), outfile });
  const content = asciiOnly(readFileSync(outfile, 'utf8'));
  const hash = createHash('sha256').update(content).digest('hex').slice(0, 16);
  writeFileSync(outfile, `${content}\n// content-hash: ${hash}\n`);
}

/**
 * The text with every non-ASCII character escaped. esbuild escapes them in code, but not in the comments it keeps
 * (`—`, `…`), and one such character makes V8 hold the whole source as a two-byte string, slower to read, hash and
 * compile: the CLI bundle took 5.9 ms to read and load from its code cache, 4.3 ms once ASCII (3.4 ms read as
 * latin1, as runBundle then does). `\uXXXX` means the same character in a string, a template, a regular expression
 * or an identifier, and a comment does not care.
 * @param {string} text
 */
function asciiOnly(text) {
  return text.replace(/[\u0080-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * The launcher that runs the CommonJS bundle `bundleName` beside it.
 * @param {string} outfile
 * @param {string} bundleName
 */
function launcher(outfile, bundleName) {
  return build({
    ...commonJs,
    stdin: {
      contents: [
        "import { runBundle } from './src/runtime/code-cache.ts';",
        `runBundle(new URL('./${bundleName}', import.meta.url));`,
      ].join('\n'),
      resolveDir: repoRoot,
      loader: 'ts',
    },
    outfile,
  });
}

/**
 * A server as an executable: `<outDir>/index.js`, the launcher a config points at, and `server.cjs` beside it. A
 * package.json there makes `index.js` CommonJS (the project's own is ESM): Node starts a CommonJS entry ~5 ms
 * sooner, and a host starts every server it configures.
 * @param {string} entry the server's TypeScript entry
 * @param {string} outDir
 */
async function bundleServer(entry, outDir) {
  await Promise.all([
    bundleCommonJs(entry, path.join(outDir, 'server.cjs')),
    launcher(path.join(outDir, 'index.js'), 'server.cjs'),
  ]);
  writeFileSync(path.join(outDir, 'package.json'), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
}

// `node scripts/bundle.js --server <entry.ts> --out <dir>` bundles one server (bench/build.ts does, for the bench's
// server on our framework); with no arguments, the project's executables.
const { values } = parseArgs({ options: { server: { type: 'string' }, out: { type: 'string' } } });
// Paths given are the caller's; the project's below are the repository's, wherever this is run from.
const [serverEntry, serverOut] = [values.server, values.out].map((given) => given && path.resolve(given));
process.chdir(repoRoot);
if (serverEntry !== undefined && serverOut !== undefined) {
  await bundleServer(serverEntry, serverOut);
} else if (serverEntry !== undefined || serverOut !== undefined) {
  throw new Error('scripts/bundle.js: --server and --out go together');
} else {
  // dist/servers holds only what is built here (tsc does not compile servers/): start from nothing.
  rmSync('dist/servers', { recursive: true, force: true });
  await Promise.all([
    bundleCommonJs('src/cli/main.ts', 'dist/cli/main.cjs'),
    // Small enough to load as it is: it is the code cache's own loader.
    build({ ...commonJs, entryPoints: ['src/cli/bin.ts'], outfile: 'dist/cli/mcp-host.cjs' }),
    ...['weather', 'email', 'database'].map((name) => bundleServer(`servers/${name}/index.ts`, `dist/servers/${name}`)),
  ]);
  // Run next by `npm run build`: writes the weather server's prebuilt city index beside its bundle.
  await build({
    ...commonJs,
    entryPoints: ['servers/weather/build-index.ts'],
    outfile: 'dist/servers/weather/build-index.cjs',
  });
}
