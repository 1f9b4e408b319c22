/**
 * Runs a CommonJS bundle with V8's code cache kept in the user's cache directory. Node 20 has no compile cache of its own
 * (`module.enableCompileCache` came in Node 22), and once modules are no longer resolved one by one, compiling the
 * bundle is most of a cold start. Reading and compiling, measured without and with the cache: ~15 and ~3.5 ms for the
 * CLI, ~9 and ~2.5 ms for a server. With the cache, V8 deserializes the bytecode of every function the last run used
 * instead of parsing and compiling again.
 *
 * The cache is written at the exit of the first run that succeeds (so it holds the functions that run used, not only
 * the top level) and whenever V8 rejects it (another Node version, other V8 flags). Its name carries the bundle's
 * content hash, which the build appends as the bundle's last line, because V8 checks only the source's length: a
 * rebuilt bundle of the same length must never meet an old cache.
 *
 * Caches belong to the user, not to the installation: they go to `$XDG_CACHE_HOME/mcp-host/code-cache` (or
 * `~/.cache/…`, `~/Library/Caches/…` on macOS, `%LOCALAPPDATA%\…` on Windows), owner-only, and never into the
 * install directory, which may be read-only or shared. Writing is best effort: without a cache directory a bundle
 * runs without one, exactly as before. Caches of builds no longer run are removed when a new one is written.
 */

import { isAscii } from 'node:buffer';
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** The wrapper Node itself puts around a CommonJS module, on the bundle's first line so line numbers hold. */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';
const WRAPPER_TAIL = '\n})';

/** The last line scripts/bundle.js appends: a hash of everything above it. */
const CONTENT_HASH_LINE = /\n\/\/ content-hash: ([0-9a-f]{16})\n$/;

/** A cache not written for this long belongs to a build nobody runs any more (an accepted cache is rewritten then). */
const STALE_CACHE_MS = 30 * 24 * 60 * 60 * 1000;

/** A cache variant: a short lowercase word, so that it can be part of a file name. */
const VARIANT = /^[a-z][a-z-]{0,31}$/;

/**
 * Runs the bundle at `bundleUrl` once, as Node would `require` it, and answers with its exports.
 *
 * The cache holds the functions the run that wrote it used, and is never written again while V8 accepts it; so a
 * bundle whose runs differ (the CLI: `--help` uses little of what `call` does) keeps one cache per `variant`, each
 * written by the first run of its kind. Measured: a `call` with the cache a `--help` wrote, 140 ms; with its own,
 * 122 ms.
 */
export function runBundle(bundleUrl: URL, variant?: string): Record<string, unknown> {
  if (variant !== undefined && !VARIANT.test(variant)) throw new Error(`runBundle: invalid cache variant ${variant}`);
  const filename = fileURLToPath(bundleUrl);
  const source = readSource(filename);
  // A bundle without its hash (built some other way) runs without a cache: no cache is better than a wrong one.
  const hash = CONTENT_HASH_LINE.exec(source.slice(-64))?.[1];
  const directory = hash && codeCacheDir(process.env, process.platform);
  // The hash names the content; the bundle's folder and name only make the file recognisable.
  const label = `${path.basename(path.dirname(filename))}-${path.basename(filename)}`;
  const cacheFile =
    directory && path.join(directory, `${label}.${hash}${variant === undefined ? '' : `.${variant}`}.v8cache`);
  const cachedData = cacheFile ? readIfPresent(cacheFile) : undefined;
  const script = new vm.Script(`${WRAPPER_HEAD}${source}${WRAPPER_TAIL}`, {
    filename,
    ...(cachedData && { cachedData }),
    // `import()` inside the bundle (of a package left outside it) loads as it would from a file. The constant came
    // in Node 20.12; on 20.11 such an import fails loudly, and our bundles have none (esbuild makes their own
    // dynamic imports lazy requires).
    importModuleDynamically: vm.constants?.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  });
  if (cacheFile && (!cachedData || script.cachedDataRejected)) {
    // Only after a run that succeeded: one that stopped at a usage error used little of the code.
    process.once('exit', (code) => {
      if (code === 0 && directory) {
        writeAtomically(directory, cacheFile, () => script.createCachedData());
        removeStaleCaches(directory);
      }
    });
  }
  const module = { exports: {} as Record<string, unknown> };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run(module.exports, createRequire(filename), module, filename, path.dirname(filename));
  return module.exports;
}

/**
 * The file's text. Our bundles are ASCII (scripts/bundle.js escapes the rest), and ASCII is its own latin1, which
 * Node decodes without validating UTF-8: ~1.4 ms less for the 1 MB CLI bundle. Any other file is read as UTF-8.
 */
function readSource(file: string): string {
  const bytes = readFileSync(file);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

function readIfPresent(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/**
 * Where code caches go, or undefined when the user has no cache directory this process can name. Relative XDG
 * paths are invalid and ignored, as the XDG spec says.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  const xdg = env.XDG_CACHE_HOME;
  let base: string | undefined;
  if (xdg && path.isAbsolute(xdg)) base = xdg;
  else if (platform === 'win32') base = env.LOCALAPPDATA;
  else if (env.HOME && path.isAbsolute(env.HOME)) {
    base = platform === 'darwin' ? path.join(env.HOME, 'Library', 'Caches') : path.join(env.HOME, '.cache');
  }
  return base === undefined ? undefined : path.join(base, 'mcp-host', 'code-cache');
}

/** Writes through a file of this process's own and a rename, so concurrent first runs never read a torn cache. */
function writeAtomically(directory: string, file: string, data: () => Buffer): void {
  const partial = `${file}.${process.pid}.partial`;
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    writeFileSync(partial, data(), { mode: 0o600 });
    renameSync(partial, file);
  } catch {
    // A read-only installation, a full disk: the next run compiles, as without a cache.
    try {
      unlinkSync(partial);
    } catch {
      // Never written.
    }
  }
}

/** Removes caches not written for a month: a rebuilt bundle has a new hash, and its old cache is never read again. */
function removeStaleCaches(directory: string): void {
  try {
    const now = Date.now();
    for (const name of readdirSync(directory)) {
      if (!name.endsWith('.v8cache')) continue;
      const file = path.join(directory, name);
      if (now - statSync(file).mtimeMs > STALE_CACHE_MS) unlinkSync(file);
    }
  } catch {
    // Another process pruned first, or the directory went away: nothing to do.
  }
}
