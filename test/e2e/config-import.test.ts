/**
 * `mcp-host config import`, run as the real CLI against a temporary HOME holding each host's file where that host
 * keeps it (the fixtures of test/fixtures/configs/, written as each host writes them): it finds them all, lists what
 * they hold and how each server compares with ours, translates each entry into mcp-host's fields, and merges the
 * chosen ones into our config with the writer of `config add` (comments kept, conflicts refused unless --force or
 * renamed with --prefix).
 */
import fs from 'node:fs';
import path from 'node:path';
import { beforeEach, afterAll, describe, expect, it } from 'vitest';
import { parseJsonText } from '../../src/host/jsonc.js';
import { REPO_ROOT } from '../helpers/stdio-server.js';
import { Workspace, mcpHost, parseJson } from './mcp-host.js';

const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/configs');

const workspace = new Workspace();
afterAll(() => workspace.remove());

let count = 0;
let home: string;
let project: string;

/** Each fixture, copied to where its host keeps it, under `home` and in `project`. */
function placeFixtures(): void {
  const place = (fixture: string, to: string, edit: (text: string) => string = (text) => text): void => {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.writeFileSync(to, edit(fs.readFileSync(path.join(FIXTURES, fixture), 'utf8')));
  };
  place('claude_desktop_config.json', path.join(home, '.config/Claude/claude_desktop_config.json'));
  place('claude.json', path.join(home, '.claude.json'), (text) => text.replace('__PROJECT__', project));
  place('cursor.mcp.json', path.join(home, '.cursor/mcp.json'));
  place('windsurf.mcp_config.json', path.join(home, '.codeium/windsurf/mcp_config.json'));
  place('codex.config.toml', path.join(home, '.codex/config.toml'));
  place('gemini.settings.json', path.join(home, '.gemini/settings.json'));
  place('claude-code.mcp.json', path.join(project, '.mcp.json'));
  place('vscode.mcp.json', path.join(project, '.vscode/mcp.json'));
}

beforeEach(() => {
  const dir = path.join(workspace.dir, `case-${(count += 1)}`);
  home = path.join(dir, 'home');
  project = path.join(dir, 'project');
  fs.mkdirSync(project, { recursive: true });
  placeFixtures();
});

function run(args: string[], env: Record<string, string> = {}) {
  return mcpHost(args, { cwd: project, env: { HOME: home, ...env } });
}

const ours = (): string => path.join(project, 'mcp.config.json');

/** The servers of one host's file in `config import --json`, by name. */
function serversOf(document: Record<string, unknown>, host: string, scope = 'user') {
  const sources = document.sources as { host: string; scope: string; servers: { name: string }[] }[];
  const source = sources.find((candidate) => candidate.host === host && candidate.scope === scope);
  if (!source) throw new Error(`no ${host} (${scope}) in ${JSON.stringify(sources.map((s) => [s.host, s.scope]))}`);
  return Object.fromEntries(source.servers.map((server) => [server.name, server]));
}

describe('config import: what other hosts have', () => {
  it('finds every host’s file, user and project, and lists each server', async () => {
    const result = await run(['config', 'import']);
    expect(result.exitCode).toBe(0);
    const headings = String(result.stdout)
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('  '));
    expect(headings).toEqual([
      'Claude Desktop  ~/.config/Claude/claude_desktop_config.json',
      'Claude Code  ~/.claude.json',
      'Claude Code (local)  ~/.claude.json',
      'Cursor  ~/.cursor/mcp.json',
      'Windsurf  ~/.codeium/windsurf/mcp_config.json',
      'Codex  ~/.codex/config.toml',
      'Gemini CLI  ~/.gemini/settings.json',
      'Claude Code (project)  .mcp.json',
      'VS Code (project)  .vscode/mcp.json',
    ]);
    expect(result.stdout).toMatch(
      /^ {2}filesystem +stdio +npx -y @modelcontextprotocol\/server-filesystem \/home\/ada\/Documents$/m,
    );
    expect(result.stdout).toMatch(/^ {2}events +sse +http:\/\/localhost:8080\/sse$/m);
    // Claude Code's servers of another project are not this project's.
    expect(result.stdout).not.toContain('elsewhere');
    // "github" is in three files, each different: --all cannot choose.
    expect(result.stdout).toMatch(/^ {2}github .* another "github" is in Cursor, Gemini CLI: choose with --from$/m);
    expect(result.stderr).toContain('import with: mcp-host config import --all');
  });

  it('translates each host’s entries into mcp-host’s fields, secrets hidden', async () => {
    const document = parseJson((await run(['--json', 'config', 'import'])).stdout);
    expect(document.config).toBe(ours());
    expect(serversOf(document, 'Claude Desktop').github).toMatchObject({
      kind: 'stdio',
      status: 'new',
      // Written as it is in Claude Desktop's file: a secret all the same.
      entry: { command: 'npx', env: { GITHUB_PERSONAL_ACCESS_TOKEN: '***' } },
    });
    expect(serversOf(document, 'Claude Code').notion).toMatchObject({
      kind: 'http',
      entry: { type: 'http', url: 'https://mcp.notion.com/mcp' },
    });
    expect(serversOf(document, 'Claude Code', 'local').sentry).toMatchObject({
      entry: { command: 'npx', env: { SENTRY_ACCESS_TOKEN: '${SENTRY_ACCESS_TOKEN}' } },
    });
    expect(serversOf(document, 'Cursor').playwright).toMatchObject({
      // Relative to Cursor's folder (home): absolute once it is in another config.
      entry: { envFile: path.join(home, '.env.playwright') },
    });
    expect(serversOf(document, 'Windsurf')).toMatchObject({
      git: { entry: { command: 'uvx', args: ['mcp-server-git'], tools: { deny: ['git_reset'] } } },
      zapier: { kind: 'http', entry: { type: 'http', url: expect.stringContaining('actions.zapier.com') } },
    });
    expect(serversOf(document, 'Codex')).toMatchObject({
      context7: {
        entry: {
          env: { LOG_LEVEL: 'info', HTTPS_PROXY: '${HTTPS_PROXY}' },
          timeoutMs: 45_000,
          startupTimeoutMs: 20_000,
        },
      },
      figma: {
        entry: {
          type: 'http',
          url: 'https://mcp.figma.com/mcp',
          headers: { 'X-Figma-Region': '***', Authorization: 'Bearer ${FIGMA_OAUTH_TOKEN}' },
        },
      },
      chrome_devtools: { entry: { disabled: true, tools: { allow: ['open', 'screenshot'], deny: ['open'] } } },
    });
    expect(serversOf(document, 'Gemini CLI')).toMatchObject({
      pythonTools: {
        entry: {
          env: { DATABASE_URL: '${DB_CONNECTION_STRING}', API_KEY: '${EXTERNAL_API_KEY}' },
          cwd: path.join(home, 'mcp-servers/python'),
          timeoutMs: 15_000,
          tools: { deny: ['delete_everything'] },
        },
        dropped: ['trust'],
      },
      github: { kind: 'http', entry: { type: 'http', headers: { Authorization: 'Bearer ${GITHUB_PAT}' } } },
      events: { kind: 'sse', entry: { type: 'sse', url: 'http://localhost:8080/sse' } },
    });
    expect(serversOf(document, 'VS Code', 'project')).toMatchObject({
      Perplexity: { entry: { env: { PERPLEXITY_API_KEY: '${input:perplexity-key}' }, secrets: ['perplexity-key'] } },
      fetch: { entry: { cwd: '${workspaceFolder}' }, dropped: ['dev'] },
    });
    expect(serversOf(document, 'Claude Code', 'project')['api-server']).toMatchObject({ kind: 'sse' });
  });

  it('compares each server with ours: new, the same, or another of that name', async () => {
    fs.writeFileSync(
      ours(),
      JSON.stringify({
        mcpServers: {
          notion: { type: 'http', url: 'https://mcp.notion.com/mcp' },
          filesystem: { command: 'npx', args: ['-y', 'other'] },
        },
      }),
    );
    const document = parseJson((await run(['--json', 'config', 'import'])).stdout);
    expect(serversOf(document, 'Claude Code').notion).toMatchObject({ status: 'same' });
    expect(serversOf(document, 'Claude Desktop').filesystem).toMatchObject({ status: 'conflict' });
    expect(serversOf(document, 'Codex').figma).toMatchObject({ status: 'new' });
  });

  it('resolves every place against the given HOME, XDG_CONFIG_HOME, CODEX_HOME and CLAUDE_CONFIG_DIR', async () => {
    const elsewhere = path.join(home, 'elsewhere');
    fs.renameSync(path.join(home, '.config'), path.join(home, 'xdg'));
    fs.mkdirSync(elsewhere);
    fs.renameSync(path.join(home, '.codex'), path.join(elsewhere, 'codex'));
    fs.renameSync(path.join(home, '.claude.json'), path.join(elsewhere, '.claude.json'));
    const env = {
      XDG_CONFIG_HOME: path.join(home, 'xdg'),
      CODEX_HOME: path.join(elsewhere, 'codex'),
      CLAUDE_CONFIG_DIR: elsewhere,
    };
    const document = parseJson((await run(['--json', 'config', 'import'], env)).stdout);
    const files = (document.sources as { host: string; file: string }[]).map(({ host, file }) => [host, file]);
    expect(files).toEqual(
      expect.arrayContaining([
        ['Claude Desktop', path.join(home, 'xdg/Claude/claude_desktop_config.json')],
        ['Codex', path.join(elsewhere, 'codex/config.toml')],
        ['Claude Code', path.join(elsewhere, '.claude.json')],
      ]),
    );
  });

  it('says when it finds nothing, and where it looked', async () => {
    const empty = path.join(workspace.dir, `empty-${count}`);
    fs.mkdirSync(empty);
    const result = await mcpHost(['config', 'import'], { cwd: empty, env: { HOME: empty } });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'no other host’s config found\n' });
    expect(result.stderr).toContain('~/.codex/config.toml');
  });
});

describe('config import: merging', () => {
  const COMMENTED =
    '{\n  // mine\n  "mcpServers": {\n    "weather": { "command": "node", "args": ["weather.js"] } // bundled\n  }\n}\n';

  it('merges the chosen servers into our config, comments kept, and lists them as imported after', async () => {
    fs.writeFileSync(ours(), COMMENTED);
    const result = await run(['config', 'import', 'notion', 'sentry', 'chrome_devtools']);
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout).split('\n')).toEqual([
      'imported notion from Claude Code (~/.claude.json) into mcp.config.json',
      'imported sentry from Claude Code (~/.claude.json) into mcp.config.json',
      'imported chrome_devtools from Codex (~/.codex/config.toml) into mcp.config.json',
      '',
    ]);
    const text = fs.readFileSync(ours(), 'utf8');
    expect(
      text.startsWith(
        '{\n  // mine\n  "mcpServers": {\n    "weather": { "command": "node", "args": ["weather.js"] }, // bundled\n',
      ),
    ).toBe(true);
    expect(parseJsonText(text)).toEqual({
      mcpServers: {
        weather: { command: 'node', args: ['weather.js'] },
        notion: { type: 'http', url: 'https://mcp.notion.com/mcp' },
        sentry: {
          command: 'npx',
          args: ['-y', '@sentry/mcp-server@latest'],
          env: { SENTRY_ACCESS_TOKEN: '${SENTRY_ACCESS_TOKEN}' },
        },
        chrome_devtools: {
          command: 'npx',
          args: ['chrome-devtools-mcp@latest'],
          disabled: true,
          tools: { allow: ['open', 'screenshot'], deny: ['open'] },
        },
      },
    });
    // Once there, importing again changes nothing.
    const again = await run(['config', 'import', 'notion']);
    expect(again).toMatchObject({ exitCode: 0, stdout: '' });
    expect(again.stderr).toContain('notion is already in mcp.config.json as it is');
    expect(fs.readFileSync(ours(), 'utf8')).toBe(text);
  });

  it('imports --all of one host, creating our config if there is none', async () => {
    const result = await run(['--json', 'config', 'import', '--all', '--from', 'gemini']);
    expect(result.exitCode).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({
      config: ours(),
      created: true,
      imported: [
        { name: 'pythonTools', from: { host: 'Gemini CLI' }, replaced: false, dropped: ['trust'] },
        { name: 'github', from: { host: 'Gemini CLI' }, replaced: false, dropped: ['timeout'] },
        { name: 'events', from: { host: 'Gemini CLI' }, replaced: false },
      ],
      unchanged: [],
    });
    const listed = parseJson((await run(['--json', 'list', 'servers'])).stdout);
    expect((listed.servers as { name: string; kind: string }[]).map(({ name, kind }) => [name, kind])).toEqual([
      ['pythonTools', 'stdio'],
      ['github', 'http'],
      ['events', 'http'],
    ]);
  });

  it('refuses --all when one name means different servers in different files, naming --from (exit 1)', async () => {
    const result = await run(['config', 'import', '--all']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      [
        'error: nothing was imported: names are given to different servers in different files; choose with --from:',
        '  "github": --from claude-desktop (~/.config/Claude/claude_desktop_config.json), --from cursor (~/.cursor/mcp.json), --from gemini (~/.gemini/settings.json)',
        '  "context7": --from claude-code (~/.claude.json), --from codex (~/.codex/config.toml)',
      ].join('\n'),
    );
    expect(fs.existsSync(ours())).toBe(false);
  });

  it('refuses a server that is ours already unless --force, or renames with --prefix', async () => {
    fs.writeFileSync(ours(), '{\n  "mcpServers": {\n    "github": { "command": "mine" }\n  }\n}\n');
    const refused = await run(['config', 'import', 'github', '--from', 'cursor']);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain(
      'mcp.config.json already has a server "github" (mcpServers, line 3); --force replaces it',
    );
    const renamed = await run(['config', 'import', 'github', '--from', 'cursor', '--prefix', 'cursor-']);
    expect(renamed).toMatchObject({
      exitCode: 0,
      stdout: 'imported cursor-github from Cursor (~/.cursor/mcp.json) into mcp.config.json\n',
    });
    const forced = await run(['--json', 'config', 'import', 'github', '--from', 'claude-desktop', '--force']);
    expect(parseJson(forced.stdout)).toMatchObject({
      imported: [{ name: 'github', replaced: true }],
      literalSecrets: [{ server: 'github', field: 'env.GITHUB_PERSONAL_ACCESS_TOKEN' }],
    });
    expect(String(forced.stdout)).not.toContain('ghp_desktopLiteralToken123');
    const servers = JSON.parse(fs.readFileSync(ours(), 'utf8')).mcpServers as Record<string, { command: string }>;
    expect(Object.keys(servers)).toEqual(['github', 'cursor-github']);
    expect(servers.github!.command).toBe('npx');
  });

  it('warns that a secret came over as it was written', async () => {
    const result = await run(['config', 'import', 'github', '--from', 'claude-desktop']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain(
      'warning: mcpServers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN holds a secret as it is, for anyone who can read mcp.config.json',
    );
    expect(String(result.stderr)).not.toContain('ghp_desktopLiteralToken123');
  });

  it('imports from a file named with --from, in any format --config reads', async () => {
    const cline = path.join(home, 'cline_mcp_settings.json');
    fs.writeFileSync(
      cline,
      JSON.stringify({
        mcpServers: { tasks: { command: 'tasks-server', timeout: 30, autoApprove: ['list'], alwaysAllow: [] } },
      }),
    );
    const result = await run(['--json', 'config', 'import', 'tasks', '--from', cline]);
    expect(parseJson(result.stdout)).toMatchObject({
      imported: [{ name: 'tasks', from: { host: 'file', file: cline }, dropped: ['autoApprove', 'alwaysAllow'] }],
    });
    expect(JSON.parse(fs.readFileSync(ours(), 'utf8'))).toEqual({
      mcpServers: { tasks: { command: 'tasks-server', timeoutMs: 30_000 } },
    });
  });

  it('refuses an unknown host or name, and an entry mcp-host cannot use, with nothing written', async () => {
    const host = await run(['config', 'import', '--all', '--from', 'cursr']);
    expect(host.exitCode).toBe(1);
    expect(host.stderr).toContain(
      '--from cursr: not a host mcp-host knows (claude-desktop, claude-code, cursor, vscode, windsurf, codex, gemini) nor a file; did you mean "cursor"?',
    );
    const name = await run(['config', 'import', 'playwrite']);
    expect(name.exitCode).toBe(6);
    expect(name.stderr).toContain(
      'No server named "playwrite" in the other hosts’ configs; did you mean "playwright"?',
    );
    fs.writeFileSync(
      path.join(home, '.cursor/mcp.json'),
      JSON.stringify({ mcpServers: { broken: { command: 'x', args: 'not-a-list' } } }),
    );
    const listed = parseJson((await run(['--json', 'config', 'import', '--from', 'cursor'])).stdout);
    expect(serversOf(listed, 'Cursor').broken).toMatchObject({
      kind: 'invalid',
      status: 'invalid',
      problems: ['mcpServers.broken.args: expected array, got string "not-a-list"'],
    });
    const invalid = await run(['config', 'import', 'broken']);
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr).toContain('nothing was imported: mcp-host cannot use this entry');
    expect(fs.existsSync(ours())).toBe(false);
  });
});
