/**
 * The names `list --names --cached` printed last, kept in the user's private runtime directory beside the daemon's
 * files: shell completion asks for them on every TAB, and listing them starts every server of the config. They are
 * used for `NAMES_CACHE_MS`, and only for the same servers as resolved now (a changed config or environment lists
 * anew), by the same version of mcp-host.
 */

import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stampOf } from './config-stamp.js';
import { configFile, isPrivateDir } from './daemon/paths.js';
import { ensurePrivateDir } from './daemon/runtime-dir.js';

/** How long listed names are used before the servers are asked again: a TAB must be quick, not exact to the second. */
export const NAMES_CACHE_MS = 5 * 60_000;

/** Where the names of one listing live, and what they were listed from. */
export interface NamesCacheEntry {
  file: string;
  /** A digest of what the names depend on: the kind, the servers asked, and their resolved config. */
  key: string;
}

export function namesCacheEntry(
  configPath: string,
  env: NodeJS.ProcessEnv,
  listing: { kind: string; requested: readonly string[]; servers: unknown },
): NamesCacheEntry {
  return { file: configFile(configPath, env)(`.names-${listing.kind}`), key: stampOf(JSON.stringify(listing)) };
}

/** The names kept for `entry`, when they are fresh; undefined otherwise. */
export function readCachedNames(entry: NamesCacheEntry, now = Date.now()): string[] | undefined {
  if (!isPrivateDir(path.dirname(entry.file))) return undefined;
  try {
    const kept = JSON.parse(readFileSync(entry.file, 'utf8')) as { key?: unknown; at?: unknown; names?: unknown };
    const isFresh = typeof kept.at === 'number' && now - kept.at >= 0 && now - kept.at < NAMES_CACHE_MS;
    const names = kept.names;
    if (kept.key !== entry.key || !isFresh || !Array.isArray(names)) return undefined;
    return names.every((name) => typeof name === 'string') ? names : undefined;
  } catch {
    return undefined;
  }
}

/** Keeps `names` for `entry`. Best effort: without them, the next TAB lists again. */
export function writeCachedNames(entry: NamesCacheEntry, names: readonly string[], now = Date.now()): void {
  const partial = `${entry.file}.${process.pid}.partial`;
  try {
    ensurePrivateDir(path.dirname(entry.file));
    writeFileSync(partial, JSON.stringify({ key: entry.key, at: now, names }), { mode: 0o600 });
    renameSync(partial, entry.file);
  } catch {
    rmSync(partial, { force: true });
  }
}
