/**
 * The catalog: everything every server offers, under names qualified by server, as an LLM loop or a gateway needs
 * it. Names are `server.name`: a server name cannot contain `.` (config.ts), so the first dot splits them.
 */

import { McpHostError } from './errors.js';
import type { Prompt, Resource, ResourceTemplate, Tool } from '../protocol/types.js';

/** The lists a server can announce a change of (`notifications/<kind>/list_changed`). */
export type ListKind = 'tools' | 'resources' | 'prompts';

/** One entry of the catalog: the server's own declaration, and the name the host knows it by. */
export interface CatalogEntry<T> {
  server: string;
  /** `server.name`; for resources and templates, `server.` and the resource's name (its URI stays its key). */
  qualifiedName: string;
  /** The declaration exactly as the server sent it. */
  value: T;
}

/** Everything the servers offer. Tools denied by policy are not in it; servers that failed are listed as such. */
export interface Catalog {
  tools: CatalogEntry<Tool>[];
  resources: CatalogEntry<Resource>[];
  resourceTemplates: CatalogEntry<ResourceTemplate>[];
  prompts: CatalogEntry<Prompt>[];
  /** Servers that could not be listed, with why. The entries of the others are complete. */
  failures: { server: string; error: McpHostError }[];
}

/** A server's list changed: what was cached of it is gone, and the next `catalog()` lists it anew. */
export interface CatalogChange {
  server: string;
  kind: ListKind;
}

/** `weather` + `get_forecast` → `weather.get_forecast`. */
export function qualifiedName(server: string, name: string): string {
  return `${server}.${name}`;
}

/**
 * `weather.get_forecast` → `['weather', 'get_forecast']`.
 * @throws McpHostError `USAGE` when there is no `.`, or either side is empty.
 */
export function splitQualifiedName(qualified: string): [server: string, name: string] {
  const dot = qualified.indexOf('.');
  if (dot <= 0 || dot === qualified.length - 1) {
    throw new McpHostError('USAGE', `Expected <server>.<name>, got ${JSON.stringify(qualified)}`);
  }
  return [qualified.slice(0, dot), qualified.slice(dot + 1)];
}
