/**
 * What starting a server process takes, in one place for the two places that start one: the host
 * (server-process.ts, through execa) and the CLI's early start (src/cli/early-start.ts, through node:child_process,
 * before execa is loaded). Node built-ins and zod-free modules only.
 */

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
 * gives it (`serverEnvironment`: an allow-list of `hostEnv`, or all of it with `passEnv`, plus the config's `env`,
 * less its `unsetEnv`). The host and the early start both build their spawn here, so the host's comparison of the
 * two (`isSameSpawn`) matches by construction.
 */
export function serverSpawnSpec(server: StdioServerConfig, hostEnv: NodeJS.ProcessEnv): SpawnSpec {
  const env = serverEnvironment(hostEnv, server.env, {
    ...(server.passEnv !== undefined && { passEnv: server.passEnv }),
    ...(server.unsetEnv !== undefined && { unset: server.unsetEnv }),
  });
  return { command: server.command, args: server.args, env, cwd: server.cwd };
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
