/**
 * Starting a server process, in one place for the two places that start one: the host (server-process.ts) and the
 * CLI's early start (src/cli/early-start.ts), which runs before the rest of the CLI is loaded. Node built-ins and
 * zod-free modules only (cross-spawn on Windows, loaded there only).
 */

import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createRequire } from 'node:module';
import type { StdioServerConfig } from './config.js';
import { serverEnvironment } from './environment.js';
import { withProcessTag } from './process-tag.js';
import type { ProcessTag } from './process-tag.js';

/** The program, its arguments, its complete environment and its working directory. */
export interface SpawnSpec {
  command: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd?: string;
}

/**
 * How a configured server is started: its resolved command, arguments and directory, and the environment the host
 * gives it (`serverEnvironment`: an allow-list of `hostEnv` plus the config's `env`). The host and the early start
 * both build their spawn here, so the host's comparison of the two (`isSameSpawn`) matches by construction.
 */
export function serverSpawnSpec(server: StdioServerConfig, hostEnv: NodeJS.ProcessEnv): SpawnSpec {
  return { command: server.command, args: server.args, env: serverEnvironment(hostEnv, server.env), cwd: server.cwd };
}

/**
 * The options both give Node's `spawn`: exactly `env` plus the process's `tag` (see process-tag.ts), no console
 * window, and (POSIX) a process group of its own, so that closing the server reaches everything it starts: the
 * group by a signal, and what left the group by the tag. Windows has no process groups, and `detached` would open a
 * console there.
 */
export function spawnOptions(
  spec: SpawnSpec,
  tag: ProcessTag,
): {
  env: Record<string, string>;
  cwd?: string;
  detached: boolean;
  windowsHide: true;
} {
  return {
    env: withProcessTag(spec.env, tag),
    ...(spec.cwd !== undefined && { cwd: spec.cwd }),
    detached: process.platform !== 'win32',
    windowsHide: true,
  };
}

/**
 * Starts `spec` with `tag`, its three standard streams piped: the one spawner of servers. On POSIX, Node's `spawn`.
 * On Windows, cross-spawn: a `.cmd` shim (`npx`, …) runs only through cmd.exe, with its own quoting of arguments,
 * which Node's `spawn` does not do; it is loaded there only, since every command's start-up runs this.
 * @throws Error synchronously for arguments Node refuses (a NUL byte); a program that is not there is an `error`
 * event on the child instead.
 */
export function spawnServer(spec: SpawnSpec, tag: ProcessTag): ChildProcessWithoutNullStreams {
  const start = process.platform === 'win32' ? windowsSpawn() : spawn;
  return start(spec.command, [...spec.args], { ...spawnOptions(spec, tag), stdio: 'pipe' });
}

function windowsSpawn(): typeof spawn {
  // Through createRequire, so that no bundle carries it to the platforms that never use it.
  return createRequire(import.meta.url)('cross-spawn') as typeof spawn;
}

/** True when the two would start the same process (their tags aside, which are never the same). */
export function isSameSpawn(a: SpawnSpec, b: SpawnSpec): boolean {
  const sameList = (x: readonly string[], y: readonly string[]): boolean =>
    x.length === y.length && x.every((item, index) => item === y[index]);
  const aKeys = Object.keys(a.env).sort();
  return (
    a.command === b.command &&
    a.cwd === b.cwd &&
    sameList(a.args, b.args) &&
    sameList(aKeys, Object.keys(b.env).sort()) &&
    aKeys.every((key) => a.env[key] === b.env[key])
  );
}
