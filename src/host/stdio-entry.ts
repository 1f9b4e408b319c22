/**
 * A stdio server entry of the config turned into what is started: `command`, `args`, `env` and `cwd` interpolated
 * (see interpolate.ts), `cwd` made absolute, defaults filled in, and the values that came from the environment kept
 * as secrets. No zod here: config.ts validates an entry first, and the CLI's early start (src/cli/early-start.ts)
 * resolves entries of a config text that validated before, without loading zod.
 */

import path from 'node:path';
import type { StdioEntry, StdioServerConfig } from './config.js';
import { POSIX_INHERITED_VARIABLES, WINDOWS_INHERITED_VARIABLES } from './environment.js';
import { InterpolationError, interpolate } from './interpolate.js';
import type { ResolvedReference } from './interpolate.js';

const ENV_NAME_FORBIDDEN = /[=\0]/;

/** An entry of a remote (HTTP) server rather than a stdio one: `type` "http" or "sse", or a `url` without `type`. */
export function isHttpEntry(entry: { type?: unknown; url?: unknown }): boolean {
  return entry.type === 'http' || entry.type === 'sse' || (entry.type === undefined && entry.url !== undefined);
}

/**
 * Interpolates and resolves a validated stdio entry. Problems that make the entry unusable are pushed to `problems`
 * (undefined is returned); unset variables make it `unresolved` instead.
 */
export function resolveStdioServer(
  name: string,
  entry: StdioEntry,
  at: PathSegment[],
  dir: string,
  env: NodeJS.ProcessEnv,
  problems: string[],
): StdioServerConfig | undefined {
  const disabled = entry.disabled ?? false;
  const secrets = new Set<string>();
  const problemsBefore = problems.length;
  // An unset variable is this server's problem, not the file's: the other servers stay usable, and the error
  // comes up (naming the variable and the field) when this one is used.
  const unresolved: string[] = [];
  const expand = (value: string, field: PathSegment[], isSecretBearing: boolean): string => {
    try {
      const result = interpolate(value, env, { onUnset: disabled ? 'keep' : 'error' });
      if (isSecretBearing) collectSecrets(result.references, secrets);
      return result.value;
    } catch (error) {
      if (!(error instanceof InterpolationError)) throw error;
      unresolved.push(`${formatPath([...at, ...field])}: ${error.message}`);
      return value;
    }
  };
  const command = expand(entry.command, ['command'], false);
  const args = (entry.args ?? []).map((arg, index) => expand(arg, ['args', index], true));
  const serverEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(entry.env ?? {})) {
    if (key === '' || ENV_NAME_FORBIDDEN.test(key)) {
      problems.push(`${formatPath([...at, 'env', key])}: a variable name must be non-empty, without "=" or NUL`);
      continue;
    }
    serverEnv[key] = expand(value, ['env', key], true);
  }
  const cwd = path.resolve(dir, entry.cwd === undefined ? '.' : expand(entry.cwd, ['cwd'], false));
  if (problems.length > problemsBefore) return undefined;
  return {
    name,
    kind: 'stdio',
    command,
    args,
    env: serverEnv,
    cwd,
    disabled,
    ...(entry.description !== undefined && { description: entry.description }),
    ...(entry.timeoutMs !== undefined && { timeoutMs: entry.timeoutMs }),
    ...(entry.startupTimeoutMs !== undefined && { startupTimeoutMs: entry.startupTimeoutMs }),
    replicas: entry.replicas ?? 1,
    ...(entry.cache !== undefined && { cache: entry.cache }),
    ...(entry.tools !== undefined && { tools: entry.tools }),
    ...(unresolved.length > 0 && { unresolved }),
    secretValues: [...secrets],
  };
}

const NON_SECRET_VARIABLES = new Set([...POSIX_INHERITED_VARIABLES, ...WINDOWS_INHERITED_VARIABLES]);

function collectSecrets(references: ResolvedReference[], secrets: Set<string>): void {
  for (const { variable, value, isFromEnvironment } of references) {
    const isInherited = NON_SECRET_VARIABLES.has(variable.toUpperCase()) || variable.startsWith('LC_');
    if (isFromEnvironment && value !== '' && !isInherited) secrets.add(value);
  }
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
