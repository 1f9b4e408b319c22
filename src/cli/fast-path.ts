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

/** Set to anything but empty or `0`, commands never use a daemon (as with `--no-daemon`). */
export const NO_DAEMON_VARIABLE = 'MCP_HOST_NO_DAEMON';

/** Where a command line goes: to the daemon at `paths`, or not, and why. */
export type DaemonRoute =
  | { isRouted: true; paths: DaemonPaths; args: string[]; isVerbose: boolean }
  | { isRouted: false; reason: string; isVerbose: boolean };

/** Global options that take a value, so the word after them is not the command. */
const GLOBAL_VALUE_OPTIONS = new Set(['--config', '--timeout']);
const SHORT_VALUE_OPTIONS = new Set(['c', 't']);
/** `mcp-host daemon …` always runs in its own process. */
export const DAEMON_COMMAND = 'daemon';
/** The exit code of a command the daemon accepted but never finished (the connection broke). */
const EXIT_SERVER_FAILED = 3;

/**
 * Runs `argv` (node and the script first) through the daemon of its config. Resolves with the exit code, or with
 * undefined when the command must run in this process: no daemon, `--no-daemon`, a `daemon` command, no command.
 */
export async function runFastPath(argv: readonly string[]): Promise<number | undefined> {
  const cwd = process.cwd();
  const route = routeToDaemon(argv.slice(2), process.env, cwd);
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

/** What the warm path needs to know of a command line, read without commander. */
export interface ScannedArguments {
  /** The first word that is not an option or an option's value: the command. */
  command: string | undefined;
  /**
   * The next word after the command that does not start with `-`: usually its first argument (`weather.get_forecast`
   * in `call weather.get_forecast`), but the value of one of the command's own options when one comes first.
   */
  operand: string | undefined;
  /** The last `--config`/`-c` value. */
  configOption: string | undefined;
  isVerbose: boolean;
  isQuiet: boolean;
  isJson: boolean;
  /** `--no-color` was given. */
  isColorDisabled: boolean;
  /** `--no-daemon` was given. */
  isDaemonRefused: boolean;
  /** The arguments, as given. */
  args: string[];
}

/**
 * Reads a command line (after `mcp-host`) up to `--`: long options in both spellings (`--config x`, `--config=x`),
 * short ones alone or grouped (`-qv`, `-c x`, `-cx`), and the command after the global options that take a value.
 */
export function scanArguments(args: readonly string[]): ScannedArguments {
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  const scanned: ScannedArguments = {
    command: undefined,
    operand: undefined,
    configOption: undefined,
    isVerbose: false,
    isQuiet: false,
    isJson: false,
    isColorDisabled: false,
    isDaemonRefused: false,
    args: [...args],
  };
  for (let index = 0; index < options.length; index++) {
    const token = options[index]!;
    if (token === '--no-daemon') scanned.isDaemonRefused = true;
    else if (token === '--verbose') scanned.isVerbose = true;
    else if (token === '--quiet') scanned.isQuiet = true;
    else if (token === '--json') scanned.isJson = true;
    else if (token === '--no-color') scanned.isColorDisabled = true;
    else if (token === '--config') scanned.configOption = options[++index];
    else if (token.startsWith('--config=')) scanned.configOption = token.slice('--config='.length);
    else if (GLOBAL_VALUE_OPTIONS.has(token)) index += 1;
    else if (/^-[^-]/.test(token)) {
      // Short flags, possibly grouped (`-qv`); `c` and `t` take the rest of the token or the next word as value.
      for (let at = 1; at < token.length; at++) {
        const flag = token[at]!;
        if (flag === 'v') scanned.isVerbose = true;
        if (flag === 'q') scanned.isQuiet = true;
        if (!SHORT_VALUE_OPTIONS.has(flag)) continue;
        const value = at + 1 < token.length ? token.slice(at + 1) : options[++index];
        if (flag === 'c') scanned.configOption = value;
        break;
      }
    } else if (scanned.command === undefined && !token.startsWith('-')) scanned.command = token;
    else if (scanned.operand === undefined && !token.startsWith('-')) scanned.operand = token;
  }
  return scanned;
}

/**
 * Decides where a command line runs, from the arguments (after `mcp-host`), the environment and the working
 * directory, with a few `stat` calls and no parsing library. The config is found by the CLI's own lookup
 * (`--config`, `$MCP_HOST_CONFIG`, `./mcp.config.json`, the user config directory, `%APPDATA%` on Windows).
 * Relative paths in the arguments stay relative: the daemon runs the command in the caller's working directory.
 */
export function routeToDaemon(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  cwd: string,
  platform: NodeJS.Platform = process.platform,
): DaemonRoute {
  const scanned = scanArguments(args);
  const { command, isVerbose } = scanned;
  const notRouted = (reason: string): DaemonRoute => ({ isRouted: false, reason, isVerbose });
  if (platform === 'win32') return notRouted('the daemon is not available on Windows');
  if (scanned.isDaemonRefused) return notRouted('--no-daemon');
  const refusal = env[NO_DAEMON_VARIABLE];
  if (refusal !== undefined && refusal !== '' && refusal !== '0') return notRouted(`$${NO_DAEMON_VARIABLE} is set`);
  if (command === undefined) return notRouted('no command');
  if (command === DAEMON_COMMAND) return notRouted('a daemon command');
  const configPath = locateConfigPath(scanned.configOption, env, cwd);
  if (configPath === undefined) return notRouted('no config file found');
  return { isRouted: true, paths: daemonPaths(configPath, env), args: scanned.args, isVerbose };
}

/** The config file the CLI would use: the CLI's own lookup (host/config-location.ts), or undefined for none. */
export function locateConfigPath(
  configOption: string | undefined,
  env: NodeJS.ProcessEnv,
  cwd: string,
): string | undefined {
  return findConfigPath({ configPath: configOption, env, cwd });
}

function stringValues(env: NodeJS.ProcessEnv): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined) values[key] = value;
  return values;
}
