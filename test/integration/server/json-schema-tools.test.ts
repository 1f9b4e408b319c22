/**
 * Tools declared with plain JSON Schema (`inputSchema`, `outputSchema`) beside zod: published byte for byte,
 * arguments and results checked by the shared validator, over real framed streams to our client.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, expectTypeOf, it } from 'vitest';
import * as z from 'zod';
import { McpClient } from '../../../src/client/index.js';
import { StdioTransport } from '../../../src/protocol/stdio/stdio-transport.js';
import type { CallToolResult, ObjectJsonSchema } from '../../../src/protocol/types.js';
import { defineServer } from '../../../src/server/index.js';
import type { HandlerContext, McpServer } from '../../../src/server/index.js';
import { REPO_ROOT } from '../../helpers/stdio-server.js';
import { checkedTransport } from '../../helpers/mcp-schema.js';
import { JSON_SCHEMA_2020_12 } from '../../fixtures/conformance-server.js';

/** The conformance suite's SEP-2106 schema (json-schema-2020-12 scenario), keys in an order zod would never write. */
const { additionalProperties, ...restOfSchema } = JSON_SCHEMA_2020_12;
const CONTACT_SCHEMA = { additionalProperties, ...restOfSchema } satisfies ObjectJsonSchema;

const FORECAST_OUTPUT = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    hours: { type: 'array', items: { type: 'object', properties: { temp: { type: 'number' } }, required: ['temp'] } },
  },
  required: ['city', 'hours'],
} satisfies ObjectJsonSchema;

const open: { client: McpClient; server: McpServer }[] = [];

/** Connects our client; `wire()` is everything the server wrote, as the text on the stream. */
async function connect(server: McpServer) {
  const toServer = new PassThrough();
  const toClient = new PassThrough();
  let wire = '';
  toClient.on('data', (chunk: Buffer) => (wire += chunk.toString('utf8')));
  server.connect(new StdioTransport(toServer, toClient));
  const client = await McpClient.connect(checkedTransport(new StdioTransport(toClient, toServer), 'framework server'), {
    timeoutMs: 5_000,
  });
  open.push({ client, server });
  return { client, wire: () => wire };
}

afterEach(() => {
  for (const { client, server } of open.splice(0)) {
    client.close();
    server.close();
  }
});

function text(result: CallToolResult): string {
  const block = result.content[0];
  return block?.type === 'text' ? block.text : '';
}

function contactServer(seen: unknown[] = []) {
  const server = defineServer({ name: 'contacts', version: '1.0.0' });
  server.tool('find_contact', { description: 'Finds a contact', inputSchema: CONTACT_SCHEMA }, (args, ctx) => {
    expectTypeOf(args).toEqualTypeOf<Record<string, unknown>>();
    expectTypeOf(ctx).toEqualTypeOf<HandlerContext>();
    seen.push(args);
    return `found ${String(args.email ?? args.phone)}`;
  });
  return server;
}

describe('tools declared with JSON Schema', () => {
  it('publishes inputSchema and outputSchema as the very text the author wrote', async () => {
    const server = contactServer();
    server.tool(
      'forecast',
      { description: 'Hourly forecast', inputSchema: { type: 'object' }, outputSchema: FORECAST_OUTPUT },
      () => ({ structuredContent: { city: 'Paris', hours: [] } }),
    );
    const { client, wire } = await connect(server);
    const tools = await client.listTools();
    expect(tools[0]!.inputSchema).toEqual(CONTACT_SCHEMA);
    expect(wire()).toContain(`"inputSchema":${JSON.stringify(CONTACT_SCHEMA)}`);
    expect(wire()).toContain(`"outputSchema":${JSON.stringify(FORECAST_OUTPUT)}`);
  });

  it('hands the arguments to the handler as they were sent', async () => {
    const seen: unknown[] = [];
    const { client } = await connect(contactServer(seen));
    const args = { name: 'Ada', contactMethod: 'phone', phone: '+33 1', address: { city: 'Lyon' } };
    expect(text(await client.callTool('find_contact', args))).toBe('found +33 1');
    expect(seen).toEqual([args]);
  });

  it('answers arguments that break the schema with an isError result naming every field', async () => {
    const seen: unknown[] = [];
    const { client } = await connect(contactServer(seen));
    const bad = await client.callTool('find_contact', {
      email: 'e',
      address: { city: 3 },
      contactMethod: 'fax',
      nam: 1,
    });
    expect(bad).toEqual({
      content: [
        {
          type: 'text',
          text:
            'Invalid arguments for tool find_contact: address.city: expected string, got number 3; ' +
            'contactMethod: expected one of "phone", "email", got string "fax"; ' +
            'nam: unknown field, did you mean "name"?',
        },
      ],
      isError: true,
    });
    expect(text(await client.callTool('find_contact', { contactMethod: 'phone', email: 'e' }))).toBe(
      'Invalid arguments for tool find_contact: phone: required, but missing',
    );
    expect(seen).toEqual([]);
  });

  it('takes a draft-07 schema, as servers in the wild still send', async () => {
    const server = defineServer({ name: 'legacy', version: '1.0.0' });
    const schema = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      definitions: {
        point: { type: 'array', items: [{ type: 'number' }, { type: 'number' }], additionalItems: false },
      },
      properties: { at: { $ref: '#/definitions/point' } },
      required: ['at'],
    } satisfies ObjectJsonSchema;
    server.tool('pin', { description: 'Pins a point', inputSchema: schema }, (args) => JSON.stringify(args.at));
    const { client } = await connect(server);
    expect(text(await client.callTool('pin', { at: [1, 2] }))).toBe('[1,2]');
    expect(text(await client.callTool('pin', { at: [1, 2, 3] }))).toBe(
      'Invalid arguments for tool pin: at.2: unexpected item, got number 3',
    );
  });

  it('checks structuredContent against a JSON Schema outputSchema, and writes its JSON as text', async () => {
    const server = defineServer({ name: 'weather', version: '1.0.0' });
    server.tool(
      'forecast',
      { description: 'Hourly forecast', input: z.object({ city: z.string() }), outputSchema: FORECAST_OUTPUT },
      ({ city }) => {
        expectTypeOf(city).toEqualTypeOf<string>();
        if (city === 'Atlantis') return { structuredContent: { city, hours: [{ temp: 'warm' }] } };
        if (city === 'Nowhere') return { content: [{ type: 'text', text: 'no data' }] };
        if (city === 'Error') return { content: [{ type: 'text', text: 'upstream failed' }], isError: true };
        return { structuredContent: { city, hours: [{ temp: 21.5 }] } };
      },
    );
    const { client } = await connect(server);
    expect(await client.callTool('forecast', { city: 'Paris' })).toEqual({
      content: [{ type: 'text', text: '{"city":"Paris","hours":[{"temp":21.5}]}' }],
      structuredContent: { city: 'Paris', hours: [{ temp: 21.5 }] },
    });
    expect(text(await client.callTool('forecast', { city: 'Atlantis' }))).toBe(
      'Tool forecast returned a result that does not match its outputSchema: hours.0.temp: expected number, got string "warm"',
    );
    expect(text(await client.callTool('forecast', { city: 'Nowhere' }))).toBe(
      'Tool forecast returned no structuredContent, but it declares an outputSchema',
    );
    expect(await client.callTool('forecast', { city: 'Error' })).toEqual({
      content: [{ type: 'text', text: 'upstream failed' }],
      isError: true,
    });
  });

  it('says on every call that a schema whose $ref leads outside it cannot be used', async () => {
    const server = defineServer({ name: 'remote', version: '1.0.0' });
    server.tool(
      'fetcher',
      {
        description: 'Refers to a remote schema',
        inputSchema: { type: 'object', properties: { a: { $ref: 'https://example.com/a.json' } } },
      },
      () => 'ran',
    );
    const { client } = await connect(server);
    for (let i = 0; i < 2; i++) {
      expect(await client.callTool('fetcher', { a: 1 })).toEqual({
        content: [
          {
            type: 'text',
            text:
              "Invalid arguments for tool fetcher: the tool's inputSchema cannot be used: " +
              '$ref "https://example.com/a.json" does not resolve inside the schema (references are never fetched)',
          },
        ],
        isError: true,
      });
    }
  });

  it('refuses at registration what MCP 2025-11-25 does not allow, naming the tool and the field', () => {
    const server = defineServer({ name: 'strict', version: '1.0.0' });
    const register = (options: Record<string, unknown>) => () =>
      server.tool('t', { description: 'd', ...options } as never, () => 'x');
    expect(register({})).toThrow('Tool "t": declare its arguments with exactly one of input and inputSchema');
    expect(register({ input: z.object({}), inputSchema: { type: 'object' } })).toThrow(/exactly one of input/);
    expect(
      register({ inputSchema: { type: 'object' }, output: z.object({}), outputSchema: { type: 'object' } }),
    ).toThrow('Tool "t": declare its result with output or outputSchema, not both');
    expect(register({ inputSchema: { type: 'array' } })).toThrow(
      'Tool "t": inputSchema.type: expected "object" (MCP 2025-11-25 requires an object at the root), got "array"',
    );
    expect(register({ inputSchema: { type: 'object' }, outputSchema: { anyOf: [] } })).toThrow(
      /^Tool "t": outputSchema.type: expected "object"/,
    );
    expect(register({ inputSchema: { type: 'object', $schema: 'https://example.com/s' } })).toThrow(
      'Tool "t": inputSchema.$schema: "https://example.com/s" is not a dialect the framework can check',
    );
    expect(register({ inputSchema: { type: 'object', properties: { any: true } } })).toThrow(
      'Tool "t": inputSchema.properties.any: expected an object schema',
    );
  });

  it('loads the validator on the first call of a JSON Schema tool, and never for a server of zod tools', () => {
    // In a fresh process on the built library: this test file has loaded the validator long ago.
    const script = `
      const { defineServer, createMemoryTransportPair } = await import(${JSON.stringify(libraryUrl('server/index.js'))});
      const { McpClient } = await import(${JSON.stringify(libraryUrl('client/index.js'))});
      const { isJsonSchemaValidatorLoaded } = await import(${JSON.stringify(libraryUrl('protocol/json-schema-validator.js'))});
      const { z } = await import('zod');
      const server = defineServer({ name: 'lazy', version: '1.0.0' });
      server.tool('zod', { description: 'zod', input: z.object({ a: z.number() }), output: z.object({ a: z.number() }) }, (args) => args);
      const [serverSide, clientSide] = createMemoryTransportPair();
      server.connect(serverSide);
      const client = await McpClient.connect(clientSide);
      // Unlisted, so that the client has no outputSchema to check (it would load the validator for that).
      await client.callTool('zod', { a: 1 });
      const afterZod = isJsonSchemaValidatorLoaded();
      server.tool('raw', { description: 'raw', inputSchema: { type: 'object' } }, () => 'ok');
      await client.listTools();
      const afterListing = isJsonSchemaValidatorLoaded();
      await client.callTool('raw', {});
      console.log(JSON.stringify({ afterZod, afterListing, afterCall: isJsonSchemaValidatorLoaded() }));
      client.close();
    `;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
    });
    expect(JSON.parse(output)).toEqual({ afterZod: false, afterListing: false, afterCall: true });
  });
});

function libraryUrl(file: string): string {
  return `file://${path.join(REPO_ROOT, 'dist/src', file)}`;
}
