/**
 * The contract between the database tools and a SQL engine. Tools and resources speak only to `DatabaseDriver`, so
 * a PostgreSQL driver can later serve the same tools: it implements these methods and returns these shapes.
 *
 * The result shapes are zod schemas because they are also the tools' published `outputSchema`. Their fields are
 * snake_case (`row_count`), like the SQL they describe; they are what the model reads.
 */

import * as z from 'zod';

/** A value sent to the database: JSON scalars, or `{ base64 }` for a BLOB. Booleans are stored as 1 and 0. */
export const INPUT_VALUE = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.strictObject({ base64: z.base64().describe('The bytes of a BLOB, base64-encoded') }),
]);
export type InputValue = z.output<typeof INPUT_VALUE>;

/**
 * A value read from the database, made JSON-safe: integers beyond ±2^53 become decimal strings (JSON numbers would
 * lose digits), BLOBs become `{ base64 }`, and infinite REALs become the strings "Infinity" and "-Infinity".
 */
export const CELL_VALUE = z.union([z.string(), z.number(), z.null(), z.object({ base64: z.string() })]);
export type CellValue = z.output<typeof CELL_VALUE>;

export const ROW = z.record(z.string(), CELL_VALUE);
export type Row = z.output<typeof ROW>;

/** What kind of relation a name refers to. */
export const RELATION_KIND = z.enum(['table', 'view', 'virtual']);
export type RelationKind = z.output<typeof RELATION_KIND>;

export const TABLE_SUMMARY = z.object({
  name: z.string(),
  kind: RELATION_KIND,
  columns: z.array(z.string()).describe('Column names, in table order'),
  row_count: z.number().nullable().describe('Rows in the table; null for views and virtual tables (not counted)'),
});
export type TableSummary = z.output<typeof TABLE_SUMMARY>;

export const COLUMN_INFO = z.object({
  name: z.string(),
  type: z.string().describe('Declared type, as written in CREATE TABLE; empty when none was declared'),
  nullable: z.boolean(),
  default: z.string().nullable().describe('The default as an SQL expression, e.g. "0" or "\'x\'"; null when none'),
  primary_key: z.number().describe('Position in the primary key (1, 2, …); 0 when not part of it'),
  generated: z.boolean().describe('A generated column: computed, never written'),
});
export type ColumnInfo = z.output<typeof COLUMN_INFO>;

export const FOREIGN_KEY_INFO = z.object({
  columns: z.array(z.string()),
  references_table: z.string(),
  references_columns: z
    .array(z.string().nullable())
    .describe('The referenced columns; null means the referenced table’s primary key'),
  on_update: z.string(),
  on_delete: z.string(),
});
export type ForeignKeyInfo = z.output<typeof FOREIGN_KEY_INFO>;

export const INDEX_INFO = z.object({
  name: z.string(),
  unique: z.boolean(),
  origin: z
    .enum(['create_index', 'unique_constraint', 'primary_key'])
    .describe('How the index came to be: CREATE INDEX, a UNIQUE constraint, or the PRIMARY KEY'),
  partial: z.boolean(),
  columns: z.array(z.string().nullable()).describe('Indexed columns in order; null for an expression'),
});
export type IndexInfo = z.output<typeof INDEX_INFO>;

export const TABLE_DESCRIPTION = z.object({
  name: z.string(),
  kind: RELATION_KIND,
  columns: z.array(COLUMN_INFO),
  foreign_keys: z.array(FOREIGN_KEY_INFO),
  indexes: z.array(INDEX_INFO),
  row_count: z.number().nullable().describe('Rows in the table; null for views and virtual tables'),
  sql: z.string().nullable().describe('The CREATE statement'),
});
export type TableDescription = z.output<typeof TABLE_DESCRIPTION>;

export const QUERY_RESULT = z.object({
  columns: z
    .array(z.string())
    .describe('Result column names in order; a repeated name gets a suffix (id, id_2) so each row key is unique'),
  rows: z.array(ROW).describe('One object per row, keyed by the names in columns'),
  row_count: z.number().describe('Rows returned (at most the limit)'),
  truncated: z
    .boolean()
    .describe('True when the statement had more rows than were returned; page with LIMIT/OFFSET or select less'),
  truncated_by: z
    .enum(['rows', 'bytes'])
    .nullable()
    .describe(
      'Which limit cut the result: rows (the row limit) or bytes (the size limit on the rows as JSON); null when ' +
        'nothing was cut',
    ),
});
export type QueryResult = z.output<typeof QUERY_RESULT>;

/** The most bytes the rows of one result take as JSON, unless configured otherwise. @default 4 MiB */
export const DEFAULT_MAX_RESULT_BYTES = 4 * 1024 * 1024;

/** Parameters of `query`: an array for `?` placeholders, or an object for `:name` (also `@name`, `$name`). */
export type QueryParams = InputValue[] | Record<string, InputValue>;

export interface QueryOptions {
  /** At most this many rows are returned; `truncated` says whether more existed. */
  maxRows: number;
  signal?: AbortSignal;
}

export interface InsertResult {
  /** The new row's key: a single-column primary key's value, else the rowid; null when neither exists. */
  id: CellValue;
  /** The row as stored, defaults included. */
  row: Row;
}

/** Why a database operation was refused; `field` names the tool argument at fault. */
export type DatabaseErrorCode =
  | 'UNKNOWN_TABLE'
  | 'UNKNOWN_COLUMN'
  | 'NOT_WRITABLE'
  | 'EMPTY_WHERE'
  | 'EMPTY_SQL'
  | 'MULTIPLE_STATEMENTS'
  | 'NOT_READ_ONLY'
  | 'INVALID_SQL'
  | 'INVALID_PARAMS'
  | 'RESULT_TOO_LARGE'
  | 'CONSTRAINT'
  | 'FAILED';

/**
 * A refusal or failure the caller can act on. The message is `<field>: <reason>`: it names the tool argument at
 * fault and says what was expected; the tools hand it to the model unchanged.
 */
export class DatabaseError extends Error {
  override readonly name = 'DatabaseError';
  constructor(
    readonly code: DatabaseErrorCode,
    /** The tool argument at fault (`table`, `sql`, `where`, …). */
    readonly field: string,
    /** What is wrong, without the field name. */
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(`${field}: ${reason}`, options);
  }
}

/**
 * A SQL engine as the tools need it. Names given to it are untrusted: the driver checks them against the live schema
 * and throws `DatabaseError` (`UNKNOWN_TABLE`, `UNKNOWN_COLUMN`) before any SQL is built from them.
 */
export interface DatabaseDriver {
  readonly dialect: 'sqlite';
  /** Whether insert, update and delete are allowed. */
  readonly isWritable: boolean;
  /** Where the data lives, for messages (a file path; never a password). */
  readonly location: string;
  /** User tables and views, by name; the engine's internal tables are left out. */
  listTables(): Promise<TableSummary[]>;
  /** Names of user tables and views, sorted. */
  tableNames(): Promise<string[]>;
  describeTable(table: string): Promise<TableDescription>;
  /** The first `limit` rows of a table or view, in storage order. */
  sampleRows(table: string, limit: number): Promise<QueryResult>;
  /** The CREATE statements of every user table, index, view and trigger. */
  schemaSql(): Promise<string>;
  /** Runs one read-only statement with bound parameters. */
  query(sql: string, params: QueryParams | undefined, options: QueryOptions): Promise<QueryResult>;
  insert(table: string, record: Record<string, InputValue>): Promise<InsertResult>;
  /** `where` must name at least one column: there is no way to update every row by accident. */
  update(
    table: string,
    values: Record<string, InputValue>,
    where: Record<string, InputValue>,
  ): Promise<{ changes: number }>;
  /** `where` must name at least one column. */
  delete(table: string, where: Record<string, InputValue>): Promise<{ changes: number }>;
  /** Closes the connections; idempotent. */
  close(): void;
}
