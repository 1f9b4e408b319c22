/**
 * What `bin/mcp-host.js` runs (bundled into dist/cli/mcp-host.cjs by scripts/bundle.js). The warm path first: when
 * a daemon serves the config it runs the command, and nothing but this module and the daemon's client is loaded
 * here. Otherwise the command's server is started early when it can be (early-start.ts), and the whole CLI, bundled
 * beside this file as main.cjs, runs in this process.
 */

import { settleColorVariables } from './color-env.js';
import { EXIT_CODE } from './exit-codes.js';
import { preParse } from './command-line.js';
import type { PreParsed } from './command-line.js';
import { runFastPath } from './fast-path.js';
import type * as Main from './main.js';

/** Commands that run code enough of their own to be worth a code cache each; the rest share one. */
const CACHED_COMMANDS = new Set(['call', 'read', 'prompt', 'list', 'discover', 'ping', 'schema', 'bench', 'daemon']);

/** Which code cache this command line runs with (see runBundle). */
function cacheVariant({ command }: PreParsed): string {
  return command !== undefined && CACHED_COMMANDS.has(command) ? command : 'other';
}

async function run(): Promise<void> {
  settleColorVariables(process.env);
  // The one reading of the command line before commander's: the warm path, the early start and the CLI share it.
  const line = preParse(process.argv.slice(2));
  const exitCode = await runFastPath(line);
  if (exitCode === undefined) {
    // From here a server may run before the CLI listens for Ctrl-C: a signal meanwhile is kept for the CLI, which
    // then ends the command as always (exit 130), instead of the default action killing this process at once.
    let pendingSignal: NodeJS.Signals | undefined;
    const keepSignal = (signal: NodeJS.Signals): void => void (pendingSignal ??= signal);
    process.on('SIGINT', keepSignal).on('SIGTERM', keepSignal);
    const takePendingSignal = (): NodeJS.Signals | undefined => {
      process.off('SIGINT', keepSignal).off('SIGTERM', keepSignal);
      return pendingSignal;
    };
    // Before the CLI bundle loads, so that the server boots meanwhile (see early-start.ts). Loaded only here, as
    // node:vm below: the warm path needs neither.
    const { startEarly } = await import('./early-start.js');
    const early = startEarly(line, process.env, process.cwd());
    const { runBundle } = await import('../runtime/code-cache.js');
    const cli = runBundle(new URL('./main.cjs', import.meta.url), cacheVariant(line)) as unknown as typeof Main;
    process.exitCode = await cli.main(process.argv, { ...(early && { early }), takePendingSignal, line });
  } else {
    process.exitCode = exitCode;
  }
}

// A CommonJS bundle has no top-level await. Neither function rejects (errors are reported as exit codes), so
// anything that does is a bug, reported as one.
run().catch((error: unknown) => {
  process.stderr.write(`mcp-host: internal error: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = EXIT_CODE.INTERNAL;
});
