// @ts-check
import path from 'node:path';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import n from 'eslint-plugin-n';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

const ROOT = import.meta.dirname;

/**
 * Import direction (STYLE.md section 3; "<-" reads "may be imported by"):
 *   protocol <- http, client, server;  client <- host <- agent, gateway <- cli;  server <- servers/*, gateway.
 * As a table, each layer of src/ and the layers it may import (anything else in src/ is refused):
 *
 *   layer     may import
 *   runtime   -                      below everything: any layer may import it
 *   protocol  runtime                the wire: no transport of sockets or processes, no CLI
 *   auth      runtime protocol       OAuth client and resource-server checks; fetch only, not our HTTP transport
 *   http      runtime protocol auth  Streamable HTTP client transport + server handler; adds tokens from auth
 *   client    runtime protocol       given a transport, never makes one: so neither http nor auth
 *   server    runtime protocol       serveHttp() (STYLE section 2) mounts the http server handler and its
 *             http auth              resource-server checks; never client, host, agent, gateway, cli
 *   host      runtime protocol       makes transports (stdio, http connectors) with their credentials
 *             client http auth
 *   agent     runtime protocol       the LLM loop on the catalog; host only through src/host/index.ts
 *             client host            (its public API, once it exists), model adapters use fetch, not http
 *   gateway   runtime protocol       the catalog re-served as one server; host only through src/host/index.ts
 *             client host server
 *             http auth
 *   cli       every layer but        the launcher; the server framework reaches it only through gateway
 *             server
 *   servers/* src/server/index.ts    the public framework entry ("mcp-host/server"), nothing else of src/
 *
 * No layer imports src/index.ts (the package's barrel sits above every layer). test/, bench/, scripts/ and bin/
 * are not restricted.
 */
export const LAYERS = {
  runtime: [],
  protocol: ['runtime'],
  auth: ['runtime', 'protocol'],
  http: ['runtime', 'protocol', 'auth'],
  client: ['runtime', 'protocol'],
  server: ['runtime', 'protocol', 'http', 'auth'],
  host: ['runtime', 'protocol', 'client', 'http', 'auth'],
  agent: ['runtime', 'protocol', 'client', 'host'],
  gateway: ['runtime', 'protocol', 'client', 'host', 'server', 'http', 'auth'],
  cli: ['runtime', 'protocol', 'client', 'host', 'http', 'auth', 'agent', 'gateway'],
};

/** Layers built on the host's public API only (STYLE.md section 3), never on its internals. */
const HOST_API_ONLY = ['agent', 'gateway'];

/** `import-x/no-restricted-paths` zones: a file under `target` may not import anything under `from`. */
export const zones = [
  ...Object.entries(LAYERS).flatMap(([layer, allowed]) => {
    const forbidden = Object.keys(LAYERS).filter((other) => other !== layer && !allowed.includes(other));
    const message = `src/${layer} may import only ${allowed.length ? allowed.join(', ') : 'no other layer'} (STYLE.md section 3).`;
    return [
      { target: `./src/${layer}`, from: [...forbidden.map((other) => `./src/${other}`), './src/index.ts'], message },
      ...(HOST_API_ONLY.includes(layer)
        ? [
            {
              target: `./src/${layer}`,
              from: './src/host',
              except: ['./index.ts'],
              message: `src/${layer} uses the host's public API (src/host/index.ts), not its internals (STYLE.md section 3).`,
            },
          ]
        : []),
    ];
  }),
  {
    // The library never writes caches into its consumers' install (architecture issue): only the CLI's entry
    // runs bundles with a code cache, kept in the user's cache directory.
    target: [
      ...Object.keys(LAYERS)
        .filter((layer) => layer !== 'cli')
        .map((layer) => `./src/${layer}`),
      './servers',
    ],
    from: './src/runtime/code-cache.ts',
    message: 'Only src/cli runs bundles with a code cache; the library and the servers write no caches.',
  },
  {
    target: './servers',
    from: './src',
    except: ['./server/index.ts'],
    message: 'Bundled servers use only the public framework entry, src/server/index.ts (STYLE.md section 2).',
  },
];

/**
 * The import rules and what they need to see anything: a resolver that maps `./x.js` to `./x.ts` (the built-in node
 * resolver does not, and an unresolved import is silently skipped by both rules), `.ts` among the extensions the
 * plugin parses (else no-cycle never follows an import into a TypeScript file), and a base path that does not depend
 * on the directory ESLint is started from. Exported so test/unit/lint-rules.test.ts lints probes with these very
 * rules without the (slow) type-aware part of the config.
 */
export const importRules = {
  name: 'mcp-host/import-rules',
  files: ['src/**/*.ts', 'servers/**/*.ts'],
  plugins: { 'import-x': importX },
  settings: {
    'import-x/resolver-next': [createTypeScriptImportResolver({ project: path.join(ROOT, 'tsconfig.json') })],
    'import-x/extensions': ['.ts', '.js', '.cjs', '.mjs'],
  },
  rules: {
    'import-x/no-restricted-paths': ['error', { zones, basePath: ROOT }],
    'import-x/no-cycle': ['error', { maxDepth: '∞' }],
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['*.js', 'bin/*.js', 'scripts/*.js'] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { n },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'n/prefer-node-protocol': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      curly: ['error', 'multi-line'],
      'no-console': 'error',
    },
  },
  importRules,
  {
    // CommonJS through bin/package.json (see bin/mcp-host.js).
    files: ['bin/**'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', __dirname: 'readonly', process: 'readonly' },
    },
  },
  {
    // The CLI prints; servers may write diagnostics to stderr (stdout is the protocol channel).
    files: ['src/cli/**', 'bench/**', 'bin/**'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['servers/**', 'test/fixtures/**'],
    rules: { 'no-console': ['error', { allow: ['error'] }] },
  },
  {
    files: ['test/**', 'bench/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
