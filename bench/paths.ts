/** Where things are, whether the orchestrator runs from bench/ (tsx) or from dist/bench/ (compiled). */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${start}`);
  }
}

export const REPO_ROOT = findRepoRoot(path.dirname(fileURLToPath(import.meta.url)));
export const BENCH_SOURCE_DIR = path.join(REPO_ROOT, 'bench');
/** The compiled bench, beside the compiled project so that `../../src/…` imports land in dist/src. */
export const BENCH_BUILD_DIR = path.join(REPO_ROOT, 'dist', 'bench');
export const RESULTS_FILE = path.join(BENCH_SOURCE_DIR, 'RESULTS.md');

export type DriverName = 'cold' | 'throughput' | 'big-result' | 'discover';

export function driverScript(name: DriverName): string {
  return path.join(BENCH_BUILD_DIR, 'drivers', `${name}.js`);
}

export const FLOOR_SCRIPT = path.join(BENCH_BUILD_DIR, 'bare', 'floor.js');
/** Written by others; the cold `mcp-host call` is measured only once both exist. */
export const MCP_HOST_BIN = path.join(REPO_ROOT, 'bin', 'mcp-host.js');
export const WEATHER_SERVER = path.join(REPO_ROOT, 'dist', 'servers', 'weather', 'index.js');
/** The config `mcp-host call` runs with: the weather server on its offline provider. */
export const HOST_CONFIG = path.join(BENCH_SOURCE_DIR, 'mcp.config.json');
