/**
 * Our McpClient against servers on the official SDK that ask it things from inside their tools (sampling, a form,
 * a URL-mode form, roots), and that publish a raw JSON Schema 2020-12 tool with `$defs`: the SDK's side of what
 * sdk-client-requests.test.ts does with the SDK as the client.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { McpClient } from '../../../src/client/index.js';
import type { ClientHooks } from '../../../src/client/index.js';
import { StdioTransport } from '../../../src/protocol/stdio/stdio-transport.js';
import { REPO_ROOT, resultText } from '../../helpers/stdio-server.js';

const open: { client: McpClient; child: ChildProcessWithoutNullStreams }[] = [];

async function connect(fixture: string, hooks: ClientHooks = {}): Promise<McpClient> {
  const child = spawn(process.execPath, [path.join(REPO_ROOT, `dist/test/fixtures/servers/${fixture}.js`)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const client = await McpClient.connect(new StdioTransport(child.stdout, child.stdin), { hooks, timeoutMs: 10_000 });
  open.push({ client, child });
  return client;
}

afterEach(() => {
  for (const { client, child } of open.splice(0)) {
    client.close();
    child.kill();
  }
});

describe('our client answers an SDK server that asks from inside its tools', () => {
  it('samples, fills a form with its defaults, follows a URL-mode form and lists its roots', async () => {
    const seen: unknown[] = [];
    const client = await connect('sdk-asker', {
      sampling: (params) => {
        seen.push(params.messages);
        return Promise.resolve({ role: 'assistant', model: 'test', content: { type: 'text', text: 'hello back' } });
      },
      elicitation: () => Promise.resolve({ action: 'accept', content: { city: 'Lima' } }),
      elicitationUrl: (params) => {
        seen.push(params.url);
        return Promise.resolve({ action: 'accept' });
      },
      roots: () => [{ uri: 'file:///srv/project', name: 'project' }],
    });
    expect(JSON.parse(resultText(await client.callTool('sample')))).toMatchObject({
      content: { type: 'text', text: 'hello back' },
    });
    // The SDK server sees the defaults our client filled in for the fields the user left out.
    expect(JSON.parse(resultText(await client.callTool('ask_trip')))).toEqual({
      action: 'accept',
      content: { city: 'Lima', units: 'metric', days: 3 },
    });
    expect(JSON.parse(resultText(await client.callTool('ask_login')))).toEqual({ action: 'accept' });
    expect(JSON.parse(resultText(await client.callTool('my_roots')))).toEqual({
      roots: [{ uri: 'file:///srv/project', name: 'project' }],
    });
    expect(seen).toEqual([
      [{ role: 'user', content: { type: 'text', text: 'hi' } }],
      'https://weather.example/login?session=1',
    ]);
  });

  it('gives the SDK server the error a missing hook makes, which it reports as the tool’s failure', async () => {
    const client = await connect('sdk-asker');
    const result = await client.callTool('sample');
    expect(result.isError).toBe(true);
    // The SDK refuses before sending, as the capability was not declared: either way, no hang and a clear reason.
    expect(resultText(result)).toMatch(/sampling/i);
  });
});

describe('our client and a raw JSON Schema tool of an SDK server', () => {
  it('lists the schema exactly as published ($defs, $ref, anyOf) and calls the tool', async () => {
    const client = await connect('sdk-raw-tools');
    const [tool] = await client.listTools();
    // As test/fixtures/servers/sdk-raw-tools.ts publishes it (that module runs a server: it is not imported here).
    expect(tool!.inputSchema).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      $defs: { address: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } },
      properties: {
        name: { type: 'string' },
        reach: { anyOf: [{ type: 'string', format: 'email' }, { type: 'integer' }] },
        address: { $ref: '#/$defs/address' },
      },
      required: ['name'],
    });
    const args = { name: 'Ada', reach: 'ada@example.com', address: { city: 'London' } };
    expect(JSON.parse(resultText(await client.callTool('save_contact', args)))).toEqual(args);
  });
});
