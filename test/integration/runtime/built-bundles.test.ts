/**
 * What scripts/bundle.js leaves in dist/:
 * - every bundle is ASCII (a single other character would make V8 hold the whole source as a two-byte string);
 * - the built library (dist/src, what `import 'mcp-host'` loads) runs vscode-jsonrpc from the bundle beside
 *   src/protocol/rpc.ts, not from the package's own files: a real client in a new `node` process talks to the real
 *   weather server, and afterwards no file of the package is among the loaded CommonJS modules.
 */
import { isAscii } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const LIBRARY_CLIENT = pathToFileURL(path.join(REPO_ROOT, 'dist/src/client/index.js')).href;
const WEATHER_SERVER = path.join(REPO_ROOT, 'dist/servers/weather/index.js');

const BUNDLES = [
  'dist/cli/main.cjs',
  'dist/cli/mcp-host.cjs',
  'dist/servers/weather/server.cjs',
  'dist/servers/email/server.cjs',
  'dist/servers/database/server.cjs',
  'dist/src/protocol/vscode-jsonrpc.cjs',
];

describe("the build's bundles", () => {
  it('are ASCII', () => {
    const notAscii = BUNDLES.filter((bundle) => !isAscii(readFileSync(path.join(REPO_ROOT, bundle))));
    expect(notAscii).toEqual([]);
  });

  it('loads vscode-jsonrpc from its bundle and talks MCP with it', () => {
    expect(existsSync(path.join(REPO_ROOT, 'dist/src/protocol/vscode-jsonrpc.cjs'))).toBe(true);
    const script = [
      "import { spawn } from 'node:child_process';",
      "import { once } from 'node:events';",
      "import { createRequire } from 'node:module';",
      `const { McpClient } = await import(${JSON.stringify(LIBRARY_CLIENT)});`,
      `const child = spawn(process.execPath, [${JSON.stringify(WEATHER_SERVER)}], {`,
      "  stdio: ['pipe', 'pipe', 'inherit'],",
      "  env: { PATH: process.env.PATH, HOME: process.env.HOME, WEATHER_PROVIDER: 'offline' },",
      '});',
      "const exited = once(child, 'exit');",
      "const client = await McpClient.connect(child.stdout, child.stdin, { clientInfo: { name: 'test', version: '1' } });",
      'const tools = (await client.listTools()).map((tool) => tool.name);',
      'client.close();',
      'child.stdin.end();',
      'await exited;',
      `const loaded = Object.keys(createRequire(${JSON.stringify(path.join(REPO_ROOT, 'package.json'))}).cache);`,
      "const fromPackage = loaded.filter((file) => file.includes(`${'node_modules'}/vscode-jsonrpc`));",
      'console.log(JSON.stringify({ tools, fromPackage }));',
    ].join('\n');
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    const { tools, fromPackage } = JSON.parse(output) as { tools: string[]; fromPackage: string[] };
    expect(tools).toContain('get_current_weather');
    expect(fromPackage).toEqual([]);
  });
});
