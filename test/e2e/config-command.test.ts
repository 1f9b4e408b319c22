/**
 * `mcp-host config add|remove|list`, run as the real CLI on real files: the file keeps every byte outside the
 * entry, an entry the loader would refuse (or a name taken) is refused with nothing written, the written entry
 * works (a call through it), and every command has its `--json` document and documented exit code. Also Codex's
 * TOML as `--config`, and that its parser is never loaded for a JSON config.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace, fixture, mcpHost, parseJson } from './mcp-host.js';

let workspace: Workspace;

beforeAll(() => {
  workspace = new Workspace();
});

afterAll(() => workspace.remove());

let count = 0;
/** A directory of its own for a test, with `files` written into it. */
function directory(files: Record<string, string> = {}): string {
  const dir = path.join(workspace.dir, `case-${(count += 1)}`);
  fs.mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const read = (dir: string, name = 'mcp.config.json'): string => fs.readFileSync(path.join(dir, name), 'utf8');
const ECHO = ['--', process.execPath, fixture('echo')];

/** A config as people keep them: comments, trailing commas, a one-line entry, other settings. */
const COMMENTED = `{
  // Our servers. Keep this list short.
  "mcpServers": {
    "weather": { "command": "node", "args": ["dist/servers/weather/index.js"] }, // the bundled one
    /* read-only: see the database README */
    "database": {
      "command": "node",
      "args": ["dist/servers/database/index.js"],
      "env": { "DATABASE_READONLY": "true" }, // keep it so
    },
  },
  "theme": "dark", // another host's setting
}
`;

describe('config add', () => {
  it('creates ./mcp.config.json when there is no config, says so, and the entry works', async () => {
    const cwd = directory();
    const added = await mcpHost(['config', 'add', 'echo', '--description', 'Echoes', ...ECHO], { cwd });
    expect(added).toMatchObject({ exitCode: 0, stdout: 'added echo to mcp.config.json\n' });
    expect(added.stderr).toContain('created mcp.config.json');
    expect(JSON.parse(read(cwd))).toEqual({
      mcpServers: { echo: { command: process.execPath, args: [fixture('echo')], description: 'Echoes' } },
    });
    const called = await mcpHost(['call', 'echo.echo', 'text=written by config add'], { cwd });
    expect(called).toMatchObject({ exitCode: 0, stdout: 'written by config add\n' });
  });

  it('keeps every byte outside the new entry, and config remove gives the file back as it was', async () => {
    const cwd = directory({ 'mcp.config.json': COMMENTED });
    const added = await mcpHost(['config', 'add', 'echo', '--env', 'LOG_LEVEL=debug', ...ECHO], { cwd });
    expect(added.exitCode).toBe(0);
    const after = read(cwd);
    // The original, cut where the entry went in: before it, all of it; after it, the rest.
    const at = COMMENTED.indexOf('  },\n  "theme"');
    expect(after.startsWith(COMMENTED.slice(0, at))).toBe(true);
    expect(after.endsWith(COMMENTED.slice(at))).toBe(true);
    expect(after.slice(at, after.length - (COMMENTED.length - at))).toBe(
      [
        '    "echo": {',
        `      "command": ${JSON.stringify(process.execPath)},`,
        `      "args": [${JSON.stringify(fixture('echo'))}],`,
        '      "env": {',
        '        "LOG_LEVEL": "debug"',
        '      }',
        '    },',
        '',
      ].join('\n'),
    );
    const removed = await mcpHost(['config', 'remove', 'echo'], { cwd });
    expect(removed).toMatchObject({ exitCode: 0, stdout: 'removed echo from mcp.config.json\n' });
    expect(read(cwd)).toBe(COMMENTED);
  });

  it('writes into VS Code’s servers section, with its type', async () => {
    const vscode =
      '{\n\t"servers": {\n\t\t"memory": { "type": "stdio", "command": "npx", "args": ["-y", "memory"] }\n\t}\n}\n';
    const cwd = directory({ '.vscode/mcp.json': vscode });
    const added = await mcpHost(['--config', '.vscode/mcp.json', '--json', 'config', 'add', 'echo', ...ECHO], { cwd });
    expect(added.exitCode).toBe(0);
    expect(parseJson(added.stdout)).toMatchObject({
      config: path.join(cwd, '.vscode/mcp.json'),
      created: false,
      server: 'echo',
      section: 'servers',
      replaced: false,
      entry: { type: 'stdio', command: process.execPath, args: [fixture('echo')] },
      literalSecrets: [],
    });
    expect(read(cwd, '.vscode/mcp.json')).toBe(
      vscode.replace(
        '"args": ["-y", "memory"] }\n',
        `"args": ["-y", "memory"] },\n\t\t"echo": {\n\t\t\t"type": "stdio",\n\t\t\t"command": ${JSON.stringify(process.execPath)},\n\t\t\t"args": [${JSON.stringify(fixture('echo'))}]\n\t\t}\n`,
      ),
    );
  });

  it('refuses a name that is taken (exit 1, nothing written) unless --force', async () => {
    const cwd = directory({ 'mcp.config.json': COMMENTED });
    const refused = await mcpHost(['config', 'add', 'database', ...ECHO], { cwd });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(
      'error: mcp.config.json already has a server "database" (mcpServers, line 6); --force replaces it',
    );
    expect(read(cwd)).toBe(COMMENTED);
    const forced = await mcpHost(['config', 'add', 'weather', '--force', '--', 'node', 'weather.js'], { cwd });
    expect(forced).toMatchObject({ exitCode: 0, stdout: 'replaced weather in mcp.config.json\n' });
    // The value alone changed, on one line as it was: its comment and its neighbours stay.
    expect(read(cwd)).toBe(
      COMMENTED.replace(
        '{ "command": "node", "args": ["dist/servers/weather/index.js"] }',
        '{ "command": "node", "args": ["weather.js"] }',
      ),
    );
  });

  it('refuses an entry the loader would refuse, naming the field, with nothing written', async () => {
    const cwd = directory({ 'mcp.config.json': COMMENTED });
    const empty = await mcpHost(['--json', 'config', 'add', 'w', '--cwd', '', ...ECHO], { cwd });
    expect(empty.exitCode).toBe(1);
    expect(parseJson(empty.stdout)).toMatchObject({
      error: { code: 'USAGE', details: { problems: ['mcpServers.w.cwd: expected a non-empty string'] } },
    });
    const dotted = await mcpHost(['config', 'add', 'my.server', ...ECHO], { cwd });
    expect(dotted.exitCode).toBe(1);
    expect(dotted.stderr).toContain('mcpServers["my.server"]: server name "my.server" cannot contain "."');
    expect(read(cwd)).toBe(COMMENTED);
  });

  it('refuses options after the command without --, which would have gone to mcp-host', async () => {
    const cwd = directory();
    const result = await mcpHost(['config', 'add', 'fs', 'npx', '-y', '@modelcontextprotocol/server-filesystem'], {
      cwd,
    });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("-y after the server's command is ambiguous: put -- before the command");
    expect(fs.existsSync(path.join(cwd, 'mcp.config.json'))).toBe(false);
    // With --, every word after it is the server's.
    const separated = await mcpHost(['config', 'add', 'fs', '--', 'npx', '-y', 'server', '--json'], { cwd });
    expect(separated.exitCode).toBe(0);
    expect(JSON.parse(read(cwd))).toEqual({ mcpServers: { fs: { command: 'npx', args: ['-y', 'server', '--json'] } } });
  });

  it('writes --env NAME as ${NAME}, and warns of a secret given as it is, hiding it in output', async () => {
    const cwd = directory();
    const result = await mcpHost(
      ['--json', 'config', 'add', 'gh', '--env', 'GITHUB_TOKEN', '--env', 'API_KEY=sk-live-0123456789', ...ECHO],
      { cwd },
    );
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(read(cwd)).mcpServers.gh.env).toEqual({
      GITHUB_TOKEN: '${GITHUB_TOKEN}',
      API_KEY: 'sk-live-0123456789',
    });
    const document = parseJson(result.stdout);
    expect(document).toMatchObject({ entry: { env: { API_KEY: '***' } }, literalSecrets: ['env.API_KEY'] });
    expect(String(result.stdout)).not.toContain('sk-live-0123456789');
    const human = await mcpHost(['config', 'add', 'gh2', '--env', 'API_KEY=sk-live-0123456789', ...ECHO], { cwd });
    expect(human.stderr).toContain(
      'warning: mcpServers.gh2.env.API_KEY holds a secret as it is, for anyone who can read mcp.config.json: keep it in your environment and write --env API_KEY (the entry then reads "${API_KEY}")',
    );
    expect(String(human.stderr)).not.toContain('sk-live-0123456789');
  });

  it('adds a remote server in the standard shape: listed, not yet connectable', async () => {
    const cwd = directory();
    const added = await mcpHost(
      ['config', 'add', 'docs', '--url', 'https://example.com/mcp', '--header', 'Authorization: Bearer ${DOCS_TOKEN}'],
      { cwd },
    );
    expect(added.exitCode).toBe(0);
    expect(added.stderr).toContain('not yet connectable');
    expect(JSON.parse(read(cwd))).toEqual({
      mcpServers: {
        docs: { type: 'http', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer ${DOCS_TOKEN}' } },
      },
    });
    const listed = await mcpHost(['--json', 'list', 'servers'], { cwd });
    expect(parseJson(listed.stdout).servers).toEqual([
      { name: 'docs', kind: 'http', disabled: false, url: 'https://example.com/mcp', transport: 'http' },
    ]);
  });

  it('refuses options of another action, and a config add without a command (exit 1)', async () => {
    const cwd = directory();
    expect((await mcpHost(['config', 'add', 'x', '--all'], { cwd })).stderr).toContain(
      "option '--all' applies to config import, not config add",
    );
    const bare = await mcpHost(['config', 'add', 'x'], { cwd });
    expect(bare.exitCode).toBe(1);
    expect(bare.stderr).toContain(
      "config add x needs the server's command (config add x -- COMMAND ARGS...) or --url URL",
    );
    expect((await mcpHost(['config', 'add', 'x', '--url', 'https://a', ...ECHO], { cwd })).exitCode).toBe(1);
  });
});

describe('config remove and config list', () => {
  it('removes several servers, and refuses one that is not there (exit 6) with a suggestion', async () => {
    const cwd = directory({ 'mcp.config.json': COMMENTED });
    const missing = await mcpHost(['config', 'remove', 'weather', 'databse'], { cwd });
    expect(missing.exitCode).toBe(6);
    expect(missing.stderr).toContain('No server named "databse" in mcp.config.json; did you mean "database"?');
    expect(read(cwd)).toBe(COMMENTED);
    const removed = await mcpHost(['--json', 'config', 'remove', 'weather', 'database'], { cwd });
    expect(parseJson(removed.stdout)).toEqual({
      config: path.join(cwd, 'mcp.config.json'),
      removed: ['weather', 'database'],
    });
    expect(read(cwd)).toBe(
      '{\n  // Our servers. Keep this list short.\n  "mcpServers": {\n    /* read-only: see the database README */\n  },\n  "theme": "dark", // another host\'s setting\n}\n',
    );
  });

  it('needs a config to remove from, as every command but add (exit 2)', async () => {
    const result = await mcpHost(['config', 'remove', 'x'], { cwd: directory() });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('No config file found');
  });

  it('lists the file and where each entry is written, with its state', async () => {
    const cwd = directory({
      'mcp.config.json': COMMENTED.replace('"theme"', '"servers": { "broken": { "command": 5 } },\n  "theme"'),
    });
    const human = await mcpHost(['config', 'list'], { cwd });
    expect(human.exitCode).toBe(0);
    expect(String(human.stdout).split('\n')).toEqual([
      'mcp.config.json',
      '  weather   stdio    mcpServers:4',
      '  database  stdio    mcpServers:6',
      '  broken    invalid  servers:12    servers.broken.command: expected a string (the program to start) or a list of strings (the program and its arguments), got number 5',
      '',
    ]);
    const json = await mcpHost(['--json', 'config', 'list'], { cwd });
    expect(parseJson(json.stdout)).toEqual({
      config: path.join(cwd, 'mcp.config.json'),
      format: 'json',
      servers: [
        { name: 'weather', kind: 'stdio', status: 'ok', section: 'mcpServers', line: 4 },
        { name: 'database', kind: 'stdio', status: 'ok', section: 'mcpServers', line: 6 },
        {
          name: 'broken',
          kind: 'invalid',
          status: 'invalid',
          section: 'servers',
          line: 12,
          problems: [expect.stringContaining('servers.broken.command: expected a string')],
        },
      ],
    });
  });
});

describe('Codex’s config.toml as --config', () => {
  const toml = (): string =>
    [
      'model = "gpt-5-codex"',
      '',
      '[mcp_servers.echo]',
      `command = ${JSON.stringify(process.execPath)}`,
      `args = [${JSON.stringify(fixture('echo'))}]`,
      'tool_timeout_sec = 30',
      '',
      '[mcp_servers.echo.env]',
      'ECHO_NOTE = "from codex"',
      '',
      '[mcp_servers.figma]',
      'url = "https://mcp.figma.com/mcp"',
      'bearer_token_env_var = "FIGMA_OAUTH_TOKEN"',
    ].join('\n');

  it('lists its servers and calls a tool through it', async () => {
    const cwd = directory({ '.codex/config.toml': toml() });
    const listed = await mcpHost(['--config', '.codex/config.toml', '--json', 'list', 'servers'], { cwd });
    expect(listed.exitCode).toBe(0);
    expect(parseJson(listed.stdout).servers).toEqual([
      expect.objectContaining({ name: 'echo', kind: 'stdio', env: ['ECHO_NOTE'], timeoutMs: 30_000, cwd }),
      expect.objectContaining({ name: 'figma', kind: 'http', url: 'https://mcp.figma.com/mcp' }),
    ]);
    const called = await mcpHost(['--config', '.codex/config.toml', 'call', 'echo.echo', 'text=from TOML'], { cwd });
    expect(called).toMatchObject({ exitCode: 0, stdout: 'from TOML\n' });
    const configList = await mcpHost(['--config', '.codex/config.toml', '--json', 'config', 'list'], { cwd });
    expect(parseJson(configList.stdout)).toMatchObject({
      format: 'toml',
      servers: [
        { name: 'echo', section: 'mcp_servers', status: 'ok' },
        { name: 'figma', section: 'mcp_servers', kind: 'http' },
      ],
    });
  });

  it('reports a TOML error with its line (exit 2), and is never written to', async () => {
    const cwd = directory({ 'config.toml': `${toml()}\nargs = [\n`, 'ok.toml': toml() });
    const broken = await mcpHost(['--config', 'config.toml', 'list', 'servers'], { cwd });
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toMatch(/error: config\.toml:\d+:\d+: invalid TOML: /);
    const add = await mcpHost(['--config', 'ok.toml', 'config', 'add', 'x', ...ECHO], { cwd });
    expect(add.exitCode).toBe(2);
    expect(add.stderr).toContain("ok.toml is TOML (Codex's config): mcp-host reads it but writes only JSON configs");
    expect(read(cwd, 'ok.toml')).toBe(toml());
  });

  it('loads its parser for a TOML config only: never on the path of a JSON one', async () => {
    const cwd = directory({ 'config.toml': toml() });
    fs.writeFileSync(
      path.join(cwd, 'mcp.config.json'),
      JSON.stringify({ mcpServers: { echo: { command: process.execPath, args: [fixture('echo')] } } }),
    );
    // Preloaded into the CLI's process: at exit, says whether any module of smol-toml was loaded.
    const probe = path.join(cwd, 'probe.cjs');
    fs.writeFileSync(
      probe,
      "process.on('exit', () => process.stderr.write(`smol-toml loaded: ${Object.keys(require.cache).some((file) => file.includes('smol-toml'))}\\n`));\n",
    );
    const nodeArgs = ['--require', probe];
    for (const args of [
      ['list', 'servers'],
      ['call', 'echo.echo', 'text=a'],
      ['config', 'list'],
    ]) {
      const json = await mcpHost(args, { cwd, nodeArgs });
      expect(json.exitCode, args.join(' ')).toBe(0);
      expect(json.stderr, args.join(' ')).toContain('smol-toml loaded: false');
    }
    const codex = await mcpHost(['--config', 'config.toml', 'list', 'servers'], { cwd, nodeArgs });
    expect(codex.exitCode).toBe(0);
    expect(codex.stderr).toContain('smol-toml loaded: true');
  });
});
