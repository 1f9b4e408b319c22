/**
 * The byte limit on query results, over real stdio against the built server. Memory is measured on the server process
 * itself: VmHWM in /proc/<pid>/status is the peak resident set since it started, so it shows what a query cost at its
 * worst, not what was left afterwards.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resultText, startStdioServer } from '../../helpers/stdio-server.js';
import type { StdioServer } from '../../helpers/stdio-server.js';

const SERVER = 'dist/servers/database/index.js';
const MIB = 1024 * 1024;
/** 1000 rows of a fresh 1 MB BLOB each: 1.3 GB of base64 if the whole result were built (the attack peaked at 2.7 GB). */
const RANDOMBLOB_ATTACK =
  'SELECT randomblob(1000000) AS blob FROM ' +
  '(WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 1000) SELECT x FROM n)';

/** Peak and current resident memory of a process, in MiB (Linux). */
function memoryOf(pid: number): { peakMib: number; currentMib: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)![1]);
  return { peakMib: kib('VmHWM') / 1024, currentMib: kib('VmRSS') / 1024 };
}

describe.skipIf(process.platform !== 'linux')('query results are bounded in bytes', () => {
  let dir: string;
  let server: StdioServer | undefined;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-bytes-'));
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('cuts the randomblob attack at 4 MiB of rows while reading, and the server stays small', async () => {
    server = await startStdioServer(SERVER, { DATABASE_PATH: path.join(dir, 'demo.db') });
    const before = memoryOf(server.child.pid!);
    const result = await server.callTool('query', { sql: RANDOMBLOB_ATTACK });
    expect(result.isError, resultText(result)).toBeFalsy();
    const { rows, row_count, truncated, truncated_by } = result.structuredContent as {
      rows: { blob: { base64: string } }[];
      row_count: number;
      truncated: boolean;
      truncated_by: string;
    };
    expect({ row_count, truncated, truncated_by }).toEqual({ row_count: 3, truncated: true, truncated_by: 'bytes' });
    expect(Buffer.byteLength(JSON.stringify(rows))).toBeLessThanOrEqual(4 * MIB);
    expect(Buffer.from(rows[0]!.blob.base64, 'base64')).toHaveLength(1_000_000);
    const after = memoryOf(server.child.pid!);
    const growth = `VmHWM ${before.peakMib.toFixed(0)} -> ${after.peakMib.toFixed(0)} MiB`;
    expect(after.peakMib, growth).toBeLessThan(200);
    await expect(server.connection.request('ping', undefined)).resolves.toEqual({});
  });

  it('refuses a first row larger than the limit, naming the limit, and keeps serving', async () => {
    server = await startStdioServer(SERVER, { DATABASE_PATH: path.join(dir, 'demo.db') });
    const result = await server.callTool('query', { sql: 'SELECT randomblob(20000000) AS big, 1 AS small' });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toBe(
      'sql: the first row alone is larger than the result limit of 4194304 bytes of JSON ' +
        '(DATABASE_MAX_RESULT_BYTES). Select fewer or shorter columns, e.g. length(x) or substr(x, 1, 1000)',
    );
    // A single value is built whole by SQLite before it can be measured: it costs its own size, once or twice.
    expect(memoryOf(server.child.pid!).peakMib).toBeLessThan(200);
    const smaller = await server.callTool('query', { sql: 'SELECT length(randomblob(20000000)) AS n' });
    expect(smaller.structuredContent).toMatchObject({ rows: [{ n: 20_000_000 }], truncated: false });
  });

  it('takes its limit from DATABASE_MAX_RESULT_BYTES, counting the rows as the client receives them', async () => {
    server = await startStdioServer(SERVER, {
      DATABASE_PATH: path.join(dir, 'demo.db'),
      DATABASE_MAX_RESULT_BYTES: '1024',
    });
    const { tools } = await server.connection.request('tools/list', {});
    expect(tools.find((tool) => tool.name === 'query')!.description).toContain('1000 rows and 1 KiB of row JSON');
    // Multi-byte text and quotes that JSON escapes: the count is of UTF-8 bytes after escaping.
    const result = await server.callTool('query', {
      sql: `WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 100) SELECT x, 'Grüße "${'ü'.repeat(20)}"' AS text FROM n`,
    });
    const rows = result.structuredContent!.rows as unknown[];
    expect(result.structuredContent).toMatchObject({ truncated: true, truncated_by: 'bytes' });
    const bytesOf = (list: unknown[]) => Buffer.byteLength(JSON.stringify(list));
    expect(bytesOf(rows)).toBeLessThanOrEqual(1024);
    expect(bytesOf([...rows, rows[0]])).toBeGreaterThan(1024);
  });
});
