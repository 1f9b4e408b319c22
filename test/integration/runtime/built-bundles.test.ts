/**
 * What scripts/bundle.js leaves in dist/:
 * - every bundle is ASCII (a single other character would make V8 hold the whole source as a two-byte string);
 * - the built library (dist/src, what `import 'mcp-host'` loads) works from dist: a real client in a new `node`
 *   process talks to the real weather server.
 */
import { isAscii } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const LIBRARY = pathToFileURL(path.join(REPO_ROOT, 'dist/src/index.js')).href;
const WEATHER_SERVER = path.join(REPO_ROOT, 'dist/servers/weather/index.js');

const BUNDLES = [
  'dist/cli/main.cjs',
  'dist/cli/mcp-host.cjs',
  'dist/servers/weather/server.cjs',
  'dist/servers/email/server.cjs',
  'dist/servers/database/server.cjs',
];

describe("the build's bundles", () => {
  it('are ASCII', () => {
    const notAscii = BUNDLES.filter((bundle) => !isAscii(readFileSync(path.join(REPO_ROOT, bundle))));
    expect(notAscii).toEqual([]);
  });

  it('the library talks MCP from dist/src', () => {
    const script = [
      "import { spawn } from 'node:child_process';",
      "import { once } from 'node:events';",
      `const { McpClient, StdioTransport } = await import(${JSON.stringify(LIBRARY)});`,
      `const child = spawn(process.execPath, [${JSON.stringify(WEATHER_SERVER)}], {`,
      "  stdio: ['pipe', 'pipe', 'inherit'],",
      "  env: { PATH: process.env.PATH, HOME: process.env.HOME, WEATHER_PROVIDER: 'offline' },",
      '});',
      "const exited = once(child, 'exit');",
      'const transport = new StdioTransport(child.stdout, child.stdin);',
      "const client = await McpClient.connect(transport, { clientInfo: { name: 'test', version: '1' } });",
      'const tools = (await client.listTools()).map((tool) => tool.name);',
      'client.close();',
      'child.stdin.end();',
      'await exited;',
      'console.log(JSON.stringify({ tools }));',
    ].join('\n');
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    const { tools } = JSON.parse(output) as { tools: string[] };
    expect(tools).toContain('get_current_weather');
  });
});
