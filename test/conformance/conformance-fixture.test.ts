/**
 * Our conformance fixture (test/fixtures/servers/conformance.ts, defined in ../fixtures/conformance-server.ts) over stdio: it lists what the conformance suite's
 * server scenarios expect, and each tool answers once, through our client (every message checked against the MCP
 * 2025-11-25 schema) and through the official SDK's client. Bundled as scripts/bundle.js bundles a server, its
 * JSON Schema tool still checks its arguments: the validator is in the bundle.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpClient } from '../../src/client/index.js';
import type { ClientHooks } from '../../src/client/index.js';
import { StdioTransport } from '../../src/protocol/stdio/stdio-transport.js';
import type { CallToolResult, LoggingMessageNotificationParams } from '../../src/protocol/types.js';
import { JSON_SCHEMA_2020_12, TEST_AUDIO_BASE64, TEST_IMAGE_BASE64 } from '../fixtures/conformance-server.js';
import { checkedTransport } from '../helpers/mcp-schema.js';
import { REPO_ROOT } from '../helpers/stdio-server.js';

const FIXTURE = path.join(REPO_ROOT, 'dist/test/fixtures/servers/conformance.js');

/** The names the suite's scenarios call (src/scenarios/server/{tools,json-schema-2020-12,elicitation-*}.ts). */
const TOOLS = [
  'test_simple_text',
  'test_image_content',
  'test_audio_content',
  'test_embedded_resource',
  'test_multiple_content_types',
  'test_tool_with_logging',
  'test_tool_with_progress',
  'test_error_handling',
  'test_sampling',
  'test_elicitation',
  'test_elicitation_sep1034_defaults',
  'test_elicitation_sep1330_enums',
  'json_schema_2020_12_tool',
];
const PROMPTS = [
  'test_simple_prompt',
  'test_prompt_with_arguments',
  'test_prompt_with_embedded_resource',
  'test_prompt_with_image',
];
const RESOURCES = ['test://static-text', 'test://static-binary', 'test://watched-resource'];

/** Each tool's arguments, as the scenarios send them, and the text its first content must have. */
const CALLS: Record<string, { args: Record<string, unknown>; text?: string | RegExp }> = {
  test_simple_text: { args: {}, text: 'This is a simple text response for testing.' },
  test_image_content: { args: {} },
  test_audio_content: { args: {} },
  test_embedded_resource: { args: {} },
  test_multiple_content_types: { args: {}, text: 'Multiple content types test:' },
  test_tool_with_logging: { args: {}, text: 'Tool with logging executed successfully' },
  test_tool_with_progress: { args: {} },
  test_error_handling: { args: {}, text: 'This tool intentionally returns an error for testing' },
  test_sampling: {
    args: { prompt: 'Test prompt for sampling' },
    text: 'LLM response: This is a test response from the client',
  },
  test_elicitation: {
    args: { message: 'Please provide your information' },
    text: 'User response: action=accept, content={"response":"testuser"}',
  },
  test_elicitation_sep1034_defaults: {
    args: {},
    text: /^Elicitation completed: action=accept, content=\{.*"name":"Jane Smith"/,
  },
  test_elicitation_sep1330_enums: {
    args: {},
    text: /^Elicitation completed: action=accept, content=\{"untitledSingle":"option1"/,
  },
  json_schema_2020_12_tool: {
    args: { name: 'Ada', contactMethod: 'email', email: 'ada@example.com', address: { city: 'London' } },
    text: 'JSON Schema 2020-12 tool called with: {"name":"Ada","contactMethod":"email","email":"ada@example.com","address":{"city":"London"}}',
  },
};

/** What the scenarios' clients answer when a tool asks them. */
const SAMPLED = {
  role: 'assistant',
  content: { type: 'text', text: 'This is a test response from the client' },
  model: 'test-model',
} as const;
function elicited(message: string): Record<string, unknown> {
  if (message === 'Please provide your information') return { response: 'testuser' };
  if (message.includes('defaults')) {
    return { name: 'Jane Smith', age: 25, score: 88, status: 'inactive', verified: false };
  }
  return {
    untitledSingle: 'option1',
    titledSingle: 'value1',
    legacyEnum: 'opt1',
    untitledMulti: ['option1'],
    titledMulti: ['value1'],
  };
}

function firstText(result: CallToolResult): string {
  const block = result.content[0];
  return block?.type === 'text' ? block.text : '';
}

function expectCall(name: string, result: CallToolResult): void {
  const { text } = CALLS[name]!;
  expect(result.isError === true, name).toBe(name === 'test_error_handling');
  if (typeof text === 'string') expect(firstText(result), name).toBe(text);
  if (text instanceof RegExp) expect(firstText(result), name).toMatch(text);
}

describe('the conformance fixture, through our client', () => {
  let child: ChildProcessWithoutNullStreams;
  let client: McpClient;
  const logs: LoggingMessageNotificationParams[] = [];

  beforeAll(async () => {
    child = spawn(process.execPath, [FIXTURE], { stdio: ['pipe', 'pipe', 'pipe'] });
    const hooks: ClientHooks = {
      sampling: () => Promise.resolve({ ...SAMPLED }),
      elicitation: (params) => Promise.resolve({ action: 'accept', content: elicited(params.message) as never }),
    };
    client = await McpClient.connect(checkedTransport(new StdioTransport(child.stdout, child.stdin), 'conformance'), {
      hooks,
      timeoutMs: 10_000,
    });
    client.onNotification('notifications/message', (params) => logs.push(params));
  });

  afterAll(async () => {
    client.close();
    const exited = once(child, 'exit');
    child.stdin.end();
    await exited;
  });

  it('declares what the scenarios use: tools, resources with subscriptions, prompts, completions, logging', () => {
    expect(client.serverInfo).toEqual({ name: 'mcp-conformance-test-server', version: '1.0.0' });
    expect(client.serverCapabilities).toEqual({
      logging: {},
      tools: { listChanged: true },
      resources: { listChanged: true, subscribe: true },
      prompts: { listChanged: true },
      completions: {},
    });
  });

  it('lists the tools, resources, templates and prompts the scenarios name', async () => {
    const tools = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(TOOLS);
    for (const tool of tools) expect(tool.description, tool.name).toBeTruthy();
    expect(tools.find((tool) => tool.name === 'json_schema_2020_12_tool')!.inputSchema).toEqual(JSON_SCHEMA_2020_12);
    expect((await client.listResources()).map((resource) => resource.uri)).toEqual(RESOURCES);
    expect((await client.listResourceTemplates()).map((template) => template.uriTemplate)).toEqual([
      'test://template/{id}/data',
    ]);
    expect((await client.listPrompts()).map((prompt) => prompt.name)).toEqual(PROMPTS);
  });

  it('answers each tool once as the scenarios check', async () => {
    for (const name of TOOLS) {
      const progress: number[] = [];
      const result = await client.callTool(name, CALLS[name]!.args, {
        onprogress: (params) => progress.push(params.progress),
      });
      expectCall(name, result);
      if (name === 'test_tool_with_progress') expect(progress).toEqual([0, 50, 100]);
    }
    expect(logs.map((log) => log.data)).toEqual([
      'Tool execution started',
      'Tool processing data',
      'Tool execution completed',
    ]);
  });

  it('returns the image and audio the content scenarios look for', async () => {
    expect((await client.callTool('test_image_content')).content).toEqual([
      { type: 'image', data: TEST_IMAGE_BASE64, mimeType: 'image/png' },
    ]);
    expect((await client.callTool('test_audio_content')).content).toEqual([
      { type: 'audio', data: TEST_AUDIO_BASE64, mimeType: 'audio/wav' },
    ]);
    expect(Buffer.from(TEST_IMAGE_BASE64, 'base64').subarray(1, 4).toString('latin1')).toBe('PNG');
    expect(Buffer.from(TEST_AUDIO_BASE64, 'base64').subarray(8, 12).toString('latin1')).toBe('WAVE');
  });

  it('checks json_schema_2020_12_tool calls against the published schema', async () => {
    const result = await client.callTool('json_schema_2020_12_tool', {
      contactMethod: 'phone',
      email: 'a@b.c',
      zip: 1,
    });
    expect(result).toMatchObject({ isError: true });
    expect(firstText(result)).toBe(
      'Invalid arguments for tool json_schema_2020_12_tool: phone: required, but missing; zip: unknown field',
    );
  });

  it('reads the resources, fills the template, and subscribes', async () => {
    expect(await client.readResource('test://static-text')).toEqual({
      contents: [
        { uri: 'test://static-text', mimeType: 'text/plain', text: 'This is the content of the static text resource.' },
      ],
    });
    expect((await client.readResource('test://static-binary')).contents).toEqual([
      { uri: 'test://static-binary', mimeType: 'image/png', blob: TEST_IMAGE_BASE64 },
    ]);
    const [templated] = (await client.readResource('test://template/123/data')).contents;
    expect(JSON.parse((templated as { text: string }).text)).toEqual({
      id: '123',
      templateTest: true,
      data: 'Data for ID: 123',
    });
    await client.subscribeResource('test://watched-resource');
    await client.unsubscribeResource('test://watched-resource');
  });

  it('gets the prompts with their arguments, and completes one', async () => {
    expect((await client.getPrompt('test_simple_prompt')).messages).toHaveLength(1);
    expect(
      (await client.getPrompt('test_prompt_with_arguments', { arg1: 'hello', arg2: 'world' })).messages[0],
    ).toEqual({
      role: 'user',
      content: { type: 'text', text: "Prompt with arguments: arg1='hello', arg2='world'" },
    });
    const embedded = await client.getPrompt('test_prompt_with_embedded_resource', {
      resourceUri: 'test://example-resource',
    });
    expect(embedded.messages[0]!.content).toMatchObject({
      type: 'resource',
      resource: { uri: 'test://example-resource' },
    });
    expect((await client.getPrompt('test_prompt_with_image')).messages[0]!.content).toMatchObject({ type: 'image' });
    const completion = await client.complete({
      ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' },
      argument: { name: 'arg1', value: 'he' },
    });
    expect(completion.completion).toEqual({ values: ['hello', 'help'], total: 2, hasMore: false });
    await client.setLoggingLevel('info');
    await client.ping();
  });
});

describe('the conformance fixture, through the official SDK client', () => {
  let client: Client;

  beforeAll(async () => {
    client = new Client(
      { name: 'sdk-conformance', version: '1.0.0' },
      { capabilities: { sampling: {}, elicitation: {} } },
    );
    client.setRequestHandler(CreateMessageRequestSchema, () => ({ ...SAMPLED }));
    client.setRequestHandler(ElicitRequestSchema, (request) => ({
      action: 'accept',
      content: elicited(request.params.message) as Record<string, string>,
    }));
    client.setNotificationHandler(LoggingMessageNotificationSchema, () => undefined);
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [FIXTURE], stderr: 'pipe' }));
  });

  afterAll(async () => {
    await client.close();
  });

  it('lists the same tools, resources and prompts', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(TOOLS);
    expect(tools.find((tool) => tool.name === 'json_schema_2020_12_tool')!.inputSchema).toEqual(JSON_SCHEMA_2020_12);
    expect((await client.listResources()).resources.map((resource) => resource.uri)).toEqual(RESOURCES);
    expect((await client.listResourceTemplates()).resourceTemplates.map((template) => template.uriTemplate)).toEqual([
      'test://template/{id}/data',
    ]);
    expect((await client.listPrompts()).prompts.map((prompt) => prompt.name)).toEqual(PROMPTS);
  });

  it('calls each tool once, as the suite does with this client', async () => {
    for (const name of TOOLS) {
      const progress: number[] = [];
      const result = (await client.callTool({ name, arguments: CALLS[name]!.args }, undefined, {
        onprogress: ({ progress: value }) => progress.push(value),
      })) as CallToolResult;
      expectCall(name, result);
      // The SDK dispatches notifications a microtask late and responses at once, so the last progress, written
      // just before the result, may find its handler gone (typescript-sdk#2580): the suite counts them on the wire.
      if (name === 'test_tool_with_progress') {
        expect([
          [0, 50],
          [0, 50, 100],
        ]).toContainEqual(progress);
      }
    }
  });
});

describe('the conformance fixture, bundled', () => {
  it('still checks its JSON Schema tool: esbuild put the validator in the bundle', async () => {
    // Outside the repository, so that nothing can be found in node_modules: the bundle must carry it all.
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'conformance-bundle-'));
    try {
      execFileSync(
        process.execPath,
        ['scripts/bundle.js', '--server', 'test/fixtures/servers/conformance.ts', '--out', outDir],
        {
          cwd: REPO_ROOT,
        },
      );
      const child = spawn(process.execPath, [path.join(outDir, 'index.js')], { stdio: ['pipe', 'pipe', 'pipe'] });
      const client = await McpClient.connect(
        checkedTransport(new StdioTransport(child.stdout, child.stdin), 'bundle'),
        {
          timeoutMs: 10_000,
        },
      );
      const bad = await client.callTool('json_schema_2020_12_tool', { email: 5 });
      expect(firstText(bad)).toBe(
        'Invalid arguments for tool json_schema_2020_12_tool: email: expected string, got number 5',
      );
      client.close();
      const exited = once(child, 'exit');
      child.stdin.end();
      await exited;
    } finally {
      rmSync(outDir, { recursive: true, force: true });
    }
  });
});
