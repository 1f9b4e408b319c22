/**
 * The SQLite driver, on better-sqlite3.
 *
 * Safety model:
 * - `query` and every read run on a connection opened `readonly` with `PRAGMA query_only = ON`: even a statement
 *   that slipped past the checks could not write.
 * - `query` decides from the text first (sql-text.ts), because SQLite applies many PRAGMAs while preparing them: only
 *   one statement starting with SELECT, VALUES, WITH or EXPLAIN of those, naming no pragma function that acts, is
 *   prepared at all. Then SQLite itself must report that it returns rows (`stmt.reader`) and does not write
 *   (`stmt.readonly`), which catches writes behind WITH and anything the text check could not see.
 * - Results are bounded in rows and in bytes, counted value by value while stepping, so a huge result is never built.
 * - Values are always bound as parameters, never spliced into SQL.
 * - Table and column names are looked up in the live schema (`pragma_table_list`, `pragma_table_xinfo`, queried with
 *   bound parameters); only the name found there is written into SQL, double-quoted with quotes doubled.
 * - Writes exist only when the driver was opened writable, on a second connection with foreign keys enforced, and
 *   update/delete refuse an empty `where`.
 */

import Database from 'better-sqlite3';
import type { Statement } from 'better-sqlite3';
import { DEFAULT_MAX_RESULT_BYTES, DatabaseError } from './driver.js';
import type {
  CellValue,
  ColumnInfo,
  DatabaseDriver,
  ForeignKeyInfo,
  IndexInfo,
  InputValue,
  InsertResult,
  QueryOptions,
  QueryParams,
  QueryResult,
  RelationKind,
  Row,
  TableDescription,
  TableSummary,
} from './driver.js';
import { describeUnknownName, quoteIdentifier, resolveName } from './identifiers.js';
import { checkQuerySql } from './sql-text.js';
import { cellJsonBytes, toBindValue, toCellValue, toRow, uniqueNames } from './values.js';
import type { BindValue } from './values.js';

/** A table or view of the main schema. */
interface Relation {
  name: string;
  kind: RelationKind;
  isWithoutRowid: boolean;
}

/** A row of `pragma_table_xinfo`. */
interface XinfoRow {
  name: string;
  type: string;
  notnull: number;
  dflt_value: string | null;
  pk: number;
  hidden: number;
}

export interface SqliteDriverOptions {
  /** Path of an existing database file. */
  path: string;
  /** Open a second, writable connection for insert, update and delete. @default false */
  isWritable?: boolean;
  /**
   * The most bytes the rows of one result may take as JSON (UTF-8), for `query` and `sampleRows`.
   * @default DEFAULT_MAX_RESULT_BYTES
   */
  maxResultBytes?: number;
}

export class SqliteDriver implements DatabaseDriver {
  readonly dialect = 'sqlite';
  readonly location: string;
  readonly isWritable: boolean;
  readonly maxResultBytes: number;
  private readonly reader: Database.Database;
  /** Every pragma this SQLite knows, for telling its pragma functions from other names (see checkQuerySql). */
  private readonly sqlitePragmas: ReadonlySet<string>;
  private readonly writer: Database.Database | undefined;

  /**
   * Opens `options.path`, which must exist and be an SQLite database.
   * @throws SqliteError (`SQLITE_CANTOPEN`, `SQLITE_NOTADB`, …) when it cannot be opened or read.
   */
  constructor(options: SqliteDriverOptions) {
    this.location = options.path;
    this.isWritable = options.isWritable ?? false;
    this.maxResultBytes = options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
    const opened: Database.Database[] = [];
    try {
      this.reader = new Database(this.location, { readonly: true, fileMustExist: true });
      opened.push(this.reader);
      this.reader.pragma('query_only = ON');
      // Opening is lazy in SQLite: read the schema now, so a file that is not a database fails at start.
      this.reader.prepare('SELECT count(*) FROM sqlite_schema').get();
      this.sqlitePragmas = new Set(
        this.reader.prepare<[], string>('SELECT name FROM pragma_pragma_list').pluck().all(),
      );
      if (this.isWritable) {
        this.writer = new Database(this.location, { fileMustExist: true });
        opened.push(this.writer);
        this.writer.pragma('foreign_keys = ON');
      }
    } catch (error) {
      for (const db of opened) db.close();
      throw error;
    }
  }

  listTables(): Promise<TableSummary[]> {
    return settle(() =>
      this.relations().map((relation) => ({
        name: relation.name,
        kind: relation.kind,
        columns: this.columnNamesOrNone(relation.name),
        row_count: this.countRows(relation),
      })),
    );
  }

  tableNames(): Promise<string[]> {
    return settle(() => this.relations().map((relation) => relation.name));
  }

  describeTable(table: string): Promise<TableDescription> {
    return settle(() => {
      const relation = this.resolveRelation('table', table);
      const sql = this.reader
        .prepare<[string], string | null>("SELECT sql FROM sqlite_schema WHERE type IN ('table', 'view') AND name = ?")
        .pluck()
        .get(relation.name);
      return {
        name: relation.name,
        kind: relation.kind,
        columns: this.columns(relation.name),
        foreign_keys: this.foreignKeys(relation.name),
        indexes: this.indexes(relation.name),
        row_count: this.countRows(relation),
        sql: sql ?? null,
      };
    });
  }

  sampleRows(table: string, limit: number): Promise<QueryResult> {
    return settle(() => {
      const relation = this.resolveRelation('table', table);
      const statement = this.reader.prepare(`SELECT * FROM ${quoteIdentifier(relation.name)} LIMIT ?`);
      // A sample shows what fits: rows too large for the limit are left out rather than failing the whole resource.
      return collectRows(statement.bind(limit), { maxRows: limit, maxBytes: this.maxResultBytes });
    });
  }

  schemaSql(): Promise<string> {
    return settle(() => {
      // rowid order is creation order, so the script replays: tables exist before the views and indexes on them.
      const statements = this.reader
        .prepare<[], string>(
          "SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND lower(substr(name, 1, 7)) <> 'sqlite_' ORDER BY rowid",
        )
        .pluck()
        .all();
      return statements.map((sql) => `${sql};\n`).join('\n');
    });
  }

  query(sql: string, params: QueryParams | undefined, options: QueryOptions): Promise<QueryResult> {
    return settle(() => {
      options.signal?.throwIfAborted();
      // Before prepare(): SQLite applies a PRAGMA while preparing it, so refusing one afterwards is too late.
      const refusal = checkQuerySql(sql, this.sqlitePragmas);
      if (refusal) {
        throw new DatabaseError(
          refusal.code,
          'sql',
          refusal.needsWriteHint ? `${refusal.reason}. ${this.writeHint()}` : refusal.reason,
        );
      }
      const statement = this.prepareQuery(sql);
      this.assertReadOnly(statement);
      statement.safeIntegers(true).raw(true);
      try {
        if (Array.isArray(params)) statement.bind(...params.map(toBindValue));
        else if (params) statement.bind(toNamedParameters(params));
        else statement.bind();
      } catch (error) {
        // better-sqlite3 checks the values against the placeholders while binding, before anything runs.
        if (error instanceof RangeError || error instanceof TypeError) {
          throw new DatabaseError(
            'INVALID_PARAMS',
            'params',
            `${error.message}. Expected an array with one value per ? placeholder, or an object with one ` +
              'key per :name placeholder',
            { cause: error },
          );
        }
        throw error;
      }
      try {
        return collectRows(statement, {
          maxRows: options.maxRows,
          maxBytes: this.maxResultBytes,
          isOversizedRowAnError: true,
        });
      } catch (error) {
        throw sqlFailure('sql', error);
      }
    });
  }

  insert(table: string, record: Record<string, InputValue>): Promise<InsertResult> {
    return settle(() => {
      const writer = this.requireWriter();
      const relation = this.resolveWritable(table);
      const columns = this.columns(relation.name);
      const assignments = this.resolveColumns('record', relation.name, columns, record, true);
      const quotedTable = quoteIdentifier(relation.name);
      const sql =
        assignments.length === 0
          ? `INSERT INTO ${quotedTable} DEFAULT VALUES RETURNING *`
          : `INSERT INTO ${quotedTable} (${assignments.map(({ column }) => quoteIdentifier(column)).join(', ')}) ` +
            `VALUES (${assignments.map(() => '?').join(', ')}) RETURNING *`;
      let row: Row;
      let rowid: CellValue;
      try {
        const statement = writer.prepare(sql).safeIntegers(true).raw(true);
        const values = statement.get(...assignments.map(({ value }) => toBindValue(value))) as unknown[];
        row = toRow(uniqueNames(statement.columns().map((column) => column.name)), values);
        rowid = toCellValue(writer.prepare('SELECT last_insert_rowid()').pluck().safeIntegers(true).get());
      } catch (error) {
        throw this.writeFailure('record', relation.name, 'insert', error);
      }
      const keyColumns = columns.filter((column) => column.primary_key > 0);
      let id: CellValue = null;
      if (keyColumns.length === 1) id = row[keyColumns[0]!.name] ?? null;
      else if (!relation.isWithoutRowid) id = rowid;
      return { id, row };
    });
  }

  update(
    table: string,
    values: Record<string, InputValue>,
    where: Record<string, InputValue>,
  ): Promise<{ changes: number }> {
    return settle(() => {
      const writer = this.requireWriter();
      const relation = this.resolveWritable(table);
      const columns = this.columns(relation.name);
      const assignments = this.resolveColumns('values', relation.name, columns, values, true);
      if (assignments.length === 0) {
        throw new DatabaseError('EMPTY_WHERE', 'values', 'expected at least one column to set');
      }
      const conditions = this.resolveWhere(relation.name, columns, where, 'update');
      const sql =
        `UPDATE ${quoteIdentifier(relation.name)} SET ` +
        assignments.map(({ column }) => `${quoteIdentifier(column)} = ?`).join(', ') +
        ` WHERE ${conditions.sql}`;
      const bound = [...assignments.map(({ value }) => toBindValue(value)), ...conditions.values];
      try {
        return { changes: writer.prepare(sql).run(...bound).changes };
      } catch (error) {
        throw this.writeFailure('values', relation.name, 'update', error);
      }
    });
  }

  delete(table: string, where: Record<string, InputValue>): Promise<{ changes: number }> {
    return settle(() => {
      const writer = this.requireWriter();
      const relation = this.resolveWritable(table);
      const conditions = this.resolveWhere(relation.name, this.columns(relation.name), where, 'delete');
      const sql = `DELETE FROM ${quoteIdentifier(relation.name)} WHERE ${conditions.sql}`;
      try {
        return { changes: writer.prepare(sql).run(...conditions.values).changes };
      } catch (error) {
        throw this.writeFailure('where', relation.name, 'delete', error);
      }
    });
  }

  close(): void {
    if (this.writer?.open) this.writer.close();
    if (this.reader.open) this.reader.close();
  }

  /** User tables, views and virtual tables of the main schema, by name. SQLite's own `sqlite_*` tables are left out. */
  private relations(): Relation[] {
    const rows = this.reader
      .prepare<[], { name: string; type: RelationKind; wr: number }>(
        "SELECT name, type, wr FROM pragma_table_list WHERE schema = 'main' AND type IN ('table', 'view', 'virtual') " +
          "AND lower(substr(name, 1, 7)) <> 'sqlite_' ORDER BY name",
      )
      .all();
    return rows.map((row) => ({ name: row.name, kind: row.type, isWithoutRowid: row.wr === 1 }));
  }

  /** The relation `requested` names. @throws DatabaseError UNKNOWN_TABLE, with close names to try. */
  private resolveRelation(field: string, requested: string): Relation {
    const relations = this.relations();
    const names = relations.map((relation) => relation.name);
    const name = resolveName(requested, names);
    const relation = relations.find((candidate) => candidate.name === name);
    if (relation) return relation;
    if (requested.trim().toLowerCase().startsWith('sqlite_')) {
      throw new DatabaseError(
        'UNKNOWN_TABLE',
        field,
        `${JSON.stringify(requested)} is one of SQLite's internal tables, not a user table. Read the ` +
          'db://schema resource for the schema, or run query with SELECT * FROM sqlite_schema',
      );
    }
    throw new DatabaseError('UNKNOWN_TABLE', field, describeUnknownName('table', requested, names));
  }

  private resolveWritable(requested: string): Relation {
    const relation = this.resolveRelation('table', requested);
    if (relation.kind === 'view') {
      throw new DatabaseError(
        'NOT_WRITABLE',
        'table',
        `${JSON.stringify(relation.name)} is a view; insert, update and delete work on tables`,
      );
    }
    return relation;
  }

  /**
   * The columns named by the keys of `given`, each matched to the real column. Unknown keys, two keys naming the
   * same column, and (when writing) generated columns are refused, naming the argument and the column.
   */
  private resolveColumns(
    field: string,
    table: string,
    columns: ColumnInfo[],
    given: Record<string, InputValue>,
    isWrite: boolean,
  ): { column: string; value: InputValue }[] {
    const names = columns.map((column) => column.name);
    const seen = new Map<string, string>();
    return Object.entries(given).map(([key, value]) => {
      const name = resolveName(key, names);
      if (name === undefined) {
        throw new DatabaseError(
          'UNKNOWN_COLUMN',
          field,
          describeUnknownName('column', key, names, `in table ${JSON.stringify(table)}`),
        );
      }
      const earlier = seen.get(name);
      if (earlier !== undefined) {
        throw new DatabaseError(
          'UNKNOWN_COLUMN',
          field,
          `${JSON.stringify(earlier)} and ${JSON.stringify(key)} both name column ${JSON.stringify(name)}`,
        );
      }
      seen.set(name, key);
      if (isWrite && columns.find((column) => column.name === name)?.generated) {
        throw new DatabaseError(
          'NOT_WRITABLE',
          field,
          `column ${JSON.stringify(name)} of table ${JSON.stringify(table)} is generated; it cannot be written`,
        );
      }
      return { column: name, value };
    });
  }

  /** `"a" = ? AND "b" IS NULL`: equality on every named column; null matches NULL. Empty is refused. */
  private resolveWhere(
    table: string,
    columns: ColumnInfo[],
    where: Record<string, InputValue>,
    operation: 'update' | 'delete',
  ): { sql: string; values: BindValue[] } {
    const conditions = this.resolveColumns('where', table, columns, where, false);
    if (conditions.length === 0) {
      throw new DatabaseError(
        'EMPTY_WHERE',
        'where',
        `expected at least one column and value to match, e.g. {"id": 3}; ` +
          `${operation === 'update' ? 'an update' : 'a delete'} without a condition would ` +
          `${operation === 'update' ? 'change' : 'remove'} every row, so it is refused`,
      );
    }
    const values: BindValue[] = [];
    const sql = conditions
      .map(({ column, value }) => {
        if (value === null) return `${quoteIdentifier(column)} IS NULL`;
        values.push(toBindValue(value));
        return `${quoteIdentifier(column)} = ?`;
      })
      .join(' AND ');
    return { sql, values };
  }

  private columns(table: string): ColumnInfo[] {
    return this.reader
      .prepare<[string], XinfoRow>('SELECT name, type, "notnull", dflt_value, pk, hidden FROM pragma_table_xinfo(?)')
      .all(table)
      .filter((row) => row.hidden !== 1) // 1: a virtual table's hidden column, not part of its rows
      .map((row) => ({
        name: row.name,
        type: row.type,
        nullable: row.notnull === 0 && row.pk === 0,
        default: row.dflt_value,
        primary_key: row.pk,
        generated: row.hidden === 2 || row.hidden === 3,
      }));
  }

  /**
   * A view over a table that was dropped since cannot even list its columns; the listing shows it without columns
   * rather than failing for every table (describe_table then reports the error for that view).
   */
  private columnNamesOrNone(table: string): string[] {
    try {
      return this.columns(table).map((column) => column.name);
    } catch (error) {
      if (error instanceof Database.SqliteError) return [];
      throw error;
    }
  }

  private foreignKeys(table: string): ForeignKeyInfo[] {
    const rows = this.reader
      .prepare<
        [string],
        { id: number; table: string; from: string; to: string | null; on_update: string; on_delete: string }
      >('SELECT id, "table", "from", "to", on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq')
      .all(table);
    const byId = new Map<number, ForeignKeyInfo>();
    for (const row of rows) {
      let key = byId.get(row.id);
      if (!key) {
        key = {
          columns: [],
          references_table: row.table,
          references_columns: [],
          on_update: row.on_update,
          on_delete: row.on_delete,
        };
        byId.set(row.id, key);
      }
      key.columns.push(row.from);
      key.references_columns.push(row.to);
    }
    // SQLite numbers foreign keys from the last declared; list them in declaration order.
    return [...byId.entries()].sort(([a], [b]) => b - a).map(([, key]) => key);
  }

  private indexes(table: string): IndexInfo[] {
    const origins = { c: 'create_index', u: 'unique_constraint', pk: 'primary_key' } as const;
    const list = this.reader
      .prepare<[string], { name: string; unique: number; origin: keyof typeof origins; partial: number }>(
        'SELECT name, "unique", origin, partial FROM pragma_index_list(?) ORDER BY name',
      )
      .all(table);
    const columnsOf = this.reader.prepare<[string], string | null>(
      'SELECT name FROM pragma_index_info(?) ORDER BY seqno',
    );
    return list.map((index) => ({
      name: index.name,
      unique: index.unique === 1,
      origin: origins[index.origin],
      partial: index.partial === 1,
      columns: columnsOf.pluck().all(index.name),
    }));
  }

  /** Rows of a table; views and virtual tables are not counted (that could run an arbitrary query or be endless). */
  private countRows(relation: Relation): number | null {
    if (relation.kind !== 'table') return null;
    const count = this.reader
      .prepare<[], number>(`SELECT count(*) FROM ${quoteIdentifier(relation.name)}`)
      .pluck()
      .get();
    return count ?? 0;
  }

  private prepareQuery(sql: string): Statement {
    try {
      return this.reader.prepare(sql);
    } catch (error) {
      // The empty case was handled before, so a RangeError from prepare means more than one statement.
      if (error instanceof RangeError) {
        throw new DatabaseError(
          'MULTIPLE_STATEMENTS',
          'sql',
          'expected exactly one statement, but a ";" is followed by more SQL. Run one statement per query call',
          { cause: error },
        );
      }
      if (error instanceof Database.SqliteError) {
        const tables = this.relations().map((relation) => relation.name);
        throw new DatabaseError(
          'INVALID_SQL',
          'sql',
          `${error.message} (${error.code}). Tables: ${tables.length > 0 ? tables.join(', ') : '(none)'}; ` +
            'describe_table lists the columns of one',
          { cause: error },
        );
      }
      throw error;
    }
  }

  private writeHint(): string {
    return this.isWritable
      ? 'To change data, use the insert, update or delete tool'
      : 'This server is read-only: it offers insert, update and delete only when started with DATABASE_READONLY=false';
  }

  /** SQLite's own verdict on what it compiled, after the text check: it catches what the text did not show. */
  private assertReadOnly(statement: Statement): void {
    if (!statement.readonly) {
      throw new DatabaseError(
        'NOT_READ_ONLY',
        'sql',
        `query runs only statements that read, and SQLite reports that this one writes to the database. ${this.writeHint()}`,
      );
    }
    if (!statement.reader) {
      throw new DatabaseError(
        'NOT_READ_ONLY',
        'sql',
        'query runs only statements that return rows (SELECT, WITH … SELECT, VALUES, EXPLAIN), and SQLite reports ' +
          `that this one returns none. ${this.writeHint()}`,
      );
    }
  }

  private requireWriter(): Database.Database {
    if (!this.writer) {
      throw new DatabaseError(
        'NOT_WRITABLE',
        'database',
        'opened read-only; start the server with DATABASE_READONLY=false to insert, update or delete',
      );
    }
    return this.writer;
  }

  /** A failed write as a message naming the argument, with the foreign keys involved when one was violated. */
  private writeFailure(
    field: string,
    table: string,
    operation: 'insert' | 'update' | 'delete',
    error: unknown,
  ): unknown {
    if (!(error instanceof Database.SqliteError)) return error;
    let message = `${operation} ${operation === 'insert' ? 'into' : 'of'} ${JSON.stringify(table)} failed: ${error.message} (${error.code})`;
    if (error.code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      const outgoing = this.foreignKeys(table).map((key) => describeReference(table, key));
      const incoming = this.relations().flatMap((relation) =>
        this.foreignKeys(relation.name)
          .filter((key) => key.references_table.toLowerCase() === table.toLowerCase())
          .map((key) => describeReference(relation.name, key)),
      );
      if (operation !== 'delete' && outgoing.length > 0) {
        message += `. Each of these must name an existing row: ${outgoing.join(', ')}`;
      }
      if (operation !== 'insert' && incoming.length > 0) {
        message += `. Rows elsewhere may still refer to this one: ${incoming.join(', ')}`;
      }
    }
    const code = error.code.startsWith('SQLITE_CONSTRAINT') ? 'CONSTRAINT' : 'FAILED';
    return new DatabaseError(code, field, message, { cause: error });
  }
}

/** Runs synchronous work as a promise (the driver interface is asynchronous, for engines that are). */
function settle<T>(work: () => T): Promise<T> {
  return new Promise((resolve) => resolve(work()));
}

interface RowLimits {
  maxRows: number;
  /** Bytes of the rows as JSON (`[{…},{…}]`, UTF-8). */
  maxBytes: number;
  /** A first row larger than `maxBytes` fails the call (RESULT_TOO_LARGE) instead of giving an empty result. */
  isOversizedRowAnError?: boolean;
}

/**
 * Reads rows of a prepared, bound statement until it ends or a limit is reached, and says which limit cut it. Sizes
 * are counted value by value as rows arrive, so memory stays within about one row of the byte limit: stepping stops
 * there, and the rest of the result is never computed.
 * @throws DatabaseError RESULT_TOO_LARGE when the first row alone exceeds the limit and `isOversizedRowAnError`.
 */
function collectRows(statement: Statement, limits: RowLimits): QueryResult {
  statement.safeIntegers(true).raw(true);
  const columns = uniqueNames(statement.columns().map((column) => column.name));
  // `"name":` once per value.
  const keyBytes = columns.map((column) => Buffer.byteLength(JSON.stringify(column)) + 1);
  const rows: Row[] = [];
  let bytes = 2; // the brackets of the array
  let truncatedBy: QueryResult['truncated_by'] = null;
  for (const values of statement.iterate() as Iterable<unknown[]>) {
    if (rows.length === limits.maxRows) {
      truncatedBy = 'rows';
      break;
    }
    // Braces, commas between values, and one before every row but the first.
    let rowBytes = 2 + Math.max(0, values.length - 1) + (rows.length > 0 ? 1 : 0);
    for (let index = 0; index < values.length && bytes + rowBytes <= limits.maxBytes; index++) {
      rowBytes += keyBytes[index]! + cellJsonBytes(values[index], limits.maxBytes - bytes - rowBytes);
    }
    if (bytes + rowBytes > limits.maxBytes) {
      if (rows.length === 0 && limits.isOversizedRowAnError) {
        throw new DatabaseError(
          'RESULT_TOO_LARGE',
          'sql',
          `the first row alone is larger than the result limit of ${limits.maxBytes} bytes of JSON ` +
            '(DATABASE_MAX_RESULT_BYTES). Select fewer or shorter columns, e.g. length(x) or substr(x, 1, 1000)',
        );
      }
      truncatedBy = 'bytes';
      break;
    }
    bytes += rowBytes;
    rows.push(toRow(columns, values));
  }
  return { columns, rows, row_count: rows.length, truncated: truncatedBy !== null, truncated_by: truncatedBy };
}

/** `{":id": 1}` and `{"id": 1}` both bind `:id`; better-sqlite3 wants the bare name. */
function toNamedParameters(params: Record<string, InputValue>): Record<string, BindValue> {
  const named: Record<string, BindValue> = {};
  for (const [key, value] of Object.entries(params)) {
    named[/^[:@$]/.test(key) ? key.slice(1) : key] = toBindValue(value);
  }
  return named;
}

function sqlFailure(field: string, error: unknown): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  return new DatabaseError('FAILED', field, `${error.message} (${error.code})`, { cause: error });
}

function describeReference(table: string, key: ForeignKeyInfo): string {
  const target = key.references_columns.every((column) => column === null)
    ? key.references_table
    : `${key.references_table}(${key.references_columns.map((column) => column ?? '?').join(', ')})`;
  return `${table}.${key.columns.join('+')} → ${target}`;
}
