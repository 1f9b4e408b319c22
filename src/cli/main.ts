/**
 * The CLI's entry points. `main` binds the real process (argv, streams, signals); `runCli` does the work against
 * injected streams, so tests can run the whole CLI in-process. Neither calls `process.exit`: the exit code is
 * returned, and the shim in bin/ sets `process.exitCode`.
 */

import { CommanderError } from 'commander';
import { preParse } from './command-line.js';
import type { PreParsed } from './command-line.js';
import { CliContext, globalFlags } from './context.js';
import type { CliIo } from './context.js';
import type { EarlyServer } from './early-start.js';
import { EXIT_CODE } from './exit-codes.js';
import { createProgram } from './program.js';

export type { CliIo, TextOutput } from './context.js';
export { EXIT_CODE } from './exit-codes.js';

/** What the CLI's entry (bin.ts) hands over to `main`. */
export interface Handover {
  /** A server it started early (see early-start.ts). */
  early?: EarlyServer;
  /** A SIGINT or SIGTERM that came before `main` listened for them; stops the entry's own listening. */
  takePendingSignal?: () => NodeJS.Signals | undefined;
  /** The command line as the entry pre-parsed it (command-line.ts), so it is read once. */
  line?: PreParsed;
}

/**
 * Runs the CLI with `process.argv` (node and script first). SIGINT and SIGTERM abort the running command, which
 * cancels its requests, ends its servers and returns 130.
 */
export async function main(argv: readonly string[], handover: Handover = {}): Promise<number> {
  const { early } = handover;
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => controller.abort(signal);
  // A reader that goes away (`mcp-host list tools | head -1`) is not an error of ours.
  const onStdoutError = (error: NodeJS.ErrnoException): void => {
    if (error.code !== 'EPIPE') throw error;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const pendingSignal = handover.takePendingSignal?.();
  if (pendingSignal) onSignal(pendingSignal);
  process.stdout.on('error', onStdoutError);
  try {
    return await runCli(
      argv.slice(2),
      {
        stdout: process.stdout,
        stderr: process.stderr,
        stdin: process.stdin,
        env: process.env,
        cwd: process.cwd(),
        isTTY: { stdout: process.stdout.isTTY === true, stderr: process.stderr.isTTY === true },
        ...(process.stdout.isTTY === true && { columns: process.stdout.columns }),
        signal: controller.signal,
        ...(early && { early }),
      },
      handover.line,
    );
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await endUnused(early);
  }
}

/** Ends a server started early that no host took over (another server was used, a usage error, `--help`). */
async function endUnused(early: EarlyServer | undefined): Promise<void> {
  const child = early?.release();
  if (!early || !child) return;
  const { spawnServerProcess } = await import('../host/server-process.js');
  await spawnServerProcess({ name: early.server, ...early.spec, adopt: child }).close({ graceMs: 0 });
}

/**
 * Runs the CLI with the user's arguments (without node and the script) against `io`; resolves to the exit code.
 * Never throws: every error is reported on `io.stderr` (and, with `--json`, on `io.stdout` as `{"error": …}`).
 */
export async function runCli(args: readonly string[], io: CliIo, line = preParse(args)): Promise<number> {
  const ctx = new CliContext(io, globalFlags(line));
  try {
    const program = createProgram(ctx, runCli);
    await program.parseAsync([...args], { from: 'user' });
    return ctx.isInterrupted ? EXIT_CODE.INTERRUPTED : ctx.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT_CODE.OK;
      // `mcp-host help` (0), or `mcp-host` alone (1): commander has printed the help already.
      if (error.code === 'commander.help') return error.exitCode === 0 ? EXIT_CODE.OK : EXIT_CODE.USAGE;
    }
    return ctx.report(error);
  }
}
