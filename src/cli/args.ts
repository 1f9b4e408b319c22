/**
 * Tool and prompt arguments from the command line: `key=value` pairs (typed by the tool's input schema),
 * `key:=JSON` (raw JSON, never reinterpreted), nested keys `a.b=1`, and whole objects from `--args JSON`,
 * `--args @file.json` or `--args -` (stdin). Every problem is a `USAGE` error that names the field.
 */

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { describeValue } from '../protocol/describe-value.js';
import { McpHostError } from './errors.js';
import { allowedTypes, checkValue, describeTypes, isPlainObject, propertySchema, ROOT_PATH } from './json-schema.js';
import type { JsonSchema, SchemaProblem } from './json-schema.js';

/** One `key=value` or `key:=JSON` from the command line, checked for syntax but not yet typed. */
export interface Assignment {
  /** The key as written: `days`, `filter.city`. */
  key: string;
  /** `key:=JSON`: the value is JSON as written, whatever the schema says. */
  isJson: boolean;
  /** The text after `=` (for `=`), or the parsed JSON (for `:=`). */
  text: string;
  json?: unknown;
}

/**
 * Parses `key=value` and `key:=JSON` tokens. Done before any server starts, so a typo costs nothing.
 * @throws McpHostError `USAGE` naming the token.
 */
export function parseAssignments(tokens: readonly string[]): Assignment[] {
  return tokens.map((token) => {
    const equals = token.indexOf('=');
    if (equals <= 0 || (equals === 1 && token[0] === ':')) {
      throw usage(
        `"${token}" is not an argument: expected key=value (or key:=JSON for raw JSON)`,
        equals === 0 || equals === 1 ? 'the key is empty' : undefined,
      );
    }
    const isJson = token[equals - 1] === ':';
    const key = token.slice(0, isJson ? equals - 1 : equals);
    const text = token.slice(equals + 1);
    if (key.split('.').some((segment) => segment === '')) {
      throw usage(`"${token}": the key "${key}" has an empty part; nested keys are written a.b=value`);
    }
    if (!isJson) return { key, isJson, text };
    return { key, isJson, text, json: parseJsonText(text, key) };
  });
}

/**
 * Reads the `--args` option: inline JSON, `@file.json` (relative to `cwd`) or `-` for stdin.
 * @throws McpHostError `USAGE` when the text is not a JSON object or the file cannot be read.
 */
export async function loadArgsOption(
  value: string,
  io: { cwd: string; stdin: Readable; signal?: AbortSignal },
): Promise<Record<string, unknown>> {
  let text: string;
  let source: string;
  if (value === '-') {
    source = '--args - (stdin)';
    text = await readAll(io.stdin, io.signal);
  } else if (value.startsWith('@')) {
    const file = path.resolve(io.cwd, value.slice(1));
    source = `--args ${value}`;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      throw usage(`${source}: cannot read ${file}: ${reason}`);
    }
  } else {
    source = '--args';
    text = value;
  }
  return argsObject(text, source);
}

/**
 * The arguments object of an `--args` text read from `source` (`--args`, `--args @file.json`, …).
 * @throws McpHostError `USAGE` when the text is not a JSON object.
 */
export function argsObject(text: string, source: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw usage(`${source}: invalid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(parsed)) {
    throw usage(`${source}: expected a JSON object of arguments, got ${describeValue(parsed)}`);
  }
  return parsed;
}

/**
 * Builds the arguments object: `base` (from `--args`), then each assignment in order (later ones win), each
 * `key=value` typed by the schema (see `coerceText`).
 * @throws McpHostError `USAGE` naming every field whose text does not fit its type, one per line.
 */
export function buildArguments(
  assignments: readonly Assignment[],
  schema: JsonSchema | undefined,
  base: Record<string, unknown> = {},
): Record<string, unknown> {
  const { args, problems } = collectArguments(assignments, schema, base);
  if (problems.length > 0) {
    throw usage(problems.map((problem) => `${problem.path}: ${problem.message}`).join('\n'), undefined, problems);
  }
  return args;
}

/**
 * `buildArguments`, with each field whose text does not fit its type reported instead of thrown (and left out of
 * the arguments), so that every bad field is named at once.
 */
function collectArguments(
  assignments: readonly Assignment[],
  schema: JsonSchema | undefined,
  base: Record<string, unknown>,
): { args: Record<string, unknown>; problems: SchemaProblem[] } {
  const args = structuredClone(base);
  const problems: SchemaProblem[] = [];
  for (const assignment of assignments) {
    const segments = splitKey(assignment.key, schema);
    let fieldSchema: JsonSchema | undefined = schema;
    for (const segment of segments) fieldSchema = propertySchema(fieldSchema, segment);
    const field = segments.join('.');
    try {
      const value = assignment.isJson ? assignment.json : coerceText(assignment.text, fieldSchema, field);
      setPath(args, segments, value, assignment.key);
    } catch (error) {
      const problem = error instanceof McpHostError ? fieldProblemOf(error) : undefined;
      if (!problem) throw error;
      problems.push(problem);
    }
  }
  return { args, problems };
}

const NUMBER_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

/**
 * Types the text of `key=value` by the field's schema:
 * - a field that admits strings keeps the text as is (`zip=01234` stays "01234"), unless the schema also admits a
 *   type the text spells exactly (`null`, `true`/`false`, a number, `[…]`, `{…}`);
 * - numbers, integers and booleans are read from their JSON spelling; arrays and objects from their JSON text;
 * - a field with no type in its schema (or no schema) keeps the text: use `key:=JSON` for anything else.
 * @throws McpHostError `USAGE` when the text spells none of the admitted types.
 */
export function coerceText(text: string, schema: JsonSchema | undefined, field: string): unknown {
  const types = allowedTypes(schema);
  if (types === undefined) return text;
  if (types.has('null') && text === 'null') return null;
  if (types.has('boolean') && (text === 'true' || text === 'false')) return text === 'true';
  if ((types.has('number') || types.has('integer')) && NUMBER_TEXT.test(text)) {
    const number = Number(text);
    if (types.has('number') || Number.isInteger(number)) return number;
  }
  const trimmed = text.trimStart();
  const isJsonShaped =
    (types.has('array') && trimmed.startsWith('[')) || (types.has('object') && trimmed.startsWith('{'));
  if (isJsonShaped && !types.has('string')) return parseJsonText(text, field);
  if (isJsonShaped) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  if (types.has('string')) return text;
  throw fieldUsage(field, `expected ${describeTypes([...types])}, got ${JSON.stringify(text)}${typeHint(types)}`);
}

/**
 * The arguments of a call to `tool`: `base` plus the assignments, typed by its input schema and checked against it.
 * @throws McpHostError `USAGE` naming each field that does not fit.
 */
export function toolArguments(
  tool: { inputSchema: unknown },
  assignments: readonly Assignment[],
  base: Record<string, unknown>,
  target: string,
): Record<string, unknown> {
  const schema = tool.inputSchema as JsonSchema;
  const { args, problems } = collectArguments(assignments, schema, base);
  // A field already named for its text is left out of the arguments: not reported again as missing.
  const named = new Set(problems.map((problem) => problem.path));
  const all = [...problems, ...checkValue(args, schema).filter((problem) => !named.has(problem.path))];
  if (all.length > 0) throw invalidArguments(all, target, { tool: target });
  return args;
}

/**
 * Checks arguments against the input schema before anything is sent.
 * @throws McpHostError `USAGE` listing every problem, one per line, each naming its field.
 */
export function assertArgumentsMatch(
  args: Record<string, unknown>,
  schema: JsonSchema | undefined,
  target: string,
): void {
  const problems = checkValue(args, schema);
  if (problems.length > 0) throw invalidArguments(problems, target);
}

/** The USAGE error for schema problems: `Invalid arguments for weather.get_forecast:\n  days: expected <= 16, got 20`. */
export function invalidArguments(
  problems: readonly SchemaProblem[],
  target: string,
  context: { tool?: string } = {},
): McpHostError {
  const lines = problems.map((problem) => `  ${problem.path}: ${problem.message}`);
  return new McpHostError('USAGE', `Invalid arguments for ${target}:\n${lines.join('\n')}`, {
    ...context,
    problems: problems.map((problem) => ({
      field: problem.path === ROOT_PATH ? null : problem.path,
      message: problem.message,
    })),
  });
}

/** Splits `a.b` into path segments, unless the schema has a property literally named `a.b`. */
function splitKey(key: string, schema: JsonSchema | undefined): string[] {
  if (!key.includes('.')) return [key];
  const properties = schema?.properties;
  if (properties && Object.hasOwn(properties, key)) return [key];
  return key.split('.');
}

function setPath(target: Record<string, unknown>, segments: readonly string[], value: unknown, key: string): void {
  let current = target;
  for (const [index, segment] of segments.entries()) {
    if (index === segments.length - 1) {
      // defineProperty: a key named "__proto__" stays an ordinary field.
      Object.defineProperty(current, segment, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    // Own properties only: `current.__proto__` is Object.prototype, and writing into it would pollute every object.
    const next = Object.hasOwn(current, segment) ? current[segment] : undefined;
    if (next === undefined) {
      const created: Record<string, unknown> = {};
      Object.defineProperty(current, segment, { value: created, enumerable: true, writable: true, configurable: true });
      current = created;
    } else if (isPlainObject(next)) {
      current = next;
    } else {
      throw fieldUsage(
        key,
        `${segments.slice(0, index + 1).join('.')} is already set to a value that is not an object`,
      );
    }
  }
}

function parseJsonText(text: string, field: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw fieldUsage(field, `invalid JSON ${JSON.stringify(text)}: ${(error as Error).message}`);
  }
}

function typeHint(types: Set<string>): string {
  if (types.has('array')) return ' (write a JSON array, e.g. tags=\'["a","b"]\')';
  if (types.has('object')) return ' (write a JSON object, e.g. filter=\'{"x":1}\')';
  return '';
}

async function readAll(stream: Readable, signal: AbortSignal | undefined): Promise<string> {
  const chunks: Buffer[] = [];
  const reading = (async () => {
    for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  })();
  if (!signal) return reading;
  // Reading stdin cannot be aborted by itself: an interrupt must not wait for the user to type Ctrl-D.
  return Promise.race([
    reading,
    new Promise<never>((_, reject) => {
      const onAbort = (): void => reject(new McpHostError('CANCELLED', 'Interrupted while reading --args from stdin'));
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    }),
  ]);
}

function usage(message: string, detail?: string, problems?: readonly SchemaProblem[]): McpHostError {
  return new McpHostError('USAGE', detail ? `${message} (${detail})` : message, problems ? { problems } : {});
}

/** A USAGE error about one field's text, as `coerceText` and friends throw it: `field: what is wrong`. */
function fieldUsage(field: string, message: string): McpHostError {
  return new McpHostError('USAGE', `${field}: ${message}`, { field, problem: message });
}

function fieldProblemOf(error: McpHostError): SchemaProblem | undefined {
  const { field, problem } = error.context;
  return typeof field === 'string' && typeof problem === 'string' ? { path: field, message: problem } : undefined;
}
