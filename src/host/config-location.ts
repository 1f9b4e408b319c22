/**
 * Where the config file is: the one lookup every path uses (the CLI, the warm path, the early start). It loads no
 * parser and no schema library, so the warm path can afford it before anything else.
 */

import { statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { McpHostError } from './errors.js';

/** The config file looked for in the working directory. */
export const CONFIG_FILE_NAME = 'mcp.config.json';
/** The environment variable naming a config file. */
export const CONFIG_PATH_VARIABLE = 'MCP_HOST_CONFIG';
export interface LoadConfigOptions {
  /** `--config FILE`; relative to `cwd`. */
  configPath?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Directory holding the user's `config.json`. @default `$XDG_CONFIG_HOME/mcp-host` or `~/.config/mcp-host` (Windows: `%APPDATA%\mcp-host`) */
  userConfigDir?: string;
  /** Whose conventions the user config directory follows. @default process.platform */
  platform?: NodeJS.Platform;
  /**
   * `--pass-env`: every stdio server gets the caller's whole environment, not the minimal one, unless its entry says
   * `passEnv: false`. @default false
   */
  passEnv?: boolean;
}

/** Where a config file was found. */
export interface LocatedConfig {
  path: string;
  source: 'option' | 'environment' | 'cwd' | 'user';
}

/**
 * Finds the config file: `configPath`, then `$MCP_HOST_CONFIG`, then `./mcp.config.json`, then the user's config
 * directory. A path given explicitly (option or variable) must exist; it never falls through to the next place.
 * @throws McpHostError CONFIG_INVALID when an explicit path is missing or nothing is found (naming every place looked).
 */
export function locateConfig(options: LoadConfigOptions): LocatedConfig {
  const { configPath, env, cwd } = options;
  if (configPath !== undefined && configPath !== '') {
    const file = path.resolve(cwd, configPath);
    requireFile(file, `--config ${configPath}`);
    return { path: file, source: 'option' };
  }
  const fromVariable = env[CONFIG_PATH_VARIABLE];
  if (fromVariable !== undefined && fromVariable !== '') {
    const file = path.resolve(cwd, fromVariable);
    requireFile(file, `$${CONFIG_PATH_VARIABLE}=${fromVariable}`);
    return { path: file, source: 'environment' };
  }
  const searched = [
    path.join(cwd, CONFIG_FILE_NAME),
    path.join(options.userConfigDir ?? userConfigDir(env, options.platform), 'config.json'),
  ];
  for (const [index, file] of searched.entries()) {
    if (isFile(file)) return { path: file, source: index === 0 ? 'cwd' : 'user' };
  }
  throw new McpHostError(
    'CONFIG_INVALID',
    `No config file found: looked for ${searched.join(' and ')}. Create ${CONFIG_FILE_NAME}, or pass --config FILE or set $${CONFIG_PATH_VARIABLE}.`,
    { searched },
  );
}

/** The default user config directory for `env`. */
export function userConfigDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'mcp-host');
  // XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
  const xdg = env.XDG_CONFIG_HOME;
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'mcp-host');
  return path.join(env.HOME || os.homedir(), '.config', 'mcp-host');
}

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

function requireFile(file: string, origin: string): void {
  let isRegularFile: boolean;
  try {
    isRegularFile = statSync(file).isFile();
  } catch {
    throw new McpHostError('CONFIG_INVALID', `Config file not found: ${file} (from ${origin})`, { file });
  }
  if (!isRegularFile) {
    throw new McpHostError('CONFIG_INVALID', `Config path is not a file: ${file} (from ${origin})`, { file });
  }
}

/**
 * The config file the CLI would use, or undefined when it would fail to find one (a missing explicit path included):
 * for the warm path and the early start, which then leave the command to the normal path and its error message.
 */
export function findConfigPath(options: LoadConfigOptions): string | undefined {
  try {
    return locateConfig(options).path;
  } catch {
    return undefined;
  }
}
