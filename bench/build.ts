/**
 * Compiles the TypeScript under bench/ to dist/bench/, so the measured processes start as plain `node` on JavaScript
 * like a real installation: running them through tsx would add its loader to every start-up. Transpile only (fast);
 * the types are checked by `npm run typecheck`, whose tsconfig includes bench/.
 */
import { execFileSync } from 'node:child_process';
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
  // Loaded only when needed: the compiler takes a noticeable time to load.
  const { default: ts } = stale.length > 0 ? await import('typescript') : { default: undefined };
  for (const { source, output } of stale) {
    if (!ts) break;
    const { outputText } = ts.transpileModule(readFileSync(source, 'utf8'), {
      fileName: source,
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
    });
    mkdirSync(path.dirname(output), { recursive: true });
    writeFileSync(output, outputText);
  }
  // Always: the bundle holds src/server too, whose changes the list above does not see (esbuild takes ~0.1 s).
  bundleOursServer();
  return stale.length;
}

const OURS_SERVER_SOURCE = path.join(BENCH_SOURCE_DIR, 'servers', 'ours.ts');
/** Where the bundled server of our stack goes; `serverScript('ours')` points at its launcher. */
export const OURS_SERVER_BUNDLE_DIR = path.join(BENCH_BUILD_DIR, 'servers', 'ours-bundle');

/**
 * Our stack's server is measured as we ship servers: bundled by scripts/bundle.js, run with its code cache. (The
 * SDK's server runs as its users run it, from its package's modules.)
 */
function bundleOursServer(): void {
  execFileSync(
    process.execPath,
    ['scripts/bundle.js', '--server', path.relative(REPO_ROOT, OURS_SERVER_SOURCE), '--out', OURS_SERVER_BUNDLE_DIR],
    { cwd: REPO_ROOT, stdio: 'inherit' },
  );
}
