/**
 * The MCP 2025-11-25 JSON Schema check of what a server sends, without a test runner: test/helpers/mcp-schema.ts
 * uses it in tests, and test/fixtures/servers/schema-proxy.ts between the CLI and a server it starts. Each message is
 * validated by its kind: a request by its method (ServerRequest), a notification by its method (ServerNotification),
 * a response as JSONRPCResultResponse or JSONRPCErrorResponse, and a result against the result type of the request
 * it answers (CallToolResult for tools/call, ...).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileJsonSchema, describeSchemaIssues } from '../../src/protocol/json-schema-validator.js';
import type { CompiledJsonSchema, SchemaIssue } from '../../src/protocol/json-schema-validator.js';

// test/vendor from test/helpers, or from the build of this file in dist/test/helpers.
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SCHEMA_FILE = [
  path.resolve(HERE, '../vendor/mcp-schema-2025-11-25.json'),
  path.resolve(HERE, '../../../test/vendor/mcp-schema-2025-11-25.json'),
].find((file) => existsSync(file))!;

interface McpJsonSchema {
  $schema: string;
  $defs: Record<string, { anyOf?: { $ref: string }[]; properties?: { method?: { const?: string } } }>;
}

const SCHEMA = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as McpJsonSchema;

/** The result type of each request a client sends, as the spec pairs them (the schema does not). */
const RESULT_OF: Record<string, string> = {
  initialize: 'InitializeResult',
  ping: 'EmptyResult',
  'tools/list': 'ListToolsResult',
  'tools/call': 'CallToolResult',
  'resources/list': 'ListResourcesResult',
  'resources/templates/list': 'ListResourceTemplatesResult',
  'resources/read': 'ReadResourceResult',
  'resources/subscribe': 'EmptyResult',
  'resources/unsubscribe': 'EmptyResult',
  'prompts/list': 'ListPromptsResult',
  'prompts/get': 'GetPromptResult',
  'completion/complete': 'CompleteResult',
  'logging/setLevel': 'EmptyResult',
  'tasks/get': 'GetTaskResult',
  'tasks/result': 'GetTaskPayloadResult',
  'tasks/list': 'ListTasksResult',
  'tasks/cancel': 'CancelTaskResult',
};

/** Method → definition, from the members of a union of the schema (ServerRequest, ServerNotification). */
function byMethod(union: string): Map<string, string> {
  const methods = new Map<string, string>();
  for (const member of SCHEMA.$defs[union]?.anyOf ?? []) {
    const name = member.$ref.replace('#/$defs/', '');
    const method = SCHEMA.$defs[name]?.properties?.method?.const;
    if (method !== undefined) methods.set(method, name);
  }
  return methods;
}

const SERVER_REQUESTS = byMethod('ServerRequest');
const SERVER_NOTIFICATIONS = byMethod('ServerNotification');

const compiled = new Map<string, Promise<CompiledJsonSchema>>();

/** One definition of the schema, compiled once per test file (each takes the whole `$defs` along). */
function definition(name: string): Promise<CompiledJsonSchema> {
  let validator = compiled.get(name);
  if (validator === undefined) {
    if (SCHEMA.$defs[name] === undefined) throw new Error(`mcp-schema: no definition ${name}`);
    validator = compileJsonSchema({ $schema: SCHEMA.$schema, $defs: SCHEMA.$defs, $ref: `#/$defs/${name}` });
    compiled.set(name, validator);
  }
  return validator;
}

/**
 * Validates what a server sends, as it arrives. `noteSent` must see each request the client sends before the
 * server can answer it: the answer is checked against that request's result type.
 */
export class MessageChecker {
  private readonly sentRequests = new Map<string | number, string>();

  /** `report` gets each violation, as a line naming the message, the field and the schema path. */
  constructor(
    private readonly peer: string,
    private readonly report: (violation: string) => void,
    /** Each check under way, for a caller that must wait for all of them. */
    private readonly track: (check: Promise<void>) => void = () => undefined,
  ) {}

  noteSent(message: unknown): void {
    const { id, method } = message as { id?: unknown; method?: unknown };
    if ((typeof id === 'string' || typeof id === 'number') && typeof method === 'string') {
      this.sentRequests.set(id, method);
    }
  }

  received(value: unknown): void {
    const checks = this.checksFor(value);
    const done = Promise.all(checks.map(([what, name, part, at]) => this.check(what, name, part, at, value))).then(
      () => undefined,
    );
    this.track(done);
  }

  /** What to validate in a message: `[what it is, definition, the part of the message, the part's path]`. */
  private checksFor(value: unknown): [string, string, unknown, string[]][] {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return [['a message that is not a JSON-RPC object', 'JSONRPCMessage', value, []]];
    }
    const message = value as { id?: unknown; method?: unknown; result?: unknown; error?: unknown };
    if (typeof message.method === 'string') {
      const isRequest = 'id' in message;
      const name = (isRequest ? SERVER_REQUESTS : SERVER_NOTIFICATIONS).get(message.method);
      const what = `${isRequest ? 'request' : 'notification'} ${message.method}`;
      if (name === undefined) {
        this.report(
          `${this.peer} sent ${what}, which is not a ${isRequest ? 'ServerRequest' : 'ServerNotification'} of 2025-11-25: ${preview(value)}`,
        );
        return [];
      }
      return [[what, name, value, []]];
    }
    if ('error' in message) return [['an error response', 'JSONRPCErrorResponse', value, []]];
    if ('result' in message) {
      const id = message.id as string | number;
      const method = this.sentRequests.get(id);
      this.sentRequests.delete(id);
      if (method === undefined) {
        this.report(
          `${this.peer} sent a response to id ${JSON.stringify(message.id)}, which no request had: ${preview(value)}`,
        );
        return [['a response', 'JSONRPCResultResponse', value, []]];
      }
      const what = `the response to ${method} (id ${JSON.stringify(id)})`;
      return [
        [what, 'JSONRPCResultResponse', value, []],
        [`${what}, its result`, RESULT_OF[method] ?? 'Result', message.result, ['result']],
      ];
    }
    return [['a message that is neither request, notification nor response', 'JSONRPCMessage', value, []]];
  }

  private async check(what: string, name: string, part: unknown, at: string[], message: unknown): Promise<void> {
    const issues = (await definition(name)).check(part).map((issue) => ({ ...issue, path: [...at, ...issue.path] }));
    if (issues.length > 0) {
      this.report(
        `${this.peer} sent ${what}, not a valid ${name}: ${describe(issues)}\n  message: ${preview(message)}`,
      );
    }
  }
}

function describe(issues: readonly SchemaIssue[]): string {
  return issues.map((issue) => `${describeSchemaIssues([issue], '(message)')} [schema ${issue.schemaPath}]`).join('; ');
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}
