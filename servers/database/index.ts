/**
 * The database MCP server: SQLite through a small driver interface, read-only unless `DATABASE_READONLY=false`.
 * Run it with `node dist/servers/database/index.js`; see README.md for the tools, resources and variables.
 */

import { SettingsError, defineServer, serveStdio } from '../../src/server/index.js';
import { loadConfig } from './config.js';
import type { DatabaseConfig } from './config.js';
import { createDemoDatabase } from './demo.js';
import { registerDatabaseResources } from './resources.js';
import { SqliteDriver } from './sqlite.js';
import { registerDatabaseTools } from './tools.js';

function instructions(config: DatabaseConfig): string {
  const access = config.isWritable
    ? 'Writes are enabled: insert, update and delete change the data; each needs a non-empty where for update/delete.'
    : 'The database is read-only: there are no write tools (the server offers them when started with ' +
      'DATABASE_READONLY=false).';
  return (
    'An SQLite database. Call list_tables first, describe_table for columns and keys, then query with ? or :name ' +
    `placeholders and params instead of values written into the SQL. ${access} The resource db://schema holds the ` +
    'whole schema as SQL.'
  );
}

function start(): void {
  let config: DatabaseConfig;
  let driver: SqliteDriver;
  try {
    config = loadConfig();
  } catch (error) {
    return fail(`database: invalid configuration:\n${error instanceof SettingsError ? error.message : String(error)}`);
  }
  try {
    if (createDemoDatabase(config.path)) console.error(`database: created the demo database at ${config.path}`);
    driver = new SqliteDriver({
      path: config.path,
      isWritable: config.isWritable,
      maxResultBytes: config.maxResultBytes,
    });
  } catch (error) {
    return fail(`database: cannot open ${config.path}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const server = defineServer({
    name: 'database',
    version: '1.0.0',
    title: 'SQLite database',
    description: 'Tables, schema and read-only SQL queries of an SQLite database',
    instructions: instructions(config),
  });
  registerDatabaseTools(server, driver, { maxRows: config.maxRows, maxResultBytes: config.maxResultBytes });
  registerDatabaseResources(server, driver);
  console.error(`database: serving ${config.path} (${config.isWritable ? 'read-write' : 'read-only'})`);
  serveStdio(server, { onClose: () => driver.close() });
}

/** Not serving: stdin is never read, so the process ends with exit code 1 once the message is written. */
function fail(message: string): void {
  console.error(message);
  process.exitCode = 1;
}

start();
