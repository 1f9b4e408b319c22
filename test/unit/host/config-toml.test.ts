/**
 * Codex's `config.toml` as a config (`--config ~/.codex/config.toml`): its `[mcp_servers.NAME]` tables are the
 * entries, with Codex's own fields read as mcp-host's, through the same validation as every JSON format. Also the
 * fields of other hosts that came with it (Gemini CLI's `httpUrl`), and that the TOML parser is loaded only for TOML.
 */
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/host/config.js';
import type { HttpServerConfig, StdioServerConfig } from '../../../src/host/config.js';
import { McpHostError } from '../../../src/protocol/errors.js';

const CODEX_FILE = '/home/ada/.codex/config.toml';
const env = { HOME: '/home/ada', FIGMA_OAUTH_TOKEN: 'figma-secret-1', HTTPS_PROXY: 'http://proxy:3128' };

function parseToml(text: string, file = CODEX_FILE) {
  return parseConfig(text, file, env, { displayPath: 'config.toml' });
}

function server<K extends 'stdio' | 'http'>(text: string, name: string, kind: K) {
  const found = parseToml(text).servers.find((entry) => entry.name === name);
  if (found?.kind !== kind) throw new Error(`no ${kind} server ${name}: ${JSON.stringify(found)}`);
  return found as K extends 'stdio' ? StdioServerConfig : HttpServerConfig;
}

function failure(text: string): string {
  try {
    parseToml(text);
  } catch (error) {
    expect(error).toBeInstanceOf(McpHostError);
    expect((error as McpHostError).code).toBe('CONFIG_INVALID');
    return (error as McpHostError).message;
  }
  throw new Error('expected the config to be refused');
}

const isTomlParserLoaded = (): boolean =>
  Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes('smol-toml'));

describe('Codex config.toml', () => {
  // First in the file: nothing before it has read TOML in this process.
  it('loads no TOML parser for a JSON config, and one for a TOML config', () => {
    parseConfig('{ "mcpServers": { "a": { "command": "x" } } }', '/p/mcp.config.json', env);
    expect(isTomlParserLoaded()).toBe(false);
    parseToml('[mcp_servers.a]\ncommand = "x"\n');
    expect(isTomlParserLoaded()).toBe(true);
  });

  it('reads [mcp_servers.NAME] tables, with their env tables, beside Codex’s other settings', () => {
    const echo = server(
      [
        'model = "o4-mini"',
        'approval_policy = "on-request"',
        '',
        '# the docs server',
        '[mcp_servers.docs]',
        'command = "npx"',
        'args = ["-y", "mcp-server"]',
        '',
        '[mcp_servers.docs.env]',
        'LOG_LEVEL = "info"',
        '',
        '[profiles.fast]',
        'model = "gpt-5-mini"',
      ].join('\n'),
      'docs',
      'stdio',
    );
    expect(echo).toMatchObject({ command: 'npx', args: ['-y', 'mcp-server'], env: { LOG_LEVEL: 'info' } });
  });

  it('runs the servers of ~/.codex/config.toml in the home directory, as for .vscode/ and .cursor/', () => {
    expect(server('[mcp_servers.a]\ncommand = "x"\n', 'a', 'stdio').cwd).toBe('/home/ada');
    expect(server('[mcp_servers.a]\ncommand = "x"\ncwd = "srv"\n', 'a', 'stdio').cwd).toBe('/home/ada/srv');
  });

  it('reads Codex’s fields as mcp-host’s: enabled, timeouts in seconds, tool lists, env_vars', () => {
    const text = [
      '[mcp_servers.tools]',
      'command = "tools-server"',
      'env_vars = ["HTTPS_PROXY", "NOT_SET_ANYWHERE"]',
      'startup_timeout_sec = 20',
      'tool_timeout_sec = 0.5',
      'enabled_tools = ["open", "screenshot"]',
      'disabled_tools = ["open"]',
      '',
      '[mcp_servers.off]',
      'command = "nothing"',
      'enabled = false',
    ].join('\n');
    const tools = server(text, 'tools', 'stdio');
    expect(tools).toMatchObject({
      env: { HTTPS_PROXY: 'http://proxy:3128' },
      startupTimeoutMs: 20_000,
      timeoutMs: 500,
      tools: { allow: ['open', 'screenshot'], deny: ['open'] },
      disabled: false,
    });
    expect(server(text, 'off', 'stdio').disabled).toBe(true);
    // Each field used is said so with --verbose.
    expect(parseToml(text).notes.map((note) => note.message)).toContain(
      'config.toml: mcp_servers.tools.env_vars (Codex): these variables are passed from your environment when set, as env NAME: ${NAME}',
    );
  });

  it('lets an explicit env win over env_vars, and mcp-host’s own fields win over Codex’s', () => {
    const tools = server(
      [
        '[mcp_servers.t]',
        'command = "t"',
        'env_vars = ["HTTPS_PROXY"]',
        'env = { HTTPS_PROXY = "http://other:1" }',
        'startup_timeout_sec = 20',
        'startupTimeoutMs = 5000',
        'disabled = false',
        'enabled = false',
      ].join('\n'),
      't',
      'stdio',
    );
    expect(tools).toMatchObject({ env: { HTTPS_PROXY: 'http://other:1' }, startupTimeoutMs: 5000, disabled: false });
  });

  it('keeps a remote entry, with its http_headers as secrets', () => {
    const figma = server(
      [
        '[mcp_servers.figma]',
        'url = "https://mcp.figma.com/mcp"',
        'bearer_token_env_var = "FIGMA_OAUTH_TOKEN"',
        'http_headers = { "X-Figma-Region" = "us-east-1", "X-Api-Key" = "k-123456" }',
      ].join('\n'),
      'figma',
      'http',
    );
    expect(figma).toMatchObject({ url: 'https://mcp.figma.com/mcp', transport: 'http', unsupported: true });
    expect(figma.secretValues).toEqual(expect.arrayContaining(['us-east-1', 'k-123456']));
  });

  it('refuses a wrong value of a Codex field, naming it', () => {
    const loaded = parseToml('[mcp_servers.t]\ncommand = "t"\nstartup_timeout_sec = -1\nenabled = "no"\n');
    expect(loaded.servers[0]).toMatchObject({
      kind: 'invalid',
      problems: [
        'mcp_servers.t.enabled: expected boolean (true or false), got string "no"',
        'mcp_servers.t.startup_timeout_sec: expected a number > 0, got number -1',
      ],
    });
  });

  it('reports TOML syntax errors with the line and column', () => {
    expect(failure('[mcp_servers.a]\ncommand = "x"\nargs = [1,\n')).toBe(
      'config.toml:4:1: invalid TOML: invalid value',
    );
    expect(failure('a = 1\na = 2\n')).toMatch(/^config\.toml:2:1: invalid TOML: /);
  });

  it('names the table a TOML config must have', () => {
    expect(failure('model = "o4-mini"\n')).toBe(
      'config.toml: expected "mcp_servers" tables ([mcp_servers.NAME], as Codex writes them) at the top level; found "model"',
    );
    // A JSON config's section in a TOML file is not one: TOML is Codex's format.
    expect(failure('[mcpServers.a]\ncommand = "x"\n')).toMatch(/expected "mcp_servers" tables/);
  });
});

describe('other hosts’ remote entries', () => {
  it('reads Gemini CLI’s httpUrl as a Streamable HTTP server', () => {
    const loaded = parseConfig(
      JSON.stringify({ mcpServers: { github: { httpUrl: 'https://api.githubcopilot.com/mcp/', timeout: 5000 } } }),
      '/home/ada/.gemini/settings.json',
      env,
    );
    expect(loaded.servers[0]).toMatchObject({
      kind: 'http',
      transport: 'http',
      url: 'https://api.githubcopilot.com/mcp/',
    });
  });
});
