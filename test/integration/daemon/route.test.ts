/**
 * Which command lines go to a daemon, and to which one: the warm path reads the arguments and finds the config
 * without commander or zod, so it must agree with the CLI on both.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { preParse } from '../../../src/cli/command-line.js';
import { globalFlags } from '../../../src/cli/context.js';
import { routeToDaemon } from '../../../src/cli/fast-path.js';
import { findConfigPath } from '../../../src/host/config-location.js';
import { locateConfig } from '../../../src/host/config.js';
import { daemonPaths, runtimeDir } from '../../../src/cli/daemon/paths.js';

let dir: string;
let cwd: string;
let home: string;
let cwdConfig: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-route-'));
  cwd = path.join(dir, 'project');
  home = path.join(dir, 'home');
  fs.mkdirSync(cwd);
  fs.mkdirSync(path.join(home, '.config', 'mcp-host'), { recursive: true });
  cwdConfig = path.join(cwd, 'mcp.config.json');
  fs.writeFileSync(cwdConfig, '{}');
  fs.writeFileSync(path.join(home, '.config', 'mcp-host', 'config.json'), '{}');
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const env = (): NodeJS.ProcessEnv => ({ HOME: home, XDG_RUNTIME_DIR: '/run/user/1000' });

function routed(args: string[], environment: NodeJS.ProcessEnv = env()) {
  const route = routeToDaemon(preParse(args), environment, cwd, 'linux');
  if (!route.isRouted) throw new Error(`expected a route for ${args.join(' ')}, got: ${route.reason}`);
  return route;
}

function reason(args: string[], environment: NodeJS.ProcessEnv = env(), platform: NodeJS.Platform = 'linux') {
  const route = routeToDaemon(preParse(args), environment, cwd, platform);
  return route.isRouted ? undefined : route.reason;
}

describe('routeToDaemon', () => {
  it('sends a command to the daemon of the config in the working directory', () => {
    const route = routed(['call', 'weather.get_forecast', 'city=Paris']);
    expect(route.paths).toEqual(daemonPaths(cwdConfig, env()));
    expect(route.paths.socket).toMatch(/^\/run\/user\/1000\/mcp-host\/[0-9a-f]{16}\.sock$/);
    expect(route.args).toEqual(['call', 'weather.get_forecast', 'city=Paris']);
    expect(route.isVerbose).toBe(false);
  });

  it('keeps daemon commands, --no-daemon, --stdio, $MCP_HOST_NO_DAEMON, no command and Windows in this process', () => {
    expect(reason(['daemon', 'status'])).toBe('a daemon command');
    expect(reason(['-c', 'x.json', 'daemon', 'stop'])).toBe('a daemon command');
    expect(reason(['config', 'add', 'x', '--', 'node', 'x.js'])).toBe('a config command');
    expect(reason(['--json', 'config', 'list'])).toBe('a config command');
    expect(reason(['call', 'a.b', '--no-daemon'])).toBe('--no-daemon');
    expect(reason(['call', '--stdio', 'node server.js', 'b'])).toBe('--stdio');
    expect(reason(['call', 'a.b'], { ...env(), MCP_HOST_NO_DAEMON: '1' })).toBe('$MCP_HOST_NO_DAEMON is set');
    expect(reason(['call', 'a.b'], { ...env(), MCP_HOST_NO_DAEMON: '0' })).toBeUndefined();
    expect(reason(['--version'])).toBe('no command');
    expect(reason([])).toBe('no command');
    expect(reason(['call', 'a.b'], env(), 'win32')).toBe('the daemon is not available on Windows');
  });

  it('finds the command after global options that take a value', () => {
    expect(reason(['--timeout', '5000', 'daemon', 'start'])).toBe('a daemon command');
    expect(reason(['-t', '5000', 'daemon', 'start'])).toBe('a daemon command');
    expect(reason(['-qt', '5000', 'daemon', 'start'])).toBe('a daemon command');
    expect(reason(['-t5000', 'daemon', 'start'])).toBe('a daemon command');
  });

  it('reads --config in every spelling, anywhere before --, the last one winning', () => {
    const other = path.join(dir, 'other.json');
    // The CLI's own lookup decides, which requires a file named explicitly to exist.
    fs.writeFileSync(other, '{}');
    fs.writeFileSync(path.join(cwd, 'relative.json'), '{}');
    for (const args of [
      ['--config', other, 'call', 'a.b'],
      [`--config=${other}`, 'call', 'a.b'],
      ['-c', other, 'call', 'a.b'],
      [`-c${other}`, 'call', 'a.b'],
      ['-qc', other, 'call', 'a.b'],
      ['call', 'a.b', '--config', other],
      ['-c', 'first.json', 'call', 'a.b', '-c', other],
      ['call', 'a.b', '-c', other, '--', '--config', 'ignored.json'],
    ]) {
      expect(routed(args).paths.configPath).toBe(other);
    }
    expect(routed(['-c', 'relative.json', 'call', 'a.b']).paths.configPath).toBe(path.join(cwd, 'relative.json'));
    // A named file that is not there: the command runs here, and the CLI says what is missing.
    expect(reason(['-c', 'missing.json', 'call', 'a.b'])).toBe('no config file found');
  });

  it('reads the global flags the CLI reports by, grouped or not, as the one pre-parse of every path', () => {
    expect(globalFlags(preParse(['-qv', 'call', 'a.b']))).toEqual({
      isJson: false,
      isQuiet: true,
      isVerbose: true,
      isColorDisabled: false,
    });
    expect(globalFlags(preParse(['--json', '--no-color', 'call', 'a.b', '--', '--quiet']))).toEqual({
      isJson: true,
      isQuiet: false,
      isVerbose: false,
      isColorDisabled: true,
    });
  });

  it('notices --verbose and -v, also grouped', () => {
    expect(routed(['--verbose', 'call', 'a.b']).isVerbose).toBe(true);
    expect(routed(['call', 'a.b', '-v']).isVerbose).toBe(true);
    expect(routed(['-qv', 'call', 'a.b']).isVerbose).toBe(true);
    expect(routed(['call', 'a.b', '--', '-v']).isVerbose).toBe(false);
  });

  it('passes the arguments through as given (the daemon resolves paths against the caller’s cwd)', () => {
    expect(routed(['call', 'a.b', '--out', 'images']).args).toEqual(['call', 'a.b', '--out', 'images']);
    expect(routed(['call', 'a.b', '--', '--out', 'x']).args).toEqual(['call', 'a.b', '--', '--out', 'x']);
  });

  it('finds the same config file as the CLI, in the same order', () => {
    const cases: { environment: NodeJS.ProcessEnv; at: string }[] = [
      { environment: env(), at: cwd },
      { environment: { ...env(), MCP_HOST_CONFIG: 'named.json' }, at: cwd },
      { environment: env(), at: dir }, // no ./mcp.config.json there: the user's config
      { environment: { ...env(), XDG_CONFIG_HOME: path.join(home, '.config') }, at: dir },
    ];
    fs.writeFileSync(path.join(cwd, 'named.json'), '{}');
    for (const { environment, at } of cases) {
      const located = locateConfig({ env: environment, cwd: at });
      const route = routeToDaemon(preParse(['call', 'a.b']), environment, at, 'linux');
      expect(route.isRouted && route.paths.configPath).toBe(located.path);
    }
    expect(reason(['call', 'a.b'], { XDG_RUNTIME_DIR: '/run/user/1000' })).toBeUndefined();
    // The fallbacks the warm path used to leave out: %APPDATA% on Windows, and the home directory without $HOME.
    const appData = path.join(dir, 'AppData');
    fs.mkdirSync(path.join(appData, 'mcp-host'), { recursive: true });
    fs.writeFileSync(path.join(appData, 'mcp-host', 'config.json'), '{}');
    expect(findConfigPath({ env: { APPDATA: appData }, cwd: dir, platform: 'win32' })).toBe(
      path.join(appData, 'mcp-host', 'config.json'),
    );
    const nowhere = routeToDaemon(preParse(['call', 'a.b']), { HOME: path.join(dir, 'nobody') }, dir, 'linux');
    expect(nowhere).toMatchObject({ isRouted: false, reason: 'no config file found' });
  });
});

describe('runtimeDir', () => {
  it('is $XDG_RUNTIME_DIR/mcp-host, else mcp-host-<uid> in the temp directory', () => {
    expect(runtimeDir({ XDG_RUNTIME_DIR: '/run/user/1000' }, 1000)).toBe('/run/user/1000/mcp-host');
    expect(runtimeDir({ XDG_RUNTIME_DIR: 'relative', TMPDIR: '/var/tmp' }, 1000)).toBe('/var/tmp/mcp-host-1000');
    expect(runtimeDir({}, 1000)).toBe('/tmp/mcp-host-1000');
  });

  it('gives each config its own socket', () => {
    const environment = { XDG_RUNTIME_DIR: '/run/user/1000' };
    expect(daemonPaths('/a/mcp.config.json', environment).socket).not.toBe(
      daemonPaths('/b/mcp.config.json', environment).socket,
    );
    expect(daemonPaths('/a/mcp.config.json', environment)).toEqual(daemonPaths('/a/mcp.config.json', environment));
  });
});
