import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig, parseConfig, userConfigDir } from '../../../src/host/config.js';
import type { HttpServerConfig, InvalidServerConfig, StdioServerConfig } from '../../../src/host/config.js';
import { McpHostError } from '../../../src/protocol/errors.js';

const CONFIG_FILE = '/projects/demo/mcp.config.json';
const env = { HOME: '/home/ada', API_KEY: 'sk-live-123', TOKEN: 'tok-456', REGION: 'eu' };

function parse(config: unknown, environment: NodeJS.ProcessEnv = env) {
  return parseConfig(JSON.stringify(config), CONFIG_FILE, environment, { displayPath: 'mcp.config.json' });
}

/** The CONFIG_INVALID message for a config (text or value) that fails as a whole. */
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
  if (server?.kind !== 'stdio') throw new Error(`no stdio server ${name}: ${JSON.stringify(server)}`);
  return server;
}

/** The entry `name` of a config that loads, which must be invalid. */
function invalid(config: unknown, name: string): InvalidServerConfig {
  const server = parse(config).servers.find((entry) => entry.name === name);
  if (server?.kind !== 'invalid') throw new Error(`server ${name} is not invalid: ${JSON.stringify(server)}`);
  return server;
}

describe('parseConfig: formats', () => {
  it('reads the mcpServers format with defaults filled in', () => {
    const loaded = parse({ mcpServers: { weather: { command: 'node', args: ['dist/servers/weather/index.js'] } } });
    expect(loaded).toEqual({
      path: CONFIG_FILE,
      dir: '/projects/demo',
      text: expect.any(String),
      notes: [],
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
        // The header's variable is unset: nothing of it is a secret yet.
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
    // Secret by the names of their variables (API_KEY, TOKEN); REGION's value and HOME's are not secrets.
    expect(server.secretValues.sort()).toEqual(['sk-live-123', 'tok-456']);
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

describe('parseConfig: an invalid entry fails that server only', () => {
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
      'a command of the wrong type',
      { mcpServers: { weather: { command: 7 } } },
      'mcpServers.weather.command: expected a string (the program to start) or a list of strings (the program and its arguments), got number 7',
    ],
    [
      'an env value that is neither a string, a number nor null',
      { mcpServers: { w: { command: 'n', env: { PORT: true } } } },
      'mcpServers.w.env.PORT: expected a string (or a number, or null to unset it), got boolean true',
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
      "Cline's timeout of zero seconds",
      { mcpServers: { w: { command: 'n', timeout: 0 } } },
      'mcpServers.w.timeout: expected a number > 0, got number 0',
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
      'servers.w.type: expected "stdio", "http", "streamableHttp", "streamable-http", "sse", got string "websocket"',
    ],
    [
      'an entry that is not an object',
      { mcpServers: { w: 'node server.js' } },
      'mcpServers.w: expected an object with "command" or "url", got string "node server.js"',
    ],
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
    [
      'a misspelled field of ours',
      { mcpServers: { w: { command: 'n', arg: ['x'] } } },
      'mcpServers.w: unknown field "arg"; did you mean "args"?',
    ],
    [
      'a field of ours in the wrong case',
      { mcpServers: { w: { command: 'n', timeoutMS: 5 } } },
      'mcpServers.w: unknown field "timeoutMS"; did you mean "timeoutMs"?',
    ],
    [
      'an unknown field of a strict object of ours',
      { mcpServers: { w: { command: 'n', tools: { allowed: [] } } } },
      'mcpServers.w.tools: unknown field "allowed"; expected only allow, deny',
    ],
    [
      'a list of secrets that is not a list of names',
      { mcpServers: { w: { command: 'n', secrets: 'API_KEY' } } },
      'mcpServers.w.secrets: expected array, got string "API_KEY"',
    ],
  ];
  it.each(cases)('%s', (_label, config, expected) => {
    const servers = parse({
      ...(config as object),
      mcpServers: { ...(config as { mcpServers?: object }).mcpServers, fine: { command: 'node' } },
    }).servers;
    const broken = servers.filter((server) => server.kind === 'invalid');
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({ kind: 'invalid', problems: [expected] });
    // The rest of the config works.
    expect(servers.find((server) => server.name === 'fine')).toMatchObject({ kind: 'stdio', command: 'node' });
  });

  it('lists every problem of an entry, keeps its name, description and disabled flag', () => {
    expect(invalid({ mcpServers: { a: { command: 1, args: 'x', description: 'A', disabled: true } } }, 'a')).toEqual({
      name: 'a',
      kind: 'invalid',
      problems: [
        'mcpServers.a.command: expected a string (the program to start) or a list of strings (the program and its arguments), got number 1',
        'mcpServers.a.args: expected array, got string "x"',
      ],
      disabled: true,
      description: 'A',
      secretValues: [],
    });
  });

  it('uses neither entry of a name defined twice, and keeps the secrets of both', () => {
    const loaded = parse({
      mcpServers: { w: { command: 'n', env: { API_KEY: '${API_KEY}' } } },
      servers: { w: { command: 'n', env: { GITHUB_TOKEN: '${TOKEN}' } } },
    });
    expect(loaded.servers).toHaveLength(1);
    expect(loaded.servers[0]).toMatchObject({ kind: 'invalid' });
    expect(loaded.servers[0]!.secretValues.sort()).toEqual(['sk-live-123', 'tok-456']);
  });

  it('finds the secrets of an invalid entry too, so that its messages cannot show them', () => {
    expect(
      invalid({ mcpServers: { w: { command: 'n', env: { API_KEY: 'sk-written-1' }, args: 3 } } }, 'w').secretValues,
    ).toEqual(['sk-written-1']);
  });

  it('fails the whole text with invalidEntries: throw, as entries written in code do', () => {
    expect(() =>
      parseConfig(JSON.stringify({ mcpServers: { a: { command: 1 } } }), CONFIG_FILE, env, { invalidEntries: 'throw' }),
    ).toThrow(/^\/projects\/demo\/mcp\.config\.json: mcpServers\.a\.command: expected a string/);
  });
});

describe('parseConfig: what fails the whole file', () => {
  const cases: [string, unknown, string][] = [
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
      'a malformed top-level list of public names (guessing could show a secret)',
      { public: 'PATH', mcpServers: {} },
      'public: expected array, got string "PATH"',
    ],
  ];
  it.each(cases)('%s', (_label, config, expected) => {
    expect(problem(config)).toBe(`mcp.config.json: ${expected}`);
  });

  it('reports every problem, one line each, and lists them in context', () => {
    try {
      parse({ mcpServers: [], servers: 'x' });
      expect.unreachable();
    } catch (error) {
      expect((error as McpHostError).message.split('\n')).toEqual([
        'mcp.config.json: mcpServers: expected an object of servers by name, got an array',
        'mcp.config.json: servers: expected an object of servers by name, got string "x"',
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
    fs.writeFileSync(path.join(dir, 'mcp.config.json'), '{"mcpServers": {"w": {"command": 3}');
    expect(thrown(() => loadConfig({ env: {}, cwd: dir }))).toMatchObject({
      message: 'mcp.config.json:1:36: invalid JSON: expected "," or "}" after the value of "w", got end of file',
    });
  });

  it('ignores a relative XDG_CONFIG_HOME, as the XDG spec says', () => {
    expect(userConfigDir({ XDG_CONFIG_HOME: 'relative', HOME: '/home/ada' }, 'linux')).toBe(
      '/home/ada/.config/mcp-host',
    );
    expect(userConfigDir({ APPDATA: 'C:\\Users\\ada\\AppData\\Roaming' }, 'win32')).toMatch(/mcp-host$/);
  });
});

describe('parseConfig: files written by other hosts', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-hosts-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  /** Writes a file under `root`, returning its path. */
  const write = (file: string, text: string): string => {
    const full = path.join(root, file);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, text);
    return full;
  };

  it("reads Cline's cline_mcp_settings.json: timeout in seconds, transportType, autoApprove, streamableHttp", () => {
    const loaded = parse({
      mcpServers: {
        github: {
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-github'],
          env: { GITHUB_PERSONAL_ACCESS_TOKEN: '${TOKEN}' },
          disabled: false,
          autoApprove: ['list_issues'],
          timeout: 60,
          transportType: 'stdio',
        },
        // Over an hour: the seconds/milliseconds mix-up (Cline clamps it to an hour), read as milliseconds.
        slow: { command: 'node', timeout: 90_000 },
        legacy: { url: 'https://example.com/sse', transportType: 'sse', timeout: 30, autoApprove: [] },
        stream: { url: 'https://example.com/mcp', type: 'streamableHttp', disabled: true },
      },
    });
    expect(loaded.servers.map((server) => [server.name, server.kind])).toEqual([
      ['github', 'stdio'],
      ['slow', 'stdio'],
      ['legacy', 'http'],
      ['stream', 'http'],
    ]);
    expect((loaded.servers[0] as StdioServerConfig).timeoutMs).toBe(60_000);
    expect((loaded.servers[1] as StdioServerConfig).timeoutMs).toBe(90_000);
    expect(loaded.servers[2]).toMatchObject({ transport: 'sse' });
    expect(loaded.servers[3]).toMatchObject({ transport: 'http', disabled: true });
    expect(loaded.notes).toEqual([
      {
        message:
          'mcp.config.json: mcpServers.github.autoApprove (Cline): ignored: mcp-host asks for no approval of tool calls (tools.allow and tools.deny limit them)',
        isWarning: false,
      },
      {
        message:
          'mcp.config.json: mcpServers.github.timeout (Cline, Roo Code): the request timeout, in seconds (a value over 3600 in milliseconds: the usual mix-up)',
        isWarning: false,
      },
      {
        message: 'mcp.config.json: mcpServers.github.transportType (Cline): read as type',
        isWarning: false,
      },
      {
        message:
          'mcp.config.json: mcpServers.slow.timeout (Cline, Roo Code): the request timeout, in seconds (a value over 3600 in milliseconds: the usual mix-up)',
        isWarning: false,
      },
    ]);
  });

  it("reads VS Code's .vscode/mcp.json: ${workspaceFolder}, ${userHome}, envFile, inputs, number and null env values", () => {
    write('vscode/.env', '# for the servers\nAPI_TOKEN="tok-from-file"\nDATA_DIR=/srv/data # where\n');
    const file = write(
      'vscode/.vscode/mcp.json',
      `{
        // VS Code writes JSONC
        "inputs": [
          { "type": "promptString", "id": "pplx", "description": "Perplexity API key", "password": true },
        ],
        "servers": {
          "files": {
            "type": "stdio",
            "command": "npx",
            "args": ["-y", "@modelcontextprotocol/server-filesystem", "\${workspaceFolder}", "\${userHome}\${/}notes"],
            "envFile": "\${workspaceFolder}/.env",
            "env": { "PORT": 8080, "LANG": null },
            "dev": { "watch": "src/**/*.ts" },
          },
          "ask": { "command": "npx", "env": { "PERPLEXITY": "\${input:pplx}" } },
        },
      }`,
    );
    const workspace = path.join(root, 'vscode');
    const loaded = parseConfig(fs.readFileSync(file, 'utf8'), file, {
      HOME: '/home/ada',
      MCP_HOST_INPUT_PPLX: 'pplx-123',
    });
    const [files, ask] = loaded.servers as [StdioServerConfig, StdioServerConfig];
    expect(files).toMatchObject({
      args: ['-y', '@modelcontextprotocol/server-filesystem', workspace, `/home/ada${path.sep}notes`],
      env: { API_TOKEN: 'tok-from-file', DATA_DIR: '/srv/data', PORT: '8080' },
      unsetEnv: ['LANG'],
      // The workspace folder (the one holding .vscode) is the default working directory, as in VS Code.
      cwd: workspace,
    });
    // The paths are not secrets; the token from the env file is, by its name.
    expect(files.secretValues).toEqual(['tok-from-file']);
    expect(ask.env).toEqual({ PERPLEXITY: 'pplx-123' });
    // A password input is a secret whatever its id looks like.
    expect(ask.secretValues).toEqual(['pplx-123']);
    expect(loaded.notes.map((note) => note.message)).toEqual([
      `${file}: servers.files.dev (VS Code): ignored: development mode (watch, debug) is an editor feature`,
    ]);
  });

  it('makes an unset input and an unreadable env file a problem of that server, naming the field', () => {
    const server = stdio(
      { servers: { s: { command: 'x', envFile: 'missing.env', env: { K: '${input:api-key}' } } } },
      's',
    );
    expect(server.unresolved).toEqual([
      'servers.s.envFile: cannot read /projects/demo/missing.env: not found',
      'servers.s.env.K: ${input:api-key} is not set: VS Code asks for this input, mcp-host reads it from $MCP_HOST_INPUT_API_KEY',
    ]);
  });

  it("reads mcporter's config: a command list, lifecycle, baseUrl", () => {
    const loaded = parse({
      mcpServers: {
        chrome: { command: ['npx', '-y', 'chrome-devtools-mcp@latest'], lifecycle: 'keep-alive' },
        linear: {
          description: 'Linear issues',
          baseUrl: 'https://mcp.linear.app/mcp',
          headers: { Authorization: 'Bearer ${API_KEY}' },
        },
      },
    });
    expect(loaded.servers[0]).toMatchObject({
      kind: 'stdio',
      command: 'npx',
      args: ['-y', 'chrome-devtools-mcp@latest'],
    });
    expect(loaded.servers[1]).toMatchObject({ kind: 'http', url: 'https://mcp.linear.app/mcp' });
    expect(loaded.notes.map((note) => note.message)).toEqual([
      'mcp.config.json: mcpServers.chrome.lifecycle (mcporter): ignored: servers are started for each command, or kept running by the mcp-host daemon (mcp-host daemon start)',
    ]);
  });

  it("reads Windsurf's mcp_config.json: serverUrl, and disabledTools denied", () => {
    const loaded = parse({
      mcpServers: {
        db: { command: 'node', args: ['db.js'], disabledTools: ['drop_table'], tools: { deny: ['*_admin'] } },
        remote: { serverUrl: 'https://example.com/mcp' },
      },
    });
    expect(loaded.servers[0]).toMatchObject({ tools: { deny: ['*_admin', 'drop_table'] } });
    expect(loaded.servers[1]).toMatchObject({ kind: 'http', url: 'https://example.com/mcp' });
  });

  it("reads Gemini CLI's includeTools and excludeTools as the tool policy", () => {
    expect(
      stdio({ mcpServers: { g: { command: 'x', includeTools: ['a', 'b'], excludeTools: ['b'] } } }, 'g').tools,
    ).toEqual({
      allow: ['a', 'b'],
      deny: ['b'],
    });
  });

  it('ignores a field no host is known to write, with a warning, and warns of a sandbox it cannot give', () => {
    const loaded = parse({ mcpServers: { w: { command: 'node', toolsPolicy: 'strict', sandboxEnabled: true } } });
    expect(loaded.servers[0]).toMatchObject({ kind: 'stdio' });
    expect(loaded.notes).toEqual([
      { message: 'mcp.config.json: mcpServers.w.toolsPolicy: unknown field "toolsPolicy", ignored', isWarning: true },
      {
        message:
          'mcp.config.json: mcpServers.w.sandboxEnabled (VS Code): ignored: mcp-host has no sandbox: the server runs unconfined',
        isWarning: true,
      },
    ]);
  });

  it('prefers a command to a url when the entry has both and no type, as Cline does', () => {
    expect(parse({ mcpServers: { both: { command: 'node', url: 'https://x/mcp' } } }).servers[0]).toMatchObject({
      kind: 'stdio',
    });
  });
});

describe('parseConfig: which values are secrets', () => {
  const environment = {
    HOME: '/home/ada',
    PROJECT_DIR: '/work/project',
    GH: 'ghp_abcdef',
    LOGS: '/var/log/app',
    DB_URL: 'postgres://db/app',
    OPENAI_API_KEY: 'sk-openai-1',
    MAX_TOKENS: '4096',
  };
  const secretsOf = (entry: object, top: object = {}): string[] =>
    stdio({ ...top, mcpServers: { s: { command: 'node', ...entry } } }, 's', environment).secretValues.sort();

  it('does not hide paths and other plain values taken from the environment', () => {
    const server = stdio(
      {
        mcpServers: {
          files: {
            command: '${HOME}/bin/node',
            args: ['${PROJECT_DIR}/node_modules/server/index.js', '${HOME}/files', '--max-tokens', '${MAX_TOKENS}'],
            env: { LOG_DIR: '${LOGS}' },
          },
        },
      },
      'files',
      environment,
    );
    expect(server.args).toEqual([
      '/work/project/node_modules/server/index.js',
      '/home/ada/files',
      '--max-tokens',
      '4096',
    ]);
    expect(server.secretValues).toEqual([]);
  });

  it('hides the values of variables whose names look secret, and of env keys that do', () => {
    expect(secretsOf({ args: ['--model', 'gpt', '${OPENAI_API_KEY}'] })).toEqual(['sk-openai-1']);
    expect(secretsOf({ env: { GITHUB_PERSONAL_ACCESS_TOKEN: '${GH}' } })).toEqual(['ghp_abcdef']);
    // Written in the config: secret by the key's name too.
    expect(secretsOf({ env: { API_KEY: 'sk-written-123', MODE: 'production' } })).toEqual(['sk-written-123']);
    // A written default of a secret variable is its value.
    expect(secretsOf({ env: { X: '${UNSET_API_KEY:-sk-dev-default}' } })).toEqual(['sk-dev-default']);
  });

  it('lets the entry or the whole config mark names secret or public, globs allowed', () => {
    expect(secretsOf({ env: { DATABASE: '${DB_URL}' }, secrets: ['DB_URL'] })).toEqual(['postgres://db/app']);
    expect(secretsOf({ env: { DATABASE: '${DB_URL}' } }, { secrets: ['db_*'] })).toEqual(['postgres://db/app']);
    expect(secretsOf({ env: { PRIMARY_KEY: 'customer_id' }, public: ['PRIMARY_KEY'] })).toEqual([]);
    expect(secretsOf({ env: { PRIMARY_KEY: 'customer_id' } }, { public: ['*_KEY'] })).toEqual([]);
    // Secret wins: a value is hidden when any of its names is secret.
    expect(secretsOf({ env: { GITHUB_TOKEN: '${GH}' }, public: ['GH'] })).toEqual(['ghp_abcdef']);
  });

  it('hides header values but standard ones, the credentials of Authorization, and apiKey-like fields', () => {
    const loaded = parse(
      {
        mcpServers: {
          remote: {
            url: 'https://example.com/mcp',
            headers: { Authorization: 'Bearer ${GH}', 'X-Tenant': 'acme-corp', Accept: 'application/json' },
            apiKey: 'sk-field-1',
            auth: { CLIENT_ID: 'client-1', CLIENT_SECRET: 'shh-secret-1' },
          },
          local: { command: 'node', headers: { 'X-Api-Key': 'key-on-stdio-1' }, bearerToken: 'tok-field-2' },
        },
      },
      environment,
    );
    expect(loaded.servers[0]!.secretValues.sort()).toEqual([
      'Bearer ghp_abcdef',
      'acme-corp',
      'ghp_abcdef',
      'shh-secret-1',
      'sk-field-1',
    ]);
    expect(loaded.servers[1]!.secretValues.sort()).toEqual(['key-on-stdio-1', 'tok-field-2']);
  });

  it('hides the password of a URL, secret query parameters and the values of secret flags', () => {
    expect(secretsOf({ args: ['postgres://app:hunter%2122@db:5432/x'] })).toEqual(['hunter!22', 'hunter%2122']);
    expect(secretsOf({ args: ['https://api.example.com/v1?api_key=abc123&limit=10'] })).toEqual(['abc123']);
    expect(secretsOf({ args: ['--api-key', 'sk-flag-1', '--token=tok-flag-2', '--key-file', '/etc/key.pem'] })).toEqual(
      ['sk-flag-1', 'tok-flag-2'],
    );
  });

  it('hides secret variables of the env file and, with passEnv, of the caller’s environment', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-envfile-'));
    try {
      fs.writeFileSync(path.join(dir, '.env'), 'SLACK_BOT_TOKEN=xoxb-1\nCHANNEL=general\n');
      const text = JSON.stringify({ mcpServers: { s: { command: 'node', envFile: '.env', passEnv: true } } });
      const [server] = parseConfig(text, path.join(dir, 'mcp.config.json'), environment).servers as [StdioServerConfig];
      expect(server.env).toEqual({ SLACK_BOT_TOKEN: 'xoxb-1', CHANNEL: 'general' });
      expect(server.secretValues.sort()).toEqual(['sk-openai-1', 'xoxb-1']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('parseConfig: passEnv', () => {
  it('is off by default, on for an entry that says so or for every entry with the option', () => {
    const config = {
      mcpServers: { a: { command: 'x' }, b: { command: 'x', passEnv: true }, c: { command: 'x', passEnv: false } },
    };
    const text = JSON.stringify(config);
    const passing = (options: { passEnv?: boolean }) =>
      parseConfig(text, CONFIG_FILE, env, options).servers.map(
        (server) => (server as StdioServerConfig).passEnv ?? false,
      );
    expect(passing({})).toEqual([false, true, false]);
    // --pass-env: every server but one whose entry refuses it.
    expect(passing({ passEnv: true })).toEqual([true, true, false]);
  });
});
