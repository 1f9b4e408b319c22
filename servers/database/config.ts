/**
 * The database server's settings, read once from the environment at start. A bad variable stops the server with a
 * message naming it, rather than surfacing later as a strange tool result.
 */

import os from 'node:os';
import path from 'node:path';
import { readSettings } from '../../src/server/index.js';
import { DEFAULT_MAX_RESULT_BYTES } from './driver.js';

/** Rows `query` returns at most, unless `DATABASE_MAX_ROWS` says otherwise. @default 1000 */
export const DEFAULT_MAX_ROWS = 1000;
/** Upper bound of `DATABASE_MAX_ROWS`: beyond this a result no longer fits comfortably in one message. */
const MAX_ROWS_LIMIT = 100_000;
/**
 * Bounds of `DATABASE_MAX_RESULT_BYTES`. A result goes out twice in one message (as structured content and as its
 * JSON text, escaped once more), so 16 MiB of rows stays well below the 64 MiB the protocol layer accepts.
 */
const MIN_RESULT_BYTES = 1024;
const MAX_RESULT_BYTES = 16 * 1024 * 1024;

export interface DatabaseConfig {
  /** Absolute path of the SQLite file. */
  path: string;
  /** Only with `DATABASE_READONLY=false`: then insert, update and delete are offered. */
  isWritable: boolean;
  maxRows: number;
  /** The most bytes the rows of one result take as JSON. @default DEFAULT_MAX_RESULT_BYTES */
  maxResultBytes: number;
}

/** Reads the configuration. @throws SettingsError naming each bad variable and what was expected. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): DatabaseConfig {
  return readSettings((check): DatabaseConfig => ({
    path: check(() => readDatabasePath(env), ''),
    isWritable: check(() => !readBoolean('DATABASE_READONLY', env.DATABASE_READONLY, true), false),
    maxRows: check(() => readMaxRows(env.DATABASE_MAX_ROWS), DEFAULT_MAX_ROWS),
    maxResultBytes: check(() => readMaxResultBytes(env.DATABASE_MAX_RESULT_BYTES), DEFAULT_MAX_RESULT_BYTES),
  }));
}

/**
 * `DATABASE_PATH` (relative to the working directory), else `$XDG_DATA_HOME/mcp-host/demo.db`, else
 * `%LOCALAPPDATA%\mcp-host\demo.db` on Windows, else `~/.local/share/mcp-host/demo.db`.
 */
export function readDatabasePath(env: NodeJS.ProcessEnv): string {
  const given = env.DATABASE_PATH?.trim();
  if (given) {
    if (given === ':memory:' || given.startsWith('file:')) {
      throw new Error(
        `DATABASE_PATH: expected a file path, got ${JSON.stringify(given)} (in-memory and URI forms are not supported)`,
      );
    }
    return path.resolve(given);
  }
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME) ? env.XDG_DATA_HOME : undefined;
  const windows = process.platform === 'win32' ? env.LOCALAPPDATA : undefined;
  const dataHome = xdg ?? windows ?? path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(dataHome, 'mcp-host', 'demo.db');
}

function readBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  const value = raw?.trim().toLowerCase();
  if (value === undefined || value === '') return fallback;
  if (value === 'true' || value === '1') return true;
  if (value === 'false' || value === '0') return false;
  throw new Error(`${name}: expected true or false, got ${JSON.stringify(raw)}`);
}

function readMaxRows(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_ROWS;
  const value = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < 1 || value > MAX_ROWS_LIMIT) {
    throw new Error(
      `DATABASE_MAX_ROWS: expected a whole number from 1 to ${MAX_ROWS_LIMIT}, got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}

function readMaxResultBytes(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_MAX_RESULT_BYTES;
  const value = Number(raw);
  if (
    !/^\d+$/.test(raw.trim()) ||
    !Number.isSafeInteger(value) ||
    value < MIN_RESULT_BYTES ||
    value > MAX_RESULT_BYTES
  ) {
    throw new Error(
      `DATABASE_MAX_RESULT_BYTES: expected a whole number of bytes from ${MIN_RESULT_BYTES} to ${MAX_RESULT_BYTES}, ` +
        `got ${JSON.stringify(raw)}`,
    );
  }
  return value;
}
