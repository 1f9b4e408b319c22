/**
 * A note, in the user's private runtime directory, that a config text passed validation. The CLI's early start
 * (src/cli/early-start.ts) starts a server before zod is loaded only from a text that this version of mcp-host has
 * validated before: the first command after an edit takes the ordinary path, and writes the note. Node built-ins
 * and small modules of ours only: the early start runs before the rest of the CLI is loaded.
 *
 * The note holds a SHA-256 of the text, never the text (which may hold secrets). It is written only in a directory
 * that is this user's alone, and read only from one. The hash must resist collisions: a note made for a valid text
 * lets a command start a server from any text with the same hash, before the text is validated, and a text can
 * be crafted to collide under a fast non-cryptographic hash (test/unit/host/config-stamp.test.ts has one such pair
 * for the FNV-1a pair this note used before).
 */

import crypto from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { configFile, isPrivateDir } from './daemon/paths.js';
import { ensurePrivateDir } from './daemon/runtime-dir.js';
import { buildId } from './daemon/wire.js';

/** The note's file for a config (absolute path), beside the daemon's files for it. */
export function stampFile(configPath: string, env: NodeJS.ProcessEnv): string {
  return configFile(configPath, env)('.valid');
}

/**
 * What the note says of a text: the version that validated it, and the SHA-256 of the whole text. The early start
 * computes it before it spawns anything, so the one-shot `crypto.hash` (Node >= 20.12) is used where it exists: its
 * first call costs ~0.15 ms, `createHash`'s ~0.4 ms (it loads the stream classes); the hash itself, ~2 µs.
 */
export function stampOf(text: string): string {
  const sha256 =
    typeof crypto.hash === 'function'
      ? crypto.hash('sha256', text, 'hex')
      : crypto.createHash('sha256').update(text).digest('hex');
  return `${buildId()} sha256:${sha256}\n`;
}

/** True when `text` of the config at `configPath` validated before. */
export function isStamped(configPath: string, text: string, env: NodeJS.ProcessEnv): boolean {
  return readStamp(stampFile(configPath, env)) === stampOf(text);
}

/** The note in `file`, when it is in a directory of this user's alone. */
function readStamp(file: string): string | undefined {
  if (!isPrivateDir(path.dirname(file))) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Notes that `text` of the config at `configPath` is valid, unless the note says so already. The runtime directory
 * is made owner-only if missing (as the daemon makes it). Best effort: without the note, a command only starts its
 * server later.
 */
export function stampValid(configPath: string, text: string, env: NodeJS.ProcessEnv): void {
  const file = stampFile(configPath, env);
  const stamp = stampOf(text);
  if (readStamp(file) === stamp) return;
  const partial = `${file}.${process.pid}.partial`;
  try {
    ensurePrivateDir(path.dirname(file));
    writeFileSync(partial, stamp, { mode: 0o600 });
    renameSync(partial, file);
  } catch {
    // Someone else's directory, a full disk: the next command tries again.
    rmSync(partial, { force: true });
  }
}
