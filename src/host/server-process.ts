/**
 * One server child process: spawning it in its own process group, keeping the tail of its stderr, telling how it
 * ended, and shutting it down so that nothing it started survives (wrappers like `sh -c` or `npx` otherwise leave
 * orphans holding our pipes), not even what left its group (on Linux, found by the tag of process-tag.ts). Each
 * group is registered in live-groups.ts until it is gone, which ends it if this process dies without closing it.
 *
 * Ownership: whoever calls `spawnServerProcess` calls `close()`, also after the server exited on its own (close then
 * reaps what is left of its process group). The streams belong to this object; a connection on them only reads
 * and writes.
 */

import { statSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import type { Readable, Writable } from 'node:stream';
import type { ChildProcess, ChildProcessWithoutNullStreams } from 'node:child_process';
import { execa } from 'execa';
import { McpHostError } from './errors.js';
import { signalGroup, trackGroup, untrackGroup } from './live-groups.js';
import { canScan, createProcessTag, killTaggedProcesses, tagOfChild } from './process-tag.js';
import type { ProcessTag } from './process-tag.js';
import { spawnOptions } from './spawn-spec.js';
import type { SpawnSpec } from './spawn-spec.js';

/** How long `close()` waits after ending stdin before SIGTERM. */
export const DEFAULT_GRACE_MS = 2_000;
/** How long `close()` waits after SIGTERM before SIGKILL. */
export const DEFAULT_TERM_MS = 2_000;
/** Lines of stderr kept for error reports. */
export const DEFAULT_STDERR_TAIL_LINES = 40;
/** Longer stderr lines are cut to this many characters (plus "…"), as they are read. */
export const STDERR_LINE_MAX_CHARS = 1_000;
/**
 * At most this many stderr lines a second go to `onStderrLine` (the tail still sees every line). A server that
 * writes more gets a note of how many were not shown: `--verbose` relays each line, and relaying a flood would
 * cost the host the memory and CPU of writing it all out again.
 */
export const STDERR_RELAY_MAX_LINES_PER_SECOND = 1_000;

/** After the exit, how long to wait for the last stderr bytes, which can arrive after the exit event. */
const STDERR_DRAIN_MS = 200;
/** After SIGKILL, how long to wait for the leader's exit event, which follows unless it is stuck in the kernel. */
const KILL_CONFIRM_MS = 2_000;
/**
 * After SIGKILLing a group's remains, how long to watch for it to vanish. A killed orphan stays a zombie (still a
 * group member) until init reaps it, which some inits do only every second or two, and a zombie holds nothing but
 * its pid: waiting longer would only slow every shutdown down.
 */
const GROUP_VANISH_MS = 100;
const GROUP_POLL_MS = 10;

/** The program to start (`env` is complete: see `serverSpawnSpec`; the host's own is not added), and how. */
export interface SpawnServerOptions extends SpawnSpec {
  /** The server's name in the config, used in messages. */
  name: string;
  /** @default DEFAULT_STDERR_TAIL_LINES */
  stderrTailLines?: number;
  /**
   * Called with each stderr line (without the newline, cut to STDERR_LINE_MAX_CHARS), at most
   * `maxStderrLinesPerSecond` a second: beyond that, lines are skipped and a note of how many follows
   * (`[mcp-host: N more lines of stderr not shown: …]`). Errors it throws are ignored.
   */
  onStderrLine?: (line: string) => void;
  /** @default STDERR_RELAY_MAX_LINES_PER_SECOND */
  maxStderrLinesPerSecond?: number;
  /**
   * A process already started with these options (`spawnOptions`, pipes for stdio; see src/cli/early-start.ts),
   * running and with nothing read from it yet: taken over instead of starting one. Its tag, if `tagChild` kept one
   * on it, is how `close()` finds what it started outside its group.
   */
  adopt?: ChildProcess;
}

/** How the process ended. `error` is set when it never started (then both codes are null). */
export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
  error?: Error;
}

export interface CloseOptions {
  /** @default DEFAULT_GRACE_MS */
  graceMs?: number;
  /** @default DEFAULT_TERM_MS */
  termMs?: number;
}

export interface ServerProcess {
  readonly name: string;
  /** Undefined when the process could not be started. Also the id of its process group (POSIX). */
  readonly pid: number | undefined;
  /** To the server. Write errors (EPIPE after a crash) are swallowed; `exited` tells what happened. */
  readonly stdin: Writable;
  /** From the server: the protocol channel. */
  readonly stdout: Readable;
  /** Settles (never rejects) when the process has exited or failed to start, and its stderr has been read. */
  readonly exited: Promise<ExitInfo>;
  /** True from a successful spawn until the exit event. */
  readonly isRunning: boolean;
  /** The last stderr lines, oldest first, including an unfinished last line. */
  stderrTail(): string[];
  /**
   * The error that explains why the server is gone: SPAWN_FAILED (it never started), SERVER_EXITED (exit code or
   * signal), or CONNECTION_CLOSED (stopped by `close()`, or still running although its output closed). Context
   * holds `server`, `pid`, `exitCode`, `signal` and `stderrTail`.
   */
  exitError(): McpHostError;
  /**
   * Stops the server: end stdin, wait `graceMs`, SIGTERM the process group, wait `termMs`, SIGKILL the group. Once
   * the leader has exited, anything left in its group is SIGKILLed, and so (Linux) is every process that carries
   * its tag: what it started in a session or group of its own. Idempotent. Resolves once the leader has exited and
   * the rest has been SIGKILLed (their zombies may wait a moment longer for init to reap them).
   */
  close(options?: CloseOptions): Promise<ExitInfo>;
}

/**
 * Starts a server process. Never throws: a spawn failure (command not found, bad cwd) shows as `exited` resolving
 * with `error` and `exitError()` returning SPAWN_FAILED.
 */
export function spawnServerProcess(options: SpawnServerOptions): ServerProcess {
  return new ChildServerProcess(options);
}

class ChildServerProcess implements ServerProcess {
  readonly name: string;
  readonly pid: number | undefined;
  readonly stdin: Writable;
  readonly stdout: Readable;
  readonly exited: Promise<ExitInfo>;
  private readonly tail: LineTail;
  private readonly tag: ProcessTag | undefined;
  private leaderExit: ExitInfo | undefined;
  private spawnError: Error | undefined;
  private isStoppedByHost = false;
  private closing: Promise<ExitInfo> | undefined;
  private readonly leaderExited: Promise<void>;

  constructor(private readonly options: SpawnServerOptions) {
    this.name = options.name;
    this.tail = new LineTail(
      options.stderrTailLines ?? DEFAULT_STDERR_TAIL_LINES,
      options.onStderrLine,
      options.maxStderrLinesPerSecond ?? STDERR_RELAY_MAX_LINES_PER_SECOND,
    );
    // Either way a Node ChildProcess with the three pipes (execa's subprocess is one, with a promise on top).
    let subprocess: ChildProcessWithoutNullStreams;
    try {
      if (options.adopt) {
        subprocess = options.adopt as ChildProcessWithoutNullStreams;
        this.tag = tagOfChild(options.adopt);
      } else {
        this.tag = createProcessTag();
        const started = startProcess(options, this.tag);
        // execa's own promise waits for every stream to end, which a grandchild holding our pipes can delay forever;
        // the exit is taken from the process's events instead. reject:false means this settles without rejecting.
        started.catch(ignore);
        subprocess = started as unknown as ChildProcessWithoutNullStreams;
      }
    } catch (error) {
      // execa validates arguments synchronously (e.g. a NUL byte); report it like any other spawn failure.
      this.spawnError = error instanceof Error ? error : new Error(String(error));
      this.pid = undefined;
      this.stdin = new PassThrough().on('error', ignore);
      this.stdin.destroy();
      this.stdout = new PassThrough().end();
      const info: ExitInfo = { exitCode: null, signal: null, error: this.spawnError };
      this.leaderExit = info;
      this.exited = Promise.resolve(info);
      this.leaderExited = Promise.resolve();
      return;
    }
    this.pid = subprocess.pid;
    this.stdin = subprocess.stdin;
    this.stdout = subprocess.stdout;
    // A server that dies mid-write gives EPIPE on stdin; an unhandled stream error would crash the host.
    this.stdin.on('error', ignore);
    this.stdout.on('error', ignore);
    subprocess.stderr.on('error', ignore);
    // Bytes, not text: lines are found and cut in bytes, and only the kept part of a line is ever decoded.
    subprocess.stderr.on('data', (chunk: Buffer | string) =>
      this.tail.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk)),
    );
    const stderrEnded = new Promise<void>((resolve) => {
      subprocess.stderr.once('end', resolve).once('close', resolve);
    }).then(() => this.tail.end());

    if (this.pid !== undefined) trackGroup(this.pid, this.tag);
    let markLeaderExited: () => void = ignore;
    this.leaderExited = new Promise<void>((resolve) => (markLeaderExited = resolve));
    this.exited = new Promise<ExitInfo>((resolve) => {
      subprocess.once('exit', (exitCode: number | null, signal: NodeJS.Signals | null) => {
        this.leaderExit = { exitCode, signal };
        markLeaderExited();
        // Kept for the exit handlers while what it started may live on: its group, or tagged processes outside it.
        const pid = this.pid;
        if (pid !== undefined && !groupExists(pid) && !(this.tag && canScan())) untrackGroup(pid);
        void settlesWithin(stderrEnded, STDERR_DRAIN_MS, true).then(() => resolve({ exitCode, signal }));
      });
      subprocess.on('error', (error: Error) => {
        // Before a pid, this is a spawn failure and no exit event follows; after, it is a failed kill: ignored.
        if (subprocess.pid !== undefined || this.leaderExit) return;
        this.spawnError = error;
        this.leaderExit = { exitCode: null, signal: null, error };
        markLeaderExited();
        resolve(this.leaderExit);
      });
    });
  }

  get isRunning(): boolean {
    return this.pid !== undefined && this.leaderExit === undefined;
  }

  stderrTail(): string[] {
    return this.tail.snapshot();
  }

  exitError(): McpHostError {
    const context = {
      server: this.name,
      ...(this.pid !== undefined && { pid: this.pid }),
      exitCode: this.leaderExit?.exitCode ?? null,
      signal: this.leaderExit?.signal ?? null,
      stderrTail: this.stderrTail(),
    };
    if (this.spawnError) return this.spawnFailure(this.spawnError, context);
    if (this.isStoppedByHost) {
      return new McpHostError('CONNECTION_CLOSED', `Server ${this.name} was stopped by the host`, context);
    }
    if (!this.leaderExit) {
      return new McpHostError(
        'CONNECTION_CLOSED',
        `Server ${this.name} closed its output while still running (pid ${this.pid})`,
        context,
      );
    }
    const { exitCode, signal } = this.leaderExit;
    const how = signal !== null ? `was killed by ${signal}` : `exited with code ${exitCode}`;
    return new McpHostError('SERVER_EXITED', `Server ${this.name} ${how}`, context);
  }

  close(options: CloseOptions = {}): Promise<ExitInfo> {
    this.closing ??= this.shutdown(options.graceMs ?? DEFAULT_GRACE_MS, options.termMs ?? DEFAULT_TERM_MS);
    return this.closing;
  }

  private async shutdown(graceMs: number, termMs: number): Promise<ExitInfo> {
    const pid = this.pid;
    if (pid === undefined) return this.exited;
    if (this.leaderExit === undefined) {
      this.isStoppedByHost = true;
      try {
        this.stdin.end();
      } catch {
        // Already destroyed: the server is going away anyway.
      }
      if (!(await settlesWithin(this.leaderExited, graceMs, false))) {
        signalGroup(pid, 'SIGTERM');
        if (!(await settlesWithin(this.leaderExited, termMs, false))) {
          signalGroup(pid, 'SIGKILL');
          await settlesWithin(this.leaderExited, KILL_CONFIRM_MS, true);
        }
      }
    }
    // The leader is gone. Whatever else is in its group (a grandchild that outlived an `sh -c` wrapper, children of
    // a server that was killed) is an orphan now: kill it rather than wait for it. Then what escaped the group.
    await killGroupRemains(pid);
    if (this.tag) killTaggedProcesses(this.tag, pid);
    untrackGroup(pid);
    if (await settlesWithin(this.exited, KILL_CONFIRM_MS, true)) return this.exited;
    return { exitCode: null, signal: null, error: new Error(`process ${pid} did not exit after SIGKILL`) };
  }

  private spawnFailure(error: Error, context: Record<string, unknown>): McpHostError {
    const { command, cwd } = this.options;
    const code = (error as NodeJS.ErrnoException).code;
    let reason: string;
    if (code === 'ENOENT' && cwd !== undefined && !isDirectory(cwd)) {
      // Node reports a missing cwd as ENOENT of the command, which would send the user looking in the wrong place.
      reason = `working directory "${cwd}" does not exist`;
    } else if (code === 'ENOENT') {
      reason = `command "${command}" not found`;
    } else if (code === 'EACCES') {
      reason = `command "${command}" is not executable (permission denied)`;
    } else {
      reason = error.message;
    }
    return new McpHostError(
      'SPAWN_FAILED',
      `Server ${this.name} could not start: ${reason}`,
      { ...context, command, ...(cwd !== undefined && { cwd }), ...(code !== undefined && { errno: code }) },
      { cause: error },
    );
  }
}

function startProcess(options: SpawnServerOptions, tag: ProcessTag) {
  return execa(options.command, options.args, {
    ...spawnOptions(options, tag),
    extendEnv: false,
    stdin: 'pipe',
    stdout: 'pipe',
    stderr: 'pipe',
    buffer: false,
    reject: false,
    // execa skips `cleanup` for detached children (every one but on Windows); live-groups.ts does it instead.
    cleanup: process.platform === 'win32',
  });
}

/**
 * Waits for `promise` at most `ms` milliseconds; true when it settled in time.
 *
 * `keepAlive` decides whether the timer holds the event loop. The grace and term waits do not need to: the live
 * child holds it, and its exit settles the wait. The waits after the exit must, or an `await close()` whose last
 * handle just closed (a killed grandchild's pipe) would leave the loop empty and the await forever unsettled.
 */
async function settlesWithin(promise: Promise<unknown>, ms: number, keepAlive: boolean): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
    if (!keepAlive) timer.unref();
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function ignore(): void {}

function isDirectory(dir: string): boolean {
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Process groups

function groupExists(pid: number): boolean {
  return signalGroup(pid, 0);
}

/** SIGKILLs what remains of a group, then gives it a moment to vanish (see GROUP_VANISH_MS). */
async function killGroupRemains(pid: number): Promise<void> {
  if (!groupExists(pid)) return;
  signalGroup(pid, 'SIGKILL');
  const deadline = Date.now() + GROUP_VANISH_MS;
  while (groupExists(pid) && Date.now() < deadline) await delay(GROUP_POLL_MS);
}

// ---------------------------------------------------------------------------------------------------------------
// Stderr tail

/**
 * Bytes of one line kept while reading it: enough for STDERR_LINE_MAX_CHARS UTF-16 units and one more (so that
 * `cap` knows to add the ellipsis), whatever their UTF-8 length. The rest of a longer line is skipped as it arrives.
 */
const STDERR_LINE_MAX_BYTES = 4 * (STDERR_LINE_MAX_CHARS + 1);
const NEWLINE = 0x0a;
const RELAY_WINDOW_MS = 1_000;

/**
 * Splits stderr into lines, keeps the last `maxLines` (each cut to STDERR_LINE_MAX_CHARS), and hands lines to
 * `onLine` at most `maxRelayedPerSecond` a second, with a note of how many it skipped. Memory is bounded
 * whatever the server writes: a line is cut while it is read, never buffered whole, and a chunk's lines that can
 * neither be relayed nor stay in the tail are only counted, never decoded.
 */
class LineTail {
  private readonly lines: string[] = [];
  /** The unfinished line: copies of its first bytes, at most STDERR_LINE_MAX_BYTES in all. */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** Bytes of the unfinished line were skipped. */
  private isPartialCut = false;
  private windowStartMs = 0;
  private relayedInWindow = 0;
  private skipped = 0;
  private noteTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly maxLines: number,
    private readonly onLine: ((line: string) => void) | undefined,
    private readonly maxRelayedPerSecond: number,
  ) {}

  push(chunk: Buffer): void {
    // First count the chunk's complete lines, to know which of them can still be among the last `maxLines`.
    let count = 0;
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) count++;
    const firstKept = count - this.maxLines;
    const now = this.onLine ? Date.now() : 0;
    let start = 0;
    for (let index = 0; index < count; index++) {
      const newline = chunk.indexOf(NEWLINE, start);
      const isRelayed = this.onLine !== undefined && this.admit(now);
      if (isRelayed || index >= firstKept) {
        this.completeLine(this.lineText(chunk, start, newline), isRelayed);
      }
      this.partial = [];
      this.partialBytes = 0;
      this.isPartialCut = false;
      start = newline + 1;
    }
    this.appendPartial(chunk, start);
  }

  /** The stream ended: an unfinished last line counts as a line, and a pending note of skipped lines is given. */
  end(): void {
    if (this.partialBytes > 0 || this.isPartialCut) {
      const line = this.partialText();
      this.partial = [];
      this.partialBytes = 0;
      this.isPartialCut = false;
      this.completeLine(line, this.onLine !== undefined && this.admit(Date.now()));
    }
    this.flushNote();
  }

  snapshot(): string[] {
    return this.partialBytes > 0 || this.isPartialCut ? [...this.lines, this.partialText()] : [...this.lines];
  }

  /** Whether a line may go to `onLine` now; counts it as skipped otherwise. */
  private admit(now: number): boolean {
    if (now - this.windowStartMs >= RELAY_WINDOW_MS) {
      this.flushNote();
      this.windowStartMs = now;
      this.relayedInWindow = 0;
    }
    if (this.relayedInWindow < this.maxRelayedPerSecond) {
      this.relayedInWindow++;
      return true;
    }
    this.skipped++;
    // A flood that stops still gets its note when the window ends, not only at the next line.
    this.noteTimer ??= setTimeout(
      () => {
        this.noteTimer = undefined;
        this.flushNote();
      },
      RELAY_WINDOW_MS - (now - this.windowStartMs),
    ).unref();
    return false;
  }

  private flushNote(): void {
    clearTimeout(this.noteTimer);
    this.noteTimer = undefined;
    if (this.skipped === 0) return;
    const count = this.skipped;
    this.skipped = 0;
    this.relay(
      `[mcp-host: ${count} more line${count === 1 ? '' : 's'} of stderr not shown: over ${this.maxRelayedPerSecond} lines a second]`,
    );
  }

  /** The text of the line that ends at `newline` in `chunk` (after the partial line's bytes), cut to the cap. */
  private lineText(chunk: Buffer, start: number, newline: number): string {
    const room = STDERR_LINE_MAX_BYTES - this.partialBytes;
    const end = Math.min(newline, start + Math.max(0, room));
    const isCut = this.isPartialCut || end < newline;
    const bytes =
      this.partialBytes === 0
        ? chunk.subarray(start, end)
        : Buffer.concat([...this.partial, chunk.subarray(start, end)]);
    let text = bytes.toString('utf8');
    if (!isCut && text.endsWith('\r')) text = text.slice(0, -1);
    return cap(text, isCut);
  }

  private partialText(): string {
    return cap(Buffer.concat(this.partial).toString('utf8'), this.isPartialCut);
  }

  private appendPartial(chunk: Buffer, start: number): void {
    if (start >= chunk.length) return;
    const room = STDERR_LINE_MAX_BYTES - this.partialBytes;
    const end = Math.min(chunk.length, start + Math.max(0, room));
    if (end > start) {
      // A copy: a slice would keep the whole chunk alive for a few bytes of it.
      this.partial.push(Buffer.from(chunk.subarray(start, end)));
      this.partialBytes += end - start;
    }
    if (end < chunk.length) this.isPartialCut = true;
  }

  private completeLine(line: string, isRelayed: boolean): void {
    this.lines.push(line);
    if (this.lines.length > this.maxLines) this.lines.shift();
    if (isRelayed) this.relay(line);
  }

  private relay(line: string): void {
    try {
      this.onLine?.(line);
    } catch {
      // A listener's bug must not break reading stderr (the server would block on a full pipe).
    }
  }
}

/** A line cut to STDERR_LINE_MAX_CHARS, with "…" when it was longer (or `isCut`: bytes of it were skipped). */
function cap(line: string, isCut: boolean): string {
  return isCut || line.length > STDERR_LINE_MAX_CHARS ? `${line.slice(0, STDERR_LINE_MAX_CHARS)}…` : line;
}
