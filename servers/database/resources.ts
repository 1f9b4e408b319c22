/**
 * The database's resources: the whole schema as SQL (`db://schema`), and one JSON document per table
 * (`db://tables/{name}`) with its columns, keys, row count and a few sample rows.
 */

import { MCP_ERROR, WireError } from '../../src/server/index.js';
import type { McpServer } from '../../src/server/index.js';
import { DatabaseError } from './driver.js';
import type { DatabaseDriver } from './driver.js';

/** Rows shown in a table resource: enough to see what the data looks like. */
export const SAMPLE_ROWS = 5;

export const SCHEMA_URI = 'db://schema';
export const TABLE_URI_TEMPLATE = 'db://tables/{name}';

/** The URI of a table's resource; the name is percent-encoded, so any table name fits in one path segment. */
export function tableUri(name: string): string {
  return `db://tables/${encodeURIComponent(name)}`;
}

/** Registers the resources on `server`. */
export function registerDatabaseResources(server: McpServer, driver: DatabaseDriver): void {
  server.resource(
    {
      uri: SCHEMA_URI,
      name: 'schema',
      title: 'Database schema',
      description: 'The CREATE statements of every table, index, view and trigger, in creation order',
      mimeType: 'text/x-sql',
    },
    async () => ({ text: await driver.schemaSql() }),
  );

  server.resourceTemplate(
    {
      uriTemplate: TABLE_URI_TEMPLATE,
      name: 'table',
      title: 'Table',
      description: `One table or view as JSON: columns, foreign keys, indexes, row count and the first ${SAMPLE_ROWS} rows`,
      mimeType: 'application/json',
      complete: {
        name: async (value) => {
          const prefix = value.toLowerCase();
          return (await driver.tableNames()).filter((name) => name.toLowerCase().startsWith(prefix));
        },
      },
    },
    async (uri, { name = '' }) => {
      try {
        const description = await driver.describeTable(name);
        const sample = await driver.sampleRows(description.name, SAMPLE_ROWS);
        return { text: JSON.stringify({ ...description, sample_rows: sample.rows }, null, 2) };
      } catch (error) {
        if (error instanceof DatabaseError && error.code === 'UNKNOWN_TABLE') {
          throw new WireError(MCP_ERROR.RESOURCE_NOT_FOUND, `Resource not found: ${uri}: ${error.reason}`, { uri });
        }
        throw error;
      }
    },
  );
}
