/**
 * e2e helpers: run the real `bin/mcp-host.js` (built to dist/) as a child process against configs written to a
 * temporary directory, with a minimal environment (so the user's own config and variables never leak in).
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { execa } from 'execa';
import type { Options, ResultPromise } from 'execa';
import { expect } from 'vitest';
import { REPO_ROOT } from '../helpers/stdio-server.js';

export const BIN = path.join(REPO_ROOT, 'bin/mcp-host.js');

/** A fixture server built to dist/test/fixtures/servers/. */
export function fixture(name: string): string {
  return path.join(REPO_ROOT, 'dist/test/fixtures/servers', `${name}.js`);
}

const require = createRequire(import.meta.url);
/** The reference server, started as `node <EVERYTHING> stdio`. */
export const EVERYTHING = path.join(
  path.dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')),
  'dist/index.js',
);

/** A temporary directory holding configs; `remove()` it in afterAll. */
export class Workspace {
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-e2e-'));

  /** Writes a config file (an object is written as JSON) and returns its absolute path. */
  writeConfig(content: object | string, name = 'mcp.config.json'): string {
    const file = path.join(this.dir, name);
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return file;
  }

  remove(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string>;
  input?: string;
  /** Options for node itself, before the script (`--import` of a probe). */
  nodeArgs?: readonly string[];
  /** `buffer`: stdout and stderr as bytes, for output that is not text. */
  encoding?: 'buffer';
}

/** Starts `node bin/mcp-host.js ...args`; await it for `{ exitCode, stdout, stderr }`. Never rejects on exit codes. */
export function mcpHost(args: readonly string[], options: RunOptions): ResultPromise<Options & { reject: false }> {
  return execa(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
    cwd: options.cwd,
    // HOME in the workspace: the user's ~/.config/mcp-host is never read. The runtime directory too (daemons, notes
    // of validated configs), so that a run leaves nothing outside the workspace.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: options.cwd,
      XDG_RUNTIME_DIR: path.join(options.cwd, '.run'),
      ...options.env,
    },
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    ...(options.encoding !== undefined && { encoding: options.encoding }),
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' }),
    // Each run should take well under a second; this only keeps a hung CLI from stalling the suite.
    timeout: 20_000,
  } as Options & { reject: false });
}

/**
 * Runs `node bin/mcp-host.js ...args` on a terminal: `script` gives it a pseudo-terminal as stdin, stdout and stderr,
 * and `stdout` is what that terminal shows (both streams, lines ending in CRLF). `input` is typed ahead.
 */
export function mcpHostOnTerminal(args: readonly string[], options: RunOptions) {
  const command = [process.execPath, BIN, ...args].map((word) => `'${word}'`).join(' ');
  return execa('script', ['-qefc', command, '/dev/null'], {
    cwd: options.cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: options.cwd,
      XDG_RUNTIME_DIR: path.join(options.cwd, '.run'),
      ...options.env,
    },
    extendEnv: false,
    reject: false,
    stripFinalNewline: false,
    ...(options.input !== undefined ? { input: options.input } : { stdin: 'ignore' as const }),
    timeout: 20_000,
  });
}

/** stdout must be exactly one JSON document (JSON.parse rejects anything before or after it). */
export function parseJson(stdout: unknown): Record<string, unknown> {
  return JSON.parse(String(stdout)) as Record<string, unknown>;
}

/** The processes whose command line contains `marker`, as `pid state args` lines (zombies excluded). */
export async function processesWith(marker: string): Promise<string[]> {
  const { stdout } = await execa('ps', ['-eo', 'pid=,stat=,args=']);
  return stdout
    .split('\n')
    .filter((line) => line.includes(marker) && !line.includes('ps -eo'))
    .filter((line) => !/^\s*\d+\s+Z/.test(line));
}

/** SIGKILLs every process `processesWith(marker)` finds: a failed test must not leave its servers to the next. */
export async function killProcessesWith(marker: string): Promise<void> {
  for (const line of await processesWith(marker)) {
    try {
      process.kill(Number.parseInt(line, 10), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/**
 * A limit for `waitFor` that is not a claim about speed: it only ends a test whose condition never comes (with a
 * message naming it) before the test's own timeout does. A killed orphan, for one, stays a zombie until init
 * reaps it, which some inits do only every second or two, and later on a loaded machine.
 */
export const WAIT_LIMIT_MS = 20_000;

/**
 * Waits until `check` holds, asking every 25 ms, for at most `timeoutMs` (for what another process makes true,
 * with no event to wait on). Prefer WAIT_LIMIT_MS: a tight limit races the machine's load.
 */
export async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  await expect.poll(check, { timeout: timeoutMs, interval: 25, message: `waiting for ${what}` }).toBe(true);
}

/** Resolves once `text` has appeared on `stream` (a run's stdout or stderr); rejects if the stream ends first. */
export function outputContaining(stream: Readable | null | undefined, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!stream) return reject(new Error(`no stream to wait for ${JSON.stringify(text)} on`));
    let seen = '';
    const onData = (chunk: Buffer | string): void => {
      // Keeps only what a match across chunks can need.
      seen = (seen + chunk.toString()).slice(-(text.length + 64 * 1024));
      if (!seen.includes(text)) return;
      stream.off('data', onData).off('end', onEnd);
      resolve();
    };
    const onEnd = (): void => {
      stream.off('data', onData);
      reject(new Error(`the output ended without ${JSON.stringify(text)}`));
    };
    stream.on('data', onData).once('end', onEnd);
  });
}

/** A process id is gone when signalling it fails with ESRCH, or it is a zombie waiting for init to reap it. */
export async function isGone(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  const { stdout } = await execa('ps', ['-o', 'stat=', '-p', String(pid)], { reject: false });
  return stdout.trim() === '' || stdout.trim().startsWith('Z');
}
