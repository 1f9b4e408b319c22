/**
 * The runtime directory (src/cli/daemon/paths.ts) when the usual one cannot be ours: another local user made
 * `$TMPDIR/mcp-host-<uid>` first, or it is open to others. The daemon and the early start then use a private
 * directory of the user's own instead, and `--verbose` says why; before, both were refused (safely, but silently).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chooseRuntimeDir } from '../../../src/cli/daemon/paths.js';
import type { DaemonStatus } from '../../../src/cli/daemon/wire.js';
import { DaemonWorkspace, expectAllGone, fixtureServer, parseJson } from './harness.js';

const uid = process.getuid!();
/** `nobody`: as root a directory can be given to another user, as an attacker would have made it. */
const OTHER_UID = 65_534;
const isRoot = uid === 0;

let workspace: DaemonWorkspace;
let tmp: string;
let usual: string;
let fallback: string;
/** No XDG_RUNTIME_DIR (as over ssh on many systems): the temp directory comes first. */
let env: Record<string, string>;

beforeAll(() => {
  workspace = new DaemonWorkspace({ mcpServers: { cacheable: fixtureServer('cacheable') } });
  tmp = path.join(workspace.dir, 'tmp');
  fs.mkdirSync(tmp);
  usual = path.join(tmp, `mcp-host-${uid}`);
  // The CLI's HOME is the workspace (see mcpHost).
  fallback = path.join(workspace.dir, '.local', 'state', 'mcp-host', 'run');
  env = { XDG_RUNTIME_DIR: '', TMPDIR: tmp };
});

afterEach(async () => {
  await workspace.cli(['daemon', 'stop'], { env });
  fs.rmSync(usual, { recursive: true, force: true });
});

afterAll(async () => {
  await workspace.cleanup();
});

type Status = DaemonStatus & { running: boolean };

async function status(): Promise<Status> {
  const status = parseJson((await workspace.cli(['--json', 'daemon', 'status'], { env })).stdout) as unknown as Status;
  if (status.running) workspace.remember(status);
  return status;
}

/** The daemon and the early start both work with the fallback directory, and `--verbose` says why. */
async function expectFallbackWorks(reason: string): Promise<void> {
  const started = await workspace.cli(['--verbose', 'daemon', 'start'], { env });
  expect(started.exitCode).toBe(0);
  expect(started.stderr).toContain(`mcp-host: runtime directory ${usual} not used: ${reason}`);
  expect(started.stdout).toContain(`listening on ${fallback}/`);
  const running = await status();
  expect(running).toMatchObject({ running: true, state: 'ready' });
  expect(fs.statSync(fallback).mode & 0o777).toBe(0o700);

  const warm = await workspace.cli(['--verbose', 'call', 'cacheable.whoami'], { env });
  expect(warm.exitCode).toBe(0);
  expect(warm.stderr).toContain(`using the servers of the mcp-host daemon (pid ${running.pid})`);
  expect((await workspace.cli(['daemon', 'stop'], { env })).exitCode).toBe(0);
  await expectAllGone(workspace.knownPids());

  // The early start: the first command notes the config as valid there, the next starts its server early.
  await workspace.cli(['list', 'servers'], { env });
  expect(fs.readdirSync(fallback).filter((name) => name.endsWith('.valid'))).toHaveLength(1);
  const early = await workspace.cli(['--verbose', 'call', 'cacheable.whoami'], { env });
  expect(early.exitCode).toBe(0);
  expect(early.stderr).toContain('server cacheable: using the process started early');
}

describe('a runtime directory that cannot be ours', { timeout: 30_000 }, () => {
  it.runIf(isRoot)('another user made it first: the fallback is used, and --verbose says why', async () => {
    fs.mkdirSync(usual, { mode: 0o700 });
    fs.chownSync(usual, OTHER_UID, OTHER_UID);

    await expectFallbackWorks(`it belongs to uid ${OTHER_UID}, not to this user (${uid})`);

    // Nothing was written into the other user's directory.
    expect(fs.readdirSync(usual)).toEqual([]);
  });

  it('one of ours that is open to other users is passed over, not tightened', async () => {
    fs.mkdirSync(usual);
    fs.chmodSync(usual, 0o777);

    await expectFallbackWorks('it is open to other users (mode 777)');

    expect(fs.statSync(usual).mode & 0o777).toBe(0o777);
  });

  it('without anything in the way, the usual directory is used and nothing is said', async () => {
    const result = await workspace.cli(['--verbose', 'list', 'servers'], { env });
    expect(result.exitCode).toBe(0);
    expect(result.stderr).not.toContain('not used:');
    expect(fs.readdirSync(usual).filter((name) => name.endsWith('.valid'))).toHaveLength(1);
  });
});

describe('chooseRuntimeDir', () => {
  const base = (): string => fs.mkdtempSync(path.join(workspace.dir, 'choose-'));

  it('prefers $XDG_RUNTIME_DIR/mcp-host, then the temp directory, then the state directory', () => {
    const dir = base();
    const xdg = path.join(dir, 'xdg');
    fs.mkdirSync(xdg, { mode: 0o700 });
    const all = { XDG_RUNTIME_DIR: xdg, TMPDIR: path.join(dir, 'tmp'), HOME: path.join(dir, 'home') };
    expect(chooseRuntimeDir(all, uid)).toEqual({ dir: path.join(xdg, 'mcp-host'), skipped: [] });
    expect(chooseRuntimeDir({ ...all, XDG_RUNTIME_DIR: 'relative' }, uid).dir).toBe(
      path.join(dir, 'tmp', `mcp-host-${uid}`),
    );
    // A symlink, even to a private directory of ours, is not one: it can be pointed elsewhere later.
    const target = path.join(dir, 'target');
    fs.mkdirSync(target, { mode: 0o700 });
    fs.symlinkSync(target, path.join(dir, `mcp-host-${uid}`));
    const passed = chooseRuntimeDir({ TMPDIR: dir, HOME: path.join(dir, 'home') }, uid);
    expect(passed).toEqual({
      dir: path.join(dir, 'home', '.local', 'state', 'mcp-host', 'run'),
      skipped: [
        `runtime directory ${path.join(dir, `mcp-host-${uid}`)} not used: it is not a directory (or is a symlink)`,
      ],
    });
    const state = chooseRuntimeDir(
      { TMPDIR: dir, HOME: path.join(dir, 'home'), XDG_STATE_HOME: path.join(dir, 'st') },
      uid,
    );
    expect(state.dir).toBe(path.join(dir, 'st', 'mcp-host', 'run'));
  });

  it.runIf(isRoot)('passes over an $XDG_RUNTIME_DIR that belongs to another user', () => {
    const dir = base();
    const xdg = path.join(dir, 'xdg');
    fs.mkdirSync(xdg, { mode: 0o700 });
    fs.chownSync(xdg, OTHER_UID, OTHER_UID);
    expect(chooseRuntimeDir({ XDG_RUNTIME_DIR: xdg, TMPDIR: dir }, uid)).toEqual({
      dir: path.join(dir, `mcp-host-${uid}`),
      skipped: [`$XDG_RUNTIME_DIR ${xdg} not used: it belongs to uid ${OTHER_UID}, not to this user (${uid})`],
    });
  });

  it('passes over a directory whose socket paths would be too long for a Unix socket', () => {
    const dir = base();
    const deep = path.join(dir, 'x'.repeat(100));
    const choice = chooseRuntimeDir({ TMPDIR: deep, HOME: dir }, uid);
    expect(choice.dir).toBe(path.join(dir, '.local', 'state', 'mcp-host', 'run'));
    expect(choice.skipped[0]).toMatch(/its socket paths would be \d+ bytes, over the 103 a Unix socket allows$/);
  });

  it('returns the first when none fits, with every reason, so that it is refused where it is used', () => {
    const dir = base();
    const deep = path.join(dir, 'x'.repeat(100));
    const choice = chooseRuntimeDir({ TMPDIR: deep, HOME: deep }, uid);
    expect(choice.dir).toBe(path.join(deep, `mcp-host-${uid}`));
    expect(choice.skipped).toHaveLength(2);
  });
});
