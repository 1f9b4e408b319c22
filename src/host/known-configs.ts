/**
 * Where other MCP hosts keep their servers, and what those files hold: for `mcp-host config import`. Every path is
 * resolved against the environment given (HOME, XDG_CONFIG_HOME, APPDATA, USERPROFILE, CODEX_HOME,
 * CLAUDE_CONFIG_DIR), never against the process's own, so a caller (a test) can point them anywhere.
 *
 * | Host           | User files                                                        | Project files (working directory) |
 * | -------------- | ----------------------------------------------------------------- | --------------------------------- |
 * | Claude Desktop | `claude_desktop_config.json` in `~/Library/Application Support/Claude` (macOS), `%APPDATA%\Claude` (Windows), `$XDG_CONFIG_HOME/Claude` (Linux) | |
 * | Claude Code    | `~/.claude.json` (`$CLAUDE_CONFIG_DIR/.claude.json`): `mcpServers`, and `projects[<dir>].mcpServers` for this project | `.mcp.json` |
 * | Cursor         | `~/.cursor/mcp.json`                                              | `.cursor/mcp.json`                |
 * | VS Code        | `mcp.json` in the user folder (`~/.config/Code/User`, `~/Library/Application Support/Code/User`, `%APPDATA%\Code\User`; also Insiders) | `.vscode/mcp.json` |
 * | Windsurf       | `~/.codeium/windsurf/mcp_config.json`                             |                                   |
 * | Codex          | `$CODEX_HOME/config.toml` (`~/.codex/config.toml`)                | `.codex/config.toml`              |
 * | Gemini CLI     | `~/.gemini/settings.json`                                         | `.gemini/settings.json`           |
 */

import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigTextError, configFormatOf, parseConfigText } from './config-text.js';

/** The hosts whose files are known, by the id `--from` takes. */
export const KNOWN_HOSTS = {
  'claude-desktop': 'Claude Desktop',
  'claude-code': 'Claude Code',
  cursor: 'Cursor',
  vscode: 'VS Code',
  windsurf: 'Windsurf',
  codex: 'Codex',
  gemini: 'Gemini CLI',
} as const;

export type KnownHost = keyof typeof KNOWN_HOSTS;

/** A host's file, or a part of one (Claude Code's `~/.claude.json` holds two lists). */
export interface HostConfigLocation {
  /** `file` for a file named with `--from FILE`: any format mcp-host reads. */
  host: KnownHost | 'file';
  /** `user`: for every project; `project`: the working directory's; `local`: Claude Code's own for this project. */
  scope: 'user' | 'project' | 'local';
  file: string;
  /** The keys that lead to the object of servers. */
  sections: readonly (readonly string[])[];
}

/** One server of another host's file, as written there. */
export interface FoundServer {
  name: string;
  /** The entry as the file has it: translated by import-entry.ts. */
  entry: unknown;
  /** The key path of its section: `["mcpServers"]`, `["projects", "/work/app", "mcpServers"]`. */
  section: readonly string[];
}

/** What a host's file holds: its servers, or why they could not be read. */
export interface FoundConfig {
  location: HostConfigLocation;
  servers: FoundServer[];
  /** The ids of VS Code inputs declared `password: true` (their values are secrets). */
  passwordInputs: string[];
  /** Set when the file exists but cannot be read or is not valid: its servers are unknown. */
  problem?: string;
}

export interface KnownConfigOptions {
  env: NodeJS.ProcessEnv;
  /** The project's folder: where project files are looked for, and the key of Claude Code's local servers. */
  cwd: string;
  /** @default process.platform */
  platform?: NodeJS.Platform;
}

/** Every place a known host keeps servers (whether a file is there or not), users' files first. */
export function knownConfigLocations(options: KnownConfigOptions): HostConfigLocation[] {
  const { env, cwd } = options;
  const platform = options.platform ?? process.platform;
  const join = (...parts: string[]): string => (platform === 'win32' ? path.win32 : path.posix).join(...parts);
  const home = (platform === 'win32' ? env.USERPROFILE : env.HOME) || os.homedir();
  const appData = appDataDir(env, platform, home);
  const claudeHome = absolute(env.CLAUDE_CONFIG_DIR) ?? home;
  const codexHome = absolute(env.CODEX_HOME) ?? join(home, '.codex');
  const servers = [['mcpServers']] as const;
  const user = (host: KnownHost, file: string, sections: readonly (readonly string[])[] = servers) => ({
    host,
    scope: 'user' as const,
    file,
    sections,
  });
  const project = (host: KnownHost, file: string, sections: readonly (readonly string[])[] = servers) => ({
    host,
    scope: 'project' as const,
    file: path.resolve(cwd, file),
    sections,
  });
  return [
    user('claude-desktop', join(appData, 'Claude', 'claude_desktop_config.json')),
    user('claude-code', join(claudeHome, '.claude.json')),
    {
      host: 'claude-code',
      scope: 'local',
      file: join(claudeHome, '.claude.json'),
      sections: [['projects', cwd, 'mcpServers']],
    },
    user('cursor', join(home, '.cursor', 'mcp.json')),
    user('vscode', join(appData, 'Code', 'User', 'mcp.json'), [['servers']]),
    user('vscode', join(appData, 'Code - Insiders', 'User', 'mcp.json'), [['servers']]),
    user('windsurf', join(home, '.codeium', 'windsurf', 'mcp_config.json')),
    user('codex', join(codexHome, 'config.toml'), [['mcp_servers']]),
    user('gemini', join(home, '.gemini', 'settings.json')),
    project('claude-code', '.mcp.json'),
    project('cursor', path.join('.cursor', 'mcp.json')),
    project('vscode', path.join('.vscode', 'mcp.json'), [['servers']]),
    project('codex', path.join('.codex', 'config.toml'), [['mcp_servers']]),
    project('gemini', path.join('.gemini', 'settings.json')),
  ];
}

/** A file named on the command line (`--from FILE`): read as `--config` would read it. */
export function fileLocation(file: string): HostConfigLocation {
  const sections = configFormatOf(file) === 'toml' ? [['mcp_servers']] : [['mcpServers'], ['servers']];
  return { host: 'file', scope: 'user', file, sections };
}

/**
 * The servers of a host's file. Undefined when there is no such file (or, for Claude Code's local servers, no
 * entry for this project); a file that exists but cannot be used is returned with its `problem`.
 */
export function readHostConfig(location: HostConfigLocation): FoundConfig | undefined {
  let text: string;
  try {
    text = readFileSync(location.file, 'utf8');
  } catch (error) {
    if (error instanceof Error && 'code' in error && (error.code === 'ENOENT' || error.code === 'ENOTDIR')) {
      return undefined;
    }
    const reason =
      error instanceof Error && 'code' in error && error.code === 'EACCES' ? 'permission denied' : String(error);
    return { location, servers: [], passwordInputs: [], problem: `cannot read it: ${reason}` };
  }
  let data: unknown;
  try {
    data = parseConfigText(text, configFormatOf(location.file));
  } catch (error) {
    if (!(error instanceof ConfigTextError)) throw error;
    return { location, servers: [], passwordInputs: [], problem: `${error.line}:${error.column}: ${error.message}` };
  }
  const servers: FoundServer[] = [];
  let hasSection = false;
  for (const section of location.sections) {
    const entries = valueAt(data, section);
    if (entries === undefined) continue;
    hasSection = true;
    if (!isPlainObject(entries)) {
      return {
        location,
        servers: [],
        passwordInputs: [],
        problem: `${section.join('.')}: expected an object of servers`,
      };
    }
    for (const [name, entry] of Object.entries(entries)) servers.push({ name, entry, section });
  }
  // Claude Code keeps an entry for every project it was started in; one without servers is not a config of ours.
  if (!hasSection && location.scope === 'local') return undefined;
  return { location, servers, passwordInputs: passwordInputs(isPlainObject(data) ? data.inputs : undefined) };
}

/** Where an Electron app (Claude Desktop, VS Code) keeps its data: `app.getPath('appData')`. */
function appDataDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  if (platform === 'win32') return env.APPDATA || path.win32.join(home, 'AppData', 'Roaming');
  if (platform === 'darwin') return path.posix.join(home, 'Library', 'Application Support');
  return absolute(env.XDG_CONFIG_HOME) ?? path.posix.join(home, '.config');
}

/** A path from the environment, when it is absolute (XDG: a relative one is invalid, and ignored). */
function absolute(value: string | undefined): string | undefined {
  return value && (path.isAbsolute(value) || path.win32.isAbsolute(value)) ? value : undefined;
}

function passwordInputs(inputs: unknown): string[] {
  if (!Array.isArray(inputs)) return [];
  return inputs.flatMap((input: unknown) =>
    isPlainObject(input) && typeof input.id === 'string' && input.password === true ? [input.id] : [],
  );
}

function valueAt(data: unknown, keys: readonly string[]): unknown {
  let current = data;
  for (const key of keys) {
    if (!isPlainObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
