/**
 * What `query` decides from the text of a statement, before SQLite sees it.
 *
 * Checking after `prepare()` is too late: SQLite applies many PRAGMAs while it prepares them, so
 * `PRAGMA locking_mode=EXCLUSIVE` (the file stays locked against every other writer), `PRAGMA query_only=0` or
 * `PRAGMA case_sensitive_like=1` take effect even when the statement is refused afterwards, and so does
 * `EXPLAIN PRAGMA …`. Only PRAGMA acts at prepare time; every other statement just compiles. So a statement reaches
 * `prepare()` only when it is one statement that starts with SELECT, VALUES, WITH or EXPLAIN of those, and names no
 * pragma function that acts. SQLite then still checks what it compiled (`stmt.readonly`, `stmt.reader`).
 *
 * The tokenizer follows SQLite's own (tokenize.c) wherever that decides where a statement starts or ends: what is
 * space (a BOM is, U+00A0 is not: SQLite reads every non-ASCII character as part of a name), comments (`--` to the
 * end of the line; `/* … *\/`, not nested, unterminated to the end), strings and quoted names with doubled quotes,
 * `[names]`, BLOB literals, variables. Anything it does not model is a one-character token that cannot hide a `;`.
 */

import type { DatabaseErrorCode } from './driver.js';

export type SqlTokenKind = 'word' | 'quoted' | 'string' | 'semicolon' | 'open' | 'close' | 'other';

export interface SqlToken {
  kind: SqlTokenKind;
  /** The token as written. */
  text: string;
  /** A name or string without its quotes (doubled quotes made single); else the text. */
  value: string;
  /** Where the token starts in the SQL, in UTF-16 code units. */
  offset: number;
}

/** Why `query` will not prepare a statement. `reason` is the message without the field name. */
export interface QueryRefusal {
  code: Extract<DatabaseErrorCode, 'EMPTY_SQL' | 'MULTIPLE_STATEMENTS' | 'NOT_READ_ONLY' | 'INVALID_SQL'>;
  reason: string;
  /** The statement would write or change the connection: the caller adds how to change data instead. */
  needsWriteHint?: boolean;
}

/**
 * Pragmas whose table-valued function (`SELECT * FROM pragma_<name>`) only reads. A pragma function runs
 * `PRAGMA <name>` with at most an argument column, and only the functions of `foreign_key_check`, `foreign_key_list`,
 * `index_info`, `index_list`, `index_xinfo`, `integrity_check`, `optimize`, `quick_check`, `table_info`, `table_list`
 * and `table_xinfo` have one; of those, only `optimize` acts (it runs ANALYZE). The rest report a setting. A pragma
 * that SQLite offers as a function and that is missing here (a newer SQLite's) is refused until it is reviewed; a
 * unit test compares this list with the SQLite that better-sqlite3 bundles.
 */
export const READ_ONLY_PRAGMA_FUNCTIONS: ReadonlySet<string> = new Set([
  'analysis_limit',
  'application_id',
  'auto_vacuum',
  'automatic_index',
  'busy_timeout',
  'cache_size',
  'cache_spill',
  'cell_size_check',
  'checkpoint_fullfsync',
  'collation_list',
  'compile_options',
  'count_changes',
  'data_version',
  'database_list',
  'defer_foreign_keys',
  'empty_result_callbacks',
  'encoding',
  'foreign_key_check',
  'foreign_key_list',
  'foreign_keys',
  'freelist_count',
  'full_column_names',
  'fullfsync',
  'function_list',
  'hard_heap_limit',
  'ignore_check_constraints',
  'index_info',
  'index_list',
  'index_xinfo',
  'integrity_check',
  'journal_mode',
  'journal_size_limit',
  'legacy_alter_table',
  'locking_mode',
  'max_page_count',
  'module_list',
  'page_count',
  'page_size',
  'pragma_list',
  'query_only',
  'quick_check',
  'read_uncommitted',
  'recursive_triggers',
  'reverse_unordered_selects',
  'schema_version',
  'secure_delete',
  'short_column_names',
  'soft_heap_limit',
  'synchronous',
  'table_info',
  'table_list',
  'table_xinfo',
  'temp_store',
  'threads',
  'trusted_schema',
  'user_version',
  'writable_schema',
]);

const READ_VERBS = new Set(['SELECT', 'VALUES']);
const WRITE_VERBS = new Set(['INSERT', 'REPLACE', 'UPDATE', 'DELETE', 'CREATE', 'DROP', 'ALTER']);
/** Statements that neither read nor write rows: they change the connection, a transaction, or the whole file. */
const OTHER_VERBS = new Set([
  'ATTACH',
  'DETACH',
  'BEGIN',
  'COMMIT',
  'END',
  'ROLLBACK',
  'SAVEPOINT',
  'RELEASE',
  'VACUUM',
  'ANALYZE',
  'REINDEX',
]);
const EXPECTED = 'a statement starting with SELECT, WITH, VALUES or EXPLAIN';

/** Characters that start a run of space (SQLite's CC_SPACE); `\v` only continues one (sqlite3Isspace). */
const SPACE_START = new Set([' ', '\t', '\n', '\f', '\r']);
const SPACE_CONTINUE = new Set([' ', '\t', '\n', '\v', '\f', '\r']);
/** U+FEFF, the UTF-8 byte order mark: space where a token would start, part of a name inside one. */
const BOM = '\uFEFF';

/** A character SQLite allows in a name after its first: ASCII letters, digits, `_`, `$`, and all of non-ASCII. */
function isIdChar(char: string | undefined): boolean {
  if (char === undefined) return false;
  return char.charCodeAt(0) >= 0x80 || /[A-Za-z0-9_$]/.test(char);
}

function isIdStart(char: string): boolean {
  return char.charCodeAt(0) >= 0x80 || /[A-Za-z_]/.test(char);
}

/** SQLite compares names and keywords ignoring ASCII case only. */
function asciiUpper(text: string): string {
  return text.replace(/[a-z]+/g, (letters) => letters.toUpperCase());
}

function asciiLower(text: string): string {
  return text.replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** The end of a quoted token that starts at `start` (past its closing quote), or -1 when it is never closed. */
function quotedEnd(sql: string, start: number, quote: string): number {
  let index = start + 1;
  for (;;) {
    const next = sql.indexOf(quote, index);
    if (next === -1) return -1;
    if (sql[next + 1] !== quote) return next + 1;
    index = next + 2;
  }
}

/**
 * The tokens of `sql` that matter to SQLite's parser: space and comments are left out. Unterminated strings,
 * quoted names and comments run to the end of the input, as in SQLite.
 */
export function tokenizeSql(sql: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  const push = (kind: SqlTokenKind, start: number, end: number, value?: string) =>
    tokens.push({ kind, text: sql.slice(start, end), value: value ?? sql.slice(start, end), offset: start });
  let index = 0;
  while (index < sql.length) {
    const char = sql[index]!;
    const next = sql[index + 1];
    const start = index;
    if (SPACE_START.has(char)) {
      index++;
      while (index < sql.length && SPACE_CONTINUE.has(sql[index]!)) index++;
    } else if (char === BOM) {
      index++;
    } else if (char === '-' && next === '-') {
      const end = sql.indexOf('\n', index + 2);
      index = end === -1 ? sql.length : end;
    } else if (char === '/' && next === '*' && index + 2 < sql.length) {
      const end = sql.indexOf('*/', index + 2);
      index = end === -1 ? sql.length : end + 2;
    } else if (char === "'" || char === '"' || char === '`') {
      const end = quotedEnd(sql, index, char);
      if (end === -1) {
        index = sql.length;
        push('other', start, index);
      } else {
        index = end;
        const value = sql.slice(start + 1, end - 1).replaceAll(char + char, char);
        push(char === "'" ? 'string' : 'quoted', start, end, value);
      }
    } else if (char === '[') {
      const end = sql.indexOf(']', index + 1);
      index = end === -1 ? sql.length : end + 1;
      push(end === -1 ? 'other' : 'quoted', start, index, end === -1 ? undefined : sql.slice(start + 1, end));
    } else if ((char === 'x' || char === 'X') && next === "'") {
      // A BLOB literal, valid or not, ends at the next quote.
      const end = sql.indexOf("'", index + 2);
      index = end === -1 ? sql.length : end + 1;
      push('other', start, index);
    } else if (isIdStart(char)) {
      index++;
      while (isIdChar(sql[index])) index++;
      push('word', start, index);
    } else if (/[0-9]/.test(char) || (char === '.' && /[0-9]/.test(next ?? ''))) {
      // Numbers, with any letters, dots or digits run into them (SQLite makes those one illegal token).
      index++;
      while (index < sql.length && (isIdChar(sql[index]) || sql[index] === '.')) index++;
      push('other', start, index);
    } else if (char === '?') {
      index++;
      while (/[0-9]/.test(sql[index] ?? '')) index++;
      push('other', start, index);
    } else if (char === '$' || char === '@' || char === '#' || char === ':') {
      index++;
      while (isIdChar(sql[index]) || (sql[index] === ':' && sql[index + 1] === ':')) {
        index += sql[index] === ':' ? 2 : 1;
      }
      push('other', start, index);
    } else {
      index++;
      push(char === ';' ? 'semicolon' : char === '(' ? 'open' : char === ')' ? 'close' : 'other', start, index);
    }
  }
  return tokens;
}

function isKeyword(token: SqlToken | undefined, ...keywords: string[]): boolean {
  return token?.kind === 'word' && keywords.includes(asciiUpper(token.text));
}

/** How a token is quoted in a message; names SQLite reads differently than a person would are explained. */
function describeToken(token: SqlToken): string {
  const quoted = JSON.stringify(token.text);
  const space = /\s/u.exec(token.text.replace(/[\t\n\v\f\r \uFEFF]/g, ''));
  if (token.kind === 'word' && space) {
    const code = space[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `${quoted} (SQLite reads U+${code} as part of a name, not as a space)`;
  }
  return quoted;
}

/**
 * The main verb of a WITH statement: the first keyword after its common table expressions
 * (`name [(columns)] AS [NOT] [MATERIALIZED] (…)`, separated by commas). Undefined when the text does not have that
 * shape; SQLite then reports the syntax error (a WITH statement does nothing while it is prepared).
 */
function verbAfterWith(tokens: readonly SqlToken[], start: number): string | undefined {
  let index = start + 1;
  if (isKeyword(tokens[index], 'RECURSIVE')) index++;
  const skipParentheses = (): boolean => {
    if (tokens[index]?.kind !== 'open') return false;
    let depth = 0;
    for (; index < tokens.length; index++) {
      const kind = tokens[index]!.kind;
      if (kind === 'open') depth++;
      else if (kind === 'close' && --depth === 0) {
        index++;
        return true;
      }
    }
    return false;
  };
  for (;;) {
    const name = tokens[index];
    if (!name || (name.kind !== 'word' && name.kind !== 'quoted' && name.kind !== 'string')) return undefined;
    index++;
    if (tokens[index]?.kind === 'open' && !skipParentheses()) return undefined;
    if (!isKeyword(tokens[index], 'AS')) return undefined;
    index++;
    if (isKeyword(tokens[index], 'NOT')) index++;
    if (isKeyword(tokens[index], 'MATERIALIZED')) index++;
    if (!skipParentheses()) return undefined;
    if (tokens[index]?.text !== ',') break;
    index++;
  }
  const verb = tokens[index];
  return verb?.kind === 'word' ? asciiUpper(verb.text) : undefined;
}

/** `PRAGMA main.locking_mode`: the keyword and the pragma's name as written, for messages. */
function describePragma(tokens: readonly SqlToken[], start: number): string {
  const isName = (token: SqlToken | undefined) => token?.kind === 'word' || token?.kind === 'quoted';
  const [name, dot, qualified] = tokens.slice(start + 1, start + 4);
  if (!isName(name)) return 'PRAGMA';
  if (dot?.text === '.' && isName(qualified)) return `PRAGMA ${name!.text}.${qualified!.text}`;
  return `PRAGMA ${name!.text}`;
}

/** A short quote of SQL for a message: at most 60 characters, on one line. */
function excerpt(sql: string): string {
  const oneLine = sql.trim().replace(/\s+/g, ' ');
  return JSON.stringify(oneLine.length > 60 ? `${oneLine.slice(0, 59)}…` : oneLine);
}

/**
 * Decides whether `query` may hand `sql` to SQLite's `prepare()`: undefined when it may (one statement that reads,
 * as far as its text shows), else the refusal, which names what was refused.
 *
 * @param sqlitePragmas Every pragma the running SQLite knows (`SELECT name FROM pragma_pragma_list`): a `pragma_<name>`
 *   name is refused when `<name>` is one of them and not in READ_ONLY_PRAGMA_FUNCTIONS. Other names that merely start
 *   with `pragma_` (a column alias) are left alone.
 */
export function checkQuerySql(sql: string, sqlitePragmas: ReadonlySet<string>): QueryRefusal | undefined {
  const nul = sql.indexOf('\0');
  if (nul !== -1) {
    return {
      code: 'INVALID_SQL',
      reason: `contains a NUL character (U+0000) at offset ${nul}; SQLite stops reading there and would ignore the rest`,
    };
  }
  const statements: SqlToken[][] = [[]];
  for (const token of tokenizeSql(sql)) {
    if (token.kind === 'semicolon') statements.push([]);
    else statements[statements.length - 1]!.push(token);
  }
  const nonEmpty = statements.filter((tokens) => tokens.length > 0);
  if (nonEmpty.length === 0) {
    return { code: 'EMPTY_SQL', reason: 'expected one SQL statement, got only spaces or comments' };
  }
  // What the first statement is comes first: a CREATE TRIGGER holds semicolons, but it is refused for what it does.
  const refusal = checkStatement(nonEmpty[0]!, sqlitePragmas);
  if (refusal || nonEmpty.length === 1) return refusal;
  return {
    code: 'MULTIPLE_STATEMENTS',
    reason:
      `expected exactly one statement, but a ";" is followed by more SQL: ${excerpt(sql.slice(nonEmpty[1]![0]!.offset))}. ` +
      'Run one statement per query call',
  };
}

/** The verdict on one statement's tokens (no semicolons among them). */
function checkStatement(tokens: readonly SqlToken[], sqlitePragmas: ReadonlySet<string>): QueryRefusal | undefined {
  const first = tokens[0]!;
  if (first.kind !== 'word' || !/^[A-Za-z_]+$/.test(first.text)) {
    return { code: 'INVALID_SQL', reason: `expected ${EXPECTED}, got ${describeToken(first)}` };
  }
  let index = 0;
  let prefix = '';
  if (isKeyword(first, 'EXPLAIN')) {
    index = 1;
    prefix = 'EXPLAIN ';
    if (isKeyword(tokens[1], 'QUERY') && isKeyword(tokens[2], 'PLAN')) {
      index = 3;
      prefix = 'EXPLAIN QUERY PLAN ';
    }
    if (!tokens[index]) return { code: 'INVALID_SQL', reason: `expected a statement after ${prefix.trim()}` };
  }
  const head = tokens[index]!;
  const keyword = head.kind === 'word' ? asciiUpper(head.text) : '';
  if (keyword === 'PRAGMA') {
    return {
      code: 'NOT_READ_ONLY',
      reason:
        `${prefix}${describePragma(tokens, index)} is not run by query: SQLite applies a PRAGMA while preparing it, ` +
        'and many change settings of the whole connection (locks, query_only, LIKE). Read a pragma through its ' +
        "table-valued function, e.g. SELECT * FROM pragma_table_info('users'), or use describe_table",
    };
  }
  const verb = keyword === 'WITH' ? verbAfterWith(tokens, index) : keyword;
  const statement = keyword === 'WITH' && verb !== undefined ? `WITH … ${verb}` : keyword;
  const isRead = keyword === 'WITH' ? verb === undefined || READ_VERBS.has(verb) : READ_VERBS.has(keyword);
  if (!isRead) {
    if (prefix && (WRITE_VERBS.has(verb ?? '') || OTHER_VERBS.has(verb ?? ''))) {
      return {
        code: 'NOT_READ_ONLY',
        reason:
          `query runs only statements that read, and ${prefix}${statement} explains one that does not; EXPLAIN works ` +
          'here on SELECT, WITH … SELECT and VALUES',
      };
    }
    if (WRITE_VERBS.has(verb ?? '')) {
      return {
        code: 'NOT_READ_ONLY',
        reason: `query runs only statements that read, and this ${statement} statement writes to the database`,
        needsWriteHint: true,
      };
    }
    if (OTHER_VERBS.has(keyword)) {
      return {
        code: 'NOT_READ_ONLY',
        reason:
          `query runs only statements that read, and this ${keyword} statement changes the database or the ` +
          'connection instead',
        needsWriteHint: true,
      };
    }
    return { code: 'INVALID_SQL', reason: `expected ${EXPECTED}, got ${prefix}${describeToken(head)}` };
  }

  for (const token of tokens) {
    if (token.kind !== 'word' && token.kind !== 'quoted' && token.kind !== 'string') continue;
    const name = asciiLower(token.value);
    if (!name.startsWith('pragma_')) continue;
    const pragma = name.slice('pragma_'.length);
    if (sqlitePragmas.has(pragma) && !READ_ONLY_PRAGMA_FUNCTIONS.has(pragma)) {
      return {
        code: 'NOT_READ_ONLY',
        reason:
          `${token.value} is not run by query: that pragma function can change the database or the connection. ` +
          'Read-only pragma functions such as pragma_table_info, pragma_index_list and pragma_foreign_key_list work',
      };
    }
  }
  return undefined;
}
