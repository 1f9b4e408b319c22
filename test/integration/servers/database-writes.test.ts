/**
 * The database server with DATABASE_READONLY=false: insert, update and delete over real stdio on real SQLite files,
 * including hostile table names, column names and values. Every refusal is followed by a ping.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultText, startStdioServer } from '../../helpers/stdio-server.js';
import type { StdioServer } from '../../helpers/stdio-server.js';

const SERVER = 'dist/servers/database/index.js';
const HOSTILE = "Robert'); DROP TABLE users; --";

/** Tool calls against one server, with the checks every test needs. */
function toolsOf(server: () => StdioServer) {
  return {
    ok: async (name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
      const result = await server().callTool(name, args);
      expect(result.isError, resultText(result)).toBeFalsy();
      return result.structuredContent!;
    },
    refused: async (name: string, args: Record<string, unknown>): Promise<string> => {
      const result = await server().callTool(name, args);
      expect(result.isError, `${name} ${JSON.stringify(args)} should fail`).toBe(true);
      await expect(server().connection.request('ping', undefined)).resolves.toEqual({});
      return resultText(result);
    },
    rows: async (sql: string, params: unknown[] = []): Promise<unknown[]> => {
      const result = await server().callTool('query', { sql, params });
      expect(result.isError, resultText(result)).toBeFalsy();
      return result.structuredContent!.rows as unknown[];
    },
  };
}

describe('database server with writes enabled, on the demo database', () => {
  let dir: string;
  let file: string;
  let server: StdioServer;
  const { ok, refused, rows } = toolsOf(() => server);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-writes-'));
    file = path.join(dir, 'demo.db');
    server = await startStdioServer(SERVER, { DATABASE_PATH: file, DATABASE_READONLY: 'false' });
  });

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('offers the write tools with honest annotations', async () => {
    const { tools } = await server.connection.request('tools/list', {});
    expect(tools.map((tool) => tool.name)).toEqual([
      'list_tables',
      'describe_table',
      'query',
      'insert',
      'update',
      'delete',
    ]);
    const annotations = Object.fromEntries(tools.map((tool) => [tool.name, tool.annotations]));
    expect(annotations.insert).toEqual({
      readOnlyHint: false,
      destructiveHint: false,
      idempotentHint: false,
      openWorldHint: false,
    });
    expect(annotations.update).toEqual({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
      openWorldHint: false,
    });
    expect(annotations.delete).toEqual({
      readOnlyHint: false,
      destructiveHint: true,
      idempotentHint: true,
      openWorldHint: false,
    });
    for (const tool of tools) {
      expect(tool.outputSchema?.type).toBe('object');
      for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
        expect((schema as { description?: string }).description, `${tool.name}.${field}`).toBeTruthy();
      }
    }
    expect(server.initialize.instructions).toContain('Writes are enabled');
  });

  describe('insert', () => {
    it('inserts a row and returns its id and the stored row, defaults included', async () => {
      const result = await ok('insert', {
        table: 'users',
        record: { name: 'Barbara Liskov', email: 'barbara@example.com' },
      });
      expect(result).toMatchObject({
        status: 'inserted',
        id: 5,
        row: { id: 5, name: 'Barbara Liskov', email: 'barbara@example.com' },
      });
      expect((result.row as { created_at: string }).created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
      expect(await rows('SELECT name FROM users WHERE id = ?', [5])).toEqual([{ name: 'Barbara Liskov' }]);
    });

    it('stores a malicious string verbatim instead of running it', async () => {
      const result = await ok('insert', { table: 'users', record: { name: HOSTILE, email: 'bobby@example.com' } });
      expect(result.row).toMatchObject({ name: HOSTILE });
      expect(await rows('SELECT name FROM users WHERE email = ?', ['bobby@example.com'])).toEqual([{ name: HOSTILE }]);
      expect(await rows("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'")).toEqual([{ n: 3 }]);
    });

    it('matches the table and column names in another letter case', async () => {
      const result = await ok('insert', { table: 'PRODUCTS', record: { NAME: 'Laptop stand', Price: 35 } });
      expect(result).toEqual({ status: 'inserted', id: 5, row: { id: 5, name: 'Laptop stand', price: 35 } });
    });

    it('refuses unknown tables, whatever they contain', async () => {
      expect(await refused('insert', { table: 'user', record: { name: 'x' } })).toBe(
        'table: no table named "user". Did you mean "users"? Tables: orders, products, users.',
      );
      expect(await refused('insert', { table: 'users; DROP TABLE users', record: {} })).toContain(
        'table: no table named "users; DROP TABLE users"',
      );
      expect(await refused('insert', { table: 'sqlite_master', record: { name: 'x' } })).toContain(
        'table: "sqlite_master" is one of SQLite\'s internal tables',
      );
    });

    it.each([
      ['name" , "email', 'no column named "name\\" , \\"email" in table "users". Did you mean "email" or "name"?'],
      ['"name"', 'no column named "\\"name\\"" in table "users". Did you mean "name"?'],
      ['name) VALUES (1); DROP TABLE users; --', 'no column named "name) VALUES (1); DROP TABLE users; --"'],
    ])('refuses the column name %s in record', async (column, message) => {
      expect(await refused('insert', { table: 'users', record: { [column]: 'x', email: 'q@example.com' } })).toContain(
        `record: ${message}`,
      );
    });

    it('reports NOT NULL, UNIQUE and CHECK violations naming the column', async () => {
      expect(await refused('insert', { table: 'users', record: { name: 'No Mail' } })).toBe(
        'record: insert into "users" failed: NOT NULL constraint failed: users.email (SQLITE_CONSTRAINT_NOTNULL)',
      );
      expect(await refused('insert', { table: 'users', record: { name: 'Ada again', email: 'ada@example.com' } })).toBe(
        'record: insert into "users" failed: UNIQUE constraint failed: users.email (SQLITE_CONSTRAINT_UNIQUE)',
      );
      expect(await refused('insert', { table: 'products', record: { name: 'Refund', price: -1 } })).toBe(
        'record: insert into "products" failed: CHECK constraint failed: price >= 0 (SQLITE_CONSTRAINT_CHECK)',
      );
    });

    it('enforces foreign keys and lists them', async () => {
      expect(await refused('insert', { table: 'orders', record: { user_id: 99, product_id: 1 } })).toBe(
        'record: insert into "orders" failed: FOREIGN KEY constraint failed (SQLITE_CONSTRAINT_FOREIGNKEY). Each of ' +
          'these must name an existing row: orders.user_id → users(id), orders.product_id → products(id)',
      );
    });

    it('names the field of a value that is not a column value', async () => {
      expect(await refused('insert', { table: 'users', record: { name: { nested: true } } })).toMatch(
        /^Invalid arguments for tool insert: record\.name: /,
      );
      expect(await refused('insert', { table: 'users' })).toMatch(/record: Invalid input: expected record/);
      expect(await refused('insert', { table: 'users', record: [] })).toMatch(/record: /);
    });
  });

  describe('update', () => {
    it('updates the matching rows and reports how many', async () => {
      expect(
        await ok('update', { table: 'users', values: { email: 'ada@lovelace.example' }, where: { id: 1 } }),
      ).toEqual({
        status: 'updated',
        changes: 1,
      });
      expect(await rows('SELECT email FROM users WHERE id = 1')).toEqual([{ email: 'ada@lovelace.example' }]);
    });

    it('gives the same answer when repeated (idempotent)', async () => {
      const args = { table: 'orders', values: { quantity: 2 }, where: { user_id: 3, product_id: 4 } };
      expect(await ok('update', args)).toEqual({ status: 'updated', changes: 1 });
      expect(await ok('update', args)).toEqual({ status: 'updated', changes: 1 });
      expect(await rows('SELECT quantity FROM orders WHERE id = 5')).toEqual([{ quantity: 2 }]);
    });

    it('reports zero changes when nothing matches', async () => {
      expect(await ok('update', { table: 'users', values: { name: 'Nobody' }, where: { id: 999 } })).toEqual({
        status: 'updated',
        changes: 0,
      });
    });

    it('binds a malicious where value instead of running it', async () => {
      const where = { email: "x' OR '1'='1" };
      expect(await ok('update', { table: 'users', values: { name: 'Hacked' }, where })).toEqual({
        status: 'updated',
        changes: 0,
      });
      expect(await rows("SELECT count(*) AS n FROM users WHERE name = 'Hacked'")).toEqual([{ n: 0 }]);
    });

    it('refuses an empty where, leaving every row as it was', async () => {
      expect(await refused('update', { table: 'users', values: { name: 'Everyone' }, where: {} })).toBe(
        'where: expected at least one column and value to match, e.g. {"id": 3}; an update without a condition ' +
          'would change every row, so it is refused',
      );
      expect(await rows("SELECT count(*) AS n FROM users WHERE name = 'Everyone'")).toEqual([{ n: 0 }]);
    });

    it('refuses empty values, and unknown columns in values or where', async () => {
      expect(await refused('update', { table: 'users', values: {}, where: { id: 1 } })).toBe(
        'values: expected at least one column to set',
      );
      expect(
        await refused('update', { table: 'users', values: { "name\" = 'x' --": 'y' }, where: { id: 1 } }),
      ).toContain('values: no column named "name\\" = \'x\' --" in table "users". Did you mean "name"?');
      expect(
        await refused('update', { table: 'users', values: { name: 'y' }, where: { 'id" OR 1=1 --': 1 } }),
      ).toContain('where: no column named "id\\" OR 1=1 --" in table "users"');
    });

    it('enforces foreign keys on update', async () => {
      const message = await refused('update', { table: 'orders', values: { product_id: 42 }, where: { id: 1 } });
      expect(message).toContain('values: update of "orders" failed: FOREIGN KEY constraint failed');
      expect(message).toContain('orders.product_id → products(id)');
    });
  });

  describe('delete', () => {
    it('deletes the matching rows and reports how many', async () => {
      expect(await ok('delete', { table: 'orders', where: { user_id: 3 } })).toEqual({ status: 'deleted', changes: 2 });
      expect(await ok('delete', { table: 'orders', where: { user_id: 3 } })).toEqual({ status: 'deleted', changes: 0 });
    });

    it('refuses an empty where, leaving the table full', async () => {
      expect(await refused('delete', { table: 'orders', where: {} })).toBe(
        'where: expected at least one column and value to match, e.g. {"id": 3}; a delete without a condition ' +
          'would remove every row, so it is refused',
      );
      expect(await refused('delete', { table: 'orders' })).toMatch(/where: Invalid input: expected record/);
      expect(await rows('SELECT count(*) AS n FROM orders')).toEqual([{ n: 4 }]);
    });

    it('refuses to delete a row other rows still refer to, naming them', async () => {
      expect(await refused('delete', { table: 'users', where: { id: 1 } })).toBe(
        'where: delete of "users" failed: FOREIGN KEY constraint failed (SQLITE_CONSTRAINT_FOREIGNKEY). Rows ' +
          'elsewhere may still refer to this one: orders.user_id → users(id)',
      );
    });

    it('deletes a row nothing refers to', async () => {
      expect(await ok('delete', { table: 'users', where: { email: 'bobby@example.com', name: HOSTILE } })).toEqual({
        status: 'deleted',
        changes: 1,
      });
    });
  });

  describe('query with writes enabled', () => {
    it('still refuses writes, pointing to the write tools', async () => {
      const message = await refused('query', { sql: 'DELETE FROM orders' });
      expect(message).toBe(
        'sql: query runs only statements that read, and this DELETE statement writes to the database. To change ' +
          'data, use the insert, update or delete tool',
      );
      expect(await rows('SELECT count(*) AS n FROM orders')).toEqual([{ n: 4 }]);
    });

    it('sees what the write tools committed', async () => {
      expect(await rows('SELECT id, name FROM users ORDER BY id')).toEqual([
        { id: 1, name: 'Ada Lovelace' },
        { id: 2, name: 'Alan Turing' },
        { id: 3, name: 'Grace Hopper' },
        { id: 4, name: 'Edsger Dijkstra' },
        { id: 5, name: 'Barbara Liskov' },
      ]);
    });
  });

  it('leaves a consistent database file behind', async () => {
    await server.close();
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.prepare('SELECT * FROM pragma_foreign_key_check').all()).toEqual([]);
      expect(db.prepare('SELECT count(*) FROM users').pluck().get()).toBe(5);
    } finally {
      db.close();
    }
  });
});

describe('database server with writes enabled, on tables with hostile names', () => {
  const TABLE = 'odd "table"; --';
  const COLUMN = 'col "quoted"';
  let dir: string;
  let server: StdioServer;
  const { ok, refused, rows } = toolsOf(() => server);

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-hostile-'));
    const file = path.join(dir, 'hostile.db');
    const db = new Database(file);
    db.exec(`
      CREATE TABLE "odd ""table""; --" (id INTEGER PRIMARY KEY, "col ""quoted""" TEXT, data BLOB, flag INTEGER);
      CREATE TABLE keep (id INTEGER PRIMARY KEY);
      INSERT INTO keep VALUES (1);
      CREATE VIEW flagged AS SELECT id FROM "odd ""table""; --" WHERE flag = 1;
    `);
    db.close();
    server = await startStdioServer(SERVER, { DATABASE_PATH: file, DATABASE_READONLY: 'false' });
  });

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('lists the table under its real name and does not create the demo tables', async () => {
    const tables = (await ok('list_tables', {})).tables as { name: string; kind: string }[];
    expect(tables.map(({ name, kind }) => [name, kind])).toEqual([
      ['flagged', 'view'],
      ['keep', 'table'],
      [TABLE, 'table'],
    ]);
    expect(server.stderr()).not.toContain('created the demo database');
  });

  it('inserts, updates and deletes through quoted identifiers, with BLOBs and booleans', async () => {
    const inserted = await ok('insert', {
      table: TABLE,
      record: { [COLUMN]: 'a "quoted" value', data: { base64: 'AAEC/w==' }, flag: true },
    });
    expect(inserted).toEqual({
      status: 'inserted',
      id: 1,
      row: { id: 1, [COLUMN]: 'a "quoted" value', data: { base64: 'AAEC/w==' }, flag: 1 },
    });
    expect(await rows('SELECT id FROM flagged')).toEqual([{ id: 1 }]);
    expect(
      await ok('update', { table: TABLE, values: { flag: false }, where: { data: { base64: 'AAEC/w==' } } }),
    ).toEqual({
      status: 'updated',
      changes: 1,
    });
    expect(
      await ok('update', { table: TABLE, values: { [COLUMN]: null }, where: { [COLUMN]: 'a "quoted" value' } }),
    ).toEqual({
      status: 'updated',
      changes: 1,
    });
    expect(await ok('delete', { table: TABLE, where: { [COLUMN]: null, flag: 0 } })).toEqual({
      status: 'deleted',
      changes: 1,
    });
    expect(await rows('SELECT count(*) AS n FROM keep')).toEqual([{ n: 1 }]);
  });

  it('describes the table and reads its resource by percent-encoded name', async () => {
    const described = await ok('describe_table', { table: TABLE });
    expect((described.columns as { name: string }[]).map((column) => column.name)).toEqual([
      'id',
      COLUMN,
      'data',
      'flag',
    ]);
    const uri = `db://tables/${encodeURIComponent(TABLE)}`;
    const { contents } = await server.connection.request('resources/read', { uri });
    expect(JSON.parse((contents[0] as { text: string }).text)).toMatchObject({
      name: TABLE,
      row_count: 0,
      sample_rows: [],
    });
  });

  it('refuses to write to a view', async () => {
    expect(await refused('insert', { table: 'flagged', record: { id: 1 } })).toBe(
      'table: "flagged" is a view; insert, update and delete work on tables',
    );
    expect(await refused('delete', { table: 'FLAGGED', where: { id: 1 } })).toBe(
      'table: "flagged" is a view; insert, update and delete work on tables',
    );
  });
});
