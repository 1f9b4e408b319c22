/**
 * A config file's text as data, by its format: JSON with comments and trailing commas (jsonc.ts) for the files of
 * every editor and of mcp-host, TOML for Codex's `config.toml` (its `[mcp_servers.NAME]` tables).
 *
 * The TOML parser (smol-toml) is required only when a TOML text is read, by a `require` made here at run time: the
 * CLI's bundle leaves it outside (it cannot see through this `require`), so neither the warm path nor the cold path
 * of a JSON config reads or compiles a byte of it, and `loadConfig` stays synchronous. Measured on a 2-core machine:
 * requiring it costs 1-3 ms, paid by a command over a TOML config only.
 */

import { createRequire } from 'node:module';
import path from 'node:path';
import type * as SmolToml from 'smol-toml';
import { JsonTextError, lineAndColumn, parseJsonText } from './jsonc.js';

/** How a config file is written: `toml` for a file named `*.toml`, `json` (with comments) for any other. */
export type ConfigFormat = 'json' | 'toml';

/** A text that is not valid in its format, at a 1-based line and column. */
export class ConfigTextError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

/** The format of the config file at `file`, by its extension. */
export function configFormatOf(file: string): ConfigFormat {
  return path.extname(file).toLowerCase() === '.toml' ? 'toml' : 'json';
}

let smolToml: typeof SmolToml | undefined;

/**
 * The value a config text holds: objects are plain objects, every TOML value a JSON value (a TOML date is its text).
 * @throws ConfigTextError for text that is not valid JSON (with comments) or TOML, with the position of the problem.
 */
export function parseConfigText(text: string, format: ConfigFormat): unknown {
  if (format === 'json') {
    try {
      return parseJsonText(text);
    } catch (error) {
      if (!(error instanceof JsonTextError)) throw error;
      const { line, column } = lineAndColumn(text, error.offset);
      throw new ConfigTextError(`invalid JSON: ${error.message}`, line, column);
    }
  }
  smolToml ??= createRequire(import.meta.url)('smol-toml') as typeof SmolToml;
  let data: unknown;
  try {
    data = smolToml.parse(text);
  } catch (error) {
    if (!(error instanceof smolToml.TomlError)) throw error;
    // Its message continues with a code excerpt over several lines: the first line says what is wrong.
    const reason = error.message.split('\n')[0]!.replace(/^Invalid TOML document: /, '');
    throw new ConfigTextError(`invalid TOML: ${reason}`, error.line, error.column);
  }
  // TOML tables come as objects without a prototype, dates as objects: the rest of the loader expects JSON values.
  return JSON.parse(JSON.stringify(data)) as unknown;
}
