/**
 * The database tools. Reading tools are always there; insert, update and delete are registered only when the driver
 * is writable, so a read-only server does not even offer them to the model.
 */

import * as z from 'zod';
import { formatBytes, ToolError } from '../../src/server/index.js';
import type { McpServer } from '../../src/server/index.js';
import { DatabaseError, INPUT_VALUE, QUERY_RESULT, TABLE_DESCRIPTION, TABLE_SUMMARY } from './driver.js';
import type { DatabaseDriver } from './driver.js';
import { CELL_VALUE, ROW } from './driver.js';

export interface DatabaseToolOptions {
  /** The most rows `query` returns; its `limit` argument may only lower it. */
  maxRows: number;
  /** The most bytes of row JSON `query` returns (the driver enforces it; the description states it). */
  maxResultBytes: number;
}

const TABLE_NAME = z
  .string()
  .min(1)
  .describe('Name of a table, exactly as list_tables shows it (letter case may differ)');

const COLUMN_VALUES = z.record(z.string().min(1), INPUT_VALUE);

/** Tools report a refused or failed operation to the model as an `isError` result with the driver's message. */
async function reported<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (error instanceof DatabaseError) throw new ToolError(error.message);
    throw error;
  }
}

/** Registers the tools on `server`. */
export function registerDatabaseTools(server: McpServer, driver: DatabaseDriver, options: DatabaseToolOptions): void {
  const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

  server.tool(
    'list_tables',
    {
      title: 'List tables',
      description:
        'List the tables and views of the database with their column names and row counts. Start here, then use ' +
        'describe_table for types and keys, and query to read rows.',
      input: z.strictObject({}),
      output: z.object({ tables: z.array(TABLE_SUMMARY) }),
      annotations: readOnly,
    },
    async () => ({ tables: await reported(driver.listTables()) }),
  );

  server.tool(
    'describe_table',
    {
      title: 'Describe a table',
      description:
        'Describe one table or view: each column with its type, nullability, default and primary-key position; ' +
        'foreign keys; indexes; the row count; and the CREATE statement.',
      input: z.strictObject({ table: TABLE_NAME }),
      output: TABLE_DESCRIPTION,
      annotations: readOnly,
    },
    ({ table }) => reported(driver.describeTable(table)),
  );

  server.tool(
    'query',
    {
      title: 'Run a read-only SQL query',
      description:
        `Run one read-only SQL statement (SELECT, WITH … SELECT, VALUES or EXPLAIN; SQLite dialect) and return the ` +
        `rows as objects. Put values in params and refer to them with ? or :name placeholders instead of writing ` +
        `them into the SQL. At most ${options.maxRows} rows and ${formatBytes(options.maxResultBytes)} of row JSON ` +
        `come back; truncated says whether there were more and truncated_by which limit cut them (page with LIMIT ` +
        `and OFFSET, or select fewer columns). Integers beyond ±2^53 come back as strings, BLOBs as ` +
        `{"base64": "…"}. Statements that write, PRAGMA (read pragmas as SELECT * FROM pragma_table_info('t')), and ` +
        `several statements at once are refused.`,
      input: z.strictObject({
        sql: z.string().min(1).describe('One SQL statement, e.g. SELECT name, email FROM users WHERE id = ?'),
        params: z
          .union([z.array(INPUT_VALUE), z.record(z.string().min(1), INPUT_VALUE)])
          .optional()
          .describe(
            'Values bound to the placeholders: an array for ? (in order), or an object for :name (keys with or ' +
              'without the colon). Strings, numbers, booleans (stored as 1/0), null, or {"base64": "…"} for a BLOB',
          ),
        limit: z
          .number()
          .int()
          .min(1)
          .max(options.maxRows)
          .optional()
          .describe(`Return at most this many rows (1 to ${options.maxRows}; default ${options.maxRows})`),
      }),
      output: QUERY_RESULT,
      annotations: readOnly,
    },
    ({ sql, params, limit }, context) =>
      reported(driver.query(sql, params, { maxRows: limit ?? options.maxRows, signal: context.signal })),
  );

  if (!driver.isWritable) return;

  server.tool(
    'insert',
    {
      title: 'Insert a row',
      description:
        'Insert one row into a table. Columns left out get their default. Returns the new row as stored and its id ' +
        '(the primary key, or the rowid). Foreign keys, NOT NULL, UNIQUE and CHECK constraints are enforced.',
      input: z.strictObject({
        table: TABLE_NAME,
        record: COLUMN_VALUES.describe(
          'The new row as column → value, e.g. {"name": "Ada", "email": "ada@example.com"}. Values: strings, ' +
            'numbers, booleans (1/0), null, or {"base64": "…"} for a BLOB',
        ),
      }),
      output: z.object({
        status: z.literal('inserted'),
        id: CELL_VALUE.describe('The new row’s primary key (or rowid); null for a table without either'),
        row: ROW.describe('The row as stored, defaults included'),
      }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    },
    async ({ table, record }) => {
      const { id, row } = await reported(driver.insert(table, record));
      return { status: 'inserted' as const, id, row };
    },
  );

  server.tool(
    'update',
    {
      title: 'Update rows',
      description:
        'Set columns of the rows that match every column = value pair in where (null matches NULL). where must name ' +
        'at least one column, so the whole table is never updated by accident. Returns how many rows changed.',
      input: z.strictObject({
        table: TABLE_NAME,
        values: COLUMN_VALUES.describe('Columns to set, as column → new value, e.g. {"email": "new@example.com"}'),
        where: COLUMN_VALUES.describe('Which rows: column → value, all must match, e.g. {"id": 3}. Not empty'),
      }),
      output: z.object({ status: z.literal('updated'), changes: z.number().describe('Rows that matched where') }),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ table, values, where }) => {
      const { changes } = await reported(driver.update(table, values, where));
      return { status: 'updated' as const, changes };
    },
  );

  server.tool(
    'delete',
    {
      title: 'Delete rows',
      description:
        'Delete the rows that match every column = value pair in where (null matches NULL). where must name at least ' +
        'one column, so the whole table is never emptied by accident. Returns how many rows were deleted.',
      input: z.strictObject({
        table: TABLE_NAME,
        where: COLUMN_VALUES.describe('Which rows: column → value, all must match, e.g. {"id": 3}. Not empty'),
      }),
      output: z.object({ status: z.literal('deleted'), changes: z.number().describe('Rows deleted') }),
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ table, where }) => {
      const { changes } = await reported(driver.delete(table, where));
      return { status: 'deleted' as const, changes };
    },
  );
}
