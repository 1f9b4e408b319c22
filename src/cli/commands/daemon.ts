/**
 * `mcp-host daemon start|stop|status`: the warm path for scripts. A daemon keeps one config's servers running and
 * runs the CLI's commands against them, so `mcp-host call …` in a shell loop costs little more than starting Node.
 * Commands use it whenever it runs (see fast-path.ts) and start their own servers otherwise.
 */

import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Argument, Command } from 'commander';
import { requestControl } from '../daemon/control.js';
import { launchDaemon, waitForExit } from '../daemon/launch.js';
import { daemonPaths } from '../daemon/paths.js';
import type { DaemonPaths } from '../daemon/paths.js';
import type { DaemonStatus } from '../daemon/wire.js';
import { packageFile } from '../../host/package-info.js';
import { McpHostError } from '../errors.js';
import type { CliContext, CliIo } from '../context.js';
import { COMMANDS, DAEMON_COMMAND, preParse } from '../command-line.js';
import { EXIT_CODE } from '../exit-codes.js';
import { checkedNumber } from '../option-values.js';
import { formatMs, renderTable } from '../render.js';
import type { Cell } from '../render.js';

const ACTIONS = ['start', 'stop', 'status'] as const;
type Action = (typeof ACTIONS)[number];

interface DaemonOptions {
  idleTimeout?: number;
  foreground?: boolean;
}

/** Stop after this long without a command. @default 10 minutes */
const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60_000;
/** How long `start` waits for the servers, unless `--timeout` says otherwise. */
const DEFAULT_START_WAIT_MS = 60_000;
/** How long `stop` waits for the daemon and its servers to be gone. */
const STOP_WAIT_MS = 10_000;
/** How often `start` asks a starting daemon whether it is ready. */
const START_POLL_MS = 25;
/** `daemon status` when no daemon runs: like `systemctl status`, a script can test it. */
const EXIT_NOT_RUNNING = 1;

/**
 * Runs one command line in this process (main.ts's `runCli`). Handed in by program.ts rather than imported:
 * main.ts imports every command, this one included, so an import of it here would be a cycle.
 */
export type RunCli = (args: readonly string[], io: CliIo) => Promise<number>;

export function createDaemonCommand(ctx: CliContext, runCli: RunCli): Command {
  const {
    arguments: [action],
    options: { idleTimeout, foreground },
  } = COMMANDS.daemon;
  return new Command(DAEMON_COMMAND)
    .description('keep the servers running in the background so commands skip their start-up: start, stop, status')
    .addArgument(new Argument(action.name, action.description).choices(ACTIONS))
    .option(idleTimeout.flags, idleTimeout.description, checkedNumber(idleTimeout))
    .option(foreground.flags, foreground.description)
    .addHelpText(
      'after',
      `
While a daemon runs for the config, every other command is run by it, against its running servers
(no start-up); otherwise commands start their own servers. --no-daemon or MCP_HOST_NO_DAEMON=1 bypass it.

Examples:
  mcp-host daemon start --idle-timeout 60000
  for city in Paris Oslo Tokyo; do mcp-host call weather.get_current_weather city=$city; done
  mcp-host daemon status
  mcp-host daemon stop`,
    )
    .action(
      ctx.action(async (action: Action, options: DaemonOptions) => {
        if (action !== 'start' && (options.idleTimeout !== undefined || options.foreground)) {
          throw new McpHostError('USAGE', `--idle-timeout and --foreground apply to "daemon start", not "${action}"`);
        }
        switch (action) {
          case 'start':
            return options.foreground ? runForeground(ctx, options, runCli) : start(ctx, options);
          case 'stop':
            return stop(ctx);
          case 'status':
            return status(ctx);
        }
      }),
    );
}

/** Starts the daemon in the background, waits until its servers are up, and says where it listens. */
async function start(ctx: CliContext, options: DaemonOptions): Promise<number> {
  const config = await ctx.loadConfig();
  const paths = daemonPaths(config.path, ctx.io.env);
  const running = await requestControl(paths, 'status');
  if (running?.ok) {
    ctx.note(`a daemon already serves ${config.path} (pid ${running.status.pid})`);
    printStatus(ctx, running.status, { started: false });
    return EXIT_CODE.OK;
  }
  const idleTimeoutMs = options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS;
  const daemon = launchDaemon({
    paths,
    script: binScript(),
    args: [
      'daemon',
      'start',
      '--foreground',
      '--no-color',
      '--config',
      config.path,
      '--idle-timeout',
      `${idleTimeoutMs}`,
    ],
    cwd: ctx.io.cwd,
    env: ctx.io.env,
  });
  // Ctrl-C while the servers start: the daemon is ended too, not left behind half started.
  const onInterrupt = (): void => daemon.kill();
  ctx.signal.addEventListener('abort', onInterrupt, { once: true });
  try {
    const status = await waitUntilReady(ctx, paths, daemon.exited);
    printStatus(ctx, status, { started: true });
    for (const server of status.servers) {
      for (const replica of server.replicas) {
        if (replica.state === 'failed') {
          ctx.diagnostic(
            ctx.err.yellow(`warning: ${server.name} replica ${replica.index} failed to start: ${replica.lastError}`),
          );
        }
      }
    }
    return EXIT_CODE.OK;
  } finally {
    ctx.signal.removeEventListener('abort', onInterrupt);
  }
}

async function waitUntilReady(
  ctx: CliContext,
  paths: DaemonPaths,
  exited: Promise<number | null>,
): Promise<DaemonStatus> {
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  const waitMs = ctx.options.timeoutMs || DEFAULT_START_WAIT_MS;
  const deadline = Date.now() + waitMs;
  for (;;) {
    ctx.throwIfInterrupted();
    const answer = await requestControl(paths, 'status').catch(() => undefined);
    if (answer?.ok && answer.status.state !== 'starting') return answer.status;
    if (exitCode !== undefined) {
      throw new McpHostError(
        'SPAWN_FAILED',
        `The daemon exited with code ${exitCode} while starting; see ${paths.log}`,
        {
          exitCode,
          log: paths.log,
        },
      );
    }
    if (Date.now() > deadline) {
      throw new McpHostError('REQUEST_TIMEOUT', `The daemon was not ready after ${waitMs} ms; see ${paths.log}`, {
        timeoutMs: waitMs,
        log: paths.log,
      });
    }
    await new Promise((resolve) => setTimeout(resolve, START_POLL_MS));
  }
}

/** The daemon itself: serves until stopped, idle, interrupted, or its config is deleted. */
async function runForeground(ctx: CliContext, options: DaemonOptions, runCli: RunCli): Promise<number> {
  const config = await ctx.loadConfig();
  const paths = daemonPaths(config.path, ctx.io.env);
  // Loaded only here: only the daemon itself needs the server side.
  const { startDaemon } = await import('../daemon/server.js');
  const daemon = await startDaemon({
    config,
    env: ctx.io.env,
    paths,
    idleTimeoutMs: options.idleTimeout ?? DEFAULT_IDLE_TIMEOUT_MS,
    // A daemon command sent by hand (the warm path never sends one) would nest a daemon in this one.
    runCommand: (args, io) => {
      if (preParse(args).command !== DAEMON_COMMAND) return runCli(args, io);
      io.stderr.write('error: mcp-host daemon commands cannot run inside the daemon\n');
      return Promise.resolve(EXIT_CODE.USAGE);
    },
    log: (line) => ctx.diagnostic(`${new Date().toISOString()} ${line}`),
    signal: ctx.signal,
  });
  await daemon.stopped;
  return EXIT_CODE.OK;
}

/** Asks the daemon to stop and waits until it and its servers are gone. No daemon is not an error. */
async function stop(ctx: CliContext): Promise<number> {
  const paths = await locatePaths(ctx);
  const answer = await requestControl(paths, 'stop');
  if (!answer) {
    if (ctx.options.isJson) ctx.printJson({ stopped: false, config: paths.configPath, socket: paths.socket });
    else ctx.note(`no daemon is running for ${paths.configPath}`);
    return EXIT_CODE.OK;
  }
  if (!answer.ok) throw new McpHostError('PROTOCOL_VIOLATION', `The daemon refused to stop: ${answer.message}`);
  const { pid } = answer.status;
  await waitForExit(pid, STOP_WAIT_MS);
  if (ctx.options.isJson) ctx.printJson({ stopped: true, pid, config: paths.configPath, socket: paths.socket });
  else ctx.print(`daemon stopped (pid ${pid})`);
  return EXIT_CODE.OK;
}

async function status(ctx: CliContext): Promise<number> {
  const paths = await locatePaths(ctx);
  const answer = await requestControl(paths, 'status');
  if (answer && !answer.ok) throw new McpHostError('PROTOCOL_VIOLATION', `The daemon answered: ${answer.message}`);
  if (!answer) {
    if (ctx.options.isJson) ctx.printJson({ running: false, config: paths.configPath, socket: paths.socket });
    else ctx.print(`not running (config ${paths.configPath})`);
    return EXIT_NOT_RUNNING;
  }
  printStatus(ctx, answer.status);
  return EXIT_CODE.OK;
}

/** The daemon's files for the config, found as every command finds it; the file need not be valid to stop it. */
async function locatePaths(ctx: CliContext): Promise<DaemonPaths> {
  const { locateConfig } = await import('../../host/config.js');
  const located = locateConfig({ configPath: ctx.options.config, env: ctx.io.env, cwd: ctx.io.cwd });
  return daemonPaths(located.path, ctx.io.env);
}

function printStatus(ctx: CliContext, status: DaemonStatus, extra: { started?: boolean } = {}): void {
  if (ctx.options.isJson) {
    ctx.printJson({ ...extra, running: true, ...status });
    return;
  }
  const { out } = ctx;
  const headline =
    extra.started === true
      ? `daemon started (pid ${status.pid}), listening on ${status.socket}`
      : `daemon running (pid ${status.pid}), listening on ${status.socket}`;
  ctx.print(out.bold(headline));
  const idle =
    status.idleTimeoutMs > 0 ? `stops after ${formatDuration(status.idleTimeoutMs)} idle` : 'never idles out';
  ctx.printLines(
    renderTable([
      ['config', status.config],
      ['log', status.log],
      ['state', `${status.state}, up ${formatDuration(status.uptimeMs)}, ${idle}`],
      ['commands', `${status.runs.active} running, ${status.runs.completed} done`],
    ]),
  );
  const rows = status.servers.flatMap((server) =>
    server.replicas.map((replica): (Cell | string)[] => [
      { text: server.name, style: out.bold },
      `replica ${replica.index}`,
      { text: replica.state, style: replica.state === 'ready' ? out.green : out.yellow },
      replica.pid === undefined ? '-' : `pid ${replica.pid}`,
      `${replica.completed} requests`,
      `${replica.restarts} restarts`,
      replica.lastError ?? '',
    ]),
  );
  if (rows.length > 0) ctx.printLines(renderTable(rows));
}

/** `1 h 2 m`, `3 m 4 s`, `5 s`, or milliseconds under a second. */
function formatDuration(ms: number): string {
  if (ms < 1_000) return formatMs(ms);
  const seconds = Math.floor(ms / 1_000);
  const [h, m, s] = [Math.floor(seconds / 3_600), Math.floor((seconds % 3_600) / 60), seconds % 60];
  if (h > 0) return `${h} h ${m} m`;
  if (m > 0) return `${m} m ${s} s`;
  return `${s} s`;
}

/** `bin/mcp-host.js` of this installation, which the daemon runs as. */
function binScript(): string {
  const script = packageFile('bin/mcp-host.js');
  if (!script || !existsSync(script)) {
    throw new McpHostError(
      'SPAWN_FAILED',
      'Cannot find bin/mcp-host.js: no package.json of mcp-host above this module',
    );
  }
  return fileURLToPath(script);
}
