/**
 * Where a daemon lives: one per config file, in the user's runtime directory. Loaded on the CLI's warm path, so it
 * imports only Node built-ins.
 */

import { lstatSync } from 'node:fs';
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
 * The runtime directory: `$XDG_RUNTIME_DIR/mcp-host` (a per-user, memory-backed directory on systemd systems), or
 * `mcp-host-<uid>` in the temp directory when that is unset or relative.
 */
export function runtimeDir(env: NodeJS.ProcessEnv, uid: number = currentUid()): string {
  const xdg = env.XDG_RUNTIME_DIR;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'mcp-host');
  // os.tmpdir() reads process.env; the CLI's environment is injected, so read the same variables from it.
  const tmp = env.TMPDIR || env.TMP || env.TEMP || '/tmp';
  return path.join(tmp, `mcp-host-${uid}`);
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
