/**
 * `envFile` (VS Code, Cursor): variables for a server from a file in dotenv syntax. Zod-free, for the early start.
 *
 * The syntax, as dotenv and VS Code read it:
 * - `NAME=value`, one a line, `export NAME=value` too; blank lines and lines starting with `#` are skipped;
 * - an unquoted value ends at ` #` (a comment) and is trimmed;
 * - `'single'` quotes keep the text as written; `"double"` quotes (and backticks) may span lines, and in double
 *   quotes `\n`, `\r`, `\t`, `\"` and `\\` are escapes.
 * No `${VAR}` expansion inside the file: its values are taken as written.
 */

import { readFileSync } from 'node:fs';

/** Why an env file could not be read or parsed, with the line when it is a syntax error. */
export class EnvFileError extends Error {
  override readonly name = 'EnvFileError';
}

const NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/**
 * Reads and parses an env file.
 * @throws EnvFileError naming the problem: missing, unreadable, or a line that is not `NAME=value`.
 */
export function readEnvFile(file: string): Record<string, string> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = error instanceof Error && 'code' in error ? error.code : undefined;
    const reason = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'it is a directory' : String(code ?? error);
    throw new EnvFileError(`cannot read ${file}: ${reason}`);
  }
  return parseEnvFile(text);
}

/**
 * Parses dotenv text (see the module comment); a later definition of a name wins.
 * @throws EnvFileError `line N: ...` for a line that is not `NAME=value`, or a quote that is never closed.
 */
export function parseEnvFile(text: string): Record<string, string> {
  const variables: Record<string, string> = {};
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const lineNumber = index + 1;
    const line = lines[index]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    const assignment = line.startsWith('export ') ? line.slice('export '.length).trimStart() : line;
    const equals = assignment.indexOf('=');
    const name = equals === -1 ? assignment : assignment.slice(0, equals).trim();
    if (equals === -1 || !NAME.test(name)) {
      throw new EnvFileError(`line ${lineNumber}: expected NAME=value, got ${JSON.stringify(line.slice(0, 40))}`);
    }
    let rest = assignment.slice(equals + 1).trimStart();
    const quote = rest[0];
    if (quote === '"' || quote === "'" || quote === '`') {
      // A quoted value may go on over the next lines, up to its closing quote.
      let body = rest.slice(1);
      let close = closingQuote(body, quote);
      while (close === -1 && index + 1 < lines.length) {
        index += 1;
        body += `\n${lines[index]!}`;
        close = closingQuote(body, quote);
      }
      if (close === -1) throw new EnvFileError(`line ${lineNumber}: the value's ${quote} is never closed`);
      rest = body.slice(0, close);
      variables[name] = quote === '"' ? unescape(rest) : rest;
    } else {
      const comment = rest.search(/\s#/);
      variables[name] = (comment === -1 ? rest : rest.slice(0, comment)).trim();
    }
  }
  return variables;
}

function closingQuote(body: string, quote: string): number {
  for (let index = 0; index < body.length; index++) {
    if (quote === '"' && body[index] === '\\') index += 1;
    else if (body[index] === quote) return index;
  }
  return -1;
}

const ESCAPES: Readonly<Record<string, string>> = { n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' };

function unescape(text: string): string {
  return text.replace(/\\(.)/g, (escape, char: string) => ESCAPES[char] ?? escape);
}
