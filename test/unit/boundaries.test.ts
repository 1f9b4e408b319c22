/**
 * The layering of STYLE.md section 3, checked on the source text: protocol ← client ← host ← cli, and
 * protocol ← server ← servers/*. ESLint enforces the same zones; this test keeps them honest without it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/stdio-server.js';

function sourceFiles(dir: string): string[] {
  const full = path.join(REPO_ROOT, dir);
  return readdirSync(full, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(full, file));
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

/** Every import of `dir` that resolves into one of `forbidden` (repo-relative folders) or names a forbidden package. */
function violations(dir: string, forbiddenDirs: string[], forbiddenPackages: string[] = []): string[] {
  const found: string[] = [];
  for (const file of sourceFiles(dir)) {
    for (const specifier of importsOf(file)) {
      const target = specifier.startsWith('.')
        ? path.relative(REPO_ROOT, path.resolve(path.dirname(file), specifier))
        : undefined;
      const bad =
        (target !== undefined && forbiddenDirs.some((forbidden) => target.startsWith(forbidden + path.sep))) ||
        forbiddenPackages.some((pkg) => specifier === pkg || specifier.startsWith(pkg + '/'));
      if (bad) found.push(`${path.relative(REPO_ROOT, file)} imports ${specifier}`);
    }
  }
  return found;
}

const UI = ['chalk', 'commander'];
const PROCESSES = ['execa', 'node:child_process'];

describe('layer boundaries', () => {
  it('sees the imports it checks (the scan is not vacuous)', () => {
    expect(importsOf(path.join(REPO_ROOT, 'src/protocol/connection.ts'))).toEqual(
      expect.arrayContaining(['./envelope.js', './errors.js']),
    );
    expect(violations('src/client', ['src/protocol'])).not.toEqual([]);
  });

  it('protocol imports no other layer and no process, UI or CLI library', () => {
    expect(
      violations('src/protocol', ['src/client', 'src/server', 'src/host', 'src/cli'], [...UI, ...PROCESSES]),
    ).toEqual([]);
  });

  it('client is transport-agnostic: no server, host or cli, and never spawns', () => {
    expect(violations('src/client', ['src/server', 'src/host', 'src/cli'], [...UI, ...PROCESSES])).toEqual([]);
  });

  it('server framework imports neither client, host nor cli', () => {
    expect(violations('src/server', ['src/client', 'src/host', 'src/cli'], [...UI, ...PROCESSES])).toEqual([]);
  });

  it('host owns processes but no UI, and never the server framework', () => {
    expect(violations('src/host', ['src/server', 'src/cli'], [...UI])).toEqual([]);
  });

  it('bundled servers use only the public server entry of src/', () => {
    const found = sourceFiles('servers').flatMap((file) =>
      importsOf(file)
        .filter((specifier) => specifier.startsWith('.'))
        .map((specifier) => path.relative(REPO_ROOT, path.resolve(path.dirname(file), specifier)))
        .filter((target) => target.startsWith('src' + path.sep) && target !== path.join('src', 'server', 'index.js'))
        .map((target) => `${path.relative(REPO_ROOT, file)} imports ${target}`),
    );
    expect(found).toEqual([]);
  });
});
