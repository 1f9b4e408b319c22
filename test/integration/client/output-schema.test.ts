/**
 * Our client checks `structuredContent` against the `outputSchema` of the tools it listed. The server is the
 * official SDK's low-level `Server`, which sends whatever its handler returns: a server that breaks its own schema,
 * as servers in the wild do, over real framed streams.
 */
import { PassThrough } from 'node:stream';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallToolRequestSchema, ListToolsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { McpClient } from '../../../src/client/index.js';
import { McpHostError } from '../../../src/protocol/errors.js';
import * as validator from '../../../src/protocol/json-schema-validator.js';
import { StdioTransport } from '../../../src/protocol/stdio/stdio-transport.js';

// Counted, to show that each schema is compiled once; the validator itself runs as it is.
vi.mock('../../../src/protocol/json-schema-validator.js', async (importOriginal) => {
  const original = await importOriginal<typeof validator>();
  return { ...original, compileJsonSchema: vi.fn(original.compileJsonSchema) };
});

const WEATHER_OUTPUT = {
  type: 'object',
  properties: { temperature: { type: 'number' }, conditions: { type: 'string' } },
  required: ['temperature', 'conditions'],
} satisfies Tool['outputSchema'];

interface Peer {
  client: McpClient;
  sdk: Server;
  /** What `tools/list` answers; change it, then `notifyToolsChanged()`. */
  tools: Tool[];
  /** What `tools/call` answers, by tool name. */
  results: Record<string, CallToolResult>;
}

const open: Peer[] = [];

afterEach(async () => {
  for (const { client, sdk } of open.splice(0)) {
    client.close();
    await sdk.close();
  }
  vi.mocked(validator.compileJsonSchema).mockClear();
});

async function connect(): Promise<Peer> {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  const sdk = new Server({ name: 'lying', version: '1.0.0' }, { capabilities: { tools: { listChanged: true } } });
  const tools: Tool[] = [{ name: 'weather', inputSchema: { type: 'object' }, outputSchema: WEATHER_OUTPUT }];
  const results: Record<string, CallToolResult> = {};
  // The handlers read the peer's fields, which the tests change.
  sdk.setRequestHandler(ListToolsRequestSchema, () => ({ tools: peer.tools }));
  sdk.setRequestHandler(CallToolRequestSchema, (request) => peer.results[request.params.name]!);
  await sdk.connect(new StdioServerTransport(toServer, toClient));
  const client = await McpClient.connect(new StdioTransport(toClient, toServer), { timeoutMs: 5_000 });
  const peer: Peer = { client, sdk, tools, results };
  open.push(peer);
  return peer;
}

function violation(error: unknown): { code: string; message: string; context: unknown } {
  expect(error).toBeInstanceOf(McpHostError);
  const { code, message, context } = error as McpHostError;
  return { code, message, context };
}

describe('structuredContent against the listed outputSchema', () => {
  it('passes a result that matches, and compiles the schema once for every call', async () => {
    const peer = await connect();
    const result = { content: [], structuredContent: { temperature: 21, conditions: 'sunny' } };
    peer.results.weather = result;
    await peer.client.listTools();
    for (let i = 0; i < 3; i++) expect(await peer.client.callTool('weather')).toEqual(result);
    // Listed again with the same schema: still the same compiled one.
    await peer.client.listTools();
    await peer.client.callTool('weather');
    expect(validator.compileJsonSchema).toHaveBeenCalledTimes(1);
  });

  it('refuses structuredContent that breaks the schema, naming every field at fault', async () => {
    const peer = await connect();
    peer.results.weather = { content: [], structuredContent: { temperature: 'warm', wind: 3 } };
    await peer.client.listTools();
    expect(violation(await peer.client.callTool('weather').catch((error: unknown) => error))).toEqual({
      code: 'PROTOCOL_VIOLATION',
      message:
        'lying: tool "weather" returned structuredContent that does not match its outputSchema: ' +
        'structuredContent.conditions: required, but missing; ' +
        'structuredContent.temperature: expected number, got string "warm"',
      context: { server: 'lying', method: 'tools/call', tool: 'weather' },
    });
  });

  it('refuses a result without structuredContent unless it is an error, as the spec asks', async () => {
    const peer = await connect();
    peer.results.weather = { content: [{ type: 'text', text: '21 degrees' }] };
    await peer.client.listTools();
    expect(violation(await peer.client.callTool('weather').catch((error: unknown) => error)).message).toBe(
      'lying: tool "weather" declares an outputSchema, but its result has no structuredContent',
    );
    peer.results.weather = { content: [{ type: 'text', text: 'no station' }], isError: true };
    expect(await peer.client.callTool('weather')).toEqual(peer.results.weather);
  });

  it('checks nothing for a tool it has not listed, and loads no validator for it', async () => {
    const peer = await connect();
    peer.results.weather = { content: [], structuredContent: { temperature: 'warm' } };
    expect(await peer.client.callTool('weather')).toEqual(peer.results.weather);
    expect(validator.compileJsonSchema).not.toHaveBeenCalled();
  });

  it('forgets the schemas when the list changes, and checks against the new ones once listed', async () => {
    const peer = await connect();
    await peer.client.listTools();
    const changed = new Promise((resolve) => peer.client.onNotification('notifications/tools/list_changed', resolve));
    peer.tools = [
      {
        name: 'weather',
        inputSchema: { type: 'object' },
        outputSchema: { type: 'object', properties: { temperature: { type: 'string' } } },
      },
    ];
    await peer.sdk.sendToolListChanged();
    await changed;
    peer.results.weather = { content: [], structuredContent: { temperature: 'warm' } };
    // Not listed since the change: the old schema would have refused this.
    expect(await peer.client.callTool('weather')).toEqual(peer.results.weather);
    await peer.client.listTools();
    expect(await peer.client.callTool('weather')).toEqual(peer.results.weather);
    peer.results.weather = { content: [], structuredContent: { temperature: 21 } };
    expect(violation(await peer.client.callTool('weather').catch((error: unknown) => error)).message).toMatch(
      /structuredContent\.temperature: expected string, got number 21$/,
    );
  });

  it('leaves a schema of an unknown dialect unchecked, and refuses one whose $ref leads outside it', async () => {
    const peer = await connect();
    peer.tools = [
      {
        name: 'odd',
        inputSchema: { type: 'object' },
        outputSchema: { $schema: 'https://example.com/d', type: 'object' },
      },
      {
        name: 'remote',
        inputSchema: { type: 'object' },
        outputSchema: { type: 'object', properties: { a: { $ref: 'https://example.com/a.json' } } },
      },
    ];
    peer.results.odd = { content: [], structuredContent: { anything: true } };
    peer.results.remote = { content: [], structuredContent: { a: 1 } };
    await peer.client.listTools();
    expect(await peer.client.callTool('odd')).toEqual(peer.results.odd);
    expect(violation(await peer.client.callTool('remote').catch((error: unknown) => error)).message).toBe(
      'lying: tool "remote" has an outputSchema that cannot be checked: ' +
        '$ref "https://example.com/a.json" does not resolve inside the schema (references are never fetched)',
    );
  });
});
