/**
 * Where the installed mcp-host is, and its version. Found by walking up from this module to the package.json named
 * `mcp-host`, so it holds wherever the module sits: src/ under tsx, dist/src/ from tsc, or a bundle in dist/cli/.
 */

import { readFileSync } from 'node:fs';

const PACKAGE_NAME = 'mcp-host';
/** Deeper than any layout of ours; the walk stops at the file-system root anyway. */
const MAX_LEVELS = 6;

let found: { root: URL; version: string } | null | undefined;

function locate(): { root: URL; version: string } | null {
  if (found !== undefined) return found;
  found = null;
  let directory = new URL('./', import.meta.url);
  for (let level = 0; level < MAX_LEVELS; level++) {
    try {
      // A file: URL works as a path for readFileSync, without loading node:url.
      const manifest = JSON.parse(readFileSync(new URL('package.json', directory), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (manifest.name === PACKAGE_NAME && typeof manifest.version === 'string') {
        found = { root: directory, version: manifest.version };
        break;
      }
    } catch {
      // No package.json here, or not ours: one level up.
    }
    const parent = new URL('../', directory);
    if (parent.href === directory.href) break;
    directory = parent;
  }
  return found;
}

/** The package's version, or `0.0.0` when no package.json of ours is found above this module. */
export function packageVersion(): string {
  return locate()?.version ?? '0.0.0';
}

/** A file of the package (`bin/mcp-host.js`) as a file: URL, or undefined when the package root is not found. */
export function packageFile(relative: string): URL | undefined {
  const root = locate()?.root;
  return root && new URL(relative, root);
}
