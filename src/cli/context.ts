/**
 * The state of one CLI run: the injected streams, the global options, colour, the host (created on demand, closed
 * when the command is done), interruption, and how results and errors are written. Commands get it from
 * `program.ts` and never touch `process`.
 */

import path from 'node:path';
import type { Readable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import type { ClientHooks } from '../client/client.js';
import { CommanderError } from 'commander';
import type { Command } from 'commander';
import type { LoadedConfig } from '../host/config.js';
import type { BorrowHost, LeaseHooks } from './daemon/warm-host.js';
import type { Prestarted } from '../host/host.js';
import type { Host } from '../host/host.js';
import { watchdogProblem } from '../host/live-groups.js';
import { Redactor } from '../host/redact.js';
import { INTERNAL_ERROR_CODE, McpHostError } from './errors.js';
import type { FailureCode } from './errors.js';
import { LOGGING_LEVELS } from '../protocol/types.js';
import type { LoggingLevel, ProgressNotificationParams } from '../protocol/types.js';
import { EXIT_CODE, exitCodeForError } from './exit-codes.js';
import type { PreParsed } from './command-line.js';
import type { EarlyServer } from './early-start.js';
import { BinaryFiles, colorLevel, createChalk } from './render.js';
import type { ChalkInstance } from './render.js';
import { escapeControls } from './terminal-text.js';
import { splitCommandWords } from './command-words.js';
import { createElicitationPrompt } from './elicitation-prompt.js';

/** Anything text can be written to: a stream, or a collector in tests. Bytes only from `printBytes`. */
export interface TextOutput {
  write(chunk: string | Uint8Array): unknown;
}

/** The outside world of one run, injected so tests can run the CLI in-process. */
export interface CliIo {
  stdout: TextOutput;
  stderr: TextOutput;
  /** Read only for `--args -`. */
  stdin: Readable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  isTTY: { stdout: boolean; stderr: boolean };
  /** The terminal's width, when stdout is a terminal: long descriptions wrap to it. */
  columns?: number;
  /** Aborted on SIGINT/SIGTERM: in-flight requests are cancelled, servers are ended, the run returns 130. */
  signal?: AbortSignal;
  /**
   * Lends a host whose servers are already running, instead of starting them for this run: set when the command
   * runs inside the daemon (`mcp-host daemon`). The run never closes a lent host.
   */
  borrowHost?: BorrowHost;
  /** A server the CLI's entry started before this run began (see early-start.ts), for the host to take over. */
  early?: EarlyServer;
}

/** The options every command accepts. */
export interface GlobalOptions {
  config?: string;
  isJson: boolean;
  timeoutMs?: number;
  startupTimeoutMs?: number;
  /** `--log-level`: asked of the servers, and the least severe message shown. */
  logLevel?: LoggingLevel;
  isQuiet: boolean;
  isVerbose: boolean;
  isColorDisabled: boolean;
  /** `--raw`: control characters from servers reach a terminal as they are. */
  isRaw?: boolean;
  /** `--stdio`: the command line of the one server used, instead of a config. */
  stdioCommand?: string;
  /** `--max-message-size`, in bytes. */
  maxMessageBytes?: number;
  /** `--protocol-version`: the revision offered to servers. */
  protocolVersion?: string;
  /** `--root`: directories servers may work in, besides the working directory. */
  roots?: string[];
  /** `--yes`: a server's questions are answered with their defaults. */
  isYes?: boolean;
  /** `--pass-env`: servers get the caller's whole environment, not the minimal one. */
  isEnvPassed?: boolean;
}

/** How an error is reported: the stable code, the message, the facts, and the exit code. */
export interface Failure {
  code: FailureCode;
  message: string;
  details: Record<string, unknown>;
  exitCode: number;
}

/** The name of the server `--stdio` starts. */
const AD_HOC_SERVER = 'stdio';

/** Back to the start of the line, and erase it: how the progress line redraws in place. */
const ERASE_LINE = '\r\x1b[2K';

/** Lines of a server's stderr shown under an error in human output (the JSON details carry all of them). */
const STDERR_LINES_SHOWN = 10;

/**
 * The most of one error message that is printed, in human output and in the `--json` error document (and of each
 * string in its details); the rest is replaced with a note of how much was cut. A peer decides how long its error
 * messages are: 50 MiB of one is no use on a terminal. A result on stdout is never cut.
 */
export const MAX_ERROR_MESSAGE_CHARS = 4096;

/** Past this, the details of an error are cut too: each top-level value longer than MAX_ERROR_MESSAGE_CHARS as JSON. */
const MAX_ERROR_DETAILS_CHARS = 64 * 1024;

export class CliContext {
  options: GlobalOptions;
  /** Colour for stdout and for stderr, each by its own stream. */
  out: ChalkInstance;
  err: ChalkInstance;
  /** The exit code the command chose; errors override it. */
  exitCode: number = EXIT_CODE.OK;
  /** The command being run, for hints. */
  commandName = '';
  isInterrupted = false;
  private readonly controller = new AbortController();
  private host: Host | undefined;
  /** The host is the daemon's: an interruption cancels this run's requests but must not end its servers. */
  private isHostBorrowed = false;
  /** Set by `withHost` while its own servers run: starts ending them (see `serversDone`). */
  private endServers: (() => void) | undefined;
  private redactor = new Redactor([]);
  private hasWrittenStdout = false;
  private isProgressShown = false;

  constructor(
    readonly io: CliIo,
    options: GlobalOptions,
  ) {
    this.options = options;
    this.out = this.chalkFor(io.isTTY.stdout);
    this.err = this.chalkFor(io.isTTY.stderr);
    if (io.signal?.aborted) this.interrupt();
    else io.signal?.addEventListener('abort', () => this.interrupt(), { once: true });
  }

  /** How wide a line on stdout may be: the terminal's width, or undefined on a pipe (lines are never wrapped there). */
  get stdoutWidth(): number | undefined {
    return this.io.isTTY.stdout ? this.io.columns : undefined;
  }

  /** Aborted when the run is interrupted: pass it to every request. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Wraps a command action: reads the global options (commander passes the command last), then records the exit
   * code the action returns.
   */
  action<A extends unknown[]>(run: (...args: A) => Promise<number>): (...args: A) => Promise<void> {
    return async (...args: A) => {
      const command = args.at(-1) as Command;
      this.commandName = command.name();
      this.applyOptions(command.optsWithGlobals());
      this.exitCode = await run(...args);
    };
  }

  /** Takes the parsed global options (commander has already validated `--timeout`). */
  applyOptions(raw: Record<string, unknown>): void {
    this.options = {
      ...(typeof raw.config === 'string' && { config: raw.config }),
      isJson: raw.json === true,
      ...(typeof raw.timeout === 'number' && { timeoutMs: raw.timeout }),
      ...(typeof raw.startupTimeout === 'number' && { startupTimeoutMs: raw.startupTimeout }),
      ...(typeof raw.logLevel === 'string' && { logLevel: raw.logLevel as LoggingLevel }),
      isQuiet: raw.quiet === true,
      isVerbose: raw.verbose === true,
      isColorDisabled: raw.color === false,
      isRaw: raw.raw === true,
      ...(typeof raw.stdio === 'string' && { stdioCommand: raw.stdio }),
      ...(typeof raw.maxMessageSize === 'number' && { maxMessageBytes: raw.maxMessageSize }),
      ...(typeof raw.protocolVersion === 'string' && { protocolVersion: raw.protocolVersion }),
      ...(Array.isArray(raw.root) && { roots: raw.root as string[] }),
      isYes: raw.yes === true,
      isEnvPassed: raw.passEnv === true,
    };
    this.out = this.chalkFor(this.io.isTTY.stdout);
    this.err = this.chalkFor(this.io.isTTY.stderr);
  }

  /** `signal` and `--timeout` for a request; a call's own options come on top. */
  requestOptions(): { signal: AbortSignal; timeoutMs?: number } {
    return this.options.timeoutMs === undefined
      ? { signal: this.signal }
      : { signal: this.signal, timeoutMs: this.options.timeoutMs };
  }

  /**
   * Loads the config named by `--config`, `$MCP_HOST_CONFIG`, `./mcp.config.json` or the user config dir, and shows
   * what it says that mcp-host does not act on: warnings unless `--quiet`, the other notes with `--verbose`.
   */
  /** With `--stdio`, the name of its server, which a target may leave out (`call --stdio CMD get_time`). */
  get adHocServer(): string | undefined {
    return this.options.stdioCommand === undefined ? undefined : AD_HOC_SERVER;
  }

  async loadConfig(): Promise<LoadedConfig> {
    if (this.options.stdioCommand !== undefined) return this.adHocConfig(this.options.stdioCommand);
    const { loadConfig } = await import('../host/config.js');
    const config = loadConfig({
      configPath: this.options.config,
      env: this.io.env,
      cwd: this.io.cwd,
      ...(this.options.isEnvPassed === true && { passEnv: true }),
    });
    // Before anything is written: a note may quote a value of the config.
    this.redactor = new Redactor(config.servers.flatMap((server) => server.secretValues));
    // What lets the next command start its server early (see early-start.ts): this text is valid. Not with an
    // invalid entry, which the early start (resolving entries without zod) could not tell from a valid one.
    if (process.platform !== 'win32' && config.servers.every((server) => server.kind !== 'invalid')) {
      const { stampValid } = await import('./config-stamp.js');
      stampValid(config.path, config.text, this.io.env);
    }
    for (const { message, isWarning } of config.notes) {
      const line = isWarning ? this.err.yellow(`warning: ${message}`) : this.err.dim(message);
      if (this.options.isVerbose) this.diagnostic(line);
      else if (isWarning) this.note(line);
    }
    return config;
  }

  /**
   * Runs `work` with a host for the config, then ends every server the work started. Inside the daemon the host is
   * the daemon's, already running, and is only given back. The host module is loaded here, not at start-up: `--help`
   * and `completion` never pay for it.
   */
  async withHost<T>(work: (host: Host) => Promise<T>): Promise<T> {
    // Loading the host's modules overlaps with reading the config: start-up time is what a shell loop feels.
    const hostModule = this.io.borrowHost ? undefined : import('../host/host.js');
    const config = await this.loadConfig();
    this.throwIfInterrupted();
    const hooks = this.serverHooks();
    const lease = await this.io.borrowHost?.(config, hooks);
    if (lease) {
      if (this.options.isVerbose) {
        this.diagnostic(this.err.dim(`using the servers of the mcp-host daemon (pid ${lease.daemonPid})`));
      }
      this.host = lease.host;
      this.isHostBorrowed = true;
      try {
        this.throwIfInterrupted();
        return await work(lease.host);
      } finally {
        this.clearProgress();
        lease.release();
      }
    }
    const { createHost, stdioConnector } = await (hostModule ?? import('../host/host.js'));
    const host = createHost({
      config,
      env: this.io.env,
      // The one spawner: it takes over a server the early start launched when that is exactly what it would start.
      connectors: { stdio: stdioConnector(this.io.env, this.prestarted()) },
      ...(this.options.timeoutMs !== undefined && { timeoutMs: this.options.timeoutMs }),
      ...(this.options.startupTimeoutMs !== undefined && { startupTimeoutMs: this.options.startupTimeoutMs }),
      ...(this.options.logLevel !== undefined && { logLevel: this.options.logLevel }),
      ...(this.options.protocolVersion !== undefined && { protocolVersion: this.options.protocolVersion }),
      ...(this.options.maxMessageBytes !== undefined && { maxMessageBytes: this.options.maxMessageBytes }),
      hooks: this.clientHooks(),
      ...hooks,
    });
    this.host = host;
    let closing: Promise<void> | undefined;
    this.endServers = () => void (closing ??= host.closeAll());
    try {
      this.throwIfInterrupted();
      return await work(host);
    } finally {
      this.endServers = undefined;
      this.clearProgress();
      await (closing ??= host.closeAll());
      const problem = this.options.isVerbose ? watchdogProblem() : undefined;
      if (problem) {
        this.diagnostic(
          this.err.dim(
            `no watchdog for the servers (${problem.message}): if mcp-host is killed outright, they outlive it`,
          ),
        );
      }
    }
  }

  /**
   * `--stdio CMD`: a config of one server, as if written `{ "mcpServers": { "stdio": { "command", "args" } } }` in a
   * file in the working directory, checked as a file is; no file is read, and no note for the early start is made.
   */
  private async adHocConfig(commandLine: string): Promise<LoadedConfig> {
    let words: string[];
    try {
      words = splitCommandWords(commandLine);
    } catch (error) {
      throw new McpHostError('USAGE', `--stdio: ${(error as Error).message} in ${JSON.stringify(commandLine)}`);
    }
    const [command, ...args] = words;
    if (command === undefined) throw new McpHostError('USAGE', '--stdio: expected a command line, got nothing');
    const { parseConfig } = await import('../host/config.js');
    const text = JSON.stringify({ mcpServers: { [AD_HOC_SERVER]: { command, args } } });
    const config = parseConfig(text, path.join(this.io.cwd, 'mcp.config.json'), this.io.env, {
      displayPath: '--stdio',
      ...(this.options.isEnvPassed === true && { passEnv: true }),
    });
    this.redactor = new Redactor(config.servers.flatMap((server) => server.secretValues));
    return config;
  }

  /**
   * What this run answers when a server asks: roots (the working directory and each `--root`, as `file://` URIs),
   * and form elicitation (asked on the terminal, see elicitation-prompt.ts). Sampling is refused, with a message
   * saying so, until an LLM is configured.
   */
  private clientHooks(): (server: string) => ClientHooks {
    const roots = [this.io.cwd, ...(this.options.roots ?? [])].map((dir) => {
      const absolute = path.resolve(this.io.cwd, dir);
      return { uri: pathToFileURL(absolute).href, name: path.basename(absolute) || absolute };
    });
    const stdin = this.io.stdin as Readable & { isTTY?: boolean };
    const prompt = createElicitationPrompt({
      terminal: stdin.isTTY === true && this.io.isTTY.stderr ? { input: stdin, output: this.io.stderr } : undefined,
      isYes: this.options.isYes === true,
      note: (text) => this.diagnostic(this.err.yellow(text)),
      beforeAsking: () => this.clearProgress(),
      onInterrupt: () => this.interrupt(),
      shown: (text) => this.forTerminal(this.redact(text), true),
    });
    return (server) => ({ roots: () => roots, elicitation: prompt(server) });
  }

  /** The server started early, for the host to take over; `--verbose` says when it does. */
  private prestarted(): Prestarted | undefined {
    const { early } = this.io;
    if (!early) return undefined;
    return {
      take: (server, spec) => {
        const child = early.take(server, spec);
        if (child && this.options.isVerbose) {
          this.diagnostic(this.err.dim(`server ${server}: using the process started early (pid ${child.pid})`));
        }
        return child;
      },
    };
  }

  /**
   * Called inside `withHost` by a command whose last request is answered: the servers it started begin to shut
   * down now, while the command prints what it got, instead of after. (A daemon's servers keep running.)
   */
  serversDone(): void {
    this.endServers?.();
  }

  // Every write to stdout and stderr goes through `writeOut` or `writeErr`, which redact: a secret from the config
  // (an interpolated env value) never leaves the host, not even when a server echoes it back in a result, a progress
  // message, an error or a log line. Whatever is written is redacted as a whole, after it is formatted: a secret can
  // hide in what formatting makes of it (JSON escapes, a number, a cut).

  /** Writes text to stdout, secrets replaced, control characters shown on a terminal. The only way to stdout. */
  writeOut(text: string): void {
    this.io.stdout.write(this.forTerminal(this.redact(text), this.io.isTTY.stdout));
  }

  /**
   * Writes text to stderr, secrets replaced, control characters shown on a terminal. The only way to stderr but the
   * progress line's own erase sequence.
   */
  writeErr(text: string): void {
    this.io.stderr.write(this.forTerminal(this.redact(text), this.io.isTTY.stderr));
  }

  /** On a terminal, control characters (from servers: escape sequences) are shown, unless `--raw`. */
  private forTerminal(text: string, isTTY: boolean): string {
    return isTTY && this.options.isRaw !== true ? escapeControls(text) : text;
  }

  /** Writes a line of result to stdout (human mode). */
  print(text = ''): void {
    this.clearProgress();
    this.hasWrittenStdout = true;
    this.writeOut(`${text}\n`);
  }

  /** Writes text to stdout as given, secrets aside (resource contents, completion scripts). */
  printRaw(text: string): void {
    this.clearProgress();
    this.hasWrittenStdout = true;
    this.writeOut(text);
  }

  /**
   * Writes bytes to stdout as they are (a resource's own bytes, for `read … > file`), secrets replaced. Never for a
   * terminal: bytes are not text to escape.
   */
  printBytes(bytes: Uint8Array): void {
    this.clearProgress();
    this.hasWrittenStdout = true;
    this.io.stdout.write(this.redactor.bytes(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
  }

  printLines(lines: readonly string[]): void {
    for (const line of lines) this.print(line);
  }

  /**
   * Writes the one JSON document of a `--json` run. Its values are redacted before it is serialized (so a number
   * that is a secret becomes the string `***`, and the document stays valid JSON), then the text once more.
   */
  printJson(document: unknown): void {
    this.hasWrittenStdout = true;
    this.writeOut(`${JSON.stringify(this.redactor.value(document), null, 2)}\n`);
  }

  /** Extra information for a person on stderr; silent with `--quiet` and `--json`. */
  note(text: string): void {
    if (this.options.isQuiet || this.options.isJson) return;
    this.diagnostic(text);
  }

  /** A line on stderr that is always written (warnings, `--verbose` output). */
  diagnostic(text: string): void {
    this.clearProgress();
    this.writeErr(`${text}\n`);
  }

  /** Saves binary content for a command with `--out DIR`, or in the user's cache (see `BinaryFiles`). */
  binaryFiles(prefix: string, outDir: string | undefined): BinaryFiles {
    return new BinaryFiles({
      prefix,
      ...(outDir !== undefined && { outDir }),
      cwd: this.io.cwd,
      env: this.io.env,
      redactor: this.redactor,
    });
  }

  /**
   * A progress reporter for a request, drawn as one rewritten line on stderr, only when stderr is a terminal and
   * neither `--json` nor `--quiet` is set.
   */
  progressReporter(label: string): ((progress: ProgressNotificationParams) => void) | undefined {
    if (!this.io.isTTY.stderr || this.options.isJson || this.options.isQuiet) return undefined;
    return (progress) => {
      const { total, message } = progress;
      const ratio = total !== undefined && total > 0 ? Math.min(1, Math.max(0, progress.progress / total)) : undefined;
      const bar =
        ratio === undefined
          ? `${progress.progress}`
          : `[${'#'.repeat(Math.round(ratio * 20)).padEnd(20, '-')}] ${Math.round(ratio * 100)}%`;
      // \r and "erase line" redraw in place; the message is cut so the line never wraps on a narrow terminal, and
      // redacted before it is cut: a secret cut in two would match no longer.
      const text = this.redact(`${label} ${bar}${message ? ` ${message}` : ''}`).slice(0, 100);
      this.io.stderr.write(ERASE_LINE);
      this.writeErr(this.err.cyan(text));
      this.isProgressShown = true;
    };
  }

  clearProgress(): void {
    if (!this.isProgressShown) return;
    this.isProgressShown = false;
    this.io.stderr.write(ERASE_LINE);
  }

  /**
   * Hides `values` too in all output from now on (until a config is loaded): the secrets of a file that is not the
   * config, such as another host's for `config import`.
   */
  hideSecrets(values: Iterable<string>): void {
    this.redactor = this.redactor.with(values);
  }

  /** Replaces every secret value from the config (API keys passed through `${VAR}`) with `***`. */
  redact(text: string): string {
    return this.redactor.text(text);
  }

  /** Stops the run: aborts in-flight requests (sending `notifications/cancelled`) and ends every server. */
  interrupt(): void {
    if (this.isInterrupted) return;
    this.isInterrupted = true;
    this.controller.abort(new McpHostError('CANCELLED', 'Interrupted'));
    if (!this.isHostBorrowed) void this.host?.closeAll();
  }

  throwIfInterrupted(): void {
    if (this.isInterrupted) throw new McpHostError('CANCELLED', 'Interrupted');
  }

  /**
   * Reports an error on stderr (human text, or one JSON line with `--json`; then stdout also gets
   * `{"error": …}` unless the command already printed its document) and returns the exit code.
   */
  report(error: unknown): number {
    const failure = this.describeFailure(error);
    this.clearProgress();
    if (this.options.isJson) {
      const line = { code: failure.code, message: failure.message, details: failure.details };
      if (!this.hasWrittenStdout) this.printJson({ error: line });
      this.writeErr(`${JSON.stringify(line)}\n`);
      return failure.exitCode;
    }
    const { err } = this;
    this.writeErr(`${err.red(`error: ${failure.message}`)}\n`);
    if (this.options.isQuiet) return failure.exitCode;
    const { stderrTail: tail, server } = failure.details;
    if (Array.isArray(tail) && tail.length > 0) {
      const shown = tail.slice(-STDERR_LINES_SHOWN) as string[];
      this.writeErr(
        `${err.dim(`stderr of ${typeof server === 'string' ? server : 'the server'} (last ${shown.length} lines):`)}\n`,
      );
      for (const line of shown) this.writeErr(`${err.dim(`  ${line}`)}\n`);
    }
    const hint = this.hintFor(failure);
    if (hint) this.writeErr(`${err.dim(`hint: ${hint}`)}\n`);
    if (failure.code === INTERNAL_ERROR_CODE && this.options.isVerbose && error instanceof Error && error.stack) {
      this.writeErr(`${err.dim(capMessage(error.stack))}\n`);
    }
    return failure.exitCode;
  }

  /**
   * The code, message, details and exit code of an error: secrets replaced, the message cut to
   * MAX_ERROR_MESSAGE_CHARS (after redaction, so that no cut leaves part of a secret) and the details bounded.
   */
  describeFailure(error: unknown): Failure {
    if (this.isInterrupted) {
      return { code: 'CANCELLED', message: 'Interrupted', details: {}, exitCode: EXIT_CODE.INTERRUPTED };
    }
    if (error instanceof CommanderError) {
      return {
        code: 'USAGE',
        message: error.message.replace(/^error: /, '').trim(),
        details: { reason: error.code },
        exitCode: EXIT_CODE.USAGE,
      };
    }
    if (error instanceof McpHostError) {
      return {
        code: error.code,
        message: capMessage(this.redact(error.message)),
        details: this.boundedDetails(withoutUndefined(error.context)),
        exitCode: exitCodeForError(error),
      };
    }
    const message = error instanceof Error ? error.message : String(error);
    return {
      code: INTERNAL_ERROR_CODE,
      message: capMessage(this.redact(message)),
      details: {},
      exitCode: EXIT_CODE.INTERNAL,
    };
  }

  /**
   * The details of an error, redacted and cut: each string to MAX_ERROR_MESSAGE_CHARS, and when the whole is still
   * over MAX_ERROR_DETAILS_CHARS, each top-level value whose JSON is longer than that becomes that JSON, cut. A value
   * a peer nested too deeply to walk is replaced by a note rather than failing the report.
   */
  private boundedDetails(details: Record<string, unknown>): Record<string, unknown> {
    const entries = Object.entries(details).map(([key, value]): [string, unknown] => {
      try {
        return [this.redact(key), capStrings(this.redactor.value(value))];
      } catch {
        return [this.redact(key), '(nested too deeply to show)'];
      }
    });
    const bounded = Object.fromEntries(entries);
    if (JSON.stringify(bounded).length <= MAX_ERROR_DETAILS_CHARS) return bounded;
    return Object.fromEntries(
      entries.map(([key, value]) => {
        const json = JSON.stringify(value);
        return [key, json !== undefined && json.length > MAX_ERROR_MESSAGE_CHARS ? capMessage(json) : value];
      }),
    );
  }

  private hintFor(failure: Failure): string | undefined {
    switch (failure.code) {
      case 'USAGE':
        // Arguments that do not fit a tool's schema: its usage line and argument table say what does.
        if (typeof failure.details.tool === 'string') return `see mcp-host schema ${failure.details.tool}`;
        return `see mcp-host ${this.commandName ? `${this.commandName} ` : ''}--help`;
      case 'REQUEST_TIMEOUT':
        return failure.details.method === 'initialize'
          ? "allow a slow start more time with --startup-timeout MS (or the server's startupTimeoutMs)"
          : 'allow more time with --timeout MS (0 for no limit)';
      case 'MESSAGE_TOO_LARGE':
        return "allow larger messages with --max-message-size SIZE (or the server's maxMessageBytes)";
      case 'SPAWN_FAILED':
      case 'SERVER_EXITED':
      case 'HANDSHAKE_FAILED':
      case 'CONNECTION_CLOSED': {
        // Only when the server wrote something to stderr: otherwise there is nothing more to see.
        const tail = failure.details.stderrTail;
        const hasStderr = Array.isArray(tail) && tail.length > 0;
        return this.options.isVerbose || !hasStderr
          ? undefined
          : "run again with --verbose to see the server's stderr as it happens";
      }
      default:
        return undefined;
    }
  }

  /** With `--verbose`: each server's stderr, and lines on its stdout that are not messages. */
  private serverHooks(): LeaseHooks {
    const onServerLog = this.serverLogger();
    if (!this.options.isVerbose) return onServerLog ? { onServerLog } : {};
    return {
      ...(onServerLog && { onServerLog }),
      onServerStderr: (server, line) => this.diagnostic(`${this.err.dim(`[${server}]`)} ${this.redact(line)}`),
      onInvalidMessage: (server, problem) =>
        this.diagnostic(
          `${this.err.yellow(`[${server}] invalid line on stdout: ${problem.reason}:`)} ${this.redact(problem.preview)}` +
            (problem.suppressed > 0 ? this.err.dim(` (${problem.suppressed} similar reports left out)`) : ''),
        ),
    };
  }

  /**
   * Servers' log messages on stderr, from `--log-level` up; without it, warnings and worse (everything with
   * `--verbose`), and none with `--quiet` or `--json` unless asked for.
   */
  private serverLogger(): LeaseHooks['onServerLog'] {
    const { logLevel, isVerbose, isQuiet, isJson } = this.options;
    if (logLevel === undefined && !isVerbose && (isQuiet || isJson)) return undefined;
    const least = LOGGING_LEVELS.indexOf(logLevel ?? (isVerbose ? 'debug' : 'warning'));
    return (server, { level, logger, data }) => {
      // From the peer: an unknown level is shown, as the most likely to matter.
      const severity = LOGGING_LEVELS.includes(level) ? LOGGING_LEVELS.indexOf(level) : LOGGING_LEVELS.length;
      if (severity < least) return;
      const color =
        severity >= LOGGING_LEVELS.indexOf('error')
          ? this.err.red
          : severity >= LOGGING_LEVELS.indexOf('notice')
            ? this.err.yellow
            : this.err.dim;
      const text = typeof data === 'string' ? data : (JSON.stringify(data) ?? String(data));
      const source = typeof logger === 'string' ? ` (${logger})` : '';
      this.diagnostic(`${this.err.dim(`[${server}]`)} ${color(`${String(level)}${source}:`)} ${text}`);
    };
  }

  private chalkFor(isTTY: boolean): ChalkInstance {
    return createChalk(colorLevel({ isTTY, env: this.io.env, isColorDisabled: this.options.isColorDisabled }));
  }
}

/**
 * The global flags of a pre-parsed command line (command-line.ts), known before commander parses, so that even an
 * error in parsing is reported as asked.
 */
export function globalFlags({ isJson, isQuiet, isVerbose, isColorDisabled }: PreParsed): GlobalOptions {
  return { isJson, isQuiet, isVerbose, isColorDisabled };
}

/**
 * The text, or its first MAX_ERROR_MESSAGE_CHARS characters (never half of a surrogate pair) and how many more there
 * were.
 */
export function capMessage(text: string): string {
  if (text.length <= MAX_ERROR_MESSAGE_CHARS) return text;
  const end = isHighSurrogate(text.charCodeAt(MAX_ERROR_MESSAGE_CHARS - 1))
    ? MAX_ERROR_MESSAGE_CHARS - 1
    : MAX_ERROR_MESSAGE_CHARS;
  return `${text.slice(0, end)}… (${(text.length - end).toLocaleString('en-US')} more characters not shown)`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

/** A copy of a JSON value with each string cut by `capMessage`. */
function capStrings(value: unknown): unknown {
  if (typeof value === 'string') return capMessage(value);
  if (Array.isArray(value)) return value.map(capStrings);
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, capStrings(item)]));
  }
  return value;
}

function withoutUndefined(context: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(context).filter(([, value]) => value !== undefined));
}
