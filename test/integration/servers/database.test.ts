/**
 * The database server in its default, read-only mode: the real built server over real stdio, on a real SQLite file
 * in a temporary directory. Every refusal is followed by a ping, proving the server is still up.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WireError } from '../../../src/protocol/errors.js';
import { resultText, startStdioServer } from '../../helpers/stdio-server.js';
import type { StdioServer } from '../../helpers/stdio-server.js';

const SERVER = 'dist/servers/database/index.js';

const USERS = [
  { id: 1, name: 'Ada Lovelace', email: 'ada@example.com', created_at: '2024-01-15T09:00:00Z' },
  { id: 2, name: 'Alan Turing', email: 'alan@example.com', created_at: '2024-02-01T14:30:00Z' },
  { id: 3, name: 'Grace Hopper', email: 'grace@example.com', created_at: '2024-03-10T08:15:00Z' },
  { id: 4, name: 'Edsger Dijkstra', email: 'edsger@example.com', created_at: '2024-04-22T17:45:00Z' },
];

function fingerprint(file: string): { sha256: string; mtimeMs: number; size: number } {
  const stat = fs.statSync(file);
  return {
    sha256: createHash('sha256').update(fs.readFileSync(file)).digest('hex'),
    mtimeMs: stat.mtimeMs,
    size: stat.size,
  };
}

describe('database server, read-only (the default)', () => {
  let dir: string;
  let file: string;
  let server: StdioServer;
  let before: ReturnType<typeof fingerprint>;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-server-'));
    file = path.join(dir, 'shop', 'demo.db');
    server = await startStdioServer(SERVER, { DATABASE_PATH: file });
    before = fingerprint(file);
  });

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Calls a tool that must fail; returns its message after checking the server still answers. */
  async function refused(name: string, args: Record<string, unknown>): Promise<string> {
    const result = await server.callTool(name, args);
    expect(result.isError, `${name} ${JSON.stringify(args)} should fail`).toBe(true);
    expect(result.structuredContent).toBeUndefined();
    await expect(server.connection.request('ping', undefined)).resolves.toEqual({});
    return resultText(result);
  }

  async function structured(name: string, args: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
    const result = await server.callTool(name, args);
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(JSON.parse(resultText(result))).toEqual(result.structuredContent);
    return result.structuredContent!;
  }

  describe('start-up', () => {
    it('creates the demo database, its directory included, and leaves no temporary file', () => {
      expect(fs.readdirSync(path.dirname(file))).toEqual(['demo.db']);
      expect(server.stderr()).toContain(`created the demo database at ${file}`);
      expect(server.stderr()).toContain('(read-only)');
    });

    it('tells the client how to use it and that it is read-only', () => {
      expect(server.initialize.serverInfo.name).toBe('database');
      expect(server.initialize.instructions).toContain('read-only');
      expect(server.initialize.capabilities).toMatchObject({ tools: {}, resources: {}, completions: {} });
    });
  });

  describe('tools/list', () => {
    it('offers only the reading tools, each described, with schemas and honest annotations', async () => {
      const { tools } = await server.connection.request('tools/list', {});
      expect(tools.map((tool) => tool.name)).toEqual(['list_tables', 'describe_table', 'query']);
      for (const tool of tools) {
        expect(tool.description!.length).toBeGreaterThan(40);
        expect(tool.outputSchema?.type).toBe('object');
        expect(tool.inputSchema.additionalProperties).toBe(false);
        expect(tool.annotations).toEqual({
          readOnlyHint: true,
          destructiveHint: false,
          idempotentHint: true,
          openWorldHint: false,
        });
        for (const [field, schema] of Object.entries(tool.inputSchema.properties ?? {})) {
          expect((schema as { description?: string }).description, `${tool.name}.${field}`).toBeTruthy();
        }
      }
      const query = tools.find((tool) => tool.name === 'query')!;
      expect(query.inputSchema.required).toEqual(['sql']);
      expect(query.inputSchema.properties?.limit).toMatchObject({ maximum: 1000, minimum: 1 });
    });

    it('does not run a write tool it does not offer', async () => {
      for (const name of ['insert', 'update', 'delete']) {
        const error = await server
          .callTool(name, { table: 'users', record: {}, where: { id: 1 } })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(WireError);
        expect(error).toMatchObject({ code: -32602, message: `Unknown tool: ${name}` });
      }
      await expect(server.connection.request('ping', undefined)).resolves.toEqual({});
    });
  });

  describe('list_tables and describe_table', () => {
    it('lists the demo tables with their columns and row counts', async () => {
      expect(await structured('list_tables')).toEqual({
        tables: [
          {
            name: 'orders',
            kind: 'table',
            columns: ['id', 'user_id', 'product_id', 'quantity', 'created_at'],
            row_count: 6,
          },
          { name: 'products', kind: 'table', columns: ['id', 'name', 'price'], row_count: 4 },
          { name: 'users', kind: 'table', columns: ['id', 'name', 'email', 'created_at'], row_count: 4 },
        ],
      });
    });

    it('describes columns, foreign keys, indexes and the row count', async () => {
      const orders = await structured('describe_table', { table: 'orders' });
      expect(orders).toMatchObject({ name: 'orders', kind: 'table', row_count: 6 });
      expect(orders.columns).toEqual([
        { name: 'id', type: 'INTEGER', nullable: false, default: null, primary_key: 1, generated: false },
        { name: 'user_id', type: 'INTEGER', nullable: false, default: null, primary_key: 0, generated: false },
        { name: 'product_id', type: 'INTEGER', nullable: false, default: null, primary_key: 0, generated: false },
        { name: 'quantity', type: 'INTEGER', nullable: false, default: '1', primary_key: 0, generated: false },
        {
          name: 'created_at',
          type: 'TEXT',
          nullable: false,
          default: "strftime('%Y-%m-%dT%H:%M:%SZ', 'now')",
          primary_key: 0,
          generated: false,
        },
      ]);
      expect(orders.foreign_keys).toEqual([
        {
          columns: ['user_id'],
          references_table: 'users',
          references_columns: ['id'],
          on_update: 'NO ACTION',
          on_delete: 'NO ACTION',
        },
        {
          columns: ['product_id'],
          references_table: 'products',
          references_columns: ['id'],
          on_update: 'NO ACTION',
          on_delete: 'NO ACTION',
        },
      ]);
      expect(orders.indexes).toEqual([
        { name: 'orders_product_id', unique: false, origin: 'create_index', partial: false, columns: ['product_id'] },
        { name: 'orders_user_id', unique: false, origin: 'create_index', partial: false, columns: ['user_id'] },
      ]);
      expect(orders.sql).toContain('CREATE TABLE orders');
    });

    it('shows the index behind a UNIQUE constraint', async () => {
      const users = await structured('describe_table', { table: 'users' });
      expect(users.indexes).toEqual([
        {
          name: 'sqlite_autoindex_users_1',
          unique: true,
          origin: 'unique_constraint',
          partial: false,
          columns: ['email'],
        },
      ]);
    });

    it('accepts a table name in another letter case and answers with the stored name', async () => {
      expect(await structured('describe_table', { table: 'USERS' })).toMatchObject({ name: 'users', row_count: 4 });
    });

    it('refuses an unknown table and suggests close names', async () => {
      expect(await refused('describe_table', { table: 'userz' })).toBe(
        'table: no table named "userz". Did you mean "users"? Tables: orders, products, users.',
      );
    });

    it.each([
      ['users; DROP TABLE users', 'no table named "users; DROP TABLE users". Did you mean "users"?'],
      ['"users"', 'no table named "\\"users\\"". Did you mean "users"?'],
      ['users"--', 'no table named "users\\"--". Did you mean "users"?'],
      ['main.users', 'no table named "main.users". Did you mean "users"?'],
    ])('treats %s as a name, never as SQL', async (table, message) => {
      expect(await refused('describe_table', { table })).toContain(message);
    });

    it.each(['sqlite_master', 'sqlite_schema', 'SQLITE_SEQUENCE'])('refuses the internal table %s', async (table) => {
      expect(await refused('describe_table', { table })).toBe(
        `table: "${table}" is one of SQLite's internal tables, not a user table. Read the db://schema resource for ` +
          'the schema, or run query with SELECT * FROM sqlite_schema',
      );
    });

    it('names the field of a badly typed, missing or unexpected argument', async () => {
      expect(await refused('describe_table', {})).toMatch(/^Invalid arguments for tool describe_table: table: /);
      expect(await refused('describe_table', { table: 42 })).toMatch(/table: Invalid input: expected string/);
      expect(await refused('describe_table', { table: '' })).toMatch(/table: Too small/);
      expect(await refused('describe_table', { table: 'users', extra: 1 })).toMatch(/Unrecognized key: "extra"/);
      expect(await refused('list_tables', { verbose: true })).toMatch(/Unrecognized key: "verbose"/);
    });
  });

  describe('query', () => {
    it('returns columns, rows as objects, the count and whether it was cut', async () => {
      expect(await structured('query', { sql: 'SELECT id, name FROM users WHERE id <= 2 ORDER BY id' })).toEqual({
        columns: ['id', 'name'],
        rows: [
          { id: 1, name: 'Ada Lovelace' },
          { id: 2, name: 'Alan Turing' },
        ],
        row_count: 2,
        truncated: false,
        truncated_by: null,
      });
    });

    it('binds positional parameters', async () => {
      const result = await structured('query', {
        sql: 'SELECT * FROM users WHERE id = ? OR email = ?',
        params: [3, 'x'],
      });
      expect(result.rows).toEqual([USERS[2]]);
    });

    it('binds named parameters, with or without their prefix', async () => {
      const sql = 'SELECT name FROM users WHERE id = :id OR id = @other';
      const result = await structured('query', { sql, params: { ':id': 1, other: 4 } });
      expect(result.rows).toEqual([{ name: 'Ada Lovelace' }, { name: 'Edsger Dijkstra' }]);
    });

    it('binds a malicious string as a plain value', async () => {
      const hostile = "x' OR '1'='1'; DROP TABLE users; --";
      const result = await structured('query', {
        sql: 'SELECT ? AS v, count(*) AS n FROM users WHERE name = ?',
        params: [hostile, hostile],
      });
      expect(result.rows).toEqual([{ v: hostile, n: 0 }]);
    });

    it('binds booleans as 1/0, whole numbers as integers, and base64 objects as BLOBs', async () => {
      const result = await structured('query', {
        sql: 'SELECT ? AS t, ? AS f, typeof(?) AS whole, typeof(?) AS fraction, ? AS blob, typeof(?) AS blob_type',
        params: [true, false, 3, 2.5, { base64: 'AP8Q' }, { base64: 'AP8Q' }],
      });
      expect(result.rows).toEqual([
        { t: 1, f: 0, whole: 'integer', fraction: 'real', blob: { base64: 'AP8Q' }, blob_type: 'blob' },
      ]);
    });

    it('makes values JSON-safe: big integers as strings, BLOBs as base64, infinities as strings', async () => {
      const result = await structured('query', {
        sql: "SELECT 9223372036854775807 AS big, 9007199254740991 AS safe, x'00ff' AS blob, 9e999 AS inf, NULL AS absent",
      });
      expect(result.rows).toEqual([
        {
          big: '9223372036854775807',
          safe: 9007199254740991,
          blob: { base64: 'AP8=' },
          inf: 'Infinity',
          absent: null,
        },
      ]);
    });

    it('keeps every column of a join whose names repeat', async () => {
      const result = await structured('query', {
        sql: 'SELECT u.id, o.id, u.name FROM users u JOIN orders o ON o.user_id = u.id WHERE o.id = 3',
      });
      expect(result).toMatchObject({
        columns: ['id', 'id_2', 'name'],
        rows: [{ id: 2, id_2: 3, name: 'Alan Turing' }],
      });
    });

    it('answers aggregate questions over the demo data deterministically', async () => {
      const result = await structured('query', {
        sql:
          'SELECT u.name, round(sum(p.price * o.quantity), 2) AS spent FROM orders o JOIN users u ON u.id = o.user_id ' +
          'JOIN products p ON p.id = o.product_id GROUP BY u.id ORDER BY spent DESC',
      });
      expect(result.rows).toEqual([
        { name: 'Alan Turing', spent: 522.99 },
        { name: 'Ada Lovelace', spent: 119.47 },
        { name: 'Grace Hopper', spent: 74.94 },
      ]);
    });

    it('stops at the limit and says the result was truncated', async () => {
      const result = await structured('query', { sql: 'SELECT id FROM orders ORDER BY id', limit: 4 });
      expect(result).toEqual({
        columns: ['id'],
        rows: [{ id: 1 }, { id: 2 }, { id: 3 }, { id: 4 }],
        row_count: 4,
        truncated: true,
        truncated_by: 'rows',
      });
      const exact = await structured('query', { sql: 'SELECT id FROM orders', limit: 6 });
      expect(exact).toMatchObject({ row_count: 6, truncated: false, truncated_by: null });
    });

    it('stops an endless result at the row limit', async () => {
      const result = await structured('query', {
        sql: 'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) SELECT x FROM n',
      });
      expect(result).toMatchObject({ row_count: 1000, truncated: true });
      expect((result.rows as unknown[])[999]).toEqual({ x: 1000 });
    });

    it('reads pragmas through their table-valued functions, and runs EXPLAIN and VALUES', async () => {
      const info = await structured('query', { sql: "SELECT name FROM pragma_table_info('products')" });
      expect(info.rows).toEqual([{ name: 'id' }, { name: 'name' }, { name: 'price' }]);
      expect((await structured('query', { sql: 'VALUES (1, 2)' })).rows).toEqual([{ column1: 1, column2: 2 }]);
      expect(
        await structured('query', { sql: 'EXPLAIN QUERY PLAN SELECT * FROM orders WHERE user_id = 1' }),
      ).toMatchObject({
        columns: ['id', 'parent', 'notused', 'detail'],
      });
      expect(await structured('query', { sql: 'SELECT 1 AS one;' })).toMatchObject({ rows: [{ one: 1 }] });
    });

    it.each([
      ['DELETE FROM users', 'this DELETE statement writes to the database'],
      ["INSERT INTO users (name, email) VALUES ('x', 'y')", 'this INSERT statement writes to the database'],
      ["INSERT INTO users (name, email) VALUES ('x', 'y') RETURNING *", 'this INSERT statement writes'],
      ['UPDATE users SET name = 1', 'this UPDATE statement writes'],
      ['WITH x AS (SELECT 1) DELETE FROM users', 'this WITH … DELETE statement writes'],
      ['DROP TABLE users', 'this DROP statement writes'],
      ['CREATE TABLE t (x)', 'this CREATE statement writes'],
      ["ATTACH DATABASE '/tmp/other.db' AS other", 'this ATTACH statement changes the database or the connection'],
      ['DETACH other', 'this DETACH statement changes the database or the connection'],
      ['BEGIN', 'this BEGIN statement changes the database or the connection'],
      ["VACUUM INTO '/tmp/copy.db'", 'this VACUUM statement changes the database or the connection'],
    ])('refuses %s', async (sql, reason) => {
      const message = await refused('query', { sql });
      expect(message).toMatch(/^sql: query runs only statements that read, and /);
      expect(message).toContain(reason);
      expect(message).toContain('DATABASE_READONLY=false');
    });

    it.each([
      ['PRAGMA hard_heap_limit=1', 'PRAGMA hard_heap_limit'],
      ['PRAGMA table_info(users)', 'PRAGMA table_info'],
      ['  /* hidden */ pragma cache_size', 'PRAGMA cache_size'],
      ['PRAGMA writable_schema=1', 'PRAGMA writable_schema'],
      ['PRAGMA query_only=0', 'PRAGMA query_only'],
    ])('refuses the pragma statement %s, naming it and pointing to the table-valued form', async (sql, name) => {
      expect(await refused('query', { sql })).toBe(
        `sql: ${name} is not run by query: SQLite applies a PRAGMA while preparing it, and many change settings of ` +
          'the whole connection (locks, query_only, LIKE). Read a pragma through its table-valued function, e.g. ' +
          "SELECT * FROM pragma_table_info('users'), or use describe_table",
      );
    });

    it.each([
      ['SELECT 1; DROP TABLE users', 'DROP TABLE users'],
      ['SELECT 1; SELECT 2', 'SELECT 2'],
      ["SELECT ';'; DELETE FROM users", 'DELETE FROM users'],
    ])('refuses several statements: %s', async (sql, second) => {
      expect(await refused('query', { sql })).toBe(
        `sql: expected exactly one statement, but a ";" is followed by more SQL: "${second}". Run one statement ` +
          'per query call',
      );
    });

    it('refuses empty SQL and SQL that is only a comment', async () => {
      expect(await refused('query', { sql: '' })).toMatch(/^Invalid arguments for tool query: sql: Too small/);
      expect(await refused('query', { sql: ' -- nothing here\n' })).toBe(
        'sql: expected one SQL statement, got only spaces or comments',
      );
    });

    it('reports a syntax error or unknown table with the list of tables', async () => {
      expect(await refused('query', { sql: 'SELECT * FRM users' })).toBe(
        'sql: near "FRM": syntax error (SQLITE_ERROR). Tables: orders, products, users; describe_table lists the columns of one',
      );
      expect(await refused('query', { sql: 'SELEC 1' })).toBe(
        'sql: expected a statement starting with SELECT, WITH, VALUES or EXPLAIN, got "SELEC"',
      );
      expect(await refused('query', { sql: 'SELECT * FROM userz' })).toContain('sql: no such table: userz');
      expect(await refused('query', { sql: 'SELECT emial FROM users' })).toContain('sql: no such column: emial');
    });

    it('names params when the values do not fit the placeholders', async () => {
      const expectation =
        'Expected an array with one value per ? placeholder, or an object with one key per :name placeholder';
      expect(await refused('query', { sql: 'SELECT ?' })).toBe(
        `params: Too few parameter values were provided. ${expectation}`,
      );
      expect(await refused('query', { sql: 'SELECT ?', params: [1, 2] })).toBe(
        `params: Too many parameter values were provided. ${expectation}`,
      );
      expect(await refused('query', { sql: 'SELECT :id', params: { other: 1 } })).toBe(
        `params: Missing named parameter "id". ${expectation}`,
      );
    });

    it('names the field of a bad params, limit or sql argument', async () => {
      expect(await refused('query', { sql: 'SELECT ?', params: [{ nested: 1 }] })).toMatch(
        /^Invalid arguments for tool query: params/,
      );
      expect(await refused('query', { sql: 'SELECT ?', params: [{ base64: '***' }] })).toMatch(/params/);
      expect(await refused('query', { sql: 'SELECT 1', limit: 0 })).toMatch(/limit: Too small/);
      expect(await refused('query', { sql: 'SELECT 1', limit: 1001 })).toMatch(
        /limit: Too big: expected number to be <=1000/,
      );
      expect(await refused('query', { sql: 'SELECT 1', limit: 2.5 })).toMatch(/limit: Invalid input: expected int/);
      expect(await refused('query', { sql: ['SELECT 1'] })).toMatch(/sql: Invalid input: expected string/);
    });

    it('reports a failure while running, such as an integer overflow', async () => {
      expect(await refused('query', { sql: 'SELECT abs(-9223372036854775808)' })).toBe(
        'sql: integer overflow (SQLITE_ERROR)',
      );
    });
  });

  describe('resources', () => {
    it('lists the schema resource and the table template', async () => {
      const { resources } = await server.connection.request('resources/list', {});
      expect(resources).toEqual([
        {
          uri: 'db://schema',
          name: 'schema',
          title: 'Database schema',
          description: 'The CREATE statements of every table, index, view and trigger, in creation order',
          mimeType: 'text/x-sql',
        },
      ]);
      const { resourceTemplates } = await server.connection.request('resources/templates/list', {});
      expect(resourceTemplates).toMatchObject([{ uriTemplate: 'db://tables/{name}', mimeType: 'application/json' }]);
    });

    it('reads the schema as SQL', async () => {
      const { contents } = await server.connection.request('resources/read', { uri: 'db://schema' });
      expect(contents).toHaveLength(1);
      const [schema] = contents as [{ uri: string; mimeType: string; text: string }];
      expect(schema).toMatchObject({ uri: 'db://schema', mimeType: 'text/x-sql' });
      expect(schema.text.indexOf('CREATE TABLE users')).toBe(0);
      expect(schema.text).toContain('CREATE INDEX orders_user_id ON orders (user_id);');
      expect(schema.text).not.toContain('sqlite_autoindex');
    });

    it('reads a table as JSON with a few sample rows', async () => {
      const { contents } = await server.connection.request('resources/read', { uri: 'db://tables/users' });
      const [table] = contents as [{ uri: string; mimeType: string; text: string }];
      expect(table).toMatchObject({ uri: 'db://tables/users', mimeType: 'application/json' });
      const body = JSON.parse(table.text);
      expect(body).toMatchObject({ name: 'users', kind: 'table', row_count: 4, sample_rows: USERS });
      expect(body.columns.map((column: { name: string }) => column.name)).toEqual([
        'id',
        'name',
        'email',
        'created_at',
      ]);
    });

    it('limits the sample to five rows', async () => {
      const { contents } = await server.connection.request('resources/read', { uri: 'db://tables/orders' });
      const body = JSON.parse((contents[0] as { text: string }).text);
      expect(body.row_count).toBe(6);
      expect(body.sample_rows).toHaveLength(5);
    });

    it('answers an unknown table with -32002 and a suggestion', async () => {
      const error = await server.connection
        .request('resources/read', { uri: 'db://tables/user' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(WireError);
      expect(error).toMatchObject({
        code: -32002,
        message:
          'Resource not found: db://tables/user: no table named "user". Did you mean "users"? Tables: orders, products, users.',
      });
      const encoded = await server.connection
        .request('resources/read', { uri: `db://tables/${encodeURIComponent('users; DROP TABLE users')}` })
        .catch((e: unknown) => e);
      expect(encoded).toMatchObject({ code: -32002 });
      await expect(server.connection.request('ping', undefined)).resolves.toEqual({});
    });

    it('completes table names by prefix, ignoring case', async () => {
      const complete = (value: string) =>
        server.connection.request('completion/complete', {
          ref: { type: 'ref/resource', uri: 'db://tables/{name}' },
          argument: { name: 'name', value },
        });
      expect((await complete('P')).completion).toEqual({ values: ['products'], total: 1, hasMore: false });
      expect((await complete('')).completion.values).toEqual(['orders', 'products', 'users']);
      expect((await complete('x')).completion.values).toEqual([]);
    });
  });

  describe('read-only guarantee', () => {
    it('left the database file byte for byte unchanged after every attempt above', () => {
      expect(fingerprint(file)).toEqual(before);
      expect(fs.readdirSync(path.dirname(file))).toEqual(['demo.db']);
      const db = new Database(file, { readonly: true });
      try {
        expect(db.prepare('SELECT * FROM users ORDER BY id').all()).toEqual(USERS);
        expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE type = 'table'").pluck().get()).toBe(3);
      } finally {
        db.close();
      }
    });
  });
});
