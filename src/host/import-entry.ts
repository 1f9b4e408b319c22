/**
 * Another host's entry as mcp-host writes it (`mcp-host config import`): the same server, in mcp-host's own fields,
 * so that the file needs no notes to be read and keeps its meaning when it moves.
 *
 * - Kept as they are: `command`, `args`, `env`, `envFile`, `cwd`, `description`, `disabled`, `timeoutMs`,
 *   `startupTimeoutMs`, `replicas`, `cache`, `passEnv`, `tools`, `secrets`, `public`, and a remote entry's `url` and
 *   `headers`.
 * - Translated: mcporter's `command` list (program and first arguments); Cline's `timeout` (seconds) and Gemini
 *   CLI's (milliseconds); `transportType`; Windsurf's `serverUrl`, Gemini CLI's `httpUrl` (and its `url`, which is
 *   SSE there), mcporter's `baseUrl`; the tool lists of Windsurf, Roo Code, Gemini CLI and Codex into `tools`;
 *   Codex's `enabled`, `env_vars` (`NAME: "${NAME}"`), timeouts in seconds, `bearer_token_env_var`, `http_headers`
 *   and `env_http_headers`; Gemini CLI's `$NAME` references (`${NAME}` here); VS Code's password inputs (marked in
 *   `secrets`, since the `inputs` list stays behind).
 * - A relative `cwd` or `envFile` is made absolute against the source's workspace folder when that is not the
 *   destination's, so it still names the same directory.
 * - Dropped, and listed in `dropped`: what mcp-host would ignore (`autoApprove`, `trust`, `alwaysAllow`, …) and
 *   fields it does not know.
 */

import path from 'node:path';
import { clineTimeoutMs, entryTransport, entryUrl, isEntryDisabled, workspaceFolderOf } from './stdio-entry.js';
import type { HostConfigLocation } from './known-configs.js';

/** mcp-host's fields of a stdio entry that are copied as they are. */
const KEPT_STDIO_FIELDS = [
  'envFile',
  'cwd',
  'description',
  'timeoutMs',
  'startupTimeoutMs',
  'replicas',
  'cache',
  'passEnv',
  'secrets',
  'public',
] as const;

/** Where a remote entry is, and how to authenticate there, in each host's spelling. */
const ADDRESS_FIELDS = [
  'url',
  'serverUrl',
  'httpUrl',
  'baseUrl',
  'headers',
  'http_headers',
  'env_http_headers',
  'bearer_token_env_var',
] as const;

/** Fields read (and so never reported dropped) whatever the outcome. */
const READ_FIELDS = new Set([
  'type',
  'transportType',
  'command',
  'args',
  'env',
  'env_vars',
  'disabled',
  'enabled',
  'timeout',
  'tool_timeout_sec',
  'startup_timeout_sec',
  'startup_timeout_ms',
  'tools',
  'disabledTools',
  'excludeTools',
  'disabled_tools',
  'includeTools',
  'enabled_tools',
  ...ADDRESS_FIELDS,
  ...KEPT_STDIO_FIELDS,
]);

/** The fields of a remote entry: others are a stdio entry's (Cline's `command` beside `url` is dropped, say). */
const REMOTE_FIELDS = new Set([
  'type',
  'transportType',
  ...ADDRESS_FIELDS,
  'description',
  'disabled',
  'enabled',
  'secrets',
  'public',
]);

/** An entry translated, with what was left behind. */
export interface ImportedEntry {
  entry: Record<string, unknown>;
  /** Fields of the source entry not written (ignored by mcp-host, or unknown). */
  dropped: string[];
}

export interface TranslateOptions {
  /** Where the entry comes from (its host decides what some fields mean). */
  source: HostConfigLocation;
  /** The ids of the source file's VS Code inputs that are passwords. */
  passwordInputs: readonly string[];
  /** The folder of the config the entry goes to. */
  destinationDir: string;
}

/** The entry in mcp-host's fields (see the module comment); undefined for one that is not an object. */
export function translateEntry(raw: unknown, options: TranslateOptions): ImportedEntry | undefined {
  if (!isPlainObject(raw)) return undefined;
  const host = options.source.host;
  const source = host === 'gemini' ? geminiReferences(raw) : raw;
  const transport = host === 'gemini' && source.type === undefined ? geminiTransport(source) : entryTransport(source);
  const isRemote = transport === 'http' || transport === 'sse';
  const dropped = Object.keys(source).filter((key) => !READ_FIELDS.has(key) || (isRemote && !REMOTE_FIELDS.has(key)));
  if (isRemote) return { entry: remoteEntry(source, transport), dropped };
  // Not a stdio entry we can read (a `type` of no transport): copied as it is, for the loader to name the problem.
  if (transport === undefined) return { entry: { ...source }, dropped: [] };

  const entry: Record<string, unknown> = {};
  if (Array.isArray(source.command)) {
    // mcporter: the program and its first arguments.
    const [program, ...leading] = source.command as unknown[];
    const args = [...leading, ...(Array.isArray(source.args) ? (source.args as unknown[]) : [])];
    entry.command = program;
    if (args.length > 0) entry.args = args;
  } else {
    entry.command = source.command;
    // As written, even when it is not a list: the loader names what is wrong with it.
    if (source.args !== undefined) entry.args = source.args;
  }
  const env = isPlainObject(source.env) ? { ...source.env } : source.env;
  const passed = Array.isArray(source.env_vars) ? source.env_vars.filter((name) => typeof name === 'string') : [];
  if (passed.length > 0) {
    const merged = isPlainObject(env) ? env : {};
    for (const name of passed) if (!Object.hasOwn(merged, name)) merged[name] = `\${${name}}`;
    entry.env = merged;
  } else if (env !== undefined) {
    entry.env = env;
  }
  for (const field of KEPT_STDIO_FIELDS) if (source[field] !== undefined) entry[field] = source[field];
  for (const field of ['cwd', 'envFile'] as const) {
    if (typeof entry[field] === 'string') entry[field] = portablePath(entry[field], options);
  }
  if (isEntryDisabled(source)) entry.disabled = true;
  else delete entry.disabled;
  const timeoutMs = entry.timeoutMs ?? timeoutOf(source, host);
  if (timeoutMs !== undefined) entry.timeoutMs = timeoutMs;
  const startupTimeoutMs = entry.startupTimeoutMs ?? source.startup_timeout_ms ?? seconds(source.startup_timeout_sec);
  if (startupTimeoutMs !== undefined) entry.startupTimeoutMs = startupTimeoutMs;
  const tools = toolsOf(source);
  if (tools !== undefined) entry.tools = tools;
  const secrets = passwordReferences(source, options.passwordInputs);
  if (secrets.length > 0) {
    const marked = Array.isArray(entry.secrets) ? (entry.secrets as unknown[]) : [];
    entry.secrets = [...new Set([...marked, ...secrets])];
  }
  return { entry, dropped };
}

function remoteEntry(source: Record<string, unknown>, transport: 'http' | 'sse'): Record<string, unknown> {
  const entry: Record<string, unknown> = { type: transport, url: entryUrl(source) };
  const headers: Record<string, unknown> = {
    ...(isPlainObject(source.headers) ? source.headers : {}),
    ...(isPlainObject(source.http_headers) ? source.http_headers : {}),
  };
  if (isPlainObject(source.env_http_headers)) {
    for (const [name, variable] of Object.entries(source.env_http_headers)) {
      if (typeof variable === 'string') headers[name] = `\${${variable}}`;
    }
  }
  if (typeof source.bearer_token_env_var === 'string') {
    headers.Authorization = `Bearer \${${source.bearer_token_env_var}}`;
  }
  if (Object.keys(headers).length > 0) entry.headers = headers;
  for (const field of ['description', 'secrets', 'public'] as const) {
    if (source[field] !== undefined) entry[field] = source[field];
  }
  if (isEntryDisabled(source)) entry.disabled = true;
  return entry;
}

/** Gemini CLI: `httpUrl` is Streamable HTTP, `url` the older SSE transport; otherwise a command. */
function geminiTransport(entry: Record<string, unknown>): 'stdio' | 'http' | 'sse' {
  if (entry.httpUrl !== undefined) return 'http';
  if (entry.url !== undefined && entry.command === undefined) return 'sse';
  return 'stdio';
}

/**
 * Gemini CLI reads `$NAME` as well as `${NAME}` in its settings; mcp-host reads only `${NAME}` (a `$` alone is
 * literal), so each `$NAME` becomes `${NAME}`.
 */
function geminiReferences(entry: Record<string, unknown>): Record<string, unknown> {
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string') return value.replace(/(?<!\$)\$([A-Za-z_][A-Za-z0-9_]*)/g, '$${$1}');
    if (Array.isArray(value)) return value.map(rewrite);
    if (!isPlainObject(value)) return value;
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rewrite(item)]));
  };
  return rewrite(entry) as Record<string, unknown>;
}

/** The request timeout another host writes, in milliseconds. */
function timeoutOf(entry: Record<string, unknown>, host: HostConfigLocation['host']): number | undefined {
  if (typeof entry.timeout === 'number' && entry.timeout > 0) {
    // Gemini CLI's `timeout` is in milliseconds; Cline's and Roo Code's (and, read as the loader reads it, that of a
    // file of unknown origin) in seconds.
    return host === 'gemini' ? Math.round(entry.timeout) : clineTimeoutMs(entry.timeout);
  }
  return seconds(entry.tool_timeout_sec);
}

function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && value > 0 ? Math.max(1, Math.round(value * 1000)) : undefined;
}

/** `tools`, with the lists of other hosts: denied ones added to `deny`, an allow list when `tools.allow` is not given. */
function toolsOf(entry: Record<string, unknown>): Record<string, unknown> | undefined {
  const own = isPlainObject(entry.tools) ? entry.tools : undefined;
  const list = (value: unknown): string[] =>
    Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
  const deny = [
    ...list(own?.deny),
    ...list(entry.disabledTools),
    ...list(entry.excludeTools),
    ...list(entry.disabled_tools),
  ];
  const allow = own?.allow ?? entry.includeTools ?? entry.enabled_tools;
  if (own === undefined && deny.length === 0 && allow === undefined) return undefined;
  return { ...own, ...(allow !== undefined && { allow }), ...(deny.length > 0 && { deny: [...new Set(deny)] }) };
}

/** The password inputs an entry reads (`${input:ID}`): they must stay secrets without the `inputs` that said so. */
function passwordReferences(entry: Record<string, unknown>, passwords: readonly string[]): string[] {
  if (passwords.length === 0) return [];
  const text = JSON.stringify(entry);
  return passwords.filter((id) => text.includes(`\${input:${id}}`));
}

/**
 * A relative path of the source entry, as it must be written in the destination to name the same place: absolute
 * when the two workspace folders differ. A path that starts with a variable (`${workspaceFolder}/x`) is left alone.
 */
function portablePath(value: string, options: TranslateOptions): string {
  if (path.isAbsolute(value) || value.startsWith('${') || value.startsWith('~')) return value;
  const { source } = options;
  // Claude Code's servers of one project (in ~/.claude.json) belong to that project's folder.
  const from = source.scope === 'local' ? source.sections[0]![1]! : workspaceFolderOf(path.dirname(source.file));
  const to = workspaceFolderOf(options.destinationDir);
  return from === to ? value : path.join(from, value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
