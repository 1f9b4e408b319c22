/**
 * Config files as users write them: Claude-style `mcpServers`, VS Code-style `servers` (JSONC), the lookup order,
 * `${VAR}` interpolation reaching the server, secrets kept out of error output, and config errors (exit 2).
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVERYTHING, Workspace, fixture, mcpHost, parseJson } from './mcp-host.js';

let workspace: Workspace;

beforeAll(() => {
  workspace = new Workspace();
});

afterAll(() => workspace.remove());

/** A directory of its own for each test's config, inside the workspace. */
function directory(name: string): string {
  const dir = path.join(workspace.dir, name);
  fs.mkdirSync(dir);
  return dir;
}

describe('config formats and lookup', () => {
  it('reads ./mcp.config.json with "mcpServers"', async () => {
    const cwd = directory('claude');
    fs.writeFileSync(
      path.join(cwd, 'mcp.config.json'),
      JSON.stringify({ mcpServers: { kitchen: { command: process.execPath, args: [fixture('kitchen-sink')] } } }),
    );
    const result = await mcpHost(['call', 'kitchen.add', 'a=1', 'b=1'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(String(result.stdout))).toEqual({ sum: 2 });
  });

  it('reads VS Code\'s "servers" with "type": "stdio", comments and trailing commas', async () => {
    const cwd = directory('vscode');
    const config = `{
  // VS Code writes JSONC
  "servers": {
    "echo": {
      "type": "stdio",
      "command": ${JSON.stringify(process.execPath)},
      "args": [${JSON.stringify(fixture('echo'))}],
    },
  },
}`;
    fs.writeFileSync(path.join(cwd, 'vscode.json'), config);
    const result = await mcpHost(['--config', 'vscode.json', 'call', 'echo.echo', 'text=123'], { cwd });
    expect(result.exitCode).toBe(0);
    // The schema says string: "123" is sent as the string "123", not the number.
    expect(result.stdout).toBe('123\n');
  });

  it('finds the config through $MCP_HOST_CONFIG', async () => {
    const cwd = directory('by-variable');
    const file = workspace.writeConfig(
      { mcpServers: { echo: { command: process.execPath, args: [fixture('echo')] } } },
      'elsewhere.json',
    );
    const result = await mcpHost(['list', 'servers', '--names'], { cwd, env: { MCP_HOST_CONFIG: file } });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'echo\n' });
  });
});

describe('interpolation', () => {
  it('passes ${VAR} and ${VAR:-default} from the environment to the server', async () => {
    const cwd = directory('interpolation');
    workspace.writeConfig(
      {
        mcpServers: {
          everything: {
            command: process.execPath,
            args: [EVERYTHING, 'stdio'],
            env: { E2E_TOKEN: '${E2E_TOKEN}', GREETING: '${GREETING:-hello}' },
          },
        },
      },
      'interpolation/mcp.config.json',
    );
    const result = await mcpHost(['--json', 'call', 'everything.get-env'], { cwd, env: { E2E_TOKEN: 'tok-98765' } });
    expect(result.exitCode).toBe(0);
    const { result: call } = parseJson(result.stdout) as { result: { content: { text: string }[] } };
    const serverEnv = JSON.parse(call.content[0]!.text) as Record<string, string>;
    // The token came from the environment, so it is a secret: it reached the server (it is what was replaced),
    // but the output shows it redacted. A written default is not a secret.
    expect(serverEnv).toMatchObject({ E2E_TOKEN: '***', GREETING: 'hello' });
    expect(result.stdout).not.toContain('tok-98765');
    // Only the allow-list and the config reach the server, never the rest of the host's environment.
    expect(serverEnv.MCP_HOST_CONFIG).toBeUndefined();
  });

  it('hands the real secret value to the server while every output shows it as ***', async () => {
    const cwd = directory('secret-value');
    const seen = path.join(cwd, 'seen.txt');
    workspace.writeConfig(
      {
        mcpServers: {
          // The server proves what it received by writing it to a file, then serves normally.
          echo: {
            command: 'sh',
            args: ['-c', `printf %s "$API_TOKEN" > '${seen}'; exec '${process.execPath}' '${fixture('echo')}'`],
            env: { API_TOKEN: '${E2E_API_TOKEN}' },
          },
        },
      },
      'secret-value/mcp.config.json',
    );
    const env = { E2E_API_TOKEN: 'sk-test-0123456789' };
    const human = await mcpHost(['call', 'echo.echo', 'text=key is sk-test-0123456789'], { cwd, env });
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toBe('key is ***\n');
    const json = await mcpHost(['--json', 'call', 'echo.echo', 'text=sk-test-0123456789'], { cwd, env });
    expect(json.stdout).not.toContain('sk-test-0123456789');
    expect(fs.readFileSync(seen, 'utf8')).toBe('sk-test-0123456789');
  });

  it('exits 2 naming the variable and where it is used when it is not set, and the other servers still work', async () => {
    const cwd = directory('unset');
    workspace.writeConfig(
      {
        mcpServers: {
          api: { command: 'node', env: { API_KEY: '${E2E_UNSET_KEY}' } },
          echo: { command: process.execPath, args: [fixture('echo')] },
        },
      },
      'unset/mcp.config.json',
    );
    const result = await mcpHost(['call', 'api.anything'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('mcp.config.json: mcpServers.api.env.API_KEY: ${E2E_UNSET_KEY} is not set');
    const other = await mcpHost(['call', 'echo.echo', 'text=fine'], { cwd });
    expect(other.exitCode).toBe(0);
    expect(other.stdout).toContain('fine');
  });

  it('keeps an interpolated secret out of error output', async () => {
    const cwd = directory('secret');
    workspace.writeConfig(
      {
        mcpServers: {
          leaky: {
            command: 'sh',
            args: ['-c', 'echo "using token $API_TOKEN" >&2; exit 1'],
            env: { API_TOKEN: '${E2E_SECRET}' },
          },
        },
      },
      'secret/mcp.config.json',
    );
    const human = await mcpHost(['ping'], { cwd, env: { E2E_SECRET: 'sk-live-abcdef123456' } });
    expect(human.exitCode).toBe(3);
    const json = await mcpHost(['--json', 'ping'], { cwd, env: { E2E_SECRET: 'sk-live-abcdef123456' } });
    const failure = JSON.stringify(parseJson(json.stdout));
    expect(failure).toContain('using token ***');
    expect(`${String(human.stdout)}${String(human.stderr)}${failure}`).not.toContain('sk-live-abcdef123456');
  });
});

describe('config errors', () => {
  it('reports invalid JSON with its line and column', async () => {
    const cwd = directory('syntax');
    fs.writeFileSync(path.join(cwd, 'mcp.config.json'), '{\n  "mcpServers": {\n    "a": { "command": "x" ]\n}');
    const result = await mcpHost(['discover'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/mcp\.config\.json:3:\d+: invalid JSON/);
  });

  it('reports an unknown field with the fields allowed', async () => {
    const cwd = directory('unknown-field');
    fs.writeFileSync(
      path.join(cwd, 'mcp.config.json'),
      JSON.stringify({ mcpServers: { a: { command: 'x', arg: [] } } }),
    );
    const result = await mcpHost(['--json', 'list', 'tools'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(parseJson(result.stdout)).toMatchObject({
      error: { code: 'CONFIG_INVALID', message: expect.stringContaining('mcpServers.a: unknown field "arg"') },
    });
  });
});
