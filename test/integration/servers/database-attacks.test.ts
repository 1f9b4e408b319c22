/**
 * SQL attacks on `query`, one table, each sent through the real built server over stdio, in both modes. After every
 * refusal, three independent witnesses: the server still answers ping; a second better-sqlite3 connection takes an
 * EXCLUSIVE lock on the file (so no lock was left behind, not even a SHARED one kept by `locking_mode=EXCLUSIVE`),
 * writes in it and rolls back, and finds the file's own settings unchanged; and the server's connection reports the
 * same settings as at start (read through pragma functions, the way a client would see them).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultText, startStdioServer } from '../../helpers/stdio-server.js';
import type { StdioServer } from '../../helpers/stdio-server.js';

const SERVER = 'dist/servers/database/index.js';

/** Settings of the server's query connection that a PRAGMA could change, as `pragma_<name>` column names. */
const CONNECTION_SETTINGS: [pragma: string, column: string][] = [
  ['query_only', 'query_only'],
  ['locking_mode', 'locking_mode'],
  ['journal_mode', 'journal_mode'],
  ['cache_size', 'cache_size'],
  ['cache_spill', 'cache_spill'],
  ['temp_store', 'temp_store'],
  ['writable_schema', 'writable_schema'],
  ['trusted_schema', 'trusted_schema'],
  ['foreign_keys', 'foreign_keys'],
  ['defer_foreign_keys', 'defer_foreign_keys'],
  ['ignore_check_constraints', 'ignore_check_constraints'],
  ['recursive_triggers', 'recursive_triggers'],
  ['reverse_unordered_selects', 'reverse_unordered_selects'],
  ['read_uncommitted', 'read_uncommitted'],
  ['automatic_index', 'automatic_index'],
  ['busy_timeout', 'timeout'],
  ['hard_heap_limit', 'hard_heap_limit'],
  ['soft_heap_limit', 'soft_heap_limit'],
  ['threads', 'threads'],
  ['analysis_limit', 'analysis_limit'],
  ['synchronous', 'synchronous'],
  ['max_page_count', 'max_page_count'],
  ['journal_size_limit', 'journal_size_limit'],
  ['legacy_alter_table', 'legacy_alter_table'],
  ['cell_size_check', 'cell_size_check'],
  ['secure_delete', 'secure_delete'],
  ['short_column_names', 'short_column_names'],
  ['full_column_names', 'full_column_names'],
];

const SETTINGS_SQL =
  'SELECT ' +
  [
    ...CONNECTION_SETTINGS.map(([pragma, column]) => `(SELECT "${column}" FROM pragma_${pragma}) AS ${pragma}`),
    // case_sensitive_like has no pragma function: LIKE itself shows it.
    "'a' LIKE 'A' AS like_ignores_case",
    // temp appears once anything uses it (integrity_check does); only other names are ATTACHed files.
    "(SELECT count(*) FROM pragma_database_list WHERE name NOT IN ('main', 'temp')) AS attached",
    "(SELECT group_concat(name) FROM pragma_table_list WHERE schema = 'temp') AS temp_tables",
  ].join(', ');

/** A second connection: locks the file EXCLUSIVE, writes, rolls back; returns the file's own settings. */
function probeFile(file: string): Record<string, unknown> {
  const db = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    // EXCLUSIVE, not IMMEDIATE: a reader that kept its SHARED lock (locking_mode=EXCLUSIVE) blocks only this one.
    db.exec('BEGIN EXCLUSIVE');
    db.prepare("INSERT INTO users (name, email) VALUES ('probe', 'probe@example.com')").run();
    db.exec('ROLLBACK');
    const read = (pragma: string) => db.pragma(pragma, { simple: true });
    return {
      journal_mode: read('journal_mode'),
      user_version: read('user_version'),
      application_id: read('application_id'),
      schema_version: read('schema_version'),
      page_size: read('page_size'),
      auto_vacuum: read('auto_vacuum'),
      users: db.prepare('SELECT count(*) FROM users').pluck().get(),
      schema: db.prepare('SELECT group_concat(name) FROM sqlite_schema ORDER BY name').pluck().get(),
    };
  } finally {
    db.close();
  }
}

function sha256(file: string): string {
  return createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

interface Attack {
  sql: string;
  /** Text the refusal must contain: what was refused. */
  names: string;
}

/**
 * Every statement here must be refused before it can do anything, with a message naming what was refused. `<dir>` is
 * the test's directory, which must stay empty but for the database.
 */
function attacks(): Attack[] {
  const attack = (sql: string, names: string): Attack => ({ sql, names });
  return [
    // PRAGMAs that SQLite applies while preparing, before any check after prepare() could refuse them.
    attack('PRAGMA locking_mode=EXCLUSIVE', 'PRAGMA locking_mode'),
    attack('PRAGMA main.locking_mode = EXCLUSIVE', 'PRAGMA main.locking_mode'),
    attack('PRAGMA query_only=0', 'PRAGMA query_only'),
    attack('PRAGMA case_sensitive_like=1', 'PRAGMA case_sensitive_like'),
    attack('EXPLAIN PRAGMA locking_mode=EXCLUSIVE', 'EXPLAIN PRAGMA locking_mode'),
    attack('EXPLAIN QUERY PLAN PRAGMA query_only=0', 'EXPLAIN QUERY PLAN PRAGMA query_only'),
    attack('PRAGMA writable_schema=ON', 'PRAGMA writable_schema'),
    attack('PRAGMA journal_mode=WAL', 'PRAGMA journal_mode'),
    attack('PRAGMA journal_mode=OFF', 'PRAGMA journal_mode'),
    attack('PRAGMA wal_checkpoint(TRUNCATE)', 'PRAGMA wal_checkpoint'),
    attack('PRAGMA optimize', 'PRAGMA optimize'),
    attack('PRAGMA temp_store=MEMORY', 'PRAGMA temp_store'),
    attack('PRAGMA mmap_size=268435456', 'PRAGMA mmap_size'),
    attack('PRAGMA hard_heap_limit=1', 'PRAGMA hard_heap_limit'),
    attack('PRAGMA soft_heap_limit=1', 'PRAGMA soft_heap_limit'),
    attack('PRAGMA cache_size=1', 'PRAGMA cache_size'),
    attack('PRAGMA busy_timeout=600000', 'PRAGMA busy_timeout'),
    attack('PRAGMA trusted_schema=1', 'PRAGMA trusted_schema'),
    attack('PRAGMA foreign_keys=OFF', 'PRAGMA foreign_keys'),
    attack('PRAGMA reverse_unordered_selects=1', 'PRAGMA reverse_unordered_selects'),
    attack('PRAGMA threads=8', 'PRAGMA threads'),
    attack('PRAGMA user_version=7', 'PRAGMA user_version'),
    attack('PRAGMA shrink_memory', 'PRAGMA shrink_memory'),
    attack('PRAGMA table_info(users)', 'PRAGMA table_info'),
    attack('PRAGMA', 'PRAGMA'),
    // Case, comments and whitespace, as SQLite reads them (a BOM is whitespace to it; U+00A0 is not).
    attack('pRaGmA LoCkInG_MoDe = exclusive', 'PRAGMA LoCkInG_MoDe'),
    attack('/* comment */PRAGMA locking_mode=EXCLUSIVE', 'PRAGMA locking_mode'),
    attack('/**/PRAGMA query_only=0', 'PRAGMA query_only'),
    attack('PRAGMA/**/locking_mode=EXCLUSIVE', 'PRAGMA locking_mode'),
    attack('-- a line comment\nPRAGMA query_only=0', 'PRAGMA query_only'),
    attack('/* a /* not nested */ PRAGMA query_only=0', 'PRAGMA query_only'),
    attack('\t\r\n\f PRAGMA case_sensitive_like=1', 'PRAGMA case_sensitive_like'),
    attack(' \vPRAGMA case_sensitive_like=1', 'PRAGMA case_sensitive_like'),
    attack('\vPRAGMA case_sensitive_like=1', '"\\u000b"'),
    attack('\uFEFFPRAGMA locking_mode=EXCLUSIVE', 'PRAGMA locking_mode'),
    attack('EXPLAIN/**/PRAGMA query_only=0', 'EXPLAIN PRAGMA query_only'),
    attack('explain query plan pragma case_sensitive_like=1', 'EXPLAIN QUERY PLAN PRAGMA case_sensitive_like'),
    attack('\u00A0PRAGMA locking_mode=EXCLUSIVE', '"\u00A0PRAGMA"'),
    attack('\u3000PRAGMA locking_mode=EXCLUSIVE', '"\u3000PRAGMA"'),
    // A second statement hidden behind the first, behind strings, identifiers and comments that hold a ";".
    attack('SELECT 1; PRAGMA locking_mode=EXCLUSIVE', 'PRAGMA locking_mode=EXCLUSIVE'),
    attack("SELECT ';'; PRAGMA query_only=0", 'PRAGMA query_only=0'),
    attack("SELECT 'it''s; fine'; PRAGMA query_only=0", 'PRAGMA query_only=0'),
    attack('SELECT 1 /* ; */; PRAGMA query_only=0', 'PRAGMA query_only=0'),
    attack('SELECT 1 -- ;\n; PRAGMA query_only=0', 'PRAGMA query_only=0'),
    attack('SELECT "a;b" FROM (SELECT 1 AS "a;b"); PRAGMA query_only=0', 'PRAGMA query_only=0'),
    attack('SELECT [a;b] FROM (SELECT 1 AS [a;b]); DELETE FROM users', 'DELETE FROM users'),
    attack('SELECT `a;b` FROM (SELECT 1 AS `a;b`); DROP TABLE users', 'DROP TABLE users'),
    attack("SELECT x'00'; PRAGMA query_only=0", 'PRAGMA query_only=0'),
    attack('SELECT 1;;; PRAGMA query_only=0', 'PRAGMA query_only=0'),
    attack('SELECT 1\u0000; PRAGMA locking_mode=EXCLUSIVE', 'NUL'),
    attack('SELECT * FROM users; VACUUM', 'VACUUM'),
    // Pragma functions: the one that acts, in every spelling SQLite accepts for a table name.
    attack('SELECT * FROM pragma_optimize', 'pragma_optimize'),
    attack('SELECT * FROM pragma_optimize(0x10002)', 'pragma_optimize'),
    attack('SELECT * FROM "PRAGMA_OPTIMIZE"', 'PRAGMA_OPTIMIZE'),
    attack('SELECT * FROM [pragma_optimize]', 'pragma_optimize'),
    attack('SELECT * FROM `Pragma_Optimize`', 'Pragma_Optimize'),
    attack("SELECT * FROM 'pragma_optimize'", 'pragma_optimize'),
    attack('SELECT * FROM main.pragma_optimize', 'pragma_optimize'),
    attack('WITH o AS (SELECT * FROM pragma_optimize) SELECT * FROM o', 'pragma_optimize'),
    // Writes, also behind WITH and with RETURNING; DDL.
    attack('DELETE FROM users', 'DELETE'),
    attack("INSERT INTO users (name, email) VALUES ('x', 'y')", 'INSERT'),
    attack("INSERT INTO users (name, email) VALUES ('x', 'y') RETURNING *", 'INSERT'),
    attack("REPLACE INTO users (id, name, email) VALUES (1, 'x', 'y')", 'REPLACE'),
    attack("UPDATE users SET name = 'x' RETURNING *", 'UPDATE'),
    attack('WITH x AS (SELECT 1) DELETE FROM users', 'WITH … DELETE'),
    attack(
      "WITH RECURSIVE x(n) AS (SELECT 1) INSERT INTO users (name, email) SELECT 'a', 'b' FROM x RETURNING *",
      'WITH … INSERT',
    ),
    attack('WITH x AS MATERIALIZED (SELECT 1), y(a) AS (VALUES (2)) UPDATE users SET name = 1', 'WITH … UPDATE'),
    attack('EXPLAIN DELETE FROM users', 'EXPLAIN DELETE'),
    attack('DROP TABLE users', 'DROP'),
    attack('CREATE TABLE t (x)', 'CREATE'),
    attack('CREATE TEMP TABLE t (x)', 'CREATE'),
    attack('CREATE TEMP TRIGGER t AFTER INSERT ON users BEGIN SELECT 1; END', 'CREATE'),
    attack('ALTER TABLE users ADD COLUMN x', 'ALTER'),
    // Statements that change the connection or the file.
    attack("ATTACH DATABASE '<dir>/attached.db' AS other", 'ATTACH'),
    attack('DETACH other', 'DETACH'),
    attack('VACUUM', 'VACUUM'),
    attack("VACUUM INTO '<dir>/copy.db'", 'VACUUM'),
    attack('REINDEX', 'REINDEX'),
    attack('ANALYZE', 'ANALYZE'),
    attack('BEGIN EXCLUSIVE', 'BEGIN'),
    attack('BEGIN IMMEDIATE', 'BEGIN'),
    attack('SAVEPOINT s', 'SAVEPOINT'),
    attack('RELEASE s', 'RELEASE'),
    attack('COMMIT', 'COMMIT'),
    attack('ROLLBACK', 'ROLLBACK'),
    // Not a statement at all.
    attack('(SELECT 1)', '"("'),
  ];
}

describe.each([
  ['read-only', 'true'],
  ['writable', 'false'],
])('query refuses every attack before SQLite prepares it (%s server)', (_mode, readonly) => {
  let dir: string;
  let file: string;
  let server: StdioServer;
  let serverSettings: Record<string, unknown>;
  let fileSettings: Record<string, unknown>;
  let fileHash: string;

  async function readServerSettings(): Promise<Record<string, unknown>> {
    const result = await server.callTool('query', { sql: SETTINGS_SQL });
    expect(result.isError, resultText(result)).toBeFalsy();
    return (result.structuredContent!.rows as Record<string, unknown>[])[0]!;
  }

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-attacks-'));
    file = path.join(dir, 'demo.db');
    server = await startStdioServer(SERVER, { DATABASE_PATH: file, DATABASE_READONLY: readonly });
    serverSettings = await readServerSettings();
    fileSettings = probeFile(file);
    fileHash = sha256(file);
  });

  afterAll(async () => {
    await server?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts from the settings the server promises', () => {
    expect(serverSettings).toMatchObject({
      query_only: 1,
      locking_mode: 'normal',
      like_ignores_case: 1,
      writable_schema: 0,
      temp_store: 0,
      attached: 0,
      temp_tables: 'sqlite_temp_schema',
    });
    expect(fileSettings).toMatchObject({ journal_mode: 'delete', user_version: 0, users: 4 });
  });

  it('has a file probe that notices a connection holding on to its lock', () => {
    const holder = new Database(file, { readonly: true });
    try {
      holder.pragma('locking_mode = EXCLUSIVE');
      holder.prepare('SELECT count(*) FROM users').get();
      expect(() => probeFile(file)).toThrow(/database is locked/);
    } finally {
      holder.close();
    }
    expect(probeFile(file)).toEqual(fileSettings);
  });

  it.each(attacks().map((attack) => [attack.sql, attack]))('refuses %j', async (_sql, attack) => {
    const result = await server.callTool('query', { sql: attack.sql.replaceAll('<dir>', dir) });
    const message = resultText(result);
    expect(result.isError, message).toBe(true);
    // What the attack did (or not) first, then whether the message says what was refused.
    await expect(server.connection.request('ping', undefined)).resolves.toEqual({});
    expect(await readServerSettings()).toEqual(serverSettings);
    expect(probeFile(file)).toEqual(fileSettings);
    expect(fs.readdirSync(dir)).toEqual(['demo.db']);
    expect(message).toMatch(/^sql: /);
    expect(message).toContain(attack.names);
  });

  it('cannot load an extension through a SELECT', async () => {
    const result = await server.callTool('query', { sql: "SELECT load_extension('/nonexistent/evil')" });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toBe('sql: not authorized (SQLITE_ERROR)');
    expect(await readServerSettings()).toEqual(serverSettings);
    expect(probeFile(file)).toEqual(fileSettings);
  });

  it.each([
    ["SELECT name FROM pragma_table_info('users') ORDER BY cid", 4],
    ["SELECT * FROM pragma_index_list('users')", 1],
    ["SELECT * FROM pragma_foreign_key_list('orders')", 2],
    ["SELECT name FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'", 3],
    ['SELECT * FROM "PRAGMA_INTEGRITY_CHECK"', 1],
    ['SELECT * FROM pragma_quick_check', 1],
    ['/* how many */ SELECT count(*) FROM users -- all of them', 1],
    ['\uFEFFSELECT 1 AS one;', 1],
    ['SELECT 1 AS one;; -- done', 1],
    ["SELECT 'PRAGMA locking_mode=EXCLUSIVE; DROP TABLE users' AS text", 1],
    ['SELECT id AS pragma_note, name AS "pragma" FROM users', 4],
    ['WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 5) SELECT x FROM n', 5],
    ['WITH big AS MATERIALIZED (SELECT * FROM orders WHERE quantity > 1) SELECT * FROM big', 3],
    ['EXPLAIN QUERY PLAN SELECT * FROM orders WHERE user_id = 1', 1],
    ['VALUES (1), (2)', 2],
  ])('still runs the legitimate %j', async (sql, rowCount) => {
    const result = await server.callTool('query', { sql });
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(result.structuredContent!.rows).toHaveLength(rowCount);
    expect(await readServerSettings()).toEqual(serverSettings);
  });

  it('left the file byte for byte as it was', () => {
    expect(sha256(file)).toBe(fileHash);
  });

  it.runIf(readonly === 'false')('still writes through the write tools after all of that', async () => {
    const inserted = await server.callTool('insert', {
      table: 'users',
      record: { name: 'After Attacks', email: 'after@example.com' },
    });
    expect(inserted.isError, resultText(inserted)).toBeFalsy();
    const id = inserted.structuredContent!.id;
    const deleted = await server.callTool('delete', { table: 'users', where: { id } });
    expect(deleted.structuredContent).toEqual({ status: 'deleted', changes: 1 });
    expect(probeFile(file)).toMatchObject({ users: 4 });
  });
});
