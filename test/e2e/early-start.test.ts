/**
 * The early start (src/cli/early-start.ts) through the real CLI: the first command with a config validates it and
 * notes so; the next `call` of one of its servers starts that server before the CLI is loaded and the host takes it
 * over (`--verbose` says so). An edited config is not trusted until validated again, a command line the CLI refuses
 * (a usage error, `--help`) starts nothing, and no process is left behind either way.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLLIDING_PREFIX, INVALID_NAME, VALID_NAME } from '../fixtures/config-collision.js';
import {
  WAIT_LIMIT_MS,
  Workspace,
  fixture,
  isGone,
  killProcessesWith,
  mcpHost,
  processesWith,
  waitFor,
} from './mcp-host.js';

/** On the command line of every server this suite starts, so `ps` finds them (and only them). */
const MARKER = `mcp-host-e2e-early-${randomUUID()}`;
const TAKEN_OVER = 'using the process started early';

let workspace: Workspace;
let cwd: string;
let env: Record<string, string>;
/** The server `logged` notes each of its starts here, so a start that ends at once is still seen. */
let startLog: string;

function writeConfig(extra: Record<string, unknown> = {}): void {
  workspace.writeConfig({
    mcpServers: {
      echo: { command: process.execPath, args: [fixture('echo'), MARKER], ...extra },
      logged: {
        command: 'sh',
        args: ['-c', `echo start >> "${startLog}"; exec "${process.execPath}" "${fixture('echo')}" ${MARKER}`],
      },
      other: { command: process.execPath, args: [fixture('echo'), MARKER, 'other'] },
      setsid: { command: process.execPath, args: [fixture('setsid-grandchild'), MARKER] },
    },
  });
}

beforeAll(() => {
  workspace = new Workspace();
  cwd = workspace.dir;
  startLog = path.join(cwd, 'logged-starts.log');
  // A runtime directory of this suite's own: the notes of validated configs live there.
  env = { XDG_RUNTIME_DIR: path.join(cwd, 'run') };
  writeConfig();
});

afterAll(async () => {
  await killProcessesWith(MARKER);
  workspace.remove();
});

const call = (...args: string[]) => mcpHost(['--verbose', ...args], { cwd, env });

describe('the early start', () => {
  it('starts the server of a validated config before the CLI loads, and the host takes it over', async () => {
    const first = await call('call', 'echo.echo', 'text=one');
    expect(first).toMatchObject({ exitCode: 0, stdout: 'one\n' });
    expect(first.stderr).not.toContain(TAKEN_OVER);
    // The first run noted the config as valid, in an owner-only directory.
    const notes = fs.readdirSync(path.join(env.XDG_RUNTIME_DIR!, 'mcp-host'));
    expect(notes.filter((name) => name.endsWith('.valid'))).toHaveLength(1);
    expect(fs.statSync(path.join(env.XDG_RUNTIME_DIR!, 'mcp-host')).mode & 0o777).toBe(0o700);

    const second = await call('call', 'echo.echo', 'text=two');
    expect(second).toMatchObject({ exitCode: 0, stdout: 'two\n' });
    expect(second.stderr).toContain(`server echo: ${TAKEN_OVER}`);
    expect(await processesWith(MARKER)).toEqual([]);
  });

  it('does not trust an edited config until it is validated again', async () => {
    writeConfig({ description: 'edited' });
    const afterEdit = await call('call', 'echo.echo', 'text=three');
    expect(afterEdit).toMatchObject({ exitCode: 0, stdout: 'three\n' });
    expect(afterEdit.stderr).not.toContain(TAKEN_OVER);
    const next = await call('call', 'echo.echo', 'text=four');
    expect(next.stderr).toContain(TAKEN_OVER);
  });

  it('starts nothing from a text crafted to collide with a validated one under the former hash', async () => {
    // The server's command notes each start in a file, so a start that ends at once is still seen.
    const started = path.join(cwd, 'collide-starts.log');
    const entry = {
      command: 'sh',
      args: ['-c', `echo start >> "${started}"; exec "${process.execPath}" "${fixture('echo')}" ${MARKER}`],
    };
    const text = (name: string): string =>
      `${COLLIDING_PREFIX}${name}":{"command":"unused"},"echo":${JSON.stringify(entry)}}}`;
    const starts = (): number => (fs.existsSync(started) ? fs.readFileSync(started, 'utf8').split('\n').length - 1 : 0);
    const config = workspace.writeConfig(text(VALID_NAME), 'collide.json');
    expect((await call('--config', config, 'call', 'echo.echo', 'text=one')).stdout).toBe('one\n');
    const early = await call('--config', config, 'call', 'echo.echo', 'text=two');
    expect(early.stderr).toContain(TAKEN_OVER);
    expect(starts()).toBe(2);

    workspace.writeConfig(text(INVALID_NAME), 'collide.json');
    // The forged text's first entry is invalid: that fails only that server, so the command runs, but such a text is
    // never noted as valid, and nothing starts early from it, not even on the next run.
    for (const word of ['three', 'four']) {
      const forged = await call('--config', config, 'call', 'echo.echo', `text=${word}`);
      expect(forged).toMatchObject({ exitCode: 0, stdout: `${word}\n` });
      expect(forged.stderr).not.toContain(TAKEN_OVER);
    }
    expect((await call('--config', config, 'list', 'servers')).stdout).toContain('cannot contain "."');
    expect(starts()).toBe(4);
    expect(await processesWith(MARKER)).toEqual([]);
  });

  it('starts nothing for a command line the CLI refuses: a usage error, --help', async () => {
    writeConfig();
    const starts = (): number =>
      fs.existsSync(startLog) ? fs.readFileSync(startLog, 'utf8').split('\n').length - 1 : 0;
    await call('list', 'servers');
    expect(await call('call', 'logged.echo', 'text=one')).toMatchObject({ exitCode: 0, stdout: 'one\n' });
    expect(starts()).toBe(1);

    const usage = await call('call', 'logged.echo', 'text');
    expect(usage.exitCode).toBe(1);
    expect(usage.stderr).toContain('"text" is not an argument');
    const unknown = await call('call', 'logged.echo', 'text=two', '--bogus');
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain("unknown option '--bogus'");
    const badTimeout = await call('-t', 'soon', 'call', 'logged.echo', 'text=two');
    expect(badTimeout.exitCode).toBe(1);
    expect(badTimeout.stderr).toContain('expected a whole number of milliseconds');
    const help = await call('call', 'logged.echo', '--help');
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage:');
    expect(starts()).toBe(1);
    expect(await processesWith(MARKER)).toEqual([]);
  });

  it('ends what a server started early put in a session of its own', async () => {
    writeConfig();
    await call('list', 'servers');
    const used = await call('call', 'setsid.echo', 'text=six');
    expect(used).toMatchObject({ exitCode: 0, stdout: 'six\n' });
    expect(used.stderr).toContain(`server setsid: ${TAKEN_OVER}`);
    const grandchildPid = Number(/grandchild pid (\d+)/.exec(String(used.stderr))?.[1]);
    expect(grandchildPid).toBeGreaterThan(0);
    await waitFor(() => isGone(grandchildPid), WAIT_LIMIT_MS, `grandchild ${grandchildPid} to be gone`);
    await waitFor(async () => (await processesWith(MARKER)).length === 0, WAIT_LIMIT_MS, 'no process with the marker');
  });

  it('ends a server started early when Ctrl-C comes before the host took it over, or after', async () => {
    writeConfig();
    await call('list', 'servers');
    const before = fs.existsSync(startLog) ? fs.readFileSync(startLog, 'utf8').length : 0;
    const running = call('call', 'logged.echo', 'text=seven');
    // The server's start is noted by its shell before the CLI has loaded: usually the host has not taken it over yet
    // (then the CLI's entry ends it unused), else the host ends it. Either way nothing is left and the exit is 130.
    await waitFor(
      () => Promise.resolve(fs.existsSync(startLog) && fs.readFileSync(startLog, 'utf8').length > before),
      WAIT_LIMIT_MS,
      'the early start',
    );
    running.kill('SIGINT');
    const interrupted = await running;
    expect([130, 0]).toContain(interrupted.exitCode);
    await waitFor(async () => (await processesWith(MARKER)).length === 0, WAIT_LIMIT_MS, 'no process with the marker');
  });

  it('starts nothing early for a disabled server, and the CLI says it is disabled', async () => {
    writeConfig({ disabled: true });
    await call('list', 'servers');
    const result = await call('call', 'echo.echo', 'text=five');
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).not.toContain(TAKEN_OVER);
    expect(await processesWith(MARKER)).toEqual([]);
  });
});
