/**
 * runBundle over real files and real `node` processes: a bundle runs with its exports returned, its code cache is
 * written to the user's cache directory (never beside the bundle) at the first exit and used after, a damaged or
 * foreign cache never changes what runs, and a cache that cannot be written is no error.
 */
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const CODE_CACHE = pathToFileURL(path.join(REPO_ROOT, 'dist/src/runtime/code-cache.js')).href;
const HASH = '0123456789abcdef';

const directories: string[] = [];
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

/** A CommonJS bundle in a fresh directory `app`, with the content-hash line scripts/bundle.js appends (or not). */
function writeBundle(body: string, hash: string | null = HASH): string {
  const directory = mkdtempSync(path.join(tmpdir(), 'mcp-host-code-cache-'));
  directories.push(directory);
  mkdirSync(path.join(directory, 'app'));
  const bundle = path.join(directory, 'app', 'bundle.cjs');
  writeFileSync(bundle, hash === null ? body : `${body}\n// content-hash: ${hash}\n`);
  return bundle;
}

/** Runs the bundle in a new `node` process through runBundle; answers with what it printed. */
function run(bundle: string, variant?: string): string {
  const script = [
    `import { runBundle } from ${JSON.stringify(CODE_CACHE)};`,
    `const exports = runBundle(new URL(${JSON.stringify(pathToFileURL(bundle).href)}), ${JSON.stringify(variant)});`,
    'console.log(JSON.stringify(exports.answer(20, 22)));',
  ].join('\n');
  return execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { PATH: process.env.PATH ?? '', XDG_CACHE_HOME: cacheHome(bundle) },
  }).trim();
}

/** The cache home of a bundle's test: beside its `app` directory, as a user's would be elsewhere. */
const cacheHome = (bundle: string): string => path.join(path.dirname(path.dirname(bundle)), 'cache');
const cacheDir = (bundle: string): string => path.join(cacheHome(bundle), 'mcp-host', 'code-cache');
const cacheFile = (bundle: string, suffix = ''): string =>
  path.join(cacheDir(bundle), `app-bundle.cjs.${HASH}${suffix}.v8cache`);

const cachesOf = (bundle: string): string[] => {
  try {
    return readdirSync(cacheDir(bundle)).filter((name) => name.endsWith('.v8cache'));
  } catch {
    return [];
  }
};

const BODY = [
  "const path = require('node:path');",
  'exports.answer = (a, b) => ({ sum: a + b, file: path.basename(__filename), dir: __dirname });',
].join('\n');

describe('runBundle', () => {
  it('runs a bundle as CommonJS and writes its code cache at exit, named by its content hash', () => {
    const bundle = writeBundle(BODY);
    const first = JSON.parse(run(bundle)) as { sum: number; file: string; dir: string };
    expect(first).toEqual({ sum: 42, file: 'bundle.cjs', dir: path.dirname(bundle) });
    expect(cachesOf(bundle)).toEqual([`app-bundle.cjs.${HASH}.v8cache`]);
    // Nothing is written beside the bundle: the installation may be read-only or shared.
    expect(readdirSync(path.dirname(bundle))).toEqual(['bundle.cjs']);
    expect(statSync(cacheDir(bundle)).mode & 0o777).toBe(0o700);
    const cache = cacheFile(bundle);
    expect(statSync(cache).mode & 0o777).toBe(0o600);
    const written = readFileSync(cache);
    expect(written.length).toBeGreaterThan(0);
    // The second run reads the cache, and V8 accepts it, so it is not written again.
    expect(JSON.parse(run(bundle))).toEqual(first);
    expect(readFileSync(cache).equals(written)).toBe(true);
    expect(readdirSync(cacheDir(bundle)).filter((name) => name.endsWith('.partial'))).toEqual([]);
  });

  it('reads a bundle that is not ASCII as UTF-8', () => {
    const text = 'caf\u00e9 \u2014 \u{1f600}';
    const bundle = writeBundle(`exports.answer = (a, b) => ({ sum: a + b, text: '${text}' });`);
    expect(readFileSync(bundle).toString('latin1')).not.toContain(text);
    expect(JSON.parse(run(bundle))).toEqual({ sum: 42, text });
  });

  it('replaces a cache V8 rejects, and what runs is the bundle', () => {
    const bundle = writeBundle(BODY);
    const cache = cacheFile(bundle);
    mkdirSync(cacheDir(bundle), { recursive: true });
    writeFileSync(cache, 'not a code cache');
    expect(JSON.parse(run(bundle))).toMatchObject({ sum: 42 });
    expect(readFileSync(cache, 'utf8')).not.toBe('not a code cache');
  });

  it('keeps no cache for a bundle without its content hash', () => {
    const bundle = writeBundle(BODY, null);
    expect(JSON.parse(run(bundle))).toMatchObject({ sum: 42 });
    expect(cachesOf(bundle)).toEqual([]);
  });

  it('runs when its cache cannot be written, and leaves nothing behind', () => {
    const bundle = writeBundle(BODY);
    // A directory where the cache file would go: unreadable as a cache, and no rename can replace it (this works
    // as root too, where a read-only directory would not stop the write).
    const cache = cacheFile(bundle);
    mkdirSync(cache, { recursive: true });
    expect(JSON.parse(run(bundle))).toMatchObject({ sum: 42 });
    expect(readdirSync(cacheDir(bundle))).toEqual([path.basename(cache)]);
    expect(statSync(cache).isDirectory()).toBe(true);
  });

  it('removes the caches of builds not run for a month when it writes a new one', () => {
    const bundle = writeBundle(BODY);
    mkdirSync(cacheDir(bundle), { recursive: true });
    const stale = path.join(cacheDir(bundle), 'app-bundle.cjs.fedcba9876543210.v8cache');
    const recent = path.join(cacheDir(bundle), 'other-server.cjs.fedcba9876543210.v8cache');
    writeFileSync(stale, 'old');
    writeFileSync(recent, 'recent');
    const monthsAgo = new Date(Date.now() - 40 * 24 * 60 * 60 * 1000);
    utimesSync(stale, monthsAgo, monthsAgo);
    run(bundle);
    expect(cachesOf(bundle).sort()).toEqual([path.basename(recent), path.basename(cacheFile(bundle))].sort());
  });

  it('keeps one cache per variant, each written by the first run of its kind', () => {
    const bundle = writeBundle(BODY);
    run(bundle, 'call');
    run(bundle, 'list');
    run(bundle, 'call');
    expect(cachesOf(bundle).sort()).toEqual([
      `app-bundle.cjs.${HASH}.call.v8cache`,
      `app-bundle.cjs.${HASH}.list.v8cache`,
    ]);
    expect(() => run(bundle, '../escape')).toThrow(/invalid cache variant/);
  });

  it('writes no cache after a run that fails', () => {
    const bundle = writeBundle(`${BODY}\nprocess.exitCode = 2;`);
    expect(() => run(bundle)).toThrow();
    expect(cachesOf(bundle)).toEqual([]);
  });
});
