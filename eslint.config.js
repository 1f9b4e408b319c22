// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import n from 'eslint-plugin-n';

/** Layering (STYLE.md section 3): `from` may not be imported by `target`. */
const zones = [
  { target: './src/runtime', from: ['./src/protocol', './src/client', './src/server', './src/host', './src/cli'] },
  { target: './src/protocol', from: ['./src/client', './src/server', './src/host', './src/cli'] },
  { target: './src/client', from: ['./src/server', './src/host', './src/cli'] },
  { target: './src/server', from: ['./src/client', './src/host', './src/cli'] },
  { target: './src/host', from: ['./src/server', './src/cli'] },
  { target: './servers', from: ['./src/client', './src/host', './src/cli', './src/protocol'] },
];

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
    plugins: { 'import-x': importX, n },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'n/prefer-node-protocol': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      curly: ['error', 'multi-line'],
      'import-x/no-cycle': 'error',
      'import-x/no-restricted-paths': ['error', { zones }],
      'no-console': 'error',
    },
  },
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
