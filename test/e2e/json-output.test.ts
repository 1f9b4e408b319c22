/**
 * `--json`: stdout is exactly one JSON document of the documented shape (docs/cli.md), whatever happens; errors are
 * also one JSON line on stderr.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace, fixture, mcpHost, parseJson } from './mcp-host.js';

let workspace: Workspace;
let cwd: string;

beforeAll(() => {
  workspace = new Workspace();
  cwd = workspace.dir;
  workspace.writeConfig({
    mcpServers: {
      kitchen: { command: process.execPath, args: [fixture('kitchen-sink')] },
      echo: { command: process.execPath, args: [fixture('echo')] },
      crashy: { command: process.execPath, args: [fixture('crash-on-start')] },
      remote: { url: 'https://example.com/mcp' },
    },
  });
});

afterAll(() => workspace.remove());

/** The one JSON line on stderr. */
function stderrLine(stderr: unknown): Record<string, unknown> {
  const lines = String(stderr).trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe('--json shapes', () => {
  it('discover: one entry per server with status ok, failed or skipped; exit 3 when any failed', async () => {
    const result = await mcpHost(['--json', 'discover'], { cwd });
    expect(result.exitCode).toBe(3);
    const { servers } = parseJson(result.stdout) as { servers: Record<string, unknown>[] };
    expect(servers.map((server) => [server.name, server.status])).toEqual([
      ['kitchen', 'ok'],
      ['echo', 'ok'],
      ['crashy', 'failed'],
      ['remote', 'skipped'],
    ]);
    expect(servers[0]).toMatchObject({
      serverInfo: { name: 'kitchen-sink', version: '1.0.0' },
      protocolVersion: '2025-11-25',
      capabilities: { tools: {}, resources: {}, prompts: {} },
      tools: expect.arrayContaining([expect.objectContaining({ name: 'add', inputSchema: expect.any(Object) })]),
      resources: [
        expect.objectContaining({ uri: 'kitchen://menu' }),
        expect.objectContaining({ uri: 'kitchen://bytes' }),
      ],
      resourceTemplates: [expect.objectContaining({ uriTemplate: 'kitchen://dishes/{dish}' })],
      prompts: [expect.objectContaining({ name: 'order' })],
    });
    expect(servers[2]).toEqual({
      name: 'crashy',
      status: 'failed',
      error: {
        code: 'SERVER_EXITED',
        message: expect.stringContaining('exited with code 1'),
        details: expect.objectContaining({ server: 'crashy', exitCode: 1, stderrTail: ['fatal: missing API key'] }),
      },
    });
    expect(servers[3]).toEqual({ name: 'remote', status: 'skipped', reason: 'HTTP servers are not supported yet' });
  });

  it('list tools: a flat list with the server of each, and the failures', async () => {
    const result = await mcpHost(['--json', 'list', 'tools', 'kitchen', 'echo'], { cwd });
    expect(result.exitCode).toBe(0);
    const document = parseJson(result.stdout) as { tools: Record<string, unknown>[]; failed: unknown[] };
    expect(document.tools.map((tool) => `${String(tool.server)}.${String(tool.name)}`)).toEqual([
      'kitchen.add',
      'kitchen.fail',
      'kitchen.count',
      'kitchen.log',
      'echo.echo',
    ]);
    expect(document.failed).toEqual([]);
  });

  it('list prompts with a failing server: the others listed, the failure reported, exit 3', async () => {
    const result = await mcpHost(['--json', 'list', 'prompts', 'kitchen', 'crashy'], { cwd });
    expect(result.exitCode).toBe(3);
    expect(parseJson(result.stdout)).toEqual({
      prompts: [expect.objectContaining({ server: 'kitchen', name: 'order' })],
      failed: [{ server: 'crashy', error: expect.objectContaining({ code: 'SERVER_EXITED' }) }],
    });
  });

  it('call: server, tool, the arguments sent and the result', async () => {
    const result = await mcpHost(['--json', 'call', 'kitchen.add', 'a=1', 'b=2'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(parseJson(result.stdout)).toEqual({
      server: 'kitchen',
      tool: 'add',
      arguments: { a: 1, b: 2 },
      result: { content: [{ type: 'text', text: '{"sum":3}' }], structuredContent: { sum: 3 } },
    });
    expect(result.stderr).toBe('');
  });

  it('call with isError: the result on stdout and a TOOL_ERROR line on stderr, exit 5', async () => {
    const result = await mcpHost(['--json', 'call', 'kitchen.fail'], { cwd });
    expect(result.exitCode).toBe(5);
    expect(parseJson(result.stdout)).toMatchObject({ result: { isError: true } });
    expect(stderrLine(result.stderr)).toEqual({
      code: 'TOOL_ERROR',
      message: 'kitchen.fail failed: failing on purpose',
      details: { server: 'kitchen', tool: 'fail' },
    });
  });

  it('errors: {"error": …} on stdout and the same object as one line on stderr', async () => {
    const result = await mcpHost(['--json', 'call', 'kitchen.nope'], { cwd });
    expect(result.exitCode).toBe(6);
    const line = stderrLine(result.stderr);
    expect(line).toEqual({
      code: 'NOT_FOUND',
      message: expect.stringContaining('Server kitchen has no tool "nope"'),
      details: expect.objectContaining({ server: 'kitchen', tool: 'nope' }),
    });
    expect(parseJson(result.stdout)).toEqual({ error: line });
  });

  it('read: server, uri and the contents', async () => {
    const result = await mcpHost(['--json', 'read', 'kitchen', 'kitchen://dishes/stew'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(parseJson(result.stdout)).toEqual({
      server: 'kitchen',
      uri: 'kitchen://dishes/stew',
      result: { contents: [{ uri: 'kitchen://dishes/stew', mimeType: 'application/json', text: '{"dish":"stew"}' }] },
    });
  });

  it('prompt: server, prompt, arguments and the messages', async () => {
    const result = await mcpHost(['--json', 'prompt', 'kitchen.order', 'dish=soup'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(parseJson(result.stdout)).toEqual({
      server: 'kitchen',
      prompt: 'order',
      arguments: { dish: 'soup' },
      result: expect.objectContaining({
        messages: [{ role: 'user', content: { type: 'text', text: 'I would like the soup, please.' } }],
      }),
    });
  });

  it('ping: a latency in ms per server', async () => {
    const result = await mcpHost(['--json', 'ping', 'kitchen', 'echo'], { cwd });
    expect(result.exitCode).toBe(0);
    const { servers } = parseJson(result.stdout) as { servers: { name: string; status: string; ms: number }[] };
    expect(servers.map(({ name, status }) => ({ name, status }))).toEqual([
      { name: 'kitchen', status: 'ok' },
      { name: 'echo', status: 'ok' },
    ]);
    for (const server of servers) expect(server.ms).toBeGreaterThan(0);
  });

  it('schema: the usage line and the raw schemas', async () => {
    const result = await mcpHost(['--json', 'schema', 'kitchen.add'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({
      server: 'kitchen',
      tool: 'add',
      usage: 'kitchen.add a=<number> b=<number>',
      title: 'Add',
      description: 'Adds two numbers',
      inputSchema: { type: 'object', required: ['a', 'b'] },
      outputSchema: { type: 'object' },
      annotations: { readOnlyHint: true },
    });
  });

  it('list servers: the config, without env values', async () => {
    const result = await mcpHost(['--json', 'list', 'servers'], { cwd });
    expect(result.exitCode).toBe(0);
    const document = parseJson(result.stdout) as { config: string; servers: Record<string, unknown>[] };
    expect(document.config).toBe(`${cwd}/mcp.config.json`);
    expect(document.servers[0]).toEqual({
      name: 'kitchen',
      kind: 'stdio',
      command: process.execPath,
      args: [fixture('kitchen-sink')],
      cwd,
      env: [],
      disabled: false,
    });
    expect(document.servers[3]).toMatchObject({ name: 'remote', kind: 'http', url: 'https://example.com/mcp' });
  });

  it('a parse error before any command still gives one JSON document', async () => {
    const result = await mcpHost(['--json', '--bogus'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(parseJson(result.stdout)).toEqual({
      error: { code: 'USAGE', message: "unknown option '--bogus'", details: { reason: 'commander.unknownOption' } },
    });
  });
});
