/**
 * How the database server starts: where the default database goes, how settings shape the tools, and how a bad
 * setting or a file that is not a database stops it with a message naming the problem.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, resultText, startStdioServer } from '../../helpers/stdio-server.js';
import type { StdioServer } from '../../helpers/stdio-server.js';

const SERVER = 'dist/servers/database/index.js';

/** Runs the server with `env` until it exits by itself (it must, when it refuses to start). */
async function runUntilExit(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [path.resolve(REPO_ROOT, SERVER)], {
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  // A server that starts serving instead of exiting would hang here; the kill turns that into a failed assertion.
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearTimeout(timer);
  return { code, stderr };
}

describe('database server start-up', () => {
  let dir: string;
  const servers: StdioServer[] = [];

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-startup-'));
  });

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string>): Promise<StdioServer> {
    const server = await startStdioServer(SERVER, env);
    servers.push(server);
    return server;
  }

  it('puts the demo database under $XDG_DATA_HOME/mcp-host/demo.db by default', async () => {
    const dataHome = path.join(dir, 'xdg');
    const server = await start({ XDG_DATA_HOME: dataHome });
    const file = path.join(dataHome, 'mcp-host', 'demo.db');
    expect(fs.existsSync(file)).toBe(true);
    expect(server.stderr()).toContain(`serving ${file} (read-only)`);
    const result = await server.callTool('query', { sql: 'SELECT count(*) AS n FROM users' });
    expect(result.structuredContent).toMatchObject({ rows: [{ n: 4 }] });
  });

  it('creates the demo database once when two servers start on it together', async () => {
    const file = path.join(dir, 'race', 'demo.db');
    const pair = await Promise.all([start({ DATABASE_PATH: file }), start({ DATABASE_PATH: file })]);
    for (const server of pair) {
      const result = await server.callTool('list_tables', {});
      expect((result.structuredContent!.tables as unknown[]).length).toBe(3);
    }
    expect(fs.readdirSync(path.dirname(file))).toEqual(['demo.db']);
  });

  it('caps query results at DATABASE_MAX_ROWS and publishes that cap', async () => {
    const server = await start({ DATABASE_PATH: path.join(dir, 'capped.db'), DATABASE_MAX_ROWS: '3' });
    const { tools } = await server.connection.request('tools/list', {});
    const query = tools.find((tool) => tool.name === 'query')!;
    expect(query.inputSchema.properties?.limit).toMatchObject({ maximum: 3 });
    expect(query.description).toContain('At most 3 rows and 4 MiB of row JSON come back');
    const result = await server.callTool('query', { sql: 'SELECT id FROM orders ORDER BY id' });
    expect(result.structuredContent).toEqual({
      columns: ['id'],
      rows: [{ id: 1 }, { id: 2 }, { id: 3 }],
      row_count: 3,
      truncated: true,
      truncated_by: 'rows',
    });
    const tooMany = await server.callTool('query', { sql: 'SELECT 1', limit: 4 });
    expect(tooMany.isError).toBe(true);
    expect(resultText(tooMany)).toBe('Invalid arguments for tool query: limit: Too big: expected number to be <=3');
  });

  it('exits with code 1 naming every bad variable, creating nothing', async () => {
    const file = path.join(dir, 'never', 'demo.db');
    const { code, stderr } = await runUntilExit({
      DATABASE_PATH: file,
      DATABASE_READONLY: 'maybe',
      DATABASE_MAX_ROWS: 'lots',
      DATABASE_MAX_RESULT_BYTES: '1k',
    });
    expect(code).toBe(1);
    expect(stderr).toBe(
      'database: invalid configuration:\n' +
        'DATABASE_READONLY: expected true or false, got "maybe"\n' +
        'DATABASE_MAX_ROWS: expected a whole number from 1 to 100000, got "lots"\n' +
        'DATABASE_MAX_RESULT_BYTES: expected a whole number of bytes from 1024 to 16777216, got "1k"\n',
    );
    expect(fs.existsSync(path.dirname(file))).toBe(false);
  });

  it('exits with code 1 when the file is not a database, leaving it untouched', async () => {
    const file = path.join(dir, 'notes.txt');
    const content = 'These are my notes, not a database.\n'.repeat(200);
    fs.writeFileSync(file, content);
    for (const readonly of ['true', 'false']) {
      const { code, stderr } = await runUntilExit({ DATABASE_PATH: file, DATABASE_READONLY: readonly });
      expect(code).toBe(1);
      expect(stderr).toBe(`database: cannot open ${file}: file is not a database\n`);
      expect(fs.readFileSync(file, 'utf8')).toBe(content);
    }
  });

  it('exits with code 1 when the path is a directory', async () => {
    const { code, stderr } = await runUntilExit({ DATABASE_PATH: dir });
    expect(code).toBe(1);
    expect(stderr).toMatch(new RegExp(`^database: cannot open ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: `));
  });
});
