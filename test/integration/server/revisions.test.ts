/**
 * Results fitted to the revision the client agreed: handlers write 2025-11-25 shapes, and a client of an older
 * revision is sent only what its schema has (schema/<revision>/schema.ts of the specification repository).
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { WireError } from '../../../src/protocol/errors.js';
import type { CallToolResult, ContentBlock } from '../../../src/protocol/types.js';
import { defineServer } from '../../../src/server/index.js';
import type { McpServer } from '../../../src/server/index.js';
import { connectPeer } from './session-peer.js';
import type { Peer } from './session-peer.js';

const ICONS = [{ src: 'https://example.com/icon.png', mimeType: 'image/png' }];
const META = { 'example.com/origin': 'test' };
const ANNOTATIONS = { audience: ['user' as const], priority: 0.5, lastModified: '2025-01-01T00:00:00Z' };

/** Every field and content type a revision may lack, each set once. */
const MIXED_CONTENT: ContentBlock[] = [
  { type: 'text', text: 'hello', annotations: ANNOTATIONS, _meta: META },
  { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
  { type: 'resource_link', uri: 'rich://report', name: 'report', title: 'The report', icons: ICONS, _meta: META },
  { type: 'resource', resource: { uri: 'rich://a', text: 'a', _meta: META }, annotations: ANNOTATIONS },
];

function richServer(): McpServer {
  const server = defineServer({
    name: 'rich',
    version: '1.0.0',
    title: 'Rich',
    description: 'Uses every field',
    websiteUrl: 'https://example.com',
    icons: ICONS,
  });
  server.tool(
    'measure',
    {
      title: 'Measure',
      description: 'Structured output',
      input: z.object({}),
      output: z.object({ size: z.number() }),
      annotations: { readOnlyHint: true },
      icons: ICONS,
      _meta: META,
    },
    () => ({ size: 3 }),
  );
  server.tool('mixed', { description: 'Every content type', input: z.object({}) }, () => ({
    content: MIXED_CONTENT,
  }));
  server.tool('structured_only', { description: 'Structured, no text', input: z.object({}) }, () => ({
    content: [],
    structuredContent: { ok: true },
  }));
  server.resource(
    {
      uri: 'rich://a',
      name: 'a',
      title: 'A',
      mimeType: 'text/plain',
      annotations: ANNOTATIONS,
      icons: ICONS,
      _meta: META,
    },
    () => ({ text: 'a', _meta: META }),
  );
  server.resourceTemplate(
    {
      uriTemplate: 'rich://items/{id}',
      name: 'item',
      title: 'Item',
      icons: ICONS,
      _meta: META,
      complete: { id: (value) => ['1', '2'].filter((id) => id.startsWith(value)) },
    },
    (_uri, { id }) => ({ text: `item ${id}` }),
  );
  server.prompt(
    'show',
    { title: 'Show', description: 'Every content type in messages', icons: ICONS, _meta: META },
    () => ({ messages: MIXED_CONTENT.map((content) => ({ role: 'user' as const, content })) }),
  );
  return server;
}

let servers: McpServer[] = [];
afterEach(() => {
  servers.forEach((server) => server.close());
  servers = [];
});

async function connect(protocolVersion: string): Promise<Peer> {
  const server = richServer();
  servers.push(server);
  return connectPeer(server, { protocolVersion });
}

async function call(peer: Peer, name: string): Promise<CallToolResult> {
  return peer.connection.request('tools/call', { name, arguments: {} });
}

describe('2024-11-05: nothing that revision lacks', () => {
  it('declares no completions capability, yet answers completion/complete as that revision did', async () => {
    const peer = await connect('2024-11-05');
    expect(peer.initialize.protocolVersion).toBe('2024-11-05');
    expect(peer.initialize.capabilities).toEqual({
      logging: {},
      tools: { listChanged: true },
      resources: { listChanged: true },
      prompts: { listChanged: true },
    });
    expect(peer.initialize.serverInfo).toEqual({ name: 'rich', version: '1.0.0' });
    const completion = await peer.connection.request('completion/complete', {
      ref: { type: 'ref/resource', uri: 'rich://items/{id}' },
      argument: { name: 'id', value: '' },
    });
    expect(completion.completion.values).toEqual(['1', '2']);
  });

  it('lists tools without title, icons, _meta, annotations or outputSchema', async () => {
    const peer = await connect('2024-11-05');
    const { tools } = await peer.connection.request('tools/list', undefined);
    expect(tools[0]).toEqual({
      name: 'measure',
      description: 'Structured output',
      inputSchema: expect.objectContaining({ type: 'object' }) as unknown,
    });
  });

  it('answers a structured tool with its text only, and adds the text when the tool gave none', async () => {
    const peer = await connect('2024-11-05');
    expect(await call(peer, 'measure')).toEqual({ content: [{ type: 'text', text: '{"size":3}' }] });
    expect(await call(peer, 'structured_only')).toEqual({ content: [{ type: 'text', text: '{"ok":true}' }] });
  });

  it('turns audio and resource links into text, and drops _meta and lastModified from content', async () => {
    const peer = await connect('2024-11-05');
    const { content } = await call(peer, 'mixed');
    expect(content).toEqual([
      { type: 'text', text: 'hello', annotations: { audience: ['user'], priority: 0.5 } },
      { type: 'text', text: '[audio (audio/wav) left out: protocol revision 2024-11-05 cannot carry audio]' },
      { type: 'text', text: 'Resource link: rich://report (The report)' },
      {
        type: 'resource',
        resource: { uri: 'rich://a', text: 'a' },
        annotations: { audience: ['user'], priority: 0.5 },
      },
    ]);
    const prompt = await peer.connection.request('prompts/get', { name: 'show' });
    expect(prompt.messages.map((message) => message.content)).toEqual(content);
  });

  it('lists resources, templates and prompts without title, icons or _meta; reads contents without _meta', async () => {
    const peer = await connect('2024-11-05');
    expect((await peer.connection.request('resources/list', undefined)).resources).toEqual([
      { uri: 'rich://a', name: 'a', mimeType: 'text/plain', annotations: { audience: ['user'], priority: 0.5 } },
    ]);
    expect((await peer.connection.request('resources/templates/list', undefined)).resourceTemplates).toEqual([
      { uriTemplate: 'rich://items/{id}', name: 'item' },
    ]);
    expect((await peer.connection.request('prompts/list', undefined)).prompts).toEqual([
      { name: 'show', description: 'Every content type in messages', arguments: [] },
    ]);
    expect((await peer.connection.request('resources/read', { uri: 'rich://a' })).contents).toEqual([
      { uri: 'rich://a', mimeType: 'text/plain', text: 'a' },
    ]);
  });
});

describe('2025-03-26: audio and tool annotations, but no titles, links or structured output', () => {
  it('keeps audio and annotations, and still has no title, outputSchema, _meta, icons or links', async () => {
    const peer = await connect('2025-03-26');
    expect(peer.initialize.capabilities).toHaveProperty('completions', {});
    const { tools } = await peer.connection.request('tools/list', undefined);
    expect(tools[0]).toEqual({
      name: 'measure',
      description: 'Structured output',
      inputSchema: expect.objectContaining({ type: 'object' }) as unknown,
      annotations: { readOnlyHint: true },
    });
    const { content } = await call(peer, 'mixed');
    expect(content[1]).toEqual({ type: 'audio', data: 'AAAA', mimeType: 'audio/wav' });
    expect(content[2]).toMatchObject({ type: 'text', text: 'Resource link: rich://report (The report)' });
    expect(content[0]).toEqual({ type: 'text', text: 'hello', annotations: { audience: ['user'], priority: 0.5 } });
  });
});

describe('2025-06-18: titles, _meta, links and structured output, but no icons', () => {
  it('keeps titles, _meta, lastModified, outputSchema and structuredContent; drops icons and the new serverInfo fields', async () => {
    const peer = await connect('2025-06-18');
    expect(peer.initialize.serverInfo).toEqual({ name: 'rich', version: '1.0.0', title: 'Rich' });
    const { tools } = await peer.connection.request('tools/list', undefined);
    expect(tools[0]).toMatchObject({ title: 'Measure', _meta: META, outputSchema: { type: 'object' } });
    expect(tools[0]).not.toHaveProperty('icons');
    expect(await call(peer, 'measure')).toEqual({
      content: [{ type: 'text', text: '{"size":3}' }],
      structuredContent: { size: 3 },
    });
    const { content } = await call(peer, 'mixed');
    expect(content[0]).toEqual(MIXED_CONTENT[0]);
    expect(content[2]).toEqual({
      type: 'resource_link',
      uri: 'rich://report',
      name: 'report',
      title: 'The report',
      _meta: META,
    });
    const resources = (await peer.connection.request('resources/list', undefined)).resources;
    expect(resources[0]).toMatchObject({ title: 'A', _meta: META, annotations: ANNOTATIONS });
    expect(resources[0]).not.toHaveProperty('icons');
  });
});

describe('2025-11-25: everything as the handler wrote it', () => {
  it('sends every field', async () => {
    const peer = await connect('2025-11-25');
    expect(peer.initialize.serverInfo).toEqual({
      name: 'rich',
      version: '1.0.0',
      title: 'Rich',
      description: 'Uses every field',
      websiteUrl: 'https://example.com',
      icons: ICONS,
    });
    expect((await call(peer, 'mixed')).content).toEqual(MIXED_CONTENT);
    const { tools } = await peer.connection.request('tools/list', undefined);
    expect(tools[0]).toMatchObject({
      title: 'Measure',
      icons: ICONS,
      _meta: META,
      annotations: { readOnlyHint: true },
    });
  });
});

describe('resources/read of an unknown URI', () => {
  it.each(['2025-11-25', '2024-11-05'])('is -32002 with the URI in data (%s)', async (version) => {
    const peer = await connect(version);
    const error = await peer.connection.request('resources/read', { uri: 'rich://nope' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WireError);
    expect(error).toMatchObject({ code: -32002, data: { uri: 'rich://nope' } });
  });
});
