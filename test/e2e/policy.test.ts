/**
 * The tools policy (`tools: { allow, deny }` in the config), end to end: a denied tool is hidden from `list tools`
 * and `discover`, and calling it exits 7 with a message naming the policy, before anything reaches the server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace, fixture, mcpHost, parseJson } from './mcp-host.js';

let workspace: Workspace;
let cwd: string;

beforeAll(() => {
  workspace = new Workspace();
  cwd = workspace.dir;
  const cacheable = { command: process.execPath, args: [fixture('cacheable')] };
  workspace.writeConfig({
    mcpServers: {
      guarded: { ...cacheable, tools: { deny: ['change_*'] } },
      narrow: { ...cacheable, tools: { allow: ['counter'] } },
      // A command that cannot start: a refusal that never starts it exits 7, not 3.
      unreachable: { command: '/nonexistent/mcp-server', tools: { deny: ['*'] } },
    },
  });
});

afterAll(() => workspace.remove());

async function toolNames(server: string): Promise<string[]> {
  const result = await mcpHost(['list', 'tools', server, '--names'], { cwd });
  expect(result.exitCode).toBe(0);
  return String(result.stdout).trim().split('\n');
}

describe('deny', () => {
  it('hides a denied tool from list tools, leaving the others', async () => {
    const names = await toolNames('guarded');
    expect(names).not.toContain('guarded.change_tools');
    expect(names).toEqual(expect.arrayContaining(['guarded.counter', 'guarded.counter_uncached', 'guarded.whoami']));
  });

  it('hides a denied tool from discover', async () => {
    const result = await mcpHost(['--json', 'discover', 'guarded'], { cwd });
    expect(result.exitCode).toBe(0);
    const [server] = parseJson(result.stdout).servers as { tools: { name: string }[] }[];
    const names = server!.tools.map((tool) => tool.name);
    expect(names).not.toContain('change_tools');
    expect(names).toContain('touch_note');
  });

  it('refuses a call to a denied tool with exit 7, naming the policy', async () => {
    const result = await mcpHost(['call', 'guarded.change_tools'], { cwd });
    expect(result.exitCode).toBe(7);
    expect(result.stderr).toContain(
      'error: Tool guarded.change_tools is denied by the tools policy of server guarded in the config',
    );
    expect(result.stdout).toBe('');
    const json = await mcpHost(['--json', 'call', 'guarded.change_tools'], { cwd });
    expect(json.exitCode).toBe(7);
    expect(parseJson(json.stdout)).toMatchObject({
      error: { code: 'DENIED', details: { server: 'guarded', tool: 'change_tools' } },
    });
  });

  it('refuses before anything reaches the server: one that cannot even start', async () => {
    const result = await mcpHost(['call', 'unreachable.anything'], { cwd });
    expect(result.exitCode).toBe(7);
    expect(result.stderr).toContain('denied by the tools policy of server unreachable');
  });

  it('refuses to bench a denied tool', async () => {
    const result = await mcpHost(['bench', 'guarded.change_tools', '--requests', '1'], { cwd });
    expect(result.exitCode).toBe(7);
    expect(result.stdout).toBe('');
  });
});

describe('allow', () => {
  it('lists only the allowed tools (globs match whole names: counter_uncached is not counter)', async () => {
    expect(await toolNames('narrow')).toEqual(['narrow.counter']);
  });

  it('calls an allowed tool and refuses the rest with exit 7', async () => {
    const allowed = await mcpHost(['--json', 'call', 'narrow.counter'], { cwd });
    expect(allowed.exitCode).toBe(0);
    expect(parseJson(allowed.stdout)).toMatchObject({ result: { structuredContent: { count: 1 } } });
    const refused = await mcpHost(['call', 'narrow.whoami'], { cwd });
    expect(refused.exitCode).toBe(7);
    expect(refused.stderr).toContain('Tool narrow.whoami is denied by the tools policy of server narrow');
  });
});
