/**
 * Starting a daemon in the background, and waiting for one to be gone. The daemon runs in its own session (so a
 * terminal's Ctrl-C or hang-up never reaches it) with its output in an owner-only log file.
 */

import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { McpHostError } from '../errors.js';
import type { DaemonPaths } from './paths.js';
import { ensurePrivateDir } from './runtime-dir.js';

export interface LaunchOptions {
  paths: DaemonPaths;
  /** The script to run with this Node (`bin/mcp-host.js`) and its arguments. */
  script: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** A daemon process started in the background. */
export interface LaunchedDaemon {
  pid: number;
  /** Settles when the process exits (a daemon that fails to start exits at once), with its exit code. */
  exited: Promise<number | null>;
  /** Ends it (SIGTERM, which it handles by stopping cleanly). */
  kill(): void;
}

/** How often `waitForExit` looks. */
const EXIT_POLL_MS = 25;

/**
 * Starts the daemon detached, its stdout and stderr appended to `paths.log` (created 0600 and truncated), and
 * lets this process exit without waiting for it.
 * @throws McpHostError `SPAWN_FAILED` on Windows, or when the runtime directory or the process cannot be made.
 */
export function launchDaemon(options: LaunchOptions): LaunchedDaemon {
  if (process.platform === 'win32') {
    throw new McpHostError('SPAWN_FAILED', 'The daemon needs Unix sockets and is not available on Windows');
  }
  const { paths } = options;
  ensurePrivateDir(paths.dir);
  const log = openSync(paths.log, 'w', 0o600);
  let child;
  try {
    child = spawn(process.execPath, [options.script, ...options.args], {
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', log, log],
    });
  } finally {
    closeSync(log);
  }
  const { pid } = child;
  if (pid === undefined) {
    throw new McpHostError('SPAWN_FAILED', `Could not start the daemon (${process.execPath} ${options.script})`);
  }
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
  child.unref();
  return {
    pid,
    exited,
    kill: () => {
      child.kill('SIGTERM');
    },
  };
}

/**
 * True once the process is gone. A zombie counts as gone: it has exited, and a container's init may never reap it.
 */
export function isProcessGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
  try {
    // Linux: /proc/<pid>/stat is "pid (name) state …"; the name may hold spaces and parentheses, so read after the last.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/**
 * Waits until the process `pid` has exited.
 * @throws McpHostError `REQUEST_TIMEOUT` when it is still there after `timeoutMs`.
 */
export async function waitForExit(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!isProcessGone(pid)) {
    if (Date.now() > deadline) {
      throw new McpHostError('REQUEST_TIMEOUT', `The daemon (pid ${pid}) was still running after ${timeoutMs} ms`, {
        pid,
        timeoutMs,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, EXIT_POLL_MS));
  }
}
