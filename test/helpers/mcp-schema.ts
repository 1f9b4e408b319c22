/**
 * Test helper: every message a server sends to a test's client is validated against the official MCP 2025-11-25
 * JSON Schema (test/vendor/mcp-schema-2025-11-25.json), each by its kind: a request by its method (ServerRequest),
 * a notification by its method (ServerNotification), a response as JSONRPCResultResponse or JSONRPCErrorResponse,
 * and a result against the result type of the request it answers (CallToolResult for tools/call, ...).
 *
 * Wrap the client's transport with `checkedTransport(transport, name)`. A test file that imports this module gets
 * an `afterEach` (and an `afterAll`, for what a `beforeAll` server sent after the last test) that fails on any
 * violation seen since the last check, naming the message, the field and the schema path.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach } from 'vitest';
import { compileJsonSchema, describeSchemaIssues } from '../../src/protocol/json-schema-validator.js';
import type { CompiledJsonSchema, SchemaIssue } from '../../src/protocol/json-schema-validator.js';
import type { MessageTransport } from '../../src/protocol/transport.js';

const SCHEMA_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../vendor/mcp-schema-2025-11-25.json');

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

const violations: string[] = [];
const pending = new Set<Promise<void>>();

/** The violations seen so far, once every message received has been checked; the list is emptied. */
export async function takeSchemaViolations(): Promise<string[]> {
  while (pending.size > 0) await Promise.all(pending);
  return violations.splice(0);
}

async function failOnViolations(): Promise<void> {
  const found = await takeSchemaViolations();
  if (found.length > 0) {
    throw new Error(`${found.length} message(s) broke the MCP 2025-11-25 schema:\n${found.join('\n')}`);
  }
}

afterEach(failOnViolations);
afterAll(failOnViolations);

/**
 * Validates what a server sends, as it arrives. `noteSent` must see each request the client sends before the
 * server can answer it: the answer is checked against that request's result type.
 */
export class MessageChecker {
  private readonly sentRequests = new Map<string | number, string>();

  constructor(private readonly peer: string) {}

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
    pending.add(done);
    void done.finally(() => pending.delete(done));
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
        violations.push(
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
        violations.push(
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
      violations.push(
        `${this.peer} sent ${what}, not a valid ${name}: ${describe(issues)}\n  message: ${preview(message)}`,
      );
    }
  }
}

/**
 * The transport with every message from the server validated (see the module comment). The wrapper changes
 * nothing of what passes: the same values reach the connection, in the same order.
 */
export function checkedTransport(transport: MessageTransport, peer: string): MessageTransport {
  const checker = new MessageChecker(peer);
  return {
    // A proxy rather than a copy: the sink's other callbacks reach it as they are, whatever the contract adds.
    start: (sink) =>
      transport.start(
        new Proxy(sink, {
          get(target, property) {
            if (property === 'onMessage') {
              return (value: unknown) => {
                checker.received(value);
                target.onMessage(value);
              };
            }
            const member: unknown = Reflect.get(target, property);
            return typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(target) : member;
          },
        }),
      ),
    send: (...args: Parameters<MessageTransport['send']>) => {
      checker.noteSent(args[0]);
      return transport.send(...args);
    },
    close: () => transport.close(),
  };
}

function describe(issues: readonly SchemaIssue[]): string {
  return issues.map((issue) => `${describeSchemaIssues([issue], '(message)')} [schema ${issue.schemaPath}]`).join('; ');
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}
