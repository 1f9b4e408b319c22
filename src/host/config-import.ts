/**
 * The servers other hosts have configured, ready to be written into a config of mcp-host's (`mcp-host config
 * import`): the known files (known-configs.ts) read, each entry translated (import-entry.ts) and checked by the
 * loader's own parser, and compared with the destination's entries.
 */

import { realpathSync } from 'node:fs';
import path from 'node:path';
import { closestNames, didYouMean } from '../protocol/did-you-mean.js';
import { parseConfig } from './config.js';
import { McpHostError } from './errors.js';
import { translateEntry } from './import-entry.js';
import { KNOWN_HOSTS, fileLocation, knownConfigLocations, readHostConfig } from './known-configs.js';
import type { HostConfigLocation, KnownHost } from './known-configs.js';

/** One server another host has, as it would be written. */
export interface ImportCandidate {
  /** Its name there. */
  name: string;
  /** Its transport; `invalid`: mcp-host could not use it (see `problems`), and nothing of it is written. */
  kind: 'stdio' | 'http' | 'sse' | 'invalid';
  /** The entry in mcp-host's fields. */
  entry: Record<string, unknown> | undefined;
  /** Fields of the source entry left behind: ones mcp-host ignores, or does not know. */
  dropped: string[];
  /** Why it cannot be used, each naming the field (`mcpServers.x.args: expected array, …`). */
  problems: string[];
  /** The values that are secrets (see secrets.ts), to hide wherever the entry is shown. */
  secretValues: string[];
}

/** A host's file and the servers in it. */
export interface ImportSource {
  location: HostConfigLocation;
  /** `Claude Desktop`, `Cursor`, …, or `file` for `--from FILE`. */
  hostName: string;
  candidates: ImportCandidate[];
  /** The file exists but cannot be read or is not valid. */
  problem?: string;
}

export interface FindImportOptions {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** The config the servers would go to: never a source of its own import. */
  destination: string;
  /** A host id (`claude-desktop`, `cursor`, …) or a config file: only its servers. */
  from?: string;
  /** @default process.platform */
  platform?: NodeJS.Platform;
}

/**
 * The other hosts' files that exist (or the one `from` names), with their servers. `searched` lists every file
 * looked for.
 * @throws McpHostError USAGE when `from` is neither a known host nor a file.
 */
export function findImportSources(options: FindImportOptions): { sources: ImportSource[]; searched: string[] } {
  const { env, cwd, destination } = options;
  let locations = knownConfigLocations({
    env,
    cwd,
    ...(options.platform !== undefined && { platform: options.platform }),
  });
  if (options.from !== undefined) {
    const from = options.from.toLowerCase();
    if (Object.hasOwn(KNOWN_HOSTS, from)) {
      locations = locations.filter((location) => location.host === from);
    } else if (looksLikeFile(options.from)) {
      locations = [fileLocation(path.resolve(cwd, options.from))];
    } else {
      const hosts = Object.keys(KNOWN_HOSTS);
      throw new McpHostError(
        'USAGE',
        `--from ${options.from}: not a host mcp-host knows (${hosts.join(', ')}) nor a file${didYouMean(closestNames(from, hosts), { prefix: '; ' })}`,
        { from: options.from, hosts },
      );
    }
  }
  const own = realPath(destination);
  const sources: ImportSource[] = [];
  for (const location of locations) {
    if (realPath(location.file) === own) continue;
    const found = readHostConfig(location);
    if (found === undefined) {
      if (location.host === 'file') {
        throw new McpHostError('USAGE', `--from ${options.from}: no such file: ${location.file}`, {
          file: location.file,
        });
      }
      continue;
    }
    const hostName = location.host === 'file' ? 'file' : KNOWN_HOSTS[location.host];
    const candidates = found.servers.map(({ name, entry }) =>
      candidate(name, entry, location, found.passwordInputs, options),
    );
    sources.push({ location, hostName, candidates, ...(found.problem !== undefined && { problem: found.problem }) });
  }
  return { sources, searched: [...new Set(locations.map((location) => location.file))] };
}

/** The host ids `--from` takes. */
export const IMPORT_HOSTS: readonly KnownHost[] = Object.keys(KNOWN_HOSTS) as KnownHost[];

function candidate(
  name: string,
  raw: unknown,
  location: HostConfigLocation,
  passwordInputs: readonly string[],
  options: FindImportOptions,
): ImportCandidate {
  const translated = translateEntry(raw, {
    source: location,
    passwordInputs,
    destinationDir: path.dirname(options.destination),
  });
  if (translated === undefined) {
    return {
      name,
      kind: 'invalid',
      entry: undefined,
      dropped: [],
      problems: [`${name}: expected an object`],
      secretValues: [],
    };
  }
  // Read as the loader will read it in the destination: what would be refused there is known now.
  const loaded = parseConfig(
    JSON.stringify({ mcpServers: { [name]: translated.entry } }),
    options.destination,
    options.env,
    {
      displayPath: path.basename(options.destination),
      format: 'json',
    },
  );
  const server = loaded.servers[0];
  const kind =
    server === undefined || server.kind === 'invalid' ? 'invalid' : server.kind === 'http' ? server.transport : 'stdio';
  const problems = server?.kind === 'invalid' ? server.problems : [];
  const secretValues = server?.secretValues ?? [];
  return { name, kind, entry: translated.entry, dropped: translated.dropped, problems, secretValues };
}

/** `--from` names a file rather than a host: it has a path separator or a config's extension. */
function looksLikeFile(text: string): boolean {
  return /[\\/]/.test(text) || /\.(json|jsonc|toml)$/i.test(text);
}

function realPath(file: string): string {
  try {
    return realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}
