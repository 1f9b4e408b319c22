/**
 * Runs a CommonJS bundle with V8's code cache kept beside it. Node 20 has no compile cache of its own
 * (`module.enableCompileCache` came in Node 22), and once modules are no longer resolved one by one, compiling the
 * bundle is most of a cold start. Reading and compiling, measured without and with the cache: ~15 and ~3.5 ms for the
 * CLI, ~9 and ~2.5 ms for a server. With the cache, V8 deserializes the bytecode of every function the last run used
 * instead of parsing and compiling again.
 *
 * The cache is written at the exit of the first run that succeeds (so it holds the functions that run used, not only
 * the top level) and whenever V8 rejects it (another Node version, other V8 flags). Its name carries the bundle's
 * content hash, which the build appends as the bundle's last line, because V8 checks only the source's length: a
 * rebuilt bundle of the same length must never meet an old cache. Writing is best effort: a read-only installation
 * runs without one, exactly as before.
 */

import { isAscii } from 'node:buffer';
import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

/** The wrapper Node itself puts around a CommonJS module, on the bundle's first line so line numbers hold. */
const WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';
const WRAPPER_TAIL = '\n})';

/** The last line scripts/bundle.js appends: a hash of everything above it. */
const CONTENT_HASH_LINE = /\n\/\/ content-hash: ([0-9a-f]{16})\n$/;

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
  const cacheFile = hash && `${filename}.${hash}${variant === undefined ? '' : `.${variant}`}.v8cache`;
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
      if (code === 0) writeAtomically(cacheFile, () => script.createCachedData());
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

/** Writes through a file of this process's own and a rename, so concurrent first runs never read a torn cache. */
function writeAtomically(file: string, data: () => Buffer): void {
  const partial = `${file}.${process.pid}.partial`;
  try {
    writeFileSync(partial, data());
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
