/**
 * Compiles the TypeScript under bench/ to dist/bench/, so the measured processes start as plain `node` on JavaScript
 * like a real installation: running them through tsx would add its loader to every start-up. Transpile only (fast);
 * the types are checked by `npm run typecheck`, whose tsconfig includes bench/.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { BENCH_BUILD_DIR, BENCH_SOURCE_DIR, REPO_ROOT } from './paths.js';

/** What the drivers import from the project's own build. */
const REQUIRED_BUILD = ['dist/src/client/index.js', 'dist/src/server/index.js'];

function listTypeScript(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return listTypeScript(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

function isNewer(source: string, output: string): boolean {
  return !existsSync(output) || statSync(source).mtimeMs > statSync(output).mtimeMs;
}

/** Source files of the project newer than their compiled output: the numbers would describe old code. */
export function staleProjectSources(): string[] {
  return listTypeScript(path.join(REPO_ROOT, 'src'))
    .filter((source) =>
      isNewer(source, path.join(REPO_ROOT, 'dist', path.relative(REPO_ROOT, source)).replace(/\.ts$/, '.js')),
    )
    .map((source) => path.relative(REPO_ROOT, source));
}

/**
 * Transpiles the bench sources that changed since their last build; answers with how many.
 * @throws Error when the project itself has not been built.
 */
export async function buildBench(): Promise<number> {
  for (const file of REQUIRED_BUILD) {
    if (!existsSync(path.join(REPO_ROOT, file))) throw new Error(`${file} is missing: run \`npm run build\` first`);
  }
  const stale = listTypeScript(BENCH_SOURCE_DIR)
    .map((source) => ({
      source,
      output: path.join(BENCH_BUILD_DIR, path.relative(BENCH_SOURCE_DIR, source)).replace(/\.ts$/, '.js'),
    }))
    .filter(({ source, output }) => isNewer(source, output));
  if (stale.length === 0) return 0;
  // Loaded only when needed: the compiler takes a noticeable time to load.
  const { default: ts } = await import('typescript');
  for (const { source, output } of stale) {
    const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
      fileName: source,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    mkdirSync(path.dirname(output), { recursive: true });
    writeFileSync(output, outputText);
  }
  return stale.length;
}
