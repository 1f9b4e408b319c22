import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { preParse } from '../../../src/cli/command-line.js';
import { startEarly } from '../../../src/cli/early-start.js';
import type { EarlyServer } from '../../../src/cli/early-start.js';
import { isStamped, stampValid } from '../../../src/cli/config-stamp.js';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const ECHO = path.join(REPO_ROOT, 'dist/test/fixtures/servers/echo.js');

let dir: string;
let env: NodeJS.ProcessEnv;
let configPath: string;
const started: EarlyServer[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-early-'));
  env = { PATH: process.env.PATH, HOME: dir, XDG_RUNTIME_DIR: path.join(dir, 'run'), TOKEN: 'secret' };
  configPath = path.join(dir, 'mcp.config.json');
});

afterEach(async () => {
  for (const early of started.splice(0)) {
    const child = early.release();
    if (!child) continue;
    child.stdin?.end();
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Writes the config, notes it as valid unless told not to, and tries an early start of `args`. */
function attempt(config: object, args: string[], options: { isStamped?: boolean; platform?: NodeJS.Platform } = {}) {
  const text = JSON.stringify(config);
  fs.writeFileSync(configPath, text);
  if (options.isStamped ?? true) stampValid(configPath, text, env);
  const early = startEarly(preParse(args), env, dir, options.platform ?? 'linux');
  if (early) started.push(early);
  return early;
}

const echo = { command: process.execPath, args: [ECHO], env: { KEY: '${TOKEN}' } };

describe('startEarly', () => {
  it('starts the server a call names, resolved as the host resolves it', () => {
    const early = attempt({ mcpServers: { echo } }, ['call', 'echo.echo', 'text=hi'])!;
    expect(early.server).toBe('echo');
    expect(early.spec).toEqual({
      command: process.execPath,
      args: [ECHO],
      env: { PATH: env.PATH, HOME: dir, KEY: 'secret' },
      cwd: dir,
    });
  });

  it('with --pass-env, starts it with the whole environment, as the host would', () => {
    const early = attempt({ mcpServers: { echo } }, ['--pass-env', 'call', 'echo.echo', 'text=hi'])!;
    expect(early.spec.env).toEqual({ ...env, KEY: 'secret' });
  });

  it('starts nothing with --stdio, whose server is not the config’s', () => {
    expect(attempt({ mcpServers: { echo } }, ['--stdio', 'node x.js', 'call', 'echo.echo', 'text=hi'])).toBeUndefined();
  });

  it('starts nothing for a tool the policy of the config denies, as the normal path never would', () => {
    const guarded = { ...echo, tools: { deny: ['secret_*'] } };
    expect(attempt({ mcpServers: { echo: guarded } }, ['call', 'echo.secret_dump'])).toBeUndefined();
    expect(attempt({ mcpServers: { echo: guarded } }, ['schema', 'echo.secret_dump'])).toBeUndefined();
    expect(attempt({ mcpServers: { echo: guarded } }, ['call', 'echo.echo', 'text=hi'])?.server).toBe('echo');
  });

  it('starts nothing for a command line the CLI refuses before it would start a server', () => {
    const refused = [
      ['call', 'echo.echo', 'text'],
      ['call', 'echo.echo', '=hi'],
      ['call', 'echo.echo', '--bogus'],
      ['call', 'echo.echo', '--help'],
      ['-h', 'call', 'echo.echo'],
      ['call', 'echo.echo', '-t', 'soon'],
      ['call', 'echo.echo', '--args'],
      ['call', 'echo.echo', '--args', '[1]'],
      ['call', 'echo.echo', '--args', '{bad'],
      ['call', 'echo'],
      ['call', 'echo.'],
      ['prompt', 'echo.greet', 'name'],
      ['read', 'echo'],
      ['schema', 'echo.echo', 'extra'],
      // Read by the CLI, after the early start: so not started early at all.
      ['call', 'echo.echo', '--args', '@arguments.json'],
      ['call', 'echo.echo', '--args', '-'],
    ];
    for (const args of refused) expect(attempt({ mcpServers: { echo } }, args), args.join(' ')).toBeUndefined();
    const accepted = ['call', 'echo.echo', '--args', '{"text":"hi"}', '-t', '5000', 'text=ho', '--', 'n=-1'];
    expect(attempt({ mcpServers: { echo } }, accepted)?.server).toBe('echo');
  });

  it('finds the server of read, prompt and schema, past global options, in either config section', () => {
    expect(attempt({ servers: { echo } }, ['-c', configPath, 'read', 'echo', 'x://y'])?.server).toBe('echo');
    expect(attempt({ mcpServers: { echo } }, ['--json', 'prompt', 'echo.greet'])?.server).toBe('echo');
    expect(attempt({ mcpServers: { echo } }, ['schema', 'echo.echo'])?.server).toBe('echo');
  });

  it('starts nothing from a config that was not validated in this text', () => {
    expect(attempt({ mcpServers: { echo } }, ['call', 'echo.echo'], { isStamped: false })).toBeUndefined();
    stampValid(configPath, '{"mcpServers": {}}', env);
    expect(isStamped(configPath, fs.readFileSync(configPath, 'utf8'), env)).toBe(false);
    expect(startEarly(preParse(['call', 'echo.echo']), env, dir, 'linux')).toBeUndefined();
  });

  it('starts nothing for other commands, other servers, or servers the host would not start at once', () => {
    const cases: [object, string[]][] = [
      [{ mcpServers: { echo } }, ['list', 'tools']],
      [{ mcpServers: { echo } }, ['call']],
      [{ mcpServers: { echo } }, ['call', 'other.echo']],
      [{ mcpServers: { echo: { ...echo, disabled: true } } }, ['call', 'echo.echo']],
      [{ mcpServers: { echo: { ...echo, replicas: 2 } } }, ['call', 'echo.echo']],
      [{ mcpServers: { echo: { url: 'https://example.com/mcp' } } }, ['call', 'echo.echo']],
      [{ mcpServers: { echo: { ...echo, env: { KEY: '${UNSET_VARIABLE}' } } } }, ['call', 'echo.echo']],
    ];
    for (const [config, args] of cases) expect(attempt(config, args), args.join(' ')).toBeUndefined();
    expect(attempt({ mcpServers: { echo } }, ['call', 'echo.echo'], { platform: 'win32' })).toBeUndefined();
  });

  it('hands the process over once, and only for the same server started the same way', () => {
    const early = attempt({ mcpServers: { echo } }, ['call', 'echo.echo'])!;
    const { spec } = early;
    expect(early.take('other', spec)).toBeUndefined();
    expect(early.take('echo', { ...spec, args: [...spec.args, '--more'] })).toBeUndefined();
    expect(early.take('echo', { ...spec, env: { ...spec.env, KEY: 'other' } })).toBeUndefined();
    const child = early.take('echo', { ...spec, env: { ...spec.env } });
    expect(child?.pid).toBeGreaterThan(0);
    expect(early.take('echo', spec)).toBeUndefined();
    expect(early.release()).toBeUndefined();
    child!.stdin!.end();
  });

  it('hands over nothing when the command could not be started', async () => {
    const early = attempt({ mcpServers: { echo: { command: path.join(dir, 'no-such-program') } } }, [
      'call',
      'echo.echo',
    ])!;
    // libuv fails the spawn at once and Node reports it on the next tick, so it has been seen one turn later.
    await new Promise(setImmediate);
    expect(early.take('echo', early.spec)).toBeUndefined();
    expect(early.release()).toBeUndefined();
  });
});
