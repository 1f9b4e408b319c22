/**
 * The import rules of eslint.config.js refuse what STYLE.md section 3 forbids. ESLint's Node API is fed forbidden
 * imports and must report each under the right rule. Both rules skip an import they cannot resolve without a word,
 * so a config that loses the resolver of `./x.js` to `./x.ts` fails here instead of passing everything.
 *
 * The probes are linted with the project's own import rules (`importRules`, the very object the project config
 * uses, checked below) and the TypeScript parser without type information: the type-aware rest of the config
 * needs the project service, which is slow and cannot see a file that is not on disk.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ESLint } from 'eslint';
import type { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/stdio-server.js';

const RESTRICTED = 'import-x/no-restricted-paths';
const CYCLE = 'import-x/no-cycle';

// Each lint follows the probe's imports through the real source tree (no-cycle parses every module it reaches).
const LINT_TIMEOUT_MS = 30_000;

// A plain JavaScript module without declarations: imported by URL, typed here.
const { importRules } = (await import(pathToFileURL(path.join(REPO_ROOT, 'eslint.config.js')).href)) as {
  importRules: Linter.Config & { rules: Linter.RulesRecord };
};

const eslint = new ESLint({
  cwd: REPO_ROOT,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, importRules],
});

/** The rule ids reported for `code` as if it were the file `filePath` (repo-relative; it need not exist). */
async function lint(filePath: string, code: string): Promise<(string | null)[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(REPO_ROOT, filePath) });
  return result!.messages.map((message) => message.ruleId);
}

describe('the project config', () => {
  it('applies the import rules, resolver included, that the probes are linted with', async () => {
    const config = (await new ESLint({ cwd: REPO_ROOT }).calculateConfigForFile(
      'src/protocol/index.ts',
    )) as Linter.Config;
    for (const rule of [RESTRICTED, CYCLE]) {
      const [severity, options] = config.rules?.[rule] as [number, object];
      expect(severity).toBe(2);
      // ESLint fills in the rule's defaults: the project's options are a subset.
      expect(options).toMatchObject((importRules.rules[rule] as [string, object])[1]);
    }
    const resolverNames = (settings: Linter.Config['settings']): unknown[] =>
      (settings?.['import-x/resolver-next'] as { name: string }[]).map((resolver) => resolver.name);
    expect(resolverNames(config.settings)).toEqual(['eslint-import-resolver-typescript']);
    expect(resolverNames(config.settings)).toEqual(resolverNames(importRules.settings));
    expect(config.settings?.['import-x/extensions']).toEqual(importRules.settings?.['import-x/extensions']);
  });
});

describe('forbidden imports are refused', { timeout: LINT_TIMEOUT_MS }, () => {
  it.each([
    ['src/protocol/__lint_probe__.ts', `import { createProgram } from '../cli/program.js';`, 'protocol into cli'],
    ['src/client/__lint_probe__.ts', `import { Host } from '../host/host.js';`, 'client into host'],
    ['src/server/__lint_probe__.ts', `import { McpClient } from '../client/index.js';`, 'server into client'],
    ['src/host/__lint_probe__.ts', `import { runCli } from '../cli/main.js';`, 'host into cli'],
    ['src/protocol/__lint_probe__.ts', `import { Host } from '../index.js';`, 'a layer into the package barrel'],
    ['src/http/__lint_probe__.ts', `import { McpClient } from '../client/index.js';`, 'http (planned) into client'],
    ['src/agent/__lint_probe__.ts', `import { Host } from '../host/host.js';`, 'agent into host internals'],
    ['servers/weather/__lint_probe__.ts', `import { Host } from '../../src/host/host.js';`, 'a server into host'],
    [
      'servers/weather/__lint_probe__.ts',
      `import { WireError } from '../../src/protocol/errors.js';`,
      'a server into protocol',
    ],
    ['src/host/__lint_probe__.ts', `import { runBundle } from '../runtime/code-cache.js';`, 'host into the code cache'],
  ])('%s: %s (%s)', async (filePath, code) => {
    expect(await lint(filePath, `${code}\nexport const probe = 1;\n`)).toEqual([RESTRICTED]);
  });
});

describe('allowed imports pass', { timeout: LINT_TIMEOUT_MS }, () => {
  it.each([
    ['src/cli/__lint_probe__.ts', `import { Host } from '../host/host.js';`],
    ['src/host/__lint_probe__.ts', `import { McpClient } from '../client/index.js';`],
    ['src/server/__lint_probe__.ts', `import { WireError } from '../protocol/errors.js';`],
    ['src/cli/__lint_probe__.ts', `import { runBundle } from '../runtime/code-cache.js';`],
    ['servers/weather/__lint_probe__.ts', `import { defineServer } from '../../src/server/index.js';`],
  ])('%s: %s', async (filePath, code) => {
    expect(await lint(filePath, `${code}\nexport const probe = 1;\n`)).toEqual([]);
  });
});

describe('import cycles are refused', { timeout: LINT_TIMEOUT_MS }, () => {
  // A cycle needs both ends on disk, where the resolver looks: a scratch folder in src/, removed afterwards.
  let dir: string;
  const file = (name: string): string => path.join(dir, name);

  beforeAll(() => {
    dir = mkdtempSync(path.join(REPO_ROOT, 'src', '__lint_probe_'));
    writeFileSync(file('a.ts'), `import { b } from './b.js';\nexport const a = b + 1;\n`);
    writeFileSync(
      file('b.ts'),
      `import { a } from './a.js';\nexport const b = 1;\nexport const twice = () => a * 2;\n`,
    );
    // Lazy is still a cycle: the module graph has one, whatever the order of evaluation.
    writeFileSync(file('c.ts'), `import { d } from './d.js';\nexport const c = d + 1;\n`);
    writeFileSync(file('d.ts'), `export const d = 1;\nexport const load = () => import('./c.js');\n`);
    writeFileSync(file('e.ts'), `import type { F } from './f.js';\nexport type E = F | 1;\n`);
    writeFileSync(file('f.ts'), `import type { E } from './e.js';\nexport type F = E | 2;\n`);
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const lintFile = async (name: string): Promise<(string | null)[]> => {
    const [result] = await eslint.lintFiles([file(name)]);
    return result!.messages.map((message) => message.ruleId);
  };

  it('two modules that import each other', async () => {
    expect(await lintFile('a.ts')).toEqual([CYCLE]);
    expect(await lintFile('b.ts')).toEqual([CYCLE]);
  });

  it('a cycle closed by a dynamic import()', async () => {
    expect(await lintFile('c.ts')).toEqual([CYCLE]);
  });

  it('but not one of type imports only (erased at run time)', async () => {
    expect(await lintFile('e.ts')).toEqual([]);
  });
});
