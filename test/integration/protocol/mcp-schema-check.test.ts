/**
 * The schema check of the tests (test/helpers/mcp-schema.ts) sees what it must: each kind of message against its
 * definition of the official 2025-11-25 schema, a result against the result type of the request it answers.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { McpClient } from '../../../src/client/index.js';
import { StdioTransport } from '../../../src/protocol/stdio/stdio-transport.js';
import { defineServer } from '../../../src/server/index.js';
import type { McpServer } from '../../../src/server/index.js';
import { checkedTransport, takeSchemaViolations, testChecker } from '../../helpers/mcp-schema.js';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const open: { client: McpClient; server: McpServer }[] = [];

afterEach(() => {
  for (const { client, server } of open.splice(0)) {
    client.close();
    server.close();
  }
});

describe('the MCP schema check of the tests', () => {
  it('checks a result against the type of the request it answers', async () => {
    const checker = testChecker('peer');
    checker.noteSent({ jsonrpc: '2.0', id: 1, method: 'tools/list' });
    checker.noteSent({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'a' } });
    checker.received({ jsonrpc: '2.0', id: 1, result: { tools: [{ name: 'a', inputSchema: { type: 'object' } }] } });
    checker.received({ jsonrpc: '2.0', id: 2, result: { tools: [] } });
    expect(await takeSchemaViolations()).toEqual([
      'peer sent the response to tools/call (id 2), its result, not a valid CallToolResult: ' +
        'result.content: required, but missing [schema #/$ref/required]\n' +
        '  message: {"jsonrpc":"2.0","id":2,"result":{"tools":[]}}',
    ]);
  });

  it('names the field and the schema path inside a union of content blocks', async () => {
    const checker = testChecker('peer');
    checker.noteSent({ jsonrpc: '2.0', id: 'r1', method: 'tools/call', params: { name: 'a' } });
    checker.received({ jsonrpc: '2.0', id: 'r1', result: { content: [{ type: 'text', text: 5 }] } });
    expect(await takeSchemaViolations()).toEqual([
      expect.stringContaining(
        'not a valid CallToolResult: result.content.0.text: expected string, got number 5 ' +
          '[schema #/$ref/properties/content/items/$ref/anyOf/0/$ref/properties/text/type]',
      ),
    ]);
  });

  it('refuses an error response with "id": null, which 2025-11-25 does not allow', async () => {
    const checker = testChecker('peer');
    checker.received({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    expect(await takeSchemaViolations()).toEqual([
      expect.stringMatching(/^peer sent an error response, not a valid JSONRPCErrorResponse: id: expected string/),
    ]);
  });

  it('refuses a response nobody asked for, and a method the server may not send', async () => {
    const checker = testChecker('peer');
    checker.received({ jsonrpc: '2.0', id: 9, result: {} });
    checker.received({ jsonrpc: '2.0', method: 'notifications/initialized' });
    checker.received({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'x' } });
    expect(await takeSchemaViolations()).toEqual([
      'peer sent a response to id 9, which no request had: {"jsonrpc":"2.0","id":9,"result":{}}',
      'peer sent notification notifications/initialized, which is not a ServerNotification of 2025-11-25: ' +
        '{"jsonrpc":"2.0","method":"notifications/initialized"}',
      'peer sent request tools/call, which is not a ServerRequest of 2025-11-25: ' +
        '{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"x"}}',
    ]);
  });

  it('sees what a framework server sends over a real stream, and lets a valid session through', async () => {
    const server = defineServer({ name: 'checked', version: '1.0.0' });
    server.tool('fine', { description: 'Fine', inputSchema: { type: 'object' } }, () => 'ok');
    // A handler's own malformed result never goes out as it is: the framework answers with an error naming it.
    server.tool('broken', { description: 'Broken', inputSchema: { type: 'object' } }, () => ({
      content: [{ type: 'image', data: 'AAAA' } as never],
    }));
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    server.connect(new StdioTransport(toServer, toClient));
    const client = await McpClient.connect(checkedTransport(new StdioTransport(toClient, toServer), 'checked'));
    open.push({ client, server });
    await client.listTools();
    await client.callTool('fine');
    expect(await takeSchemaViolations()).toEqual([]);
    expect(await client.callTool('broken')).toEqual({
      content: [
        { type: 'text', text: 'Tool broken returned an invalid result: content[0].mimeType: expected a string' },
      ],
      isError: true,
    });
    expect(await takeSchemaViolations()).toEqual([]);
  });
});

describe('the schema proxy (test/fixtures/servers/schema-proxy.ts)', () => {
  it('passes lines through unchanged, and notes what breaks the schema and how many messages it saw', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-schema-proxy-'));
    try {
      const file = path.join(dir, 'violations.jsonl');
      // A "server" that answers initialize with a result the schema refuses (no serverInfo, a number of a version).
      const answer = JSON.stringify({ jsonrpc: '2.0', id: 1, result: { protocolVersion: 5, capabilities: {} } });
      const server = `process.stdin.once('data', () => process.stdout.write(${JSON.stringify(answer)} + '\\n'))`;
      const proxy = execa(
        process.execPath,
        [path.join(REPO_ROOT, 'dist/test/fixtures/servers/schema-proxy.js'), file, process.execPath, '-e', server],
        { input: `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: {} })}\n`, reject: false },
      );
      const { stdout, exitCode } = await proxy;
      expect({ stdout, exitCode }).toEqual({ stdout: answer, exitCode: 0 });
      const records = fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as { violation?: string; checked?: number });
      expect(records.at(-1)).toMatchObject({ checked: 1 });
      expect(records.some((record) => record.violation?.includes('not a valid InitializeResult'))).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
