/**
 * A stdio server entry of the config turned into what is started: `command`, `args`, `env` and `cwd` interpolated
 * (see interpolate.ts), the `envFile` read, `cwd` made absolute, other hosts' spellings normalized (mcporter's
 * `command` list, Cline's `timeout` in seconds, VS Code's number and null `env` values, Windsurf's `disabledTools`),
 * defaults filled in, and its secrets found (see secrets.ts). No zod here: config.ts validates an entry first, and
 * the CLI's early start (src/cli/early-start.ts) resolves entries of a config text that validated before, without
 * loading zod, by this same function, so the two start exactly the same process.
 */

import os from 'node:os';
import path from 'node:path';
import type { StdioEntry, StdioServerConfig } from './config.js';
import { EnvFileError, readEnvFile } from './env-file.js';
import { InterpolationError, interpolate } from './interpolate.js';
import { SecretCollector, SecretMarks } from './secrets.js';

const ENV_NAME_FORBIDDEN = /[=\0]/;

/** The values of `type` (and of Cline's older `transportType`) and the transport each means. */
const TRANSPORTS: Readonly<Record<string, 'stdio' | 'http' | 'sse'>> = {
  stdio: 'stdio',
  http: 'http',
  // Cline writes `streamableHttp`; others `streamable-http`.
  streamableHttp: 'http',
  'streamable-http': 'http',
  sse: 'sse',
};

/** The values `type` may have, for messages. */
export const SERVER_TYPES: readonly string[] = Object.keys(TRANSPORTS);

/**
 * Fields that hold a remote server's address: `url`, Windsurf's `serverUrl`, Gemini CLI's `httpUrl` (Streamable
 * HTTP, where its `url` means the older SSE transport), mcporter's `baseUrl`.
 */
export const URL_FIELDS = ['url', 'serverUrl', 'httpUrl', 'baseUrl'] as const;

/**
 * Cline's `timeout` is in seconds, from 1 to 3600. A larger value is the seconds/milliseconds mix-up (`timeout:
 * 60000`, and Gemini CLI's `timeout` is in milliseconds): Cline clamps it to an hour, mcp-host reads it as the
 * milliseconds it surely is.
 */
const MAX_TIMEOUT_SECONDS = 3600;

/**
 * The config files of editors and agents that sit in a folder of the workspace (`.vscode/mcp.json`,
 * `.cursor/mcp.json`, `.codex/config.toml`, `.gemini/settings.json`): their workspace folder is the one above.
 */
const EDITOR_FOLDERS = new Set(['.vscode', '.cursor', '.codex', '.gemini']);

/**
 * The transport an entry asks for: by `type` (or Cline's `transportType`), else `stdio` when it has a `command`,
 * else `http` when it has an address (`url`, `serverUrl`, `baseUrl`). Undefined for a `type` that names none.
 */
export function entryTransport(entry: Record<string, unknown>): 'stdio' | 'http' | 'sse' | undefined {
  const written = entry.type ?? entry.transportType;
  if (written !== undefined) {
    return typeof written === 'string' && Object.hasOwn(TRANSPORTS, written) ? TRANSPORTS[written] : undefined;
  }
  if (entry.command !== undefined) return 'stdio';
  return URL_FIELDS.some((field) => entry[field] !== undefined) ? 'http' : 'stdio';
}

/** An entry that says it is off: `disabled: true`, or Codex's `enabled: false`. */
export function isEntryDisabled(entry: { disabled?: unknown; enabled?: unknown }): boolean {
  return entry.disabled === true || (entry.disabled === undefined && entry.enabled === false);
}

/** An entry of a remote (HTTP or SSE) server rather than a stdio one (see `entryTransport`). */
export function isHttpEntry(entry: Record<string, unknown>): boolean {
  const transport = entryTransport(entry);
  return transport === 'http' || transport === 'sse';
}

/** The address of a remote entry, whichever field holds it. */
export function entryUrl(entry: Record<string, unknown>): unknown {
  return URL_FIELDS.map((field) => entry[field]).find((value) => value !== undefined);
}

/**
 * VS Code's `${workspaceFolder}` for a config in `dir`: the folder that holds `.vscode/mcp.json`, `.cursor/mcp.json`
 * (or Codex's and Gemini CLI's files of a project), otherwise `dir` itself. Relative `cwd` and `envFile` values are resolved against it, and it is
 * a server's default working directory, as in the editors.
 */
export function workspaceFolderOf(dir: string): string {
  return EDITOR_FOLDERS.has(path.basename(dir)) ? path.dirname(dir) : dir;
}

/** VS Code's predefined variables that mean something outside the editor, for a config in `dir`. */
export function predefinedVariables(dir: string, env: NodeJS.ProcessEnv): Record<string, string> {
  const workspaceFolder = workspaceFolderOf(dir);
  const home = (process.platform === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir();
  return {
    workspaceFolder,
    // VS Code's old name for it.
    workspaceRoot: workspaceFolder,
    workspaceFolderBasename: path.basename(workspaceFolder),
    userHome: home,
    pathSeparator: path.sep,
    '/': path.sep,
  };
}

/** What the rest of the config says about every entry. */
export interface ResolveOptions {
  /** `--pass-env`: the caller's whole environment reaches the server unless its entry says `passEnv: false`. */
  passEnv?: boolean;
  /** The config's top-level `secrets` and `public`, and its VS Code inputs that are passwords. */
  marks?: SecretMarks;
}

/**
 * Interpolates and resolves a validated stdio entry. Problems that make the entry unusable are pushed to `problems`
 * (undefined is returned); an unset variable or an unreadable env file makes it `unresolved` instead.
 */
export function resolveStdioServer(
  name: string,
  entry: StdioEntry,
  at: PathSegment[],
  dir: string,
  env: NodeJS.ProcessEnv,
  problems: string[],
  options: ResolveOptions = {},
): StdioServerConfig | undefined {
  const disabled = isEntryDisabled(entry);
  const problemsBefore = problems.length;
  const predefined = predefinedVariables(dir, env);
  const workspaceFolder = predefined.workspaceFolder!;
  // An unset variable is this server's problem, not the file's: the other servers stay usable, and the error
  // comes up (naming the variable and the field) when this one is used.
  const unresolved: string[] = [];
  const expand = (value: string, field: PathSegment[]): string => {
    try {
      return interpolate(value, env, { onUnset: disabled ? 'keep' : 'error', predefined }).value;
    } catch (error) {
      if (!(error instanceof InterpolationError)) throw error;
      unresolved.push(`${formatPath([...at, ...field])}: ${error.message}`);
      return value;
    }
  };
  // mcporter writes the whole command line as a list: its first word is the program.
  const [program = '', ...leading] = typeof entry.command === 'string' ? [entry.command] : entry.command;
  const command = expand(program, typeof entry.command === 'string' ? ['command'] : ['command', 0]);
  const args = [
    ...leading.map((arg, index) => expand(arg, ['command', index + 1])),
    ...(entry.args ?? []).map((arg, index) => expand(arg, ['args', index])),
  ];
  const serverEnv: Record<string, string> = {};
  const fromFile = disabled || entry.envFile === undefined ? {} : readFileEnv(entry.envFile);
  // The entry's own `env` wins over its env file, as in VS Code.
  Object.assign(serverEnv, fromFile);
  // Codex's `env_vars`: variables of the caller's environment passed as they are, when set; `env` wins.
  const passed: Record<string, string> = {};
  for (const name of entry.env_vars ?? []) {
    const value = env[name];
    if (value !== undefined) passed[name] = value;
  }
  Object.assign(serverEnv, passed);
  const unsetEnv: string[] = [];
  for (const [key, value] of Object.entries(entry.env ?? {})) {
    if (key === '' || ENV_NAME_FORBIDDEN.test(key)) {
      problems.push(`${formatPath([...at, 'env', key])}: a variable name must be non-empty, without "=" or NUL`);
      continue;
    }
    // VS Code: null takes the variable away, even an inherited one; a number is its decimal text.
    if (value === null) {
      unsetEnv.push(key);
      delete serverEnv[key];
    } else {
      serverEnv[key] = typeof value === 'number' ? String(value) : expand(value, ['env', key]);
    }
  }
  const cwd = path.resolve(workspaceFolder, entry.cwd === undefined ? '.' : expand(entry.cwd, ['cwd']));
  if (problems.length > problemsBefore) return undefined;
  const passEnv = entry.passEnv ?? options.passEnv ?? false;
  const marks = (options.marks ?? new SecretMarks()).with({ secrets: entry.secrets, public: entry.public });
  const secrets = new SecretCollector({ env, marks, predefined });
  secrets.collectEntry(entry);
  for (const [key, value] of Object.entries({ ...fromFile, ...passed })) secrets.addNamed(key, value);
  if (passEnv) {
    for (const [key, value] of Object.entries(env)) if (value !== undefined) secrets.addNamed(key, value);
  }
  const timeoutMs =
    entry.timeoutMs ??
    (entry.timeout === undefined ? undefined : clineTimeoutMs(entry.timeout)) ??
    secondsToMs(entry.tool_timeout_sec);
  const startupTimeoutMs = entry.startupTimeoutMs ?? entry.startup_timeout_ms ?? secondsToMs(entry.startup_timeout_sec);
  const tools = toolsOf(entry);
  return {
    name,
    kind: 'stdio',
    command,
    args,
    env: serverEnv,
    ...(unsetEnv.length > 0 && { unsetEnv }),
    ...(passEnv && { passEnv }),
    cwd,
    disabled,
    ...(entry.description !== undefined && { description: entry.description }),
    ...(timeoutMs !== undefined && { timeoutMs }),
    ...(startupTimeoutMs !== undefined && { startupTimeoutMs }),
    ...(entry.maxMessageBytes !== undefined && { maxMessageBytes: entry.maxMessageBytes }),
    replicas: entry.replicas ?? 1,
    ...(entry.cache !== undefined && { cache: entry.cache }),
    ...(tools !== undefined && { tools }),
    ...(unresolved.length > 0 && { unresolved }),
    secretValues: [...secrets.values],
  };

  function readFileEnv(written: string): Record<string, string> {
    const file = path.resolve(workspaceFolder, expand(written, ['envFile']));
    try {
      return readEnvFile(file);
    } catch (error) {
      if (!(error instanceof EnvFileError)) throw error;
      unresolved.push(`${formatPath([...at, 'envFile'])}: ${error.message}`);
      return {};
    }
  }
}

/** Cline's `timeout` (seconds; see MAX_TIMEOUT_SECONDS) in milliseconds. */
export function clineTimeoutMs(timeout: number): number {
  return Math.max(1, Math.round(timeout > MAX_TIMEOUT_SECONDS ? timeout : timeout * 1000));
}

/** Codex's seconds (fractions allowed) as whole milliseconds, at least 1. */
function secondsToMs(seconds: number | undefined): number | undefined {
  return seconds === undefined ? undefined : Math.max(1, Math.round(seconds * 1000));
}

/**
 * The tool policy: mcp-host's `tools`, with the lists other hosts write. Windsurf's and Roo Code's `disabledTools`,
 * Gemini CLI's `excludeTools` and Codex's `disabled_tools` are denied too; Gemini CLI's `includeTools` (or Codex's
 * `enabled_tools`) is the allow list when `tools.allow` is not given.
 */
function toolsOf(entry: StdioEntry): StdioServerConfig['tools'] {
  const deny = [
    ...(entry.tools?.deny ?? []),
    ...(entry.disabledTools ?? []),
    ...(entry.excludeTools ?? []),
    ...(entry.disabled_tools ?? []),
  ];
  const allow = entry.tools?.allow ?? entry.includeTools ?? entry.enabled_tools;
  if (deny.length === 0 && allow === undefined) return entry.tools;
  return { ...(allow !== undefined && { allow }), ...(deny.length > 0 && { deny }) };
}

export type PathSegment = string | number;

/** `mcpServers.weather.args[1]`; keys that are not plain words are quoted: `mcpServers["my server"]`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let text = '';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
