/**
 * `mcp.config.json`: finding it, reading it and validating it. The full format is in docs/config.md.
 *
 * Accepted formats, in one file or mixed, as other hosts write them (their files work unchanged):
 * - `{ "mcpServers": { "<name>": {...} } }` as written by Claude Desktop, Claude Code, Cursor, Cline, Windsurf and
 *   mcporter;
 * - `{ "servers": { "<name>": { "type": "stdio", ... } }, "inputs": [...] }` as written by VS Code;
 * - Codex's `config.toml`, whose `[mcp_servers.<name>]` tables are read as the entries (a file named `*.toml` is
 *   TOML; see config-text.ts).
 * Comments and trailing commas are allowed (VS Code writes JSONC). Other top-level keys are ignored, so a Claude
 * Desktop config file with its app settings (or a Codex one with its model settings) can be used as is.
 *
 * A stdio server entry: `command`, `args`, `env`, `envFile`, `cwd`, `disabled`, `timeoutMs`, `startupTimeoutMs`,
 * `description`, and mcp-host's own `replicas`, `cache: { ttlMs }`, `tools: { allow, deny }`, `passEnv`, `secrets`
 * and `public`. Fields other hosts write are accepted: used where they mean something here (Cline's `timeout` in
 * seconds and `transportType`, Windsurf's `disabledTools`, Codex's `enabled` and `env_vars`, …; see
 * FOREIGN_SERVER_FIELDS), otherwise ignored with a
 * note. An unknown field that is a misspelling of one of ours (`arg`) is an error; any other is ignored with a
 * warning. An entry with `url` (or Windsurf's `serverUrl`, Gemini CLI's `httpUrl`, mcporter's `baseUrl`, or `type`
 * "http"/"sse") is an HTTP
 * server: kept and marked `unsupported`, so the CLI can say so.
 *
 * An invalid entry fails that server only: it is kept as an `invalid` server with its problems, reported when it is
 * used (CONFIG_INVALID). Only a file that is not JSON, or whose top level is not a config, fails as a whole.
 *
 * `command`, `args`, `env` values, `envFile` and `cwd` are interpolated (see interpolate.ts). A disabled server is
 * validated, but an unset variable in it is not an error: it is never started. Which values are secrets: see
 * secrets.ts.
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as z from 'zod';
import { describeValue } from '../protocol/describe-value.js';
import { editDistance } from '../protocol/did-you-mean.js';
import { McpHostError } from './errors.js';
import { locateConfig } from './config-location.js';
import type { LoadConfigOptions } from './config-location.js';
import { ConfigTextError, configFormatOf, parseConfigText } from './config-text.js';
import type { ConfigFormat } from './config-text.js';
import { SecretCollector, SecretMarks } from './secrets.js';
import {
  SERVER_TYPES,
  URL_FIELDS,
  entryTransport,
  entryUrl,
  formatPath,
  isEntryDisabled,
  predefinedVariables,
  resolveStdioServer,
} from './stdio-entry.js';
import type { PathSegment } from './stdio-entry.js';

export { CONFIG_FILE_NAME, CONFIG_PATH_VARIABLE, locateConfig, userConfigDir } from './config-location.js';
export type { LoadConfigOptions, LocatedConfig } from './config-location.js';

/** A server started as a child process speaking MCP on its stdin/stdout. */
export interface StdioServerConfig {
  name: string;
  kind: 'stdio';
  command: string;
  args: string[];
  /**
   * The config's `env` (over its `envFile`), interpolated. The host adds its allow-list (`serverEnvironment`), or the
   * caller's whole environment with `passEnv`, when spawning.
   */
  env: Record<string, string>;
  /** Variables the server must not get, not even inherited ones (VS Code's `"NAME": null` in `env`). */
  unsetEnv?: string[];
  /** The caller's whole environment reaches the server, not the allow-list (`passEnv`, `--pass-env`). */
  passEnv?: boolean;
  /** Absolute working directory. @default the config's workspace folder (see `workspaceFolderOf`) */
  cwd: string;
  disabled: boolean;
  description?: string;
  /** Per-request timeout for this server (`timeoutMs`, or Cline's `timeout` in seconds). */
  timeoutMs?: number;
  /** Time this server has to start and answer `initialize`. */
  startupTimeoutMs?: number;
  /** Largest message accepted from this server, in bytes. */
  maxMessageBytes?: number;
  /** How many processes to run. @default 1 */
  replicas: number;
  cache?: { ttlMs: number };
  /** `tools`, with other hosts' lists of disabled tools added to `deny`. */
  tools?: { allow?: string[]; deny?: string[] };
  /**
   * The values to redact from all output (API keys, tokens): see secrets.ts for which. Paths and other plain values
   * taken from the environment are not among them.
   */
  secretValues: string[];
  /**
   * Problems of resolution (an unset `${VAR}` without default, an unreadable `envFile`), each naming the field. A
   * server with problems stays in the config so that the others work; using it fails with CONFIG_INVALID.
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
  /** Its `headers` values, `apiKey`-like fields and URL credentials (see secrets.ts). */
  secretValues: string[];
}

/**
 * An entry that is not valid: kept so that the rest of the config works, and so that using it can say why it
 * cannot be used (CONFIG_INVALID).
 */
export interface InvalidServerConfig {
  name: string;
  kind: 'invalid';
  /** Each problem: the field's path (`mcpServers.weather.args[1]`), what was expected, and what was found. */
  problems: string[];
  /** As the entry says, when it says so with a boolean. */
  disabled: boolean;
  description?: string;
  /** What looks secret in the entry, so that it never reaches output either. */
  secretValues: string[];
}

/** A server that can be used: one that a connector can reach. */
export type ServerConfig = StdioServerConfig | HttpServerConfig;

/** Every entry of a config, valid or not. */
export type ConfiguredServer = ServerConfig | InvalidServerConfig;

/**
 * Something the config says that mcp-host does not act on: a field of another host it ignores (`isWarning` false:
 * shown with `--verbose`), or one that no host is known to write, or that asks for what mcp-host cannot do, such
 * as VS Code's sandbox (`isWarning` true: shown unless `--quiet`).
 */
export interface ConfigNote {
  message: string;
  isWarning: boolean;
}

export interface LoadedConfig {
  /** Absolute path of the file read. */
  path: string;
  /**
   * Its directory. Relative paths are resolved against its workspace folder: this directory, or for
   * `.vscode/mcp.json` and `.cursor/mcp.json` the folder above, as VS Code's `${workspaceFolder}`.
   */
  dir: string;
  /** In file order (`mcpServers` first, then `servers`). */
  servers: ConfiguredServer[];
  /** The text it was read from. */
  text: string;
  /** What the config says that mcp-host does not act on, each naming the field. */
  notes: ConfigNote[];
}

/** `parseConfig`'s options. */
export interface ParseConfigOptions {
  /** Starts every error message. @default filePath */
  displayPath?: string;
  /** How the text is written. @default by `filePath`'s extension: `toml` for `*.toml`, otherwise `json` */
  format?: ConfigFormat;
  /** As `LoadConfigOptions.passEnv`. @default false */
  passEnv?: boolean;
  /**
   * `keep`: an invalid entry is kept as an `invalid` server. `throw`: it fails the whole text, for entries written
   * in code (`createHost({ servers })`), where failing at once is the most useful. @default 'keep'
   */
  invalidEntries?: 'keep' | 'throw';
}

/**
 * Finds, reads and validates the config (see `locateConfig` for the lookup order). Synchronous, as the lookup is: a
 * config is a small file, and each asynchronous `stat` or read is a round trip to the thread pool; measured, 0.36 ms
 * a load against 0.03 ms, paid by every command (the daemon loads the config for each one, to notice changes).
 * @throws McpHostError CONFIG_INVALID when the file is missing, unreadable, not JSON (or, for `*.toml`, not TOML), or
 * not a config at its top level, naming the file, the JSON path and what was expected. An invalid entry does not
 * throw (see `parseConfig`).
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
  return parseConfig(text, located.path, options.env, {
    displayPath,
    ...(options.passEnv !== undefined && { passEnv: options.passEnv }),
  });
}

/**
 * Validates config text. `filePath` locates relative `cwd` and `envFile` values, and (by its extension) says whether
 * the text is TOML; `env` is what `${VAR}` reads. Each invalid entry becomes an `invalid` server (or, with
 * `invalidEntries: 'throw'`, fails the whole text).
 * @throws McpHostError CONFIG_INVALID for text that is not JSON (or TOML) or not a config at its top level (no
 * `mcpServers` or `servers` object, no `mcp_servers` table in TOML, a malformed top-level `secrets` or `public`),
 * with every problem found, one per line, in `message` and `context.problems`.
 */
export function parseConfig(
  text: string,
  filePath: string,
  env: NodeJS.ProcessEnv,
  options: ParseConfigOptions = {},
): LoadedConfig {
  const file = path.resolve(filePath);
  const dir = path.dirname(file);
  const displayPath = options.displayPath ?? filePath;
  const format = options.format ?? configFormatOf(file);
  let data: unknown;
  try {
    data = parseConfigText(text, format);
  } catch (error) {
    if (!(error instanceof ConfigTextError)) throw error;
    const { line, column } = error;
    throw new McpHostError('CONFIG_INVALID', `${displayPath}:${line}:${column}: ${error.message}`, {
      file,
      line,
      column,
    });
  }
  const reading: Reading = { dir, env, format, passEnv: options.passEnv ?? false, problems: [], notes: [] };
  const servers = readServers(data, reading);
  const invalid = options.invalidEntries === 'throw' ? servers.filter(isInvalid) : [];
  const problems = [...reading.problems, ...invalid.flatMap((server) => server.problems)];
  if (problems.length > 0) {
    const lines = problems.map((problem) => `${displayPath}: ${problem}`);
    throw new McpHostError('CONFIG_INVALID', lines.join('\n'), { file, problems: lines });
  }
  const notes = reading.notes.map((note) => ({ ...note, message: `${displayPath}: ${note.message}` }));
  return { path: file, dir, servers, text, notes };
}

/** True for an entry kept only to report why it cannot be used. */
export function isInvalid(server: ConfiguredServer): server is InvalidServerConfig {
  return server.kind === 'invalid';
}

// ---------------------------------------------------------------------------------------------------------------
// Other hosts' fields

/** What mcp-host makes of a field that another host writes into a stdio server entry. */
export interface ForeignField {
  /** Who writes it. */
  hosts: string;
  /** Used, or ignored: then the note says what it was for. */
  use: 'used' | 'ignored';
  /** What mcp-host does with it, for the note (`--verbose`). */
  note: string;
}

/**
 * Fields of stdio entries written by other hosts, by name. Listed so that a Cline, VS Code, Windsurf, Roo Code,
 * Gemini CLI or mcporter file works unchanged, each field used where it means something here. (Fields not listed
 * are ignored too, with a warning: hosts add fields faster than any list.)
 */
export const FOREIGN_SERVER_FIELDS: Readonly<Record<string, ForeignField>> = {
  timeout: {
    hosts: 'Cline, Roo Code',
    use: 'used',
    note: 'the request timeout, in seconds (a value over 3600 in milliseconds: the usual mix-up)',
  },
  transportType: { hosts: 'Cline', use: 'used', note: 'read as type' },
  disabledTools: { hosts: 'Windsurf, Roo Code', use: 'used', note: 'these tools are denied, as with tools.deny' },
  includeTools: { hosts: 'Gemini CLI', use: 'used', note: 'the tools allowed, unless tools.allow is given' },
  excludeTools: { hosts: 'Gemini CLI', use: 'used', note: 'these tools are denied, as with tools.deny' },
  autoApprove: {
    hosts: 'Cline',
    use: 'ignored',
    note: 'mcp-host asks for no approval of tool calls (tools.allow and tools.deny limit them)',
  },
  alwaysAllow: {
    hosts: 'Roo Code',
    use: 'ignored',
    note: 'mcp-host asks for no approval of tool calls (tools.allow and tools.deny limit them)',
  },
  trust: { hosts: 'Gemini CLI', use: 'ignored', note: 'mcp-host asks for no confirmation of tool calls' },
  lifecycle: {
    hosts: 'mcporter',
    use: 'ignored',
    note: 'servers are started for each command, or kept running by the mcp-host daemon (mcp-host daemon start)',
  },
  logging: { hosts: 'mcporter', use: 'ignored', note: "server stderr is shown with --verbose and in the daemon's log" },
  dev: { hosts: 'VS Code', use: 'ignored', note: 'development mode (watch, debug) is an editor feature' },
  sandboxEnabled: { hosts: 'VS Code', use: 'ignored', note: 'mcp-host has no sandbox: the server runs unconfined' },
  sandbox: { hosts: 'VS Code', use: 'ignored', note: 'mcp-host has no sandbox: the server runs unconfined' },
  watchPaths: { hosts: 'Roo Code', use: 'ignored', note: 'restarting on file changes is an editor feature' },
  url: { hosts: 'Cline', use: 'ignored', note: 'an entry with a command is a stdio server' },
  headers: { hosts: 'Cline', use: 'ignored', note: 'an entry with a command is a stdio server' },
  resultMapping: { hosts: 'mcporter', use: 'ignored', note: 'results are printed as the server sends them' },
  enabled: { hosts: 'Codex', use: 'used', note: 'false disables the server, as disabled: true' },
  env_vars: {
    hosts: 'Codex',
    use: 'used',
    note: 'these variables are passed from your environment when set, as env NAME: ${NAME}',
  },
  startup_timeout_sec: {
    hosts: 'Codex',
    use: 'used',
    note: 'the start-up timeout, in seconds (startupTimeoutMs wins)',
  },
  startup_timeout_ms: { hosts: 'Codex', use: 'used', note: 'the start-up timeout (startupTimeoutMs wins)' },
  tool_timeout_sec: { hosts: 'Codex', use: 'used', note: 'the request timeout, in seconds (timeoutMs wins)' },
  enabled_tools: { hosts: 'Codex', use: 'used', note: 'the tools allowed, unless tools.allow is given' },
  disabled_tools: { hosts: 'Codex', use: 'used', note: 'these tools are denied, as with tools.deny' },
  required: {
    hosts: 'Codex',
    use: 'ignored',
    note: 'a server that cannot start fails the commands that use it; the others still run',
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Structure

/**
 * The top-level keys that hold servers, by format, in the order they are read: `mcpServers` (most hosts) and VS
 * Code's `servers` in JSON, Codex's `mcp_servers` tables in TOML.
 */
export const CONFIG_SECTIONS: Readonly<Record<ConfigFormat, readonly string[]>> = {
  json: ['mcpServers', 'servers'],
  toml: ['mcp_servers'],
};

/** The smallest `maxMessageBytes` taken: below it a server's answer to `initialize` may not fit. */
const MIN_MESSAGE_BYTES = 4 * 1024;

const stringList = z.array(z.string().min(1));
const cacheSchema = z.strictObject({ ttlMs: z.int().positive() });
const toolsSchema = z.strictObject({ allow: stringList.optional(), deny: stringList.optional() });
const marksSchema = z.object({ secrets: stringList.optional(), public: stringList.optional() });

// Loose: fields of other hosts are kept (see `checkFields`), and resolveStdioServer reads the ones it uses.
const stdioEntrySchema = z.looseObject({
  type: z.string().optional(),
  transportType: z.string().optional(),
  command: z.union([z.string().min(1), z.array(z.string()).min(1)]),
  args: z.array(z.string()).optional(),
  env: z.record(z.string(), z.union([z.string(), z.number(), z.null()])).optional(),
  envFile: z.string().min(1).optional(),
  cwd: z.string().min(1).optional(),
  disabled: z.boolean().optional(),
  description: z.string().optional(),
  timeoutMs: z.int().positive().optional(),
  startupTimeoutMs: z.int().positive().optional(),
  maxMessageBytes: z.int().min(MIN_MESSAGE_BYTES).optional(),
  replicas: z.int().min(1).optional(),
  cache: cacheSchema.optional(),
  tools: toolsSchema.optional(),
  passEnv: z.boolean().optional(),
  secrets: stringList.optional(),
  public: stringList.optional(),
  timeout: z.number().positive().optional(),
  disabledTools: z.array(z.string()).optional(),
  includeTools: stringList.optional(),
  excludeTools: stringList.optional(),
  enabled: z.boolean().optional(),
  env_vars: stringList.optional(),
  startup_timeout_sec: z.number().positive().optional(),
  startup_timeout_ms: z.int().positive().optional(),
  tool_timeout_sec: z.number().positive().optional(),
  enabled_tools: stringList.optional(),
  disabled_tools: z.array(z.string()).optional(),
});
export type StdioEntry = z.infer<typeof stdioEntrySchema>;

/** mcp-host's own fields of a stdio entry, for "did you mean" and for messages. */
const OWN_FIELDS: readonly string[] = Object.keys(stdioEntrySchema.shape).filter(
  (field) => !Object.hasOwn(FOREIGN_SERVER_FIELDS, field),
);

// HTTP entries are not supported yet: only what identifies them is checked, the rest (headers, …) is kept as is.
const httpEntrySchema = z.looseObject({
  disabled: z.boolean().optional(),
  enabled: z.boolean().optional(),
  description: z.string().optional(),
});

/** The fields allowed in each strict object, by the key that holds it, for "unknown field" messages. */
const ALLOWED_FIELDS: Record<string, string[]> = {
  cache: Object.keys(cacheSchema.shape),
  tools: Object.keys(toolsSchema.shape),
};

/** What the whole file gives each entry, and what reading it found. */
interface Reading {
  dir: string;
  env: NodeJS.ProcessEnv;
  format: ConfigFormat;
  passEnv: boolean;
  /** Problems of the file as a whole. */
  problems: string[];
  notes: ConfigNote[];
  /** The top-level `secrets` and `public`, and the VS Code inputs that are passwords. */
  marks?: SecretMarks;
}

function readServers(data: unknown, reading: Reading): ConfiguredServer[] {
  const { problems } = reading;
  if (!isPlainObject(data)) {
    problems.push(`expected a JSON object at the top level, got ${describeValue(data)}`);
    return [];
  }
  const present = CONFIG_SECTIONS[reading.format].filter((section) => data[section] !== undefined);
  if (present.length === 0) {
    const found = Object.keys(data);
    const expected =
      reading.format === 'toml'
        ? 'expected "mcp_servers" tables ([mcp_servers.NAME], as Codex writes them) at the top level'
        : 'expected a "mcpServers" object (or VS Code\'s "servers") at the top level';
    problems.push(
      `${expected}${found.length > 0 ? `; found ${found.map((key) => JSON.stringify(key)).join(', ')}` : ''}`,
    );
    return [];
  }
  // A malformed list of what is secret fails the file: guessing could show a secret.
  const marks = marksSchema.safeParse(data);
  if (!marks.success) {
    problems.push(...marks.error.issues.map((issue) => formatIssue(issue, [], data)));
    return [];
  }
  reading.marks = new SecretMarks({
    secrets: [...(marks.data.secrets ?? []), ...passwordInputs(data.inputs)],
    ...(marks.data.public !== undefined && { public: marks.data.public }),
  });
  const servers: ConfiguredServer[] = [];
  const seen = new Map<string, { at: string; index: number }>();
  for (const section of present) {
    const entries = data[section];
    if (!isPlainObject(entries)) {
      problems.push(`${section}: expected an object of servers by name, got ${describeValue(entries)}`);
      continue;
    }
    for (const [name, entry] of Object.entries(entries)) {
      const at = formatPath([section, name]);
      const nameProblem = checkServerName(name);
      let server = nameProblem
        ? invalidServer(name, entry, [`${at}: ${nameProblem}`], reading)
        : readServer(name, entry, [section, name], reading);
      const previous = seen.get(name);
      if (previous === undefined) {
        seen.set(name, { at, index: servers.length });
        servers.push(server);
        continue;
      }
      // One name, two entries: which one is meant cannot be known, so neither is used.
      const first = servers[previous.index]!;
      server = invalidServer(name, entry, [`${at}: server "${name}" is already defined at ${previous.at}`], reading);
      server.secretValues = [...new Set([...first.secretValues, ...server.secretValues])];
      servers[previous.index] = server;
    }
  }
  return servers;
}

/** The ids of VS Code's `inputs` that are passwords: their values are secrets whatever the ids look like. */
function passwordInputs(inputs: unknown): string[] {
  if (!Array.isArray(inputs)) return [];
  return inputs.flatMap((input: unknown) =>
    isPlainObject(input) && typeof input.id === 'string' && input.password === true ? [input.id] : [],
  );
}

function checkServerName(name: string): string | undefined {
  if (name === '') return 'a server name cannot be empty';
  if (name.includes('.')) {
    return `server name "${name}" cannot contain "." (tools are addressed as <server>.<tool>)`;
  }
  if (/\s/.test(name)) return `server name "${name}" cannot contain whitespace`;
  return undefined;
}

function readServer(name: string, entry: unknown, at: PathSegment[], reading: Reading): ConfiguredServer {
  const where = formatPath(at);
  if (!isPlainObject(entry)) {
    return invalidServer(
      name,
      entry,
      [`${where}: expected an object with "command" or "url", got ${describeValue(entry)}`],
      reading,
    );
  }
  const transport = entryTransport(entry);
  if (transport === undefined) {
    const field = entry.type !== undefined ? 'type' : 'transportType';
    const expected = SERVER_TYPES.map((type) => JSON.stringify(type)).join(', ');
    return invalidServer(
      name,
      entry,
      [`${formatPath([...at, field])}: expected ${expected}, got ${describeValue(entry[field])}`],
      reading,
    );
  }
  if (transport !== 'stdio') return readHttpServer(name, entry, at, transport, reading);
  if (entry.command === undefined) {
    return invalidServer(
      name,
      entry,
      [`${where}: expected "command" (the program to start) or "url" (an HTTP server)`],
      reading,
    );
  }
  const problems = checkFields(entry, at, reading.notes);
  const parsed = stdioEntrySchema.safeParse(entry);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => formatIssue(issue, at, entry)));
  if (problems.length > 0 || !parsed.success) return invalidServer(name, entry, problems, reading);
  noteUsedFields(entry, at, reading.notes);
  const resolved = resolveStdioServer(name, parsed.data, at, reading.dir, reading.env, problems, {
    passEnv: reading.passEnv,
    ...(reading.marks && { marks: reading.marks }),
  });
  return resolved ?? invalidServer(name, entry, problems, reading);
}

function readHttpServer(
  name: string,
  entry: Record<string, unknown>,
  at: PathSegment[],
  transport: 'http' | 'sse',
  reading: Reading,
): ConfiguredServer {
  const url = entryUrl(entry);
  const problems: string[] = [];
  if (typeof url !== 'string' || url === '') {
    const field = URL_FIELDS.find((key) => entry[key] !== undefined) ?? 'url';
    problems.push(
      url === undefined
        ? `${formatPath([...at, field])}: required: expected string`
        : `${formatPath([...at, field])}: expected a non-empty string, got ${describeValue(url)}`,
    );
  }
  const parsed = httpEntrySchema.safeParse(entry);
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => formatIssue(issue, at, entry)));
  if (problems.length > 0 || !parsed.success) return invalidServer(name, entry, problems, reading);
  return {
    name,
    kind: 'http',
    url: url as string,
    transport,
    disabled: isEntryDisabled(parsed.data),
    ...(parsed.data.description !== undefined && { description: parsed.data.description }),
    unsupported: true,
    secretValues: entrySecrets(entry, reading),
  };
}

function invalidServer(name: string, entry: unknown, problems: string[], reading: Reading): InvalidServerConfig {
  const fields = isPlainObject(entry) ? entry : {};
  return {
    name,
    kind: 'invalid',
    problems,
    disabled: isEntryDisabled(fields),
    ...(typeof fields.description === 'string' && { description: fields.description }),
    secretValues: entrySecrets(entry, reading),
  };
}

/** The secrets of an entry that is not resolved (an HTTP or an invalid one), found in its fields as written. */
function entrySecrets(entry: unknown, reading: Reading): string[] {
  const own = isPlainObject(entry) ? marksSchema.safeParse(entry) : undefined;
  const marks = reading.marks ?? new SecretMarks();
  const collector = new SecretCollector({
    env: reading.env,
    marks: own?.success ? marks.with(own.data) : marks,
    predefined: predefinedVariables(reading.dir, reading.env),
  });
  collector.collectEntry(entry);
  return [...collector.values];
}

/**
 * Fields of a stdio entry that are neither mcp-host's nor another host's known ones: a misspelling of one of ours is
 * a problem (returned), any other is ignored with a warning. Ignored fields of other hosts get a note.
 */
function checkFields(entry: Record<string, unknown>, at: PathSegment[], notes: ConfigNote[]): string[] {
  const problems: string[] = [];
  for (const field of Object.keys(entry)) {
    const where = formatPath([...at, field]);
    if (OWN_FIELDS.includes(field)) continue;
    const foreign = FOREIGN_SERVER_FIELDS[field];
    if (foreign?.use === 'ignored') {
      // Asked for a sandbox and not getting one is worth saying without --verbose.
      const isWarning = field === 'sandboxEnabled' ? entry[field] === true : false;
      notes.push({ message: `${where} (${foreign.hosts}): ignored: ${foreign.note}`, isWarning });
      continue;
    }
    if (foreign) continue;
    const meant = misspelled(field);
    if (meant !== undefined) {
      problems.push(
        `${formatPath(at)}: unknown field ${JSON.stringify(field)}; did you mean ${JSON.stringify(meant)}?`,
      );
    } else {
      notes.push({ message: `${where}: unknown field ${JSON.stringify(field)}, ignored`, isWarning: true });
    }
  }
  return problems;
}

/** Notes for the fields of other hosts that were used, saying how, in the entry's order. */
function noteUsedFields(entry: Record<string, unknown>, at: PathSegment[], notes: ConfigNote[]): void {
  for (const field of Object.keys(entry)) {
    const foreign = FOREIGN_SERVER_FIELDS[field];
    if (foreign?.use !== 'used') continue;
    const how = field === 'timeout' && entry.timeoutMs !== undefined ? 'ignored: timeoutMs is given' : foreign.note;
    notes.push({ message: `${formatPath([...at, field])} (${foreign.hosts}): ${how}`, isWarning: false });
  }
}

/**
 * The field of ours that `field` is a misspelling of: the same but for case, or a few edits away (`arg`, `comand`,
 * `evn`). Never for a field that merely contains one of ours (`envVars`, `toolsPolicy`): another host's, most likely.
 */
function misspelled(field: string): string | undefined {
  const wanted = field.toLowerCase();
  const maxDistance = Math.min(Math.max(1, Math.floor(wanted.length / 3)), wanted.length - 1);
  let best: { field: string; distance: number } | undefined;
  for (const own of OWN_FIELDS) {
    const distance = editDistance(wanted, own.toLowerCase(), maxDistance);
    if (distance <= maxDistance && (best === undefined || distance < best.distance)) best = { field: own, distance };
  }
  return best?.field;
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
    case 'invalid_union': {
      if (segments[0] === 'command') {
        return value === ''
          ? `${where}: expected a non-empty string`
          : `${where}: expected a string (the program to start) or a list of strings (the program and its arguments), got ${describeValue(value)}`;
      }
      if (segments[0] === 'env') {
        return `${where}: expected a string (or a number, or null to unset it), got ${describeValue(value)}`;
      }
      return `${where}: ${issue.message}, got ${describeValue(value)}`;
    }
    case 'too_small': {
      if (issue.origin === 'string') return `${where}: expected a non-empty string`;
      if (issue.origin === 'array') return `${where}: expected at least ${issue.minimum} items`;
      const bound = `${issue.inclusive ? '>=' : '>'} ${issue.minimum}`;
      // Every number of ours is an integer (milliseconds, counts); Cline's `timeout` and Codex's `*_sec` are
      // seconds, fractions allowed.
      const field = String(segments.at(-1));
      const kind = field === 'timeout' || field.endsWith('_sec') ? 'a number' : 'an integer';
      return `${where}: expected ${kind} ${bound}, got ${describeValue(value)}`;
    }
    case 'invalid_value':
      return `${where}: expected ${issue.values.map((v) => JSON.stringify(v)).join(' or ')}, got ${describeValue(value)}`;
    case 'unrecognized_keys': {
      const holder = String(segments[segments.length - 1]);
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
