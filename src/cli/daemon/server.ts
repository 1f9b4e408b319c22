/**
 * The daemon: keeps one config's servers running (`WarmHost`) and runs command lines sent to its Unix socket
 * against them, streaming their output back. Clients skip Node's module loading and the servers' start-up: a
 * command costs a connection and the requests it makes.
 *
 * It stops when asked (`control: stop`), when its signal aborts (SIGINT/SIGTERM in the CLI), after `idleTimeoutMs`
 * without any connection, when its config file is deleted, or when its socket file is removed. Stopping cancels the
 * commands still running, ends every server and removes the socket.
 */

import { chmodSync, statSync, unlinkSync } from 'node:fs';
import net from 'node:net';
import { Readable } from 'node:stream';
import type { LoadedConfig } from '../../host/config.js';
import { watchdogProblem } from '../../host/live-groups.js';
import { McpHostError } from '../errors.js';
import type { DaemonPaths } from './paths.js';
import { ensurePrivateDir } from './runtime-dir.js';
import { WarmHost } from './warm-host.js';
import type { BorrowHost } from './warm-host.js';
import { DAEMON_PROTOCOL_VERSION, LineSplitter, buildId, line, parseObject } from './wire.js';
import type { ControlAnswer, DaemonStatus, RunFrame, RunRequest } from './wire.js';

/** Stop after this long without a connection. @default 10 minutes */
export const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60_000;
/** How often the config file and the socket are checked. */
const WATCH_INTERVAL_MS = 500;
/** How long a connection may take to send its hello line before it is dropped (it would keep the daemon awake). */
const HELLO_TIMEOUT_MS = 5_000;
/** How long stopping waits for cancelled commands to return before ending the servers under them. */
const RUN_DRAIN_MS = 2_000;

/** What a command run in the daemon sees as its world (the CLI's `CliIo`, with a lent host). */
export interface DaemonRunIo {
  stdout: { write(chunk: string | Uint8Array): unknown };
  stderr: { write(chunk: string | Uint8Array): unknown };
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  isTTY: { stdout: boolean; stderr: boolean };
  columns?: number;
  signal: AbortSignal;
  borrowHost: BorrowHost;
}

export interface DaemonOptions {
  config: LoadedConfig;
  /** The environment the config was resolved with; servers inherit its allow-listed variables. */
  env: NodeJS.ProcessEnv;
  paths: DaemonPaths;
  /** @default DEFAULT_IDLE_TIMEOUT_MS */
  idleTimeoutMs?: number;
  /** Runs one command line (the CLI's `runCli`); resolves with its exit code and never rejects. */
  runCommand: (args: string[], io: DaemonRunIo) => Promise<number>;
  /** One line for the daemon's log. */
  log: (line: string) => void;
  /** Aborting it stops the daemon. */
  signal?: AbortSignal;
  /** @default SYSTEM_CLOCK */
  clock?: DaemonClock;
}

/**
 * The clock the daemon's idle timeout and uptime are measured on. Tests pass one they advance by hand, so the idle
 * stop can be shown without waiting for it, or racing it.
 */
export interface DaemonClock {
  /** Milliseconds since the epoch. */
  now: () => number;
  /** Calls `callback` once after `delayMs`, unless the returned function is called first. */
  schedule: (callback: () => void, delayMs: number) => () => void;
}

/** Node's clock and timers. */
export const SYSTEM_CLOCK: DaemonClock = {
  now: () => Date.now(),
  schedule: (callback, delayMs) => {
    const timer = setTimeout(callback, delayMs);
    return () => clearTimeout(timer);
  },
};

/** A running daemon. */
export interface Daemon {
  /** Settles with why the daemon stopped, once its servers are gone and its socket removed. */
  readonly stopped: Promise<string>;
  stop(reason: string): Promise<string>;
}

/**
 * Claims the socket (removing a stale one), starts every server, and serves until stopped. Resolves once the socket
 * listens; the servers may still be starting (`status` says `starting`), and commands wait for them.
 * @throws McpHostError `SPAWN_FAILED` when another daemon already serves this config, or the socket cannot be made.
 */
export async function startDaemon(options: DaemonOptions): Promise<Daemon> {
  ensurePrivateDir(options.paths.dir);
  const daemon = new DaemonServer(options);
  await daemon.listen();
  return daemon;
}

interface ActiveRun {
  controller: AbortController;
  done: Promise<void>;
}

class DaemonServer implements Daemon {
  readonly stopped: Promise<string>;
  private readonly server = net.createServer((socket) => this.onConnection(socket));
  /** Made once the socket is ours (so a second daemon never starts servers); connections come only after. */
  private warm!: WarmHost;
  private readonly clock: DaemonClock;
  private readonly startedAt: number;
  private readonly idleTimeoutMs: number;
  private readonly runs = new Set<ActiveRun>();
  private readonly sockets = new Set<net.Socket>();
  private state: DaemonStatus['state'] = 'starting';
  private completedRuns = 0;
  private cancelIdleStop: (() => void) | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  private socketInode: number | undefined;
  private configStamp: string | undefined;
  private resolveStopped!: (reason: string) => void;
  private stopping: Promise<string> | undefined;

  constructor(private readonly options: DaemonOptions) {
    this.clock = options.clock ?? SYSTEM_CLOCK;
    this.startedAt = this.clock.now();
    this.idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    this.stopped = new Promise((resolve) => (this.resolveStopped = resolve));
  }

  async listen(): Promise<void> {
    const { socket } = this.options.paths;
    try {
      await this.bind();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw this.startFailure(error);
      // A socket file is there: a live daemon (refuse), or one left by a daemon that was killed (remove it).
      if (await isListening(socket)) {
        throw new McpHostError('SPAWN_FAILED', `A daemon already serves ${this.options.config.path} at ${socket}`, {
          socket,
        });
      }
      unlinkSync(socket);
      try {
        await this.bind();
      } catch (retryError) {
        throw this.startFailure(retryError);
      }
    }
    // The directory is 0700 already; the socket itself is made owner-only too, in case the directory is loosened.
    chmodSync(socket, 0o600);
    this.socketInode = statSync(socket).ino;
    const { config, env, log } = this.options;
    this.warm = new WarmHost({ config, env, log });
    void this.warm.started().then(() => {
      if (this.state === 'starting') this.state = 'ready';
      const problem = watchdogProblem();
      if (problem) {
        log(`no watchdog for the servers (${problem.message}): if the daemon is killed outright, they outlive it`);
      }
    });
    this.configStamp = stampOf(this.options.config.path);
    this.options.log(`listening on ${socket} (pid ${process.pid}) for ${this.options.config.path}`);
    this.watchTimer = setInterval(() => this.watch(), WATCH_INTERVAL_MS);
    this.armIdleTimer();
    const { signal } = this.options;
    if (signal?.aborted) void this.stop('interrupted');
    else signal?.addEventListener('abort', () => void this.stop('interrupted'), { once: true });
  }

  stop(reason: string): Promise<string> {
    this.stopping ??= this.shutDown(reason);
    return this.stopping;
  }

  private async shutDown(reason: string): Promise<string> {
    this.state = 'stopping';
    this.options.log(`stopping: ${reason}`);
    clearInterval(this.watchTimer);
    this.cancelIdleStop?.();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const run of this.runs) run.controller.abort();
    await Promise.race([
      Promise.all([...this.runs].map((run) => run.done)),
      new Promise((resolve) => setTimeout(resolve, RUN_DRAIN_MS).unref()),
    ]);
    await this.warm.closeAll();
    for (const socket of this.sockets) socket.destroy();
    await closed;
    this.removeSocketFile();
    this.options.log(`stopped: ${reason}`);
    this.resolveStopped(reason);
    return reason;
  }

  private bind(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(error);
      this.server.once('error', onError);
      this.server.listen(this.options.paths.socket, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
  }

  private startFailure(error: unknown): McpHostError {
    const { socket } = this.options.paths;
    const message = error instanceof Error ? error.message : String(error);
    return new McpHostError(
      'SPAWN_FAILED',
      `The daemon cannot listen on ${socket}: ${message}`,
      { socket },
      { cause: error },
    );
  }

  /** Removes the socket file, unless another daemon has put its own there since. */
  private removeSocketFile(): void {
    const { socket } = this.options.paths;
    try {
      if (statSync(socket).ino === this.socketInode) unlinkSync(socket);
    } catch {
      // Already gone.
    }
  }

  private onConnection(socket: net.Socket): void {
    this.sockets.add(socket);
    this.cancelIdleStop?.();
    const helloTimer = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS);
    socket.on('error', () => undefined); // a client that vanished; its run is cancelled on 'close'
    socket.once('close', () => {
      clearTimeout(helloTimer);
      this.sockets.delete(socket);
      if (this.sockets.size === 0) this.armIdleTimer();
    });
    let onLine = (text: string): void => {
      // Everything after the hello belongs to the run, if this is one.
      clearTimeout(helloTimer);
      onLine = () => undefined;
      this.onHello(socket, text, (handler) => (onLine = handler));
    };
    const splitter = new LineSplitter(
      (text) => onLine(text),
      () => socket.destroy(),
    );
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
  }

  private onHello(socket: net.Socket, text: string, followWith: (handler: (text: string) => void) => void): void {
    const hello = parseObject(text);
    const answer = (message: ControlAnswer): void => void socket.end(line(message));
    if (hello === undefined) {
      answer({ ok: false, code: 'PROTOCOL_VIOLATION', message: 'The hello line is not a JSON object' });
      return;
    }
    if (hello.v !== DAEMON_PROTOCOL_VERSION) {
      const message = `this daemon speaks version ${DAEMON_PROTOCOL_VERSION}, the client ${String(hello.v)}`;
      socket.end(
        line(hello.run === undefined ? { ok: false, code: 'PROTOCOL_VIOLATION', message } : { declined: message }),
      );
      return;
    }
    if (hello.control === 'status') answer({ ok: true, status: this.status() });
    else if (hello.control === 'stop') {
      answer({ ok: true, status: this.status() });
      void this.stop('asked to stop');
    } else if (hello.run !== undefined) {
      const problem = runRequestProblem(hello.run);
      if (problem !== undefined) socket.end(line({ declined: problem }));
      else if (hello.build !== buildId()) {
        const declined = `the daemon runs mcp-host ${buildId()}, this command ${String(hello.build)}; restart the daemon`;
        socket.end(line({ declined }));
      } else if (this.state === 'stopping') socket.end(line({ declined: 'the daemon is stopping' }));
      else this.run(socket, hello.run as RunRequest, followWith);
    } else {
      answer({ ok: false, code: 'PROTOCOL_VIOLATION', message: 'expected "run" or "control": "status" | "stop"' });
    }
  }

  /** Runs one command line, with its output, stdin and Ctrl-C relayed over the socket. */
  private run(socket: net.Socket, request: RunRequest, followWith: (handler: (text: string) => void) => void): void {
    const send = (frame: RunFrame): void => {
      if (!socket.destroyed) socket.write(line(frame));
    };
    const controller = new AbortController();
    let isStdinAsked = false;
    const stdin = new Readable({
      read: () => {
        // Asked for only when the command reads it, so a client's terminal is never read needlessly.
        if (isStdinAsked) return;
        isStdinAsked = true;
        send({ stdin: true });
      },
    });
    // Data after the end would make the stream emit an error nobody listens to: ignore it instead.
    let isStdinEnded = false;
    const endStdin = (): void => {
      if (isStdinEnded) return;
      isStdinEnded = true;
      stdin.push(null);
    };
    followWith((text) => {
      const frame = parseObject(text);
      if (typeof frame?.signal === 'string') controller.abort(new McpHostError('CANCELLED', 'Interrupted'));
      else if (typeof frame?.in === 'string' && !isStdinEnded) stdin.push(Buffer.from(frame.in, 'base64'));
      else if (frame?.inEnd === true) endStdin();
    });
    // A client that goes away (killed, or its terminal closed) cancels what it asked for.
    socket.once('close', () => {
      controller.abort(new McpHostError('CANCELLED', 'The client went away'));
      endStdin();
    });
    const env = Object.fromEntries(Object.entries(request.env).filter(([, value]) => typeof value === 'string'));
    const io: DaemonRunIo = {
      stdout: { write: (chunk: string | Uint8Array) => send(outFrame('out', chunk)) },
      stderr: { write: (chunk: string | Uint8Array) => send(outFrame('err', chunk)) },
      stdin,
      env,
      cwd: request.cwd,
      isTTY: request.isTTY,
      ...(request.columns !== undefined && { columns: request.columns }),
      signal: controller.signal,
      borrowHost: (config, hooks) => Promise.resolve(this.warm.borrow(config, env, hooks)),
    };
    send({ accepted: true });
    const run: ActiveRun = {
      controller,
      done: this.options
        .runCommand(request.args, io)
        .catch((error: unknown) => {
          this.options.log(
            `a command failed inside the daemon: ${error instanceof Error ? error.stack : String(error)}`,
          );
          return 1;
        })
        .then((exitCode) => {
          send({ exit: exitCode });
          socket.end();
        })
        .finally(() => {
          this.runs.delete(run);
          this.completedRuns += 1;
        }),
    };
    this.runs.add(run);
  }

  private status(): DaemonStatus {
    const { paths } = this.options;
    return {
      pid: process.pid,
      state: this.state,
      startedAt: new Date(this.startedAt).toISOString(),
      uptimeMs: this.clock.now() - this.startedAt,
      idleTimeoutMs: this.idleTimeoutMs,
      config: this.warm.configPath,
      socket: paths.socket,
      log: paths.log,
      runs: { active: this.runs.size, completed: this.completedRuns },
      servers: this.warm.stats(),
    };
  }

  private armIdleTimer(): void {
    this.cancelIdleStop?.();
    if (this.state === 'stopping' || !(this.idleTimeoutMs > 0 && Number.isFinite(this.idleTimeoutMs))) return;
    this.cancelIdleStop = this.clock.schedule(
      () => void this.stop(`idle for ${this.idleTimeoutMs} ms`),
      this.idleTimeoutMs,
    );
  }

  /** Notices a deleted or edited config, and a removed socket (nobody could reach us any more). */
  private watch(): void {
    if (this.state === 'stopping') return;
    const { socket } = this.options.paths;
    const configPath = this.warm.configPath;
    const stamp = stampOf(configPath);
    if (stamp === undefined) {
      void this.stop(`the config file ${configPath} was deleted`);
      return;
    }
    if (stampOf(socket) === undefined) {
      void this.stop(`the socket ${socket} was removed`);
      return;
    }
    if (stamp === this.configStamp) return;
    this.configStamp = stamp;
    this.warm.reload();
  }
}

/** Size and modification time of a file; undefined when it is gone. */
function stampOf(file: string): string | undefined {
  try {
    const stats = statSync(file);
    return `${stats.size}:${stats.mtimeMs}:${stats.ino}`;
  } catch {
    return undefined;
  }
}

/** True when something accepts connections on the socket. */
function isListening(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createConnection(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** What is wrong with a run request, naming the field; undefined when it is well-formed. */
function runRequestProblem(run: unknown): string | undefined {
  if (typeof run !== 'object' || run === null) return 'run: expected an object';
  const { args, cwd, env, isTTY, columns } = run as Record<string, unknown>;
  if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) return 'run.args: expected strings';
  if (typeof cwd !== 'string' || !cwd.startsWith('/')) return 'run.cwd: expected an absolute path';
  if (typeof env !== 'object' || env === null || Array.isArray(env)) return 'run.env: expected an object';
  const tty = isTTY as Record<string, unknown> | undefined;
  if (typeof tty?.stdout !== 'boolean' || typeof tty.stderr !== 'boolean') {
    return 'run.isTTY: expected { stdout: boolean, stderr: boolean }';
  }
  if (
    columns !== undefined &&
    !(Number.isInteger(columns) && (columns as number) > 0 && (columns as number) <= 10_000)
  ) {
    return 'run.columns: expected a whole number from 1 to 10,000';
  }
  return undefined;
}

/** A write as a frame: text as it is, bytes (a resource's own, see `read`) as base64, so the client writes them back. */
function outFrame(stream: 'out' | 'err', chunk: string | Uint8Array): RunFrame {
  if (typeof chunk === 'string') return stream === 'out' ? { out: chunk } : { err: chunk };
  const base64 = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('base64');
  return stream === 'out' ? { outBytes: base64 } : { errBytes: base64 };
}
