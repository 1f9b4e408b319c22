/**
 * `mcp.config.json`: finding it, reading it and validating it.
 *
 * Accepted formats, in one file or mixed:
 * - `{ "mcpServers": { "<name>": {...} } }` as written by Claude Desktop, Claude Code and Cursor;
 * - `{ "servers": { "<name>": { "type": "stdio", ... } } }` as written by VS Code.
 * Comments and trailing commas are allowed (VS Code writes JSONC). Other top-level keys are ignored, so a Claude
 * Desktop config file with its app settings can be used as is.
 *
 * A stdio server entry: `command`, `args`, `env`, `cwd` (relative to the config file's directory, which is also the
 * default), `disabled`, `timeoutMs`, `description`, and mcp-host's own `replicas`, `cache: { ttlMs }` and
 * `tools: { allow, deny }`. Any other field is an error naming it, except `type` (validated) and the approval lists
 * other clients write (`IGNORED_SERVER_FIELDS`). An entry with `url` (or `type` "http"/"sse") is an HTTP server:
 * kept verbatim and marked `unsupported`, so the CLI can say so without failing the whole file.
 *
 * `command`, `args`, `env` values and `cwd` are interpolated (see `interpolate.ts`). A disabled server is validated,
 * but an unset variable in it is not an error: it is never started.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { describeValue } from '../protocol/describe-value.js';
import { McpHostError } from './errors.js';
import { locateConfig } from './config-location.js';
import type { LoadConfigOptions } from './config-location.js';
import { JsonTextError, lineAndColumn, parseJsonText } from './jsonc.js';
import { formatPath, isHttpEntry, resolveStdioServer } from './stdio-entry.js';
import type { PathSegment } from './stdio-entry.js';

export { CONFIG_FILE_NAME, CONFIG_PATH_VARIABLE, locateConfig, userConfigDir } from './config-location.js';
export type { LoadConfigOptions, LocatedConfig } from './config-location.js';

/** Fields other MCP clients write into server entries that mean nothing to mcp-host; accepted and ignored. */
export const IGNORED_SERVER_FIELDS: readonly string[] = ['autoApprove', 'alwaysAllow'];

/** A server started as a child process speaking MCP on its stdin/stdout. */
export interface StdioServerConfig {
  name: string;
  kind: 'stdio';
  command: string;
  args: string[];
  /** The config's `env`, interpolated. The host adds its allow-list (`serverEnvironment`) when spawning. */
  env: Record<string, string>;
  /** Absolute working directory. @default the config file's directory */
  cwd: string;
  disabled: boolean;
  description?: string;
  /** Per-request timeout for this server. */
  timeoutMs?: number;
  /** Time this server has to start and answer `initialize`. */
  startupTimeoutMs?: number;
  /** How many processes to run. @default 1 */
  replicas: number;
  cache?: { ttlMs: number };
  tools?: { allow?: string[]; deny?: string[] };
  /**
   * Values that came from the host's environment into `env` or `args` (API keys, tokens), to be redacted from all
   * output. Variables every server inherits anyway (PATH, HOME, …) and written defaults are not included.
   */
  secretValues: string[];
  /**
   * Interpolation problems (an unset `${VAR}` without default), each naming the field and the variable. A server
   * with problems stays in the config so that the others work; using it fails with CONFIG_INVALID.
   */
  unresolved?: string[];
}

/** A remote server (`url`). Recognised so it can be reported; this version cannot connect to it. */
export interface HttpServerConfig {
  name: string;
  kind: 'http';
  url: string;
  /** `sse` for the legacy HTTP+SSE transport, `http` for Streamable HTTP. */
  transport: 'http' | 'sse';
  disabled: boolean;
  description?: string;
  unsupported: true;
  secretValues: string[];
}

export type ServerConfig = StdioServerConfig | HttpServerConfig;

export interface LoadedConfig {
  /** Absolute path of the file read. */
  path: string;
  /** Its directory: relative `cwd` values are resolved against it. */
  dir: string;
  /** In file order (`mcpServers` first, then `servers`). */
  servers: ServerConfig[];
  /** The text it was read from. */
  text: string;
}

/**
 * Finds, reads and validates the config (see `locateConfig` for the lookup order). Synchronous, as the lookup is: a
 * config is a small file, and each asynchronous `stat` or read is a round trip to the thread pool; measured, 0.36 ms
 * a load against 0.03 ms, paid by every command (the daemon loads the config for each one, to notice changes).
 * @throws McpHostError CONFIG_INVALID naming the file, the JSON path and what was expected.
 */
export function loadConfig(options: LoadConfigOptions): LoadedConfig {
  const located = locateConfig(options);
  let text: string;
  try {
    text = readFileSync(located.path, 'utf8');
  } catch (error) {
    throw new McpHostError(
      'CONFIG_INVALID',
      `Cannot read config file ${located.path}: ${errorText(error)}`,
      { file: located.path },
      { cause: error },
    );
  }
  const relative = path.relative(options.cwd, located.path);
  const displayPath = relative.startsWith('..') || path.isAbsolute(relative) ? located.path : relative;
  return parseConfig(text, located.path, options.env, { displayPath });
}

/**
 * Validates config text. `filePath` locates relative `cwd` values; `displayPath` (default `filePath`) starts every
 * error message.
 * @throws McpHostError CONFIG_INVALID with every problem found, one per line, in `message` and `context.problems`.
 */
export function parseConfig(
  text: string,
  filePath: string,
  env: NodeJS.ProcessEnv,
  options: { displayPath?: string } = {},
): LoadedConfig {
  const file = path.resolve(filePath);
  const dir = path.dirname(file);
  const displayPath = options.displayPath ?? filePath;
  let data: unknown;
  try {
    data = parseJsonText(text);
  } catch (error) {
    if (!(error instanceof JsonTextError)) throw error;
    const { line, column } = lineAndColumn(text, error.offset);
    throw new McpHostError('CONFIG_INVALID', `${displayPath}:${line}:${column}: invalid JSON: ${error.message}`, {
      file,
      line,
      column,
    });
  }
  const problems: string[] = [];
  const servers = readServers(data, dir, env, problems);
  if (problems.length > 0) {
    const lines = problems.map((problem) => `${displayPath}: ${problem}`);
    throw new McpHostError('CONFIG_INVALID', lines.join('\n'), { file, problems: lines });
  }
  return { path: file, dir, servers, text };
}

// ---------------------------------------------------------------------------------------------------------------
// Structure

const SECTIONS = ['mcpServers', 'servers'] as const;
const SERVER_TYPES = ['stdio', 'http', 'sse'];

const stringList = z.array(z.string().min(1));
const cacheSchema = z.strictObject({ ttlMs: z.int().positive() });
const toolsSchema = z.strictObject({ allow: stringList.optional(), deny: stringList.optional() });
const ignoredFields = Object.fromEntries(IGNORED_SERVER_FIELDS.map((field) => [field, z.unknown().optional()]));

const stdioEntrySchema = z.strictObject({
  type: z.literal('stdio').optional(),
  command: z.string().min(1),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.string()).optional(),
  cwd: z.string().min(1).optional(),
  disabled: z.boolean().optional(),
  description: z.string().optional(),
  timeoutMs: z.int().positive().optional(),
  startupTimeoutMs: z.int().positive().optional(),
  replicas: z.int().min(1).optional(),
  cache: cacheSchema.optional(),
  tools: toolsSchema.optional(),
  ...ignoredFields,
});
export type StdioEntry = z.infer<typeof stdioEntrySchema>;

// HTTP entries are not supported yet: only what identifies them is checked, the rest (headers, …) is kept as is.
const httpEntrySchema = z.looseObject({
  type: z.enum(['http', 'sse']).optional(),
  url: z.string().min(1),
  disabled: z.boolean().optional(),
  description: z.string().optional(),
});

/** The fields allowed in each strict object, by the key that holds it, for "unknown field" messages. */
const ALLOWED_FIELDS: Record<string, string[]> = {
  entry: Object.keys(stdioEntrySchema.shape).filter((key) => !IGNORED_SERVER_FIELDS.includes(key)),
  cache: Object.keys(cacheSchema.shape),
  tools: Object.keys(toolsSchema.shape),
};

function readServers(data: unknown, dir: string, env: NodeJS.ProcessEnv, problems: string[]): ServerConfig[] {
  if (!isPlainObject(data)) {
    problems.push(`expected a JSON object at the top level, got ${describeValue(data)}`);
    return [];
  }
  const present = SECTIONS.filter((section) => data[section] !== undefined);
  if (present.length === 0) {
    const found = Object.keys(data);
    problems.push(
      `expected a "mcpServers" object (or VS Code's "servers") at the top level${found.length > 0 ? `; found ${found.map((key) => JSON.stringify(key)).join(', ')}` : ''}`,
    );
    return [];
  }
  const servers: ServerConfig[] = [];
  const seen = new Map<string, string>();
  for (const section of present) {
    const entries = data[section];
    if (!isPlainObject(entries)) {
      problems.push(`${section}: expected an object of servers by name, got ${describeValue(entries)}`);
      continue;
    }
    for (const [name, entry] of Object.entries(entries)) {
      const at = formatPath([section, name]);
      const nameProblem = checkServerName(name);
      if (nameProblem) problems.push(`${at}: ${nameProblem}`);
      const previous = seen.get(name);
      if (previous !== undefined) problems.push(`${at}: server "${name}" is already defined at ${previous}`);
      seen.set(name, at);
      const server = readServer(name, entry, [section, name], dir, env, problems);
      if (server && !nameProblem) servers.push(server);
    }
  }
  return servers;
}

function checkServerName(name: string): string | undefined {
  if (name === '') return 'a server name cannot be empty';
  if (name.includes('.')) {
    return `server name "${name}" cannot contain "." (tools are addressed as <server>.<tool>)`;
  }
  if (/\s/.test(name)) return `server name "${name}" cannot contain whitespace`;
  return undefined;
}

function readServer(
  name: string,
  entry: unknown,
  at: PathSegment[],
  dir: string,
  env: NodeJS.ProcessEnv,
  problems: string[],
): ServerConfig | undefined {
  if (!isPlainObject(entry)) {
    problems.push(`${formatPath(at)}: expected an object with "command" or "url", got ${describeValue(entry)}`);
    return undefined;
  }
  const type = entry.type;
  if (type !== undefined && (typeof type !== 'string' || !SERVER_TYPES.includes(type))) {
    problems.push(
      `${formatPath([...at, 'type'])}: expected ${SERVER_TYPES.map((t) => JSON.stringify(t)).join(', ')}, got ${describeValue(type)}`,
    );
    return undefined;
  }
  if (isHttpEntry(entry)) {
    const parsed = httpEntrySchema.safeParse(entry);
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((issue) => formatIssue(issue, at, entry)));
      return undefined;
    }
    return {
      name,
      kind: 'http',
      url: parsed.data.url,
      transport: parsed.data.type === 'sse' ? 'sse' : 'http',
      disabled: parsed.data.disabled ?? false,
      ...(parsed.data.description !== undefined && { description: parsed.data.description }),
      unsupported: true,
      secretValues: [],
    };
  }
  if (entry.command === undefined) {
    problems.push(`${formatPath(at)}: expected "command" (the program to start) or "url" (an HTTP server)`);
    return undefined;
  }
  const parsed = stdioEntrySchema.safeParse(entry);
  if (!parsed.success) {
    problems.push(...parsed.error.issues.map((issue) => formatIssue(issue, at, entry)));
    return undefined;
  }
  return resolveStdioServer(name, parsed.data, at, dir, env, problems);
}

// ---------------------------------------------------------------------------------------------------------------
// Messages

function formatIssue(issue: z.core.$ZodIssue, at: PathSegment[], entry: unknown): string {
  const segments = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol');
  const where = formatPath([...at, ...segments]);
  const value = valueAt(entry, segments);
  switch (issue.code) {
    case 'invalid_type': {
      const expected = describeExpected(issue.expected);
      return value === undefined
        ? `${where}: required: expected ${expected}`
        : `${where}: expected ${expected}, got ${describeValue(value)}`;
    }
    case 'too_small': {
      if (issue.origin === 'string') return `${where}: expected a non-empty string`;
      if (issue.origin === 'array') return `${where}: expected at least ${issue.minimum} items`;
      const bound = `${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
      return `${where}: expected an integer ${bound}, got ${describeValue(value)}`;
    }
    case 'invalid_value':
      return `${where}: expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describeValue(value)}`;
    case 'unrecognized_keys': {
      const holder = segments.length === 0 ? 'entry' : String(segments[segments.length - 1]);
      const allowed = ALLOWED_FIELDS[holder];
      const names = issue.keys.map((key) => JSON.stringify(key)).join(', ');
      const label = issue.keys.length === 1 ? 'unknown field' : 'unknown fields';
      return `${where}: ${label} ${names}${allowed ? `; expected only ${allowed.join(', ')}` : ''}`;
    }
    default:
      return `${where}: ${issue.message}`;
  }
}

function describeExpected(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'record':
      return 'object';
    case 'boolean':
      return 'boolean (true or false)';
    default:
      return expected;
  }
}

function valueAt(root: unknown, segments: readonly PathSegment[]): unknown {
  let current = root;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PathSegment, unknown>)[segment];
  }
  return current;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function errorText(error: unknown): string {
  if (error instanceof Error && 'code' in error && error.code === 'EACCES') return 'permission denied';
  if (error instanceof Error && 'code' in error && error.code === 'EISDIR') return 'it is a directory';
  return error instanceof Error ? error.message : String(error);
}
