import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig, userConfigDir } from '../../../src/host/config.js';
import type { HttpServerConfig, StdioServerConfig } from '../../../src/host/config.js';
import { McpHostError } from '../../../src/protocol/errors.js';

const CONFIG_FILE = '/projects/demo/mcp.config.json';
const env = { HOME: '/home/ada', API_KEY: 'sk-live-123', TOKEN: 'tok-456', REGION: 'eu' };

function parse(config: unknown, environment: NodeJS.ProcessEnv = env) {
  return parseConfig(JSON.stringify(config), CONFIG_FILE, environment, { displayPath: 'mcp.config.json' });
}

/** The CONFIG_INVALID message for a config (text or value). */
function problem(config: unknown, environment: NodeJS.ProcessEnv = env): string {
  const text = typeof config === 'string' ? config : JSON.stringify(config);
  try {
    parseConfig(text, CONFIG_FILE, environment, { displayPath: 'mcp.config.json' });
  } catch (error) {
    expect(error).toBeInstanceOf(McpHostError);
    expect((error as McpHostError).code).toBe('CONFIG_INVALID');
    return (error as McpHostError).message;
  }
  throw new Error('expected the config to be rejected');
}

function stdio(config: unknown, name: string, environment?: NodeJS.ProcessEnv): StdioServerConfig {
  const server = parse(config, environment).servers.find((entry) => entry.name === name);
  if (server?.kind !== 'stdio') throw new Error(`no stdio server ${name}`);
  return server;
}

describe('parseConfig: formats', () => {
  it('reads the mcpServers format with defaults filled in', () => {
    const loaded = parse({ mcpServers: { weather: { command: 'node', args: ['dist/servers/weather/index.js'] } } });
    expect(loaded).toEqual({
      path: CONFIG_FILE,
      dir: '/projects/demo',
      text: expect.any(String),
      servers: [
        {
          name: 'weather',
          kind: 'stdio',
          command: 'node',
          args: ['dist/servers/weather/index.js'],
          env: {},
          cwd: '/projects/demo',
          disabled: false,
          replicas: 1,
          secretValues: [],
        },
      ],
    });
  });

  it('reads every field of a stdio entry, including mcp-host’s own', () => {
    const server = stdio(
      {
        mcpServers: {
          db: {
            command: 'node',
            args: ['db.js'],
            env: { DB_PATH: 'data.sqlite' },
            cwd: 'servers/db',
            disabled: true,
            description: 'The database',
            timeoutMs: 5_000,
            replicas: 3,
            cache: { ttlMs: 60_000 },
            tools: { allow: ['query'], deny: ['drop_table'] },
          },
        },
      },
      'db',
    );
    expect(server).toEqual({
      name: 'db',
      kind: 'stdio',
      command: 'node',
      args: ['db.js'],
      env: { DB_PATH: 'data.sqlite' },
      cwd: '/projects/demo/servers/db',
      disabled: true,
      description: 'The database',
      timeoutMs: 5_000,
      replicas: 3,
      cache: { ttlMs: 60_000 },
      tools: { allow: ['query'], deny: ['drop_table'] },
      secretValues: [],
    });
  });

  it('reads the VS Code servers format (type: stdio) alongside mcpServers, in file order', () => {
    const loaded = parse({
      mcpServers: { a: { command: 'a' } },
      servers: { b: { type: 'stdio', command: 'b', args: ['--x'] } },
    });
    expect(loaded.servers.map((server) => [server.name, server.kind])).toEqual([
      ['a', 'stdio'],
      ['b', 'stdio'],
    ]);
  });

  it('ignores other top-level keys (a whole Claude Desktop config works) and the approval lists of other clients', () => {
    const loaded = parse({
      globalShortcut: 'Ctrl+Space',
      mcpServers: { fs: { command: 'npx', autoApprove: ['read_file'], alwaysAllow: ['list'] } },
    });
    expect(loaded.servers).toHaveLength(1);
    expect(loaded.servers[0]).not.toHaveProperty('autoApprove');
  });

  it('accepts comments and trailing commas, as VS Code writes them', () => {
    const text = `{
      // my servers
      "servers": {
        /* the weather one */
        "weather": { "command": "node", "args": ["w.js",], },
      },
    }`;
    const loaded = parseConfig(text, CONFIG_FILE, env);
    expect(loaded.servers[0]).toMatchObject({ name: 'weather', args: ['w.js'] });
  });

  it('accepts an empty server list', () => {
    expect(parse({ mcpServers: {} }).servers).toEqual([]);
  });

  it('keeps url entries as unsupported HTTP servers without failing the file', () => {
    const loaded = parse({
      mcpServers: {
        remote: { url: 'https://example.com/mcp', headers: { Authorization: 'Bearer ${UNSET_TOKEN}' } },
        legacy: { type: 'sse', url: 'https://example.com/sse', disabled: true },
        local: { command: 'node' },
      },
    });
    const [remote, legacy, local] = loaded.servers as [HttpServerConfig, HttpServerConfig, StdioServerConfig];
    expect(remote).toEqual({
      name: 'remote',
      kind: 'http',
      url: 'https://example.com/mcp',
      transport: 'http',
      disabled: false,
      unsupported: true,
      secretValues: [],
    });
    expect(legacy).toMatchObject({ kind: 'http', transport: 'sse', disabled: true });
    expect(local.kind).toBe('stdio');
  });

  it('resolves cwd against the config file’s directory, and keeps an absolute cwd', () => {
    const config = { mcpServers: { a: { command: 'x', cwd: '../shared' }, b: { command: 'x', cwd: '/srv/b' } } };
    expect(stdio(config, 'a').cwd).toBe('/projects/shared');
    expect(stdio(config, 'b').cwd).toBe('/srv/b');
  });
});

describe('parseConfig: interpolation', () => {
  it('interpolates command, args, env values and cwd in every form', () => {
    const server = stdio(
      {
        mcpServers: {
          weather: {
            command: '${HOME}/bin/${NODE_BIN:-node}',
            args: ['--token=${TOKEN}', '--region', '${env:REGION}', '$${literal}'],
            env: { API_KEY: '${API_KEY}', UNITS: '${UNITS:-metric}', PLAIN: 'x' },
            cwd: '${HOME}/weather',
          },
        },
      },
      'weather',
    );
    expect(server).toMatchObject({
      command: '/home/ada/bin/node',
      args: ['--token=tok-456', '--region', 'eu', '${literal}'],
      env: { API_KEY: 'sk-live-123', UNITS: 'metric', PLAIN: 'x' },
      cwd: '/home/ada/weather',
    });
    // From the environment into env or args: secret. Written defaults and HOME (every server gets it): not.
    expect(server.secretValues.sort()).toEqual(['eu', 'sk-live-123', 'tok-456']);
  });

  it('names the variable and the field when a variable is unset, as a problem of that server only', () => {
    const config = {
      mcpServers: { weather: { command: 'node', env: { API_KEY: '${WEATHER_KEY}' } }, ok: { command: 'node' } },
    };
    expect(stdio(config, 'weather').unresolved).toEqual(['mcpServers.weather.env.API_KEY: ${WEATHER_KEY} is not set']);
    expect(stdio(config, 'ok').unresolved).toBeUndefined();
    expect(
      stdio({ mcpServers: { weather: { command: 'node', args: ['a', '--k=${K}'] } } }, 'weather').unresolved,
    ).toEqual(['mcpServers.weather.args[1]: ${K} is not set']);
  });

  it('does not fail for an unset variable in a disabled server', () => {
    const server = stdio({ mcpServers: { off: { command: 'node', disabled: true, env: { K: '${NOPE}' } } } }, 'off');
    expect(server.env.K).toBe('${NOPE}');
  });

  it('reports a malformed reference with its field', () => {
    expect(stdio({ mcpServers: { a: { command: 'node', cwd: '${oops' } } }, 'a').unresolved?.[0]).toMatch(
      /^mcpServers\.a\.cwd: unterminated "\$\{"/,
    );
  });
});

describe('parseConfig: validation messages', () => {
  const cases: [string, unknown, string][] = [
    [
      'a wrong type in a list',
      { mcpServers: { weather: { command: 'node', args: ['a', 2] } } },
      'mcpServers.weather.args[1]: expected string, got number 2',
    ],
    [
      'a missing command',
      { mcpServers: { weather: { args: [] } } },
      'mcpServers.weather: expected "command" (the program to start) or "url" (an HTTP server)',
    ],
    [
      'an empty command',
      { mcpServers: { weather: { command: '' } } },
      'mcpServers.weather.command: expected a non-empty string',
    ],
    [
      'a non-string env value',
      { mcpServers: { w: { command: 'n', env: { PORT: 8080 } } } },
      'mcpServers.w.env.PORT: expected string, got number 8080',
    ],
    [
      'replicas below 1',
      { mcpServers: { w: { command: 'n', replicas: 0 } } },
      'mcpServers.w.replicas: expected an integer >= 1, got number 0',
    ],
    [
      'a fractional timeout',
      { mcpServers: { w: { command: 'n', timeoutMs: 1.5 } } },
      'mcpServers.w.timeoutMs: expected an integer, got number 1.5',
    ],
    [
      'a cache without ttlMs',
      { mcpServers: { w: { command: 'n', cache: {} } } },
      'mcpServers.w.cache.ttlMs: required: expected number',
    ],
    [
      'a non-boolean disabled',
      { mcpServers: { w: { command: 'n', disabled: 'yes' } } },
      'mcpServers.w.disabled: expected boolean (true or false), got string "yes"',
    ],
    [
      'an unknown transport type',
      { servers: { w: { type: 'websocket', command: 'n' } } },
      'servers.w.type: expected "stdio", "http", "sse", got string "websocket"',
    ],
    [
      'an entry that is not an object',
      { mcpServers: { w: 'node server.js' } },
      'mcpServers.w: expected an object with "command" or "url", got string "node server.js"',
    ],
    [
      'a server list that is not an object',
      { mcpServers: [] },
      'mcpServers: expected an object of servers by name, got an array',
    ],
    [
      'no server section',
      { server: {} },
      'expected a "mcpServers" object (or VS Code\'s "servers") at the top level; found "server"',
    ],
    ['a top level that is not an object', [1], 'expected a JSON object at the top level, got an array'],
    [
      'a server name with a dot',
      { mcpServers: { 'my.server': { command: 'n' } } },
      'mcpServers["my.server"]: server name "my.server" cannot contain "." (tools are addressed as <server>.<tool>)',
    ],
    ['an empty server name', { mcpServers: { '': { command: 'n' } } }, 'mcpServers[""]: a server name cannot be empty'],
    [
      'a name defined twice',
      { mcpServers: { w: { command: 'n' } }, servers: { w: { command: 'n' } } },
      'servers.w: server "w" is already defined at mcpServers.w',
    ],
    ['an http entry without a url', { servers: { r: { type: 'http' } } }, 'servers.r.url: required: expected string'],
  ];
  it.each(cases)('%s', (_label, config, expected) => {
    expect(problem(config)).toBe(`mcp.config.json: ${expected}`);
  });

  it('names unknown fields and lists the allowed ones', () => {
    expect(problem({ mcpServers: { w: { command: 'n', arg: ['x'], enviroment: {} } } })).toBe(
      'mcp.config.json: mcpServers.w: unknown fields "arg", "enviroment"; expected only type, command, args, env, cwd, disabled, description, timeoutMs, startupTimeoutMs, replicas, cache, tools',
    );
    expect(problem({ mcpServers: { w: { command: 'n', tools: { allowed: [] } } } })).toBe(
      'mcp.config.json: mcpServers.w.tools: unknown field "allowed"; expected only allow, deny',
    );
  });

  it('reports every problem, one line each, and lists them in context', () => {
    try {
      parse({ mcpServers: { a: { command: 1 }, b: { command: 'n', args: 'x' } } });
      expect.unreachable();
    } catch (error) {
      expect((error as McpHostError).message.split('\n')).toEqual([
        'mcp.config.json: mcpServers.a.command: expected string, got number 1',
        'mcp.config.json: mcpServers.b.args: expected array, got string "x"',
      ]);
      expect((error as McpHostError).context).toMatchObject({ file: CONFIG_FILE, problems: expect.any(Array) });
    }
  });
});

describe('parseConfig: broken JSON', () => {
  const cases: [string, string, string][] = [
    // Node 20's JSON.parse gives no position at all for this one.
    [
      'a missing value',
      '{\n  "mcpServers": {\n    "a": }\n}',
      '3:10: invalid JSON: expected a value (object, array, string, number, true, false or null), got "}"',
    ],
    [
      'a missing comma',
      '{"mcpServers": {"a": {"command": "x"} "b": {}}}',
      '1:39: invalid JSON: expected "," or "}" after the value of "a", got "\\""',
    ],
    [
      'an unquoted key',
      '{\n  mcpServers: {}\n}',
      '2:3: invalid JSON: expected a property name in double quotes or "}", got "m"',
    ],
    [
      'a truncated file',
      '{"mcpServers": {',
      '1:17: invalid JSON: expected a property name in double quotes or "}", got end of file',
    ],
    [
      'an unterminated string',
      '{"mcpServers": {"a\n',
      '1:17: invalid JSON: unterminated string (a line break inside a string is written \\n)',
    ],
    [
      'a raw tab in a string',
      '{"a": "x\ty"}',
      '1:9: invalid JSON: control character in a string (write it escaped, e.g. \\t)',
    ],
    ['a bad escape', '{"a": "C:\\path"}', '1:10: invalid JSON: invalid escape "\\\\p" in a string'],
    [
      'a duplicate key',
      '{"mcpServers": {"a": {"command": "x"},\n "a": {"command": "y"}}}',
      '2:2: invalid JSON: duplicate key "a"',
    ],
    [
      'text after the value',
      '{"mcpServers": {}} x',
      '1:20: invalid JSON: unexpected "x" after the end of the JSON value',
    ],
    [
      'an empty file',
      '',
      '1:1: invalid JSON: expected a value (object, array, string, number, true, false or null), got end of file',
    ],
    ['an unterminated comment', '{ /* note', '1:3: invalid JSON: unterminated /* comment'],
  ];
  it.each(cases)('%s: names the line and column', (_label, text, expected) => {
    expect(problem(text)).toBe(`mcp.config.json:${expected}`);
  });

  it('puts line and column in context', () => {
    try {
      parseConfig('{\n  "a": tru\n}', CONFIG_FILE, env);
      expect.unreachable();
    } catch (error) {
      expect((error as McpHostError).context).toEqual({ file: CONFIG_FILE, line: 2, column: 8 });
    }
  });

  it('skips a byte order mark', () => {
    expect(parseConfig('\uFEFF{"mcpServers": {}}', CONFIG_FILE, env).servers).toEqual([]);
  });
});

describe('loadConfig: lookup order', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-config-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  /** Writes a config with a single server named after the place it was written. */
  const write = (file: string, name: string): string => {
    const full = path.join(root, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, JSON.stringify({ mcpServers: { [name]: { command: 'node' } } }));
    return full;
  };
  const project = path.join(root, 'project');
  const home = path.join(root, 'home');
  const xdg = path.join(root, 'xdg');
  write('project/mcp.config.json', 'from-cwd');
  write('project/custom.json', 'from-option');
  write('elsewhere/env.json', 'from-env');
  write('xdg/mcp-host/config.json', 'from-xdg');
  write('home/.config/mcp-host/config.json', 'from-home');
  const names = (options: Parameters<typeof loadConfig>[0]) => loadConfig(options).servers.map((server) => server.name);
  /** What `load` throws (it must throw). */
  const thrown = (load: () => unknown): unknown => {
    try {
      load();
    } catch (error) {
      return error;
    }
    throw new Error('expected an error');
  };

  it('prefers --config, then $MCP_HOST_CONFIG, then ./mcp.config.json, then the user config', () => {
    const fullEnv = { HOME: home, XDG_CONFIG_HOME: xdg, MCP_HOST_CONFIG: path.join(root, 'elsewhere/env.json') };
    expect(names({ configPath: 'custom.json', env: fullEnv, cwd: project })).toEqual(['from-option']);
    expect(names({ env: fullEnv, cwd: project })).toEqual(['from-env']);
    expect(names({ env: { HOME: home, XDG_CONFIG_HOME: xdg }, cwd: project })).toEqual(['from-cwd']);
    expect(names({ env: { HOME: home, XDG_CONFIG_HOME: xdg }, cwd: root })).toEqual(['from-xdg']);
    expect(names({ env: { HOME: home }, cwd: root })).toEqual(['from-home']);
    expect(names({ env: {}, cwd: root, userConfigDir: path.join(xdg, 'mcp-host') })).toEqual(['from-xdg']);
  });

  it('reports the file it read, and its directory for relative paths', () => {
    const loaded = loadConfig({ env: {}, cwd: project });
    expect(loaded.path).toBe(path.join(project, 'mcp.config.json'));
    expect(loaded.dir).toBe(project);
  });

  it('never falls through when an explicit path is missing', () => {
    expect(thrown(() => loadConfig({ configPath: 'nope.json', env: {}, cwd: project }))).toMatchObject({
      code: 'CONFIG_INVALID',
      message: `Config file not found: ${path.join(project, 'nope.json')} (from --config nope.json)`,
    });
    expect(thrown(() => loadConfig({ env: { MCP_HOST_CONFIG: '/nope.json' }, cwd: project }))).toMatchObject({
      message: 'Config file not found: /nope.json (from $MCP_HOST_CONFIG=/nope.json)',
    });
    expect(thrown(() => loadConfig({ configPath: root, env: {}, cwd: project }))).toMatchObject({
      message: `Config path is not a file: ${root} (from --config ${root})`,
    });
  });

  it('lists every place it looked when there is no config', () => {
    const empty = path.join(root, 'empty');
    fs.mkdirSync(empty);
    const error = thrown(() => loadConfig({ env: { HOME: empty }, cwd: empty }));
    expect(error).toMatchObject({
      code: 'CONFIG_INVALID',
      context: { searched: [path.join(empty, 'mcp.config.json'), path.join(empty, '.config/mcp-host/config.json')] },
    });
    expect((error as Error).message).toMatch(/^No config file found: looked for .* and .*\. Create mcp\.config\.json/);
  });

  it('starts messages with the path relative to the working directory', () => {
    const dir = path.join(root, 'broken');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'mcp.config.json'), '{"mcpServers": {"w": {"command": 3}}}');
    expect(thrown(() => loadConfig({ env: {}, cwd: dir }))).toMatchObject({
      message: 'mcp.config.json: mcpServers.w.command: expected string, got number 3',
    });
  });

  it('ignores a relative XDG_CONFIG_HOME, as the XDG spec says', () => {
    expect(userConfigDir({ XDG_CONFIG_HOME: 'relative', HOME: '/home/ada' }, 'linux')).toBe(
      '/home/ada/.config/mcp-host',
    );
    expect(userConfigDir({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32')).toMatch(/mcp-host$/);
  });
});
