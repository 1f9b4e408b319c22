/**
 * The SQLite driver in-process, on real database files with schemas the demo does not have: odd identifiers, views,
 * generated columns, tables without rowid, composite keys. The tools over stdio are covered by the integration tests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseError } from '../../../../servers/database/driver.js';
import { SqliteDriver } from '../../../../servers/database/sqlite.js';

const ODD_TABLE = 'odd "table"; --';
const ODD_COLUMN = 'col "quoted"';

const SCHEMA = `
CREATE TABLE "odd ""table""; --" (id INTEGER PRIMARY KEY, "col ""quoted""" TEXT, [select] TEXT);
CREATE TABLE tags (name TEXT PRIMARY KEY, weight INTEGER NOT NULL DEFAULT 1) WITHOUT ROWID;
CREATE TABLE pairs (a INTEGER, b INTEGER, note TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID;
CREATE TABLE logs (message TEXT);
CREATE TABLE prices (net REAL NOT NULL, gross REAL GENERATED ALWAYS AS (net * 1.2) STORED);
CREATE TABLE parent (id INTEGER PRIMARY KEY);
CREATE TABLE child (id INTEGER PRIMARY KEY, p1 INTEGER, p2 INTEGER,
  FOREIGN KEY (p1) REFERENCES parent (id) ON DELETE CASCADE, FOREIGN KEY (p2) REFERENCES parent);
CREATE UNIQUE INDEX logs_message ON logs (lower(message)) WHERE message IS NOT NULL;
CREATE VIEW heavy_logs AS SELECT message FROM logs;
`;

describe('SqliteDriver', () => {
  let dir: string;
  let file: string;
  let driver: SqliteDriver;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-driver-'));
    file = path.join(dir, 'edge.db');
    const db = new Database(file);
    db.exec(SCHEMA);
    db.close();
    driver = new SqliteDriver({ path: file, isWritable: true });
  });

  afterAll(() => {
    driver.close();
    driver.close(); // idempotent
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function refusal(work: Promise<unknown>): Promise<DatabaseError> {
    const error = await work.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DatabaseError);
    return error as DatabaseError;
  }

  it('lists tables and views with their kinds, and counts only tables', async () => {
    const tables = await driver.listTables();
    expect(tables.map(({ name, kind, row_count }) => [name, kind, row_count])).toEqual([
      ['child', 'table', 0],
      ['heavy_logs', 'view', null],
      ['logs', 'table', 0],
      [ODD_TABLE, 'table', 0],
      ['pairs', 'table', 0],
      ['parent', 'table', 0],
      ['prices', 'table', 0],
      ['tags', 'table', 0],
    ]);
  });

  it('writes to tables whose names and columns hold quotes and SQL', async () => {
    const inserted = await driver.insert(ODD_TABLE, { [ODD_COLUMN]: 'a"b', select: "x'); DROP TABLE tags; --" });
    expect(inserted).toEqual({ id: 1, row: { id: 1, [ODD_COLUMN]: 'a"b', select: "x'); DROP TABLE tags; --" } });
    expect(await driver.update(ODD_TABLE, { select: 'y' }, { [ODD_COLUMN]: 'a"b' })).toEqual({ changes: 1 });
    const described = await driver.describeTable(ODD_TABLE);
    expect(described.columns.map((column) => column.name)).toEqual(['id', ODD_COLUMN, 'select']);
    expect(await driver.delete(ODD_TABLE, { id: 1 })).toEqual({ changes: 1 });
    expect((await driver.tableNames()).includes('tags')).toBe(true);
  });

  it('returns the key of a WITHOUT ROWID table, and null for a composite key without rowid', async () => {
    expect(await driver.insert('tags', { name: 'red' })).toEqual({ id: 'red', row: { name: 'red', weight: 1 } });
    expect(await driver.insert('pairs', { a: 1, b: 2 })).toEqual({ id: null, row: { a: 1, b: 2, note: null } });
  });

  it('returns the rowid of a table without a primary key', async () => {
    const first = await driver.insert('logs', { message: 'one' });
    const second = await driver.insert('logs', { message: 'two' });
    expect(typeof first.id).toBe('number');
    expect(second.id).toBe((first.id as number) + 1);
  });

  it('inserts DEFAULT VALUES for an empty record', async () => {
    const result = await driver.insert('logs', {});
    expect(result.row).toEqual({ message: null });
  });

  it('describes generated columns and refuses to write them', async () => {
    const described = await driver.describeTable('prices');
    expect(described.columns.find((column) => column.name === 'gross')).toMatchObject({ generated: true });
    const error = await refusal(driver.insert('prices', { net: 10, gross: 1 }));
    expect(error.message).toBe('record: column "gross" of table "prices" is generated; it cannot be written');
    expect((await driver.insert('prices', { net: 10 })).row).toEqual({ net: 10, gross: 12 });
  });

  it('describes a view, and refuses to write to it', async () => {
    const view = await driver.describeTable('heavy_logs');
    expect(view).toMatchObject({ kind: 'view', row_count: null, foreign_keys: [], indexes: [] });
    expect(view.sql).toContain('CREATE VIEW heavy_logs');
    const error = await refusal(driver.insert('heavy_logs', { message: 'x' }));
    expect(error.message).toBe('table: "heavy_logs" is a view; insert, update and delete work on tables');
  });

  it('describes composite foreign keys in declaration order, and expression and partial indexes', async () => {
    const child = await driver.describeTable('child');
    expect(child.foreign_keys).toEqual([
      {
        columns: ['p1'],
        references_table: 'parent',
        references_columns: ['id'],
        on_update: 'NO ACTION',
        on_delete: 'CASCADE',
      },
      {
        columns: ['p2'],
        references_table: 'parent',
        references_columns: [null],
        on_update: 'NO ACTION',
        on_delete: 'NO ACTION',
      },
    ]);
    const logs = await driver.describeTable('logs');
    expect(logs.indexes).toEqual([
      { name: 'logs_message', unique: true, origin: 'create_index', partial: true, columns: [null] },
    ]);
    const pairs = await driver.describeTable('pairs');
    expect(pairs.columns.map((column) => [column.name, column.primary_key, column.nullable])).toEqual([
      ['a', 1, false],
      ['b', 2, false],
      ['note', 0, true],
    ]);
  });

  it('refuses two keys that name the same column', async () => {
    const error = await refusal(driver.update('tags', { weight: 1, WEIGHT: 2 }, { name: 'red' }));
    expect(error.message).toBe('values: "weight" and "WEIGHT" both name column "weight"');
  });

  it('matches null in where with IS NULL', async () => {
    await driver.insert('pairs', { a: 5, b: 6, note: null });
    expect(await driver.update('pairs', { note: 'found' }, { a: 5, note: null })).toEqual({ changes: 1 });
    expect(await driver.query('SELECT note FROM pairs WHERE a = 5', undefined, { maxRows: 10 })).toMatchObject({
      rows: [{ note: 'found' }],
    });
  });

  it('writes the schema as SQL in creation order, without SQLite internals', async () => {
    const sql = await driver.schemaSql();
    expect(sql.indexOf('CREATE TABLE "odd ""table""; --"')).toBe(0);
    expect(sql.indexOf('CREATE VIEW heavy_logs')).toBeGreaterThan(sql.indexOf('CREATE UNIQUE INDEX logs_message'));
    expect(sql).not.toContain('sqlite_');
    // The script replays into an empty database.
    const copy = new Database(':memory:');
    try {
      copy.exec(sql);
      expect(copy.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").pluck().get()).toBe(7);
    } finally {
      copy.close();
    }
  });

  it('refuses to open a file that is not a database', () => {
    const bogus = path.join(dir, 'bogus.db');
    fs.writeFileSync(bogus, 'x'.repeat(4096));
    expect(() => new SqliteDriver({ path: bogus })).toThrow(/not a database/);
  });

  it('refuses writes when opened read-only, and cannot write even through a forged statement', async () => {
    const reader = new SqliteDriver({ path: file });
    try {
      expect(reader.isWritable).toBe(false);
      const error = await refusal(reader.insert('logs', { message: 'x' }));
      expect(error.code).toBe('NOT_WRITABLE');
      const write = await refusal(reader.query('INSERT INTO logs VALUES (1) RETURNING *', undefined, { maxRows: 1 }));
      expect(write.code).toBe('NOT_READ_ONLY');
    } finally {
      reader.close();
    }
  });

  it('honours an aborted signal before running a query', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled by the client'));
    await expect(driver.query('SELECT 1', undefined, { maxRows: 1, signal: controller.signal })).rejects.toThrow(
      'cancelled by the client',
    );
  });
});

describe('SqliteDriver on a database with a broken view', () => {
  it('still lists every table, and reports the broken view when it is described', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-broken-'));
    const file = path.join(dir, 'broken.db');
    const db = new Database(file);
    db.exec('CREATE TABLE gone (x); CREATE TABLE kept (y); CREATE VIEW orphan AS SELECT x FROM gone; DROP TABLE gone;');
    db.close();
    const driver = new SqliteDriver({ path: file });
    try {
      expect(await driver.listTables()).toEqual([
        { name: 'kept', kind: 'table', columns: ['y'], row_count: 0 },
        { name: 'orphan', kind: 'view', columns: [], row_count: null },
      ]);
      await expect(driver.describeTable('orphan')).rejects.toThrow(/no such table: main.gone/);
    } finally {
      driver.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('SqliteDriver result size limit', () => {
  let dir: string;
  let driver: SqliteDriver;
  /** Every row of `notes` as the JSON the driver would return without a limit. */
  let allRows: unknown[];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-bytes-'));
    const file = path.join(dir, 'bytes.db');
    const db = new Database(file);
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT, data BLOB)');
    const insert = db.prepare('INSERT INTO notes (body, data) VALUES (?, ?)');
    for (let index = 0; index < 40; index++) {
      insert.run(`ünïcode "quoted" ${'x'.repeat(index * 7)}`, Buffer.alloc(index % 5, index));
    }
    db.close();
    allRows = (await new SqliteDriver({ path: file }).query('SELECT * FROM notes', undefined, { maxRows: 100 })).rows;
    driver = new SqliteDriver({ path: file, maxResultBytes: 2048 });
  });

  afterAll(() => {
    driver.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value));

  it('returns the longest prefix of rows whose JSON fits, and says bytes cut it', async () => {
    const result = await driver.query('SELECT * FROM notes ORDER BY id', undefined, { maxRows: 100 });
    expect(result).toMatchObject({ truncated: true, truncated_by: 'bytes' });
    expect(result.rows).toEqual(allRows.slice(0, result.row_count));
    expect(jsonBytes(result.rows)).toBeLessThanOrEqual(2048);
    expect(jsonBytes(allRows.slice(0, result.row_count + 1))).toBeGreaterThan(2048);
  });

  it('counts exactly: a limit of the JSON size of n rows returns n rows, a byte less returns n - 1', async () => {
    const first = allRows.findIndex((_row, index) => jsonBytes(allRows.slice(0, index + 1)) > 1024) + 1;
    for (const count of [first, first + 3]) {
      const exact = jsonBytes(allRows.slice(0, count));
      for (const [limit, expected] of [
        [exact, count],
        [exact - 1, count - 1],
      ] as const) {
        const sized = new SqliteDriver({ path: driver.location, maxResultBytes: limit });
        try {
          const result = await sized.query('SELECT * FROM notes ORDER BY id', undefined, { maxRows: 100 });
          expect(result, `limit ${limit}`).toMatchObject({ row_count: expected, truncated_by: 'bytes' });
        } finally {
          sized.close();
        }
      }
    }
  });

  it('says rows cut it when the row limit comes first', async () => {
    const result = await driver.query('SELECT id FROM notes', undefined, { maxRows: 3 });
    expect(result).toMatchObject({ row_count: 3, truncated: true, truncated_by: 'rows' });
  });

  it('refuses a first row larger than the limit, naming the limit and what to do', async () => {
    const error = await driver.query("SELECT printf('%.*c', 5000, 'x') AS big", undefined, { maxRows: 10 }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(DatabaseError);
    expect(error).toMatchObject({
      code: 'RESULT_TOO_LARGE',
      message:
        'sql: the first row alone is larger than the result limit of 2048 bytes of JSON (DATABASE_MAX_RESULT_BYTES). ' +
        'Select fewer or shorter columns, e.g. length(x) or substr(x, 1, 1000)',
    });
  });

  it('shows in a sample only the rows that fit', async () => {
    const sample = await driver.sampleRows('notes', 100);
    expect(sample.rows).toEqual(allRows.slice(0, sample.row_count));
    expect(sample.truncated_by).toBe('bytes');
    const tiny = await driver.query('SELECT 1 AS one', undefined, { maxRows: 1 });
    expect(tiny).toEqual({ columns: ['one'], rows: [{ one: 1 }], row_count: 1, truncated: false, truncated_by: null });
  });
});
