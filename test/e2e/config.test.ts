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

  it('fails only the server of an invalid entry: exit 2 naming the field, while the others work', async () => {
    const cwd = directory('unknown-field');
    fs.writeFileSync(
      path.join(cwd, 'mcp.config.json'),
      JSON.stringify({
        mcpServers: { a: { command: 'x', arg: [] }, echo: { command: process.execPath, args: [fixture('echo')] } },
      }),
    );
    const used = await mcpHost(['--json', 'call', 'a.anything'], { cwd });
    expect(used.exitCode).toBe(2);
    expect(parseJson(used.stdout)).toMatchObject({
      error: {
        code: 'CONFIG_INVALID',
        message: expect.stringContaining('mcp.config.json: mcpServers.a: unknown field "arg"; did you mean "args"?'),
      },
    });
    const other = await mcpHost(['call', 'echo.echo', 'text=fine'], { cwd });
    expect(other).toMatchObject({ exitCode: 0, stdout: 'fine\n' });
    // Over every server: the invalid one is reported, the other is listed; a config error, not a server failure.
    const listed = await mcpHost(['list', 'tools'], { cwd });
    expect(listed.exitCode).toBe(2);
    expect(listed.stdout).toContain('echo.echo');
    expect(listed.stderr).toContain('✖ a: ');
  });

  it('still fails a file that is not JSON as a whole', async () => {
    const cwd = directory('not-json');
    fs.writeFileSync(path.join(cwd, 'mcp.config.json'), 'mcpServers: {}');
    const result = await mcpHost(['list', 'servers'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('mcp.config.json:1:1: invalid JSON');
  });
});

describe('configs of other hosts, and what reaches the server', () => {
  /** The environment the `everything` server sees, through its get-env tool. */
  async function serverEnv(cwd: string, args: string[], env: Record<string, string>): Promise<Record<string, string>> {
    const result = await mcpHost([...args, '--json', 'call', 'everything.get-env'], { cwd, env });
    expect(result.exitCode).toBe(0);
    const { result: call } = parseJson(result.stdout) as { result: { content: { text: string }[] } };
    return JSON.parse(call.content[0]!.text) as Record<string, string>;
  }

  it("runs VS Code's .vscode/mcp.json: ${workspaceFolder}, envFile, inputs, a number in env, dev ignored", async () => {
    const cwd = directory('vscode-workspace');
    fs.mkdirSync(path.join(cwd, '.vscode'));
    fs.writeFileSync(path.join(cwd, '.env'), 'E2E_FILE_TOKEN=tok-from-env-file-1\nE2E_FROM_FILE=plain-from-file\n');
    fs.writeFileSync(
      path.join(cwd, '.vscode', 'mcp.json'),
      `{
  "inputs": [{ "type": "promptString", "id": "e2e-key", "password": true }],
  "servers": {
    "everything": {
      "type": "stdio",
      "command": ${JSON.stringify(process.execPath)},
      "args": [${JSON.stringify(EVERYTHING)}, "stdio"],
      "envFile": "\${workspaceFolder}/.env",
      "env": { "E2E_ROOT": "\${workspaceFolder}", "E2E_PORT": 8080, "E2E_INPUT": "\${input:e2e-key}" },
      "dev": { "watch": "src/**" },
    },
  },
}`,
    );
    const seen = await serverEnv(cwd, ['--config', '.vscode/mcp.json'], { MCP_HOST_INPUT_E2E_KEY: 'input-value-1' });
    expect(seen).toMatchObject({
      // A path from the config is shown as it is: it is no secret.
      E2E_ROOT: cwd,
      E2E_PORT: '8080',
      E2E_FROM_FILE: 'plain-from-file',
      // Secret by its name, and a password input: both reached the server, both are hidden.
      E2E_FILE_TOKEN: '***',
      E2E_INPUT: '***',
    });
  });

  it('starts a server of another host’s entry early, resolved as the host resolves it (envFile, a command list)', async () => {
    const cwd = directory('early-foreign');
    fs.writeFileSync(path.join(cwd, 'echo.env'), 'E2E_ECHO_MODE=plain\n');
    workspace.writeConfig(
      { mcpServers: { echo: { command: [process.execPath, fixture('echo')], envFile: 'echo.env', timeout: 30 } } },
      'early-foreign/mcp.config.json',
    );
    // The first command notes the text as valid; the next starts the server early, and the host takes it over only
    // when it would have started exactly that process.
    expect(await mcpHost(['call', 'echo.echo', 'text=one'], { cwd })).toMatchObject({ exitCode: 0, stdout: 'one\n' });
    const second = await mcpHost(['--verbose', 'call', 'echo.echo', 'text=two'], { cwd });
    expect(second).toMatchObject({ exitCode: 0, stdout: 'two\n' });
    expect(second.stderr).toContain('using the process started early');
  });

  it('passes the whole environment with --pass-env, or a server’s passEnv, hiding what looks secret', async () => {
    const cwd = directory('pass-env');
    const everything = { command: process.execPath, args: [EVERYTHING, 'stdio'] };
    workspace.writeConfig({ mcpServers: { everything } }, 'pass-env/mcp.config.json');
    const env = { E2E_PLAIN: 'plain-value-1', E2E_SERVICE_PASSWORD: 'pw-passed-1' };
    const minimal = await serverEnv(cwd, [], env);
    expect(minimal.E2E_PLAIN).toBeUndefined();
    expect(minimal.E2E_SERVICE_PASSWORD).toBeUndefined();
    const passed = await serverEnv(cwd, ['--pass-env'], env);
    expect(passed).toMatchObject({ E2E_PLAIN: 'plain-value-1', E2E_SERVICE_PASSWORD: '***' });
    workspace.writeConfig({ mcpServers: { everything: { ...everything, passEnv: true } } }, 'pass-env/mcp.config.json');
    expect(await serverEnv(cwd, [], env)).toMatchObject({ E2E_PLAIN: 'plain-value-1', E2E_SERVICE_PASSWORD: '***' });
  });
});
