/**
 * The text check `query` runs before SQLite prepares anything. Where it must agree with SQLite (what is space, where a
 * statement ends, which pragma functions exist), it is compared with the SQLite that better-sqlite3 bundles.
 */
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { READ_ONLY_PRAGMA_FUNCTIONS, checkQuerySql, tokenizeSql } from '../../../../servers/database/sql-text.js';

const sqlite = new Database(':memory:');
sqlite.exec('CREATE TABLE t (a, b)');
const PRAGMAS = new Set(sqlite.prepare<[], string>('SELECT name FROM pragma_pragma_list').pluck().all());

afterAll(() => sqlite.close());

const check = (sql: string) => checkQuerySql(sql, PRAGMAS);

/** What SQLite makes of `sql`: a statement that reads, one that does not, or an error. */
function sqliteVerdict(sql: string): 'reads' | 'other' | 'error' {
  try {
    const statement = sqlite.prepare(sql);
    return statement.reader && statement.readonly ? 'reads' : 'other';
  } catch {
    return 'error';
  }
}

describe('tokenizeSql', () => {
  it('leaves out space and comments, and unquotes names and strings', () => {
    const tokens = tokenizeSql(`SELECT /* c */ "a""b", 'it''s', [x y], \`q\` -- tail\nFROM t;`);
    expect(tokens.map(({ kind, value }) => [kind, value])).toEqual([
      ['word', 'SELECT'],
      ['quoted', 'a"b'],
      ['other', ','],
      ['string', "it's"],
      ['other', ','],
      ['quoted', 'x y'],
      ['other', ','],
      ['quoted', 'q'],
      ['word', 'FROM'],
      ['word', 't'],
      ['semicolon', ';'],
    ]);
  });

  it('keeps a ";" inside strings, names, BLOB literals and comments', () => {
    const sql = "SELECT ';', \";\", [;], `;`, x'3b' /* ; */ -- ;\n";
    expect(tokenizeSql(sql).filter((token) => token.kind === 'semicolon')).toEqual([]);
  });

  it('reads non-ASCII characters as part of a name, as SQLite does', () => {
    expect(tokenizeSql('\u00A0PRAGMA x').map((token) => token.text)).toEqual(['\u00A0PRAGMA', 'x']);
    expect(tokenizeSql('SELECT\u3000x').map((token) => token.text)).toEqual(['SELECT\u3000x']);
  });

  it('runs unterminated strings and comments to the end, hiding nothing after them', () => {
    expect(tokenizeSql("SELECT 'open; PRAGMA x").map((token) => token.kind)).toEqual(['word', 'other']);
    expect(tokenizeSql('SELECT 1 /* open; PRAGMA x')).toHaveLength(2);
  });

  it('records where each token starts', () => {
    expect(tokenizeSql('  SELECT  1').map((token) => token.offset)).toEqual([2, 10]);
  });
});

describe('checkQuerySql', () => {
  it.each([
    'SELECT 1',
    'select * from t',
    'VALUES (1, 2)',
    'WITH x AS (SELECT 1) SELECT * FROM x',
    'WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n LIMIT 3) SELECT x FROM n',
    'WITH x AS NOT MATERIALIZED (SELECT 1), y AS (VALUES (2)) SELECT * FROM x, y',
    'EXPLAIN SELECT 1',
    'EXPLAIN QUERY PLAN SELECT * FROM t',
    'explain query plan with x as (select 1) select * from x',
    '/* why */ SELECT 1 -- trailing',
    '\uFEFFSELECT 1',
    'SELECT 1;',
    'SELECT 1;;  -- done\n;',
    "SELECT 'PRAGMA locking_mode=EXCLUSIVE; DROP TABLE t' AS text",
    'SELECT a AS pragma_note, b AS "pragma" FROM t',
    "SELECT * FROM pragma_table_info('t')",
    'SELECT * FROM pragma_index_list(?) JOIN pragma_table_list USING (name)',
    'SELECT * FROM "PRAGMA_QUERY_ONLY"',
  ])('lets %j through to prepare()', (sql) => {
    expect(check(sql)).toBeUndefined();
  });

  it.each([
    ['PRAGMA locking_mode=EXCLUSIVE', 'PRAGMA locking_mode is not run by query'],
    ['pragma "main".query_only = 0', 'PRAGMA "main".query_only is not run by query'],
    ['EXPLAIN PRAGMA case_sensitive_like=1', 'EXPLAIN PRAGMA case_sensitive_like is not run by query'],
    ['EXPLAIN QUERY PLAN PRAGMA x', 'EXPLAIN QUERY PLAN PRAGMA x is not run by query'],
    ['PRAGMA', 'PRAGMA is not run by query'],
    ['SELECT * FROM pragma_optimize', 'pragma_optimize is not run by query'],
    ["SELECT * FROM 'Pragma_Optimize'", 'Pragma_Optimize is not run by query'],
    ['DELETE FROM t', 'this DELETE statement writes to the database'],
    ['WITH x AS (SELECT 1) DELETE FROM t', 'this WITH … DELETE statement writes'],
    ['WITH x(a) AS (SELECT 1) INSERT INTO t SELECT a, a FROM x', 'this WITH … INSERT statement writes'],
    ['EXPLAIN UPDATE t SET a = 1', 'EXPLAIN UPDATE explains one that does not'],
    ['ATTACH ? AS x', 'this ATTACH statement changes the database or the connection'],
    ['SELECT 1; SELECT 2', 'a ";" is followed by more SQL: "SELECT 2"'],
    [`SELECT 1; SELECT '${'x'.repeat(80)}'`, `"SELECT '${'x'.repeat(51)}…"`],
    ['SELECT 1\0', 'contains a NUL character (U+0000) at offset 8'],
    ['  ', 'expected one SQL statement, got only spaces or comments'],
    [';', 'expected one SQL statement, got only spaces or comments'],
    ['SELEC 1', 'expected a statement starting with SELECT, WITH, VALUES or EXPLAIN, got "SELEC"'],
    ['EXPLAIN', 'expected a statement after EXPLAIN'],
    ['(SELECT 1)', 'got "("'],
    ['\u00A0SELECT 1', 'got "\u00A0SELECT" (SQLite reads U+00A0 as part of a name, not as a space)'],
    ['\vSELECT 1', 'got "\\u000b"'],
  ])('refuses %j: %s', (sql, reason) => {
    expect(check(sql)?.reason).toContain(reason);
  });

  it('refuses a pragma function this list has not reviewed, but not a name that is no pragma', () => {
    const newer = new Set([...PRAGMAS, 'future_thing']);
    expect(checkQuerySql('SELECT * FROM pragma_future_thing', newer)?.code).toBe('NOT_READ_ONLY');
    expect(checkQuerySql('SELECT * FROM pragma_future_thing', PRAGMAS)).toBeUndefined();
  });

  it('names the kind of refusal in its code', () => {
    expect(check('')?.code).toBe('EMPTY_SQL');
    expect(check('SELECT 1; SELECT 2')?.code).toBe('MULTIPLE_STATEMENTS');
    expect(check('PRAGMA x')?.code).toBe('NOT_READ_ONLY');
    expect(check('SELEC 1')?.code).toBe('INVALID_SQL');
    expect(check('DELETE FROM t')).toMatchObject({ code: 'NOT_READ_ONLY', needsWriteHint: true });
  });
});

describe('checkQuerySql agrees with SQLite', () => {
  // Every BMP character (surrogates aside) before a SELECT: the check may let it through only when SQLite reads a
  // SELECT there, so no character that SQLite skips can hide a PRAGMA from the check, and none it keeps is skipped.
  it('on every character before a statement', () => {
    const disagreements: string[] = [];
    for (let code = 1; code <= 0xffff; code++) {
      if (code >= 0xd800 && code <= 0xdfff) continue;
      const sql = `${String.fromCharCode(code)}SELECT 1`;
      const isPassed = check(sql) === undefined;
      if (isPassed !== (sqliteVerdict(sql) === 'reads')) disagreements.push(code.toString(16));
    }
    expect(disagreements).toEqual([]);
  });

  it('on every pair of ASCII characters before a statement', () => {
    const disagreements: string[] = [];
    for (let first = 1; first < 0x80; first++) {
      for (let second = 1; second < 0x80; second++) {
        const sql = `${String.fromCharCode(first, second)}SELECT 1`;
        if ((check(sql) === undefined) !== (sqliteVerdict(sql) === 'reads')) disagreements.push(JSON.stringify(sql));
      }
    }
    expect(disagreements).toEqual([]);
  });

  // After a complete SELECT, a character and a second statement: one statement to the check exactly when
  // better-sqlite3 (which refuses more SQL after the first statement) prepares it.
  it('on where the first statement ends', () => {
    const disagreements: string[] = [];
    const middles = ['', ' ', '\n', '--', '/*', '*/', "'", '"', '`', '[', ']', ';', "x'", '-- ;\n', '/* ; */'];
    for (const before of middles) {
      for (const after of middles) {
        const sql = `SELECT 1 ${before}${after} SELECT 2`;
        const isOne = check(sql)?.code !== 'MULTIPLE_STATEMENTS';
        let sqliteIsOne = true;
        try {
          sqlite.prepare(sql);
        } catch (error) {
          // A RangeError is better-sqlite3's "more than one statement"; a syntax error does not tell.
          if (error instanceof RangeError) sqliteIsOne = false;
          else continue;
        }
        if (isOne !== sqliteIsOne) disagreements.push(JSON.stringify(sql));
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('on which pragma functions exist, and which of them take an argument', () => {
    const functions = [...PRAGMAS].filter(
      (name) => sqlite.prepare(`SELECT count(*) FROM pragma_table_xinfo('pragma_${name}')`).pluck().get() !== 0,
    );
    const withArgument = functions.filter(
      (name) =>
        sqlite
          .prepare(`SELECT count(*) FROM pragma_table_xinfo('pragma_${name}') WHERE name = 'arg' AND hidden`)
          .pluck()
          .get() !== 0,
    );
    // Only a function with an argument column can pass a value to its PRAGMA; each of these was reviewed.
    expect(withArgument.sort()).toEqual([
      'foreign_key_check',
      'foreign_key_list',
      'index_info',
      'index_list',
      'index_xinfo',
      'integrity_check',
      'optimize',
      'quick_check',
      'table_info',
      'table_list',
      'table_xinfo',
    ]);
    expect(functions.filter((name) => !READ_ONLY_PRAGMA_FUNCTIONS.has(name))).toEqual(['optimize']);
    expect([...READ_ONLY_PRAGMA_FUNCTIONS].filter((name) => !functions.includes(name))).toEqual([]);
  });
});
