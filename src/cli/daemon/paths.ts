/**
 * Where a daemon lives: one per config file, in the user's runtime directory (which also holds the notes of
 * validated configs, see config-stamp.ts). Loaded on the CLI's warm path, so it imports only Node built-ins.
 */

import { lstatSync, statSync } from 'node:fs';
import path from 'node:path';
import { fnv1a64 } from './wire.js';

/** The files of the daemon that serves one config. */
export interface DaemonPaths {
  /** The config file the daemon serves (absolute). */
  configPath: string;
  /** The runtime directory, owner-only (0700). */
  dir: string;
  /** The Unix socket, owner-only (0600). */
  socket: string;
  /** The daemon's stdout and stderr, with its servers' stderr (0600). */
  log: string;
}

/**
 * The longest socket path that binds everywhere: `sun_path` holds 104 bytes on macOS and the BSDs (108 on Linux),
 * the terminating NUL included.
 */
export const MAX_SOCKET_PATH_BYTES = 103;
/** What `configFile` adds to the directory for a socket: `/`, 16 hex digits, `.sock`. */
const SOCKET_NAME_BYTES = 1 + 16 + '.sock'.length;

/** The runtime directory chosen, and why each one before it was passed over. */
export interface RuntimeDirChoice {
  dir: string;
  /** One sentence per directory passed over (for `--verbose`), in order. */
  skipped: string[];
}

/**
 * The runtime directory: the first of these that is this user's own, or does not exist yet (it is then created
 * owner-only):
 * 1. `$XDG_RUNTIME_DIR/mcp-host`, when the variable is absolute and names a directory of this user's (on systemd
 *    systems a per-user, memory-backed directory);
 * 2. `mcp-host-<uid>` in the temp directory, which another user may have made first (then it is not ours: using
 *    it would hand them the socket, and the environment every command sends down it);
 * 3. `$XDG_STATE_HOME/mcp-host/run` (by default `~/.local/state/mcp-host/run`), which only this user can make, and
 *    finds again.
 * A directory that is a symlink, another user's, or open to others (group or other bits) is passed over, as is one
 * whose socket path would not fit MAX_SOCKET_PATH_BYTES. When none fits, the first is returned: it is then refused
 * where it is used (`isPrivateDir`, `ensurePrivateDir`), as before, and `skipped` says why.
 */
export function chooseRuntimeDir(env: NodeJS.ProcessEnv, uid: number = currentUid()): RuntimeDirChoice {
  const skipped: string[] = [];
  const candidates: string[] = [];
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg && path.isAbsolute(xdg)) {
    const problem = foreignDirProblem(xdg, uid);
    if (problem === undefined) candidates.push(path.join(xdg, 'mcp-host'));
    else skipped.push(`$XDG_RUNTIME_DIR ${xdg} not used: ${problem}`);
  }
  // os.tmpdir() reads process.env; the CLI's environment is injected, so read the same variables from it.
  candidates.push(path.join(env.TMPDIR || env.TMP || env.TEMP || '/tmp', `mcp-host-${uid}`));
  const state = env.XDG_STATE_HOME && path.isAbsolute(env.XDG_STATE_HOME) ? env.XDG_STATE_HOME : undefined;
  // Without HOME the CLI would ask os.homedir(); so rare a case is not worth loading node:os on the warm path.
  const stateHome =
    state ?? (env.HOME && path.isAbsolute(env.HOME) ? path.join(env.HOME, '.local', 'state') : undefined);
  if (stateHome !== undefined) candidates.push(path.join(stateHome, 'mcp-host', 'run'));
  for (const dir of candidates) {
    const problem = candidateProblem(dir, uid);
    if (problem === undefined) return { dir, skipped };
    skipped.push(`runtime directory ${dir} not used: ${problem}`);
  }
  return { dir: candidates[0]!, skipped };
}

/** The runtime directory (see `chooseRuntimeDir`). */
export function runtimeDir(env: NodeJS.ProcessEnv, uid: number = currentUid()): string {
  return chooseRuntimeDir(env, uid).dir;
}

/** Why `dir` cannot be our runtime directory; undefined when it is ours and private, or does not exist yet. */
function candidateProblem(dir: string, uid: number): string | undefined {
  const socketBytes = Buffer.byteLength(dir) + SOCKET_NAME_BYTES;
  if (socketBytes > MAX_SOCKET_PATH_BYTES) {
    return `its socket paths would be ${socketBytes} bytes, over the ${MAX_SOCKET_PATH_BYTES} a Unix socket allows`;
  }
  let stats;
  try {
    stats = lstatSync(dir);
  } catch {
    return undefined; // Missing: it is made owner-only when needed.
  }
  if (!stats.isDirectory()) return 'it is not a directory (or is a symlink)';
  if (stats.uid !== uid) return `it belongs to uid ${stats.uid}, not to this user (${uid})`;
  if ((stats.mode & 0o077) !== 0) return `it is open to other users (mode ${(stats.mode & 0o777).toString(8)})`;
  return undefined;
}

/**
 * Why the directory `dir` (followed if a symlink, as /run/user/<uid> may be) is not this user's; undefined when it
 * is, or is missing.
 */
function foreignDirProblem(dir: string, uid: number): string | undefined {
  let stats;
  try {
    stats = statSync(dir);
  } catch {
    return undefined;
  }
  if (!stats.isDirectory()) return 'it is not a directory';
  return stats.uid === uid ? undefined : `it belongs to uid ${stats.uid}, not to this user (${uid})`;
}

/**
 * The daemon files for a config (absolute path): a 64-bit hash of the path names them, so each config has its own
 * and the socket path stays under the 104-byte limit. Two paths with the same hash would share a daemon, which
 * would find the config is not its own and let the command start its servers: slower, never wrong.
 */
export function daemonPaths(configPath: string, env: NodeJS.ProcessEnv): DaemonPaths {
  const file = configFile(configPath, env);
  return { configPath, dir: runtimeDir(env), socket: file('.sock'), log: file('.log') };
}

/**
 * The runtime directory's files for a config (absolute path), by extension: named by a 64-bit hash of the path (see
 * `daemonPaths`).
 */
export function configFile(configPath: string, env: NodeJS.ProcessEnv): (extension: string) => string {
  const base = path.join(runtimeDir(env), fnv1a64(Buffer.from(configPath)));
  return (extension) => `${base}${extension}`;
}

/**
 * True when `dir` is a real directory (not a symlink) owned by this user that no one else may enter. A client checks
 * this before connecting: in a shared temp directory another user could have made it first, and the client sends its
 * environment (which holds secrets) over the socket.
 */
export function isPrivateDir(dir: string): boolean {
  try {
    const stats = lstatSync(dir);
    return stats.isDirectory() && stats.uid === currentUid() && (stats.mode & 0o077) === 0;
  } catch {
    return false;
  }
}

/** This process's user id. */
export function currentUid(): number {
  // Unix only: the daemon is not offered on Windows, where process.getuid does not exist.
  return process.getuid?.() ?? 0;
}
