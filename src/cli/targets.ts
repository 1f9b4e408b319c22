/**
 * Naming things on the command line: `SERVER.TOOL` targets, and the servers a multi-server command works on.
 */

import type { Host } from '../host/host.js';
import { McpHostError } from './errors.js';

export interface Target {
  server: string;
  /** The tool or prompt name: everything after the first dot (server names cannot contain one; tool names may). */
  name: string;
}

/**
 * Splits `weather.get_forecast` into server and name.
 * @throws McpHostError `USAGE` without a dot, or with an empty side.
 */
export function parseTarget(text: string, what: 'tool' | 'prompt', adHocServer?: string): Target {
  // With --stdio there is one server: a name without a dot is its tool or prompt, and `stdio.name` is too.
  if (adHocServer !== undefined && !text.startsWith(`${adHocServer}.`)) return { server: adHocServer, name: text };
  const dot = text.indexOf('.');
  if (dot <= 0 || dot === text.length - 1) {
    const example = what === 'tool' ? 'weather.get_forecast' : 'weather.forecast_prompt';
    throw new McpHostError(
      'USAGE',
      `"${text}" is not a ${what}: expected SERVER.${what.toUpperCase()}, e.g. ${example}`,
    );
  }
  return { server: text.slice(0, dot), name: text.slice(dot + 1) };
}

/** The servers a command runs on, and the configured ones it leaves out and why. */
export interface ServerSelection {
  names: string[];
  skipped: { name: string; reason: string }[];
}

/**
 * With no names: every enabled server (HTTP servers are skipped, with the reason, since this version cannot reach
 * them; an invalid entry is not: it fails, saying why). With names: exactly those, in the order given, duplicates
 * dropped.
 * @throws McpHostError `SERVER_NOT_FOUND` (with a suggestion) for a name not in the config, before anything starts.
 */
export function selectServers(host: Host, requested: readonly string[]): ServerSelection {
  const configured = host.config.servers;
  if (requested.length === 0) {
    const enabled = configured.filter((server) => !server.disabled);
    return {
      names: enabled.filter((server) => server.kind !== 'http').map((server) => server.name),
      skipped: enabled
        .filter((server) => server.kind === 'http')
        .map((server) => ({ name: server.name, reason: 'HTTP servers are not supported yet' })),
    };
  }
  const names = [...new Set(requested)];
  for (const name of names) {
    // serverConfig throws SERVER_NOT_FOUND with "did you mean"; disabled and HTTP servers fail later, one by one.
    if (!configured.some((server) => server.name === name)) host.serverConfig(name);
  }
  return { names, skipped: [] };
}
