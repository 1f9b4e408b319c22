/**
 * The warm path: when a daemon serves the config (`mcp-host daemon start`), the command line is run there, against
 * servers that are already running, and its output is streamed back. This module is what `bin/mcp-host.js` loads
 * first, so it imports Node built-ins and the daemon's client only: no commander, chalk, zod or JSON-RPC, whose
 * loading would cost more than the whole warm command. When no daemon answers, nothing has run and the caller
 * runs the full CLI, which starts the servers itself.
 */

import { isatty } from 'node:tty';
import { findConfigPath } from '../host/config-location.js';
import { runThroughDaemon } from './daemon/client.js';
import { chooseRuntimeDir, daemonPaths } from './daemon/paths.js';
import type { DaemonPaths } from './daemon/paths.js';
import { CONFIG_COMMAND, DAEMON_COMMAND } from './command-line.js';
import type { PreParsed } from './command-line.js';

/** Set to anything but empty or `0`, commands never use a daemon (as with `--no-daemon`). */
export const NO_DAEMON_VARIABLE = 'MCP_HOST_NO_DAEMON';

/** Where a command line goes: to the daemon at `paths`, or not, and why. */
export type DaemonRoute =
  | { isRouted: true; paths: DaemonPaths; args: string[]; isVerbose: boolean }
  | { isRouted: false; reason: string; isVerbose: boolean };

/** The exit code of a command the daemon accepted but never finished (the connection broke). */
const EXIT_SERVER_FAILED = 3;

/**
 * Runs a command line (pre-parsed, see command-line.ts) through the daemon of its config. Resolves with the exit
 * code, or with undefined when the command must run in this process: no daemon, `--no-daemon`, a `daemon` command,
 * no command.
 */
export async function runFastPath(line: PreParsed): Promise<number | undefined> {
  const cwd = process.cwd();
  const route = routeToDaemon(line, process.env, cwd);
  if (route.isVerbose && process.platform !== 'win32') {
    // Why the daemon and the early start use another directory than the usual one (another user made it first…).
    for (const reason of chooseRuntimeDir(process.env).skipped) process.stderr.write(`mcp-host: ${reason}\n`);
  }
  if (!route.isRouted) {
    if (route.isVerbose) process.stderr.write(`mcp-host: no daemon used (${route.reason})\n`);
    return undefined;
  }
  const outcome = await runThroughDaemon(
    route.paths,
    {
      args: route.args,
      cwd,
      env: stringValues(process.env),
      // isatty rather than process.stderr.isTTY: the stream is made only if something is written to it.
      isTTY: { stdout: isatty(1), stderr: isatty(2) },
      ...(isatty(1) && process.stdout.columns > 0 && { columns: process.stdout.columns }),
    },
    {
      stdout: process.stdout,
      get stderr() {
        return process.stderr;
      },
      get stdin() {
        return process.stdin;
      },
      onInterrupt: (listener) => {
        process.on('SIGINT', listener);
        process.on('SIGTERM', listener);
        return () => {
          process.off('SIGINT', listener);
          process.off('SIGTERM', listener);
        };
      },
    },
  );
  switch (outcome.kind) {
    case 'finished':
      return outcome.exitCode;
    case 'unavailable':
      if (route.isVerbose) process.stderr.write(`mcp-host: no daemon used (${outcome.reason})\n`);
      return undefined;
    case 'lost': {
      const message = `the mcp-host daemon stopped before the command finished: ${outcome.reason} (its log: ${route.paths.log})`;
      const isJson = route.args.includes('--json');
      process.stderr.write(
        isJson
          ? `${JSON.stringify({ code: 'CONNECTION_CLOSED', message, details: { socket: route.paths.socket } })}\n`
          : `error: ${message}\n`,
      );
      return EXIT_SERVER_FAILED;
    }
  }
}

/**
 * Decides where a command line runs, from the command line (pre-parsed), the environment and the working
 * directory, with a few `stat` calls and no parsing library. The config is found by the CLI's own lookup
 * (`--config`, `$MCP_HOST_CONFIG`, `./mcp.config.json`, the user config directory, `%APPDATA%` on Windows).
 * Relative paths in the arguments stay relative: the daemon runs the command in the caller's working directory.
 */
export function routeToDaemon(
  line: PreParsed,
  env: NodeJS.ProcessEnv,
  cwd: string,
  platform: NodeJS.Platform = process.platform,
): DaemonRoute {
  const { command, isVerbose } = line;
  const notRouted = (reason: string): DaemonRoute => ({ isRouted: false, reason, isVerbose });
  if (platform === 'win32') return notRouted('the daemon is not available on Windows');
  if (line.isDaemonRefused) return notRouted('--no-daemon');
  // A daemon serves a config; --stdio names a server of no config.
  if (line.options.stdio !== undefined) return notRouted('--stdio');
  const refusal = env[NO_DAEMON_VARIABLE];
  if (refusal !== undefined && refusal !== '' && refusal !== '0') return notRouted(`$${NO_DAEMON_VARIABLE} is set`);
  if (command === undefined) return notRouted('no command');
  if (command === DAEMON_COMMAND) return notRouted('a daemon command');
  // It starts no server, and an edit is the caller's own: a file written by the daemon's process would not be.
  if (command === CONFIG_COMMAND) return notRouted('a config command');
  const configPath = findConfigPath({ configPath: line.configOption, env, cwd });
  if (configPath === undefined) return notRouted('no config file found');
  return { isRouted: true, paths: daemonPaths(configPath, env), args: line.args, isVerbose };
}

function stringValues(env: NodeJS.ProcessEnv): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) values[key] = value;
  return values;
}
