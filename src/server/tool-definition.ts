/**
 * A tool's two schemas, declared either with zod (`input`, `output`) or as plain JSON Schema (`inputSchema`,
 * `outputSchema`), and how each checks what passes through it. A JSON Schema is published exactly as given, the
 * very object, so that a schema using the whole 2020-12 vocabulary (`$defs`, `$ref`, `$anchor`, `allOf`, `anyOf`,
 * `if`/`then`/`else`) or another server's tool re-served by a gateway reaches the client unchanged; it is checked
 * by the validator shared with the client (src/protocol/json-schema-validator.ts), loaded and compiled on the
 * tool's first call, so a server of zod tools alone never loads it.
 */

import { compileJsonSchema, describeSchemaIssues, schemaDialect } from '../protocol/json-schema-validator.js';
import type { CompiledJsonSchema } from '../protocol/json-schema-validator.js';
import type { CallToolResult, ContentBlock, ObjectJsonSchema } from '../protocol/types.js';
import type { ToolEntry } from './registry.js';
import { describeIssues, toObjectJsonSchema } from './schema.js';
import type { ObjectSchema } from './schema.js';

/** The outcome of a check: the value to go on with (zod's output, with defaults), or the issues, described. */
export type SchemaCheck = { success: true; data: unknown } | { success: false; issues: string };

/** One side of a tool: the JSON Schema clients see, and the check of a value against it. */
export interface ToolSchema {
  /** `zod` for a zod object, `json-schema` for a schema given as it is published. */
  readonly kind: 'zod' | 'json-schema';
  readonly json: ObjectJsonSchema;
  /** Synchronous for zod; a JSON Schema's first check waits for the validator. Never rejects. */
  check(value: unknown): SchemaCheck | Promise<SchemaCheck>;
}

/**
 * What a handler returns for a tool with a JSON Schema `outputSchema`: the whole result, as on the wire, so that a
 * result can be passed on as it came (a gateway's). `structuredContent` is checked against the schema and required
 * unless `isError` is true; `content` defaults to the structured content as JSON text, as the spec asks for
 * clients that read only `content`.
 */
export type StructuredToolResult = Omit<CallToolResult, 'content'> & { content?: ContentBlock[] };

/** Which side of a tool a schema describes, for messages and for the name of the value's root in them. */
type Side = 'inputSchema' | 'outputSchema';
const ROOT_NAMES: Record<Side, string> = { inputSchema: '(arguments)', outputSchema: '(result)' };

/** A zod object: published as zod's JSON Schema of its input (arguments) or output (results) side. */
export function zodToolSchema(schema: ObjectSchema, side: Side): ToolSchema {
  const rootName = ROOT_NAMES[side];
  return {
    kind: 'zod',
    json: toObjectJsonSchema(schema, side === 'inputSchema' ? 'input' : 'output'),
    check(value) {
      const parsed = schema.safeParse(value);
      return parsed.success ? parsed : { success: false, issues: describeIssues(parsed.error, rootName) };
    },
  };
}

/**
 * A JSON Schema as the tool's author wrote it, checked when registered for what the 2025-11-25 schema demands of
 * it: an object whose root is `type: "object"`, each of whose `properties` is an object, in a dialect the validator
 * speaks (2020-12 when `$schema` is absent; 2019-09, draft-07, -06 and -04 too).
 * @throws Error naming the tool and the field at fault.
 */
export function jsonToolSchema(schema: ObjectJsonSchema, side: Side, toolName: string): ToolSchema {
  assertPublishable(schema, side, toolName);
  const rootName = ROOT_NAMES[side];
  let compiled: CompiledJsonSchema | undefined;
  let compiling: Promise<CompiledJsonSchema> | undefined;
  const verdict = (validator: CompiledJsonSchema, value: unknown): SchemaCheck => {
    const issues = validator.check(value);
    return issues.length === 0
      ? { success: true, data: value }
      : { success: false, issues: describeSchemaIssues(issues, rootName) };
  };
  return {
    kind: 'json-schema',
    json: schema,
    check(value) {
      if (compiled) return verdict(compiled, value);
      return (compiling ??= compileJsonSchema(schema)).then(
        (validator) => verdict((compiled = validator), value),
        // The tool's own schema is broken (a `$ref` that leads nowhere): said on every call, the server's bug.
        (error: unknown): SchemaCheck => ({
          success: false,
          issues: `the tool's ${side} cannot be used: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
    },
  };
}

/**
 * What the handler returned, as the result: for a zod `output`, the structured value itself; for a JSON Schema
 * `outputSchema`, a whole result whose `structuredContent` is checked; otherwise text or a result as it is. A value
 * that does not match the output schema becomes an `isError` result saying where.
 */
export function toToolResult(tool: ToolEntry, value: unknown): CallToolResult | Promise<CallToolResult> {
  const { output } = tool;
  if (output?.kind === 'zod') {
    const checked = output.check(value) as SchemaCheck;
    if (!checked.success) return outputMismatch(tool, checked.issues);
    const structuredContent = checked.data as Record<string, unknown>;
    // Older clients read only `content`; the spec asks for the same JSON as text beside `structuredContent`.
    return { content: [{ type: 'text', text: JSON.stringify(structuredContent) }], structuredContent };
  }
  if (output?.kind === 'json-schema') return structuredResult(tool, output, value);
  if (typeof value === 'string') return { content: [{ type: 'text', text: value }] };
  if (typeof value === 'object' && value !== null && Array.isArray((value as CallToolResult).content)) {
    return checkedContent(tool, value as CallToolResult);
  }
  return { content: [{ type: 'text', text: JSON.stringify(value ?? null) }] };
}

/**
 * A result the handler built itself goes out only when its content is what the schema says a content block is: a
 * client must not be sent an image without its MIME type. A malformed one becomes an `isError` result naming the
 * field, which tells the tool's author (and the model) what to fix.
 */
function checkedContent(tool: ToolEntry, result: CallToolResult): CallToolResult {
  const problem = contentProblem(result.content);
  return problem === undefined ? result : errorResult(`Tool ${tool.name} returned an invalid result: ${problem}`);
}

/** The required fields of each kind of content block (MCP 2025-11-25's ContentBlock). */
const CONTENT_FIELDS: Record<string, readonly string[]> = {
  text: ['text'],
  image: ['data', 'mimeType'],
  audio: ['data', 'mimeType'],
  resource_link: ['uri', 'name'],
  resource: [],
};

/** What is wrong with the first bad block, as `content[1].mimeType: expected a string`; undefined when none is. */
export function contentProblem(content: readonly unknown[]): string | undefined {
  for (let index = 0; index < content.length; index++) {
    const at = `content[${index}]`;
    const block = content[index] as Record<string, unknown> | null;
    if (typeof block !== 'object' || block === null) return `${at}: expected a content block object`;
    const fields = typeof block.type === 'string' ? CONTENT_FIELDS[block.type] : undefined;
    if (fields === undefined) {
      return `${at}.type: expected one of ${Object.keys(CONTENT_FIELDS).join(', ')}, got ${JSON.stringify(block.type)}`;
    }
    const missing = fields.find((field) => typeof block[field] !== 'string');
    if (missing !== undefined) return `${at}.${missing}: expected a string`;
    if (block.type === 'resource') {
      const resource = block.resource as Record<string, unknown> | undefined;
      if (typeof resource?.uri !== 'string') return `${at}.resource.uri: expected a string`;
      if (typeof resource.text !== 'string' && typeof resource.blob !== 'string') {
        return `${at}.resource: expected a string "text" or "blob"`;
      }
    }
  }
  return undefined;
}

/** An `isError` result with the text: what a tool's failure looks like to the model. */
export function errorResult(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** Never rejects: session.ts returns this promise from inside its try without awaiting it. */
async function structuredResult(tool: ToolEntry, output: ToolSchema, value: unknown): Promise<CallToolResult> {
  try {
    return await checkedResult(tool, output, value);
  } catch (error) {
    return errorResult(`Tool ${tool.name} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}

async function checkedResult(tool: ToolEntry, output: ToolSchema, value: unknown): Promise<CallToolResult> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return errorResult(
      `Tool ${tool.name} returned ${describeKind(value)}; a tool with a JSON Schema outputSchema returns a result ` +
        '{ structuredContent, content? }',
    );
  }
  const result = value as StructuredToolResult;
  if (result.content !== undefined) {
    const problem = Array.isArray(result.content) ? contentProblem(result.content) : 'content: expected an array';
    if (problem !== undefined) return errorResult(`Tool ${tool.name} returned an invalid result: ${problem}`);
  }
  if (result.isError === true) return { ...result, content: result.content ?? [] };
  // The spec: a tool with an output schema MUST provide structured results that conform to it.
  if (result.structuredContent === undefined) {
    return errorResult(`Tool ${tool.name} returned no structuredContent, but it declares an outputSchema`);
  }
  const checked = await output.check(result.structuredContent);
  if (!checked.success) return outputMismatch(tool, checked.issues);
  return { ...result, content: result.content ?? [{ type: 'text', text: JSON.stringify(result.structuredContent) }] };
}

function outputMismatch(tool: ToolEntry, issues: string): CallToolResult {
  return errorResult(`Tool ${tool.name} returned a result that does not match its outputSchema: ${issues}`);
}

function describeKind(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value;
}

/** What the 2025-11-25 schema (`Tool.inputSchema`, `Tool.outputSchema`) requires of a published schema. */
function assertPublishable(schema: ObjectJsonSchema, side: Side, toolName: string): void {
  const fail = (problem: string): never => {
    throw new Error(`Tool ${JSON.stringify(toolName)}: ${side}${problem}`);
  };
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) fail(': expected a JSON Schema object');
  if (schema.type !== 'object') {
    fail(
      `.type: expected "object" (MCP 2025-11-25 requires an object at the root), got ${JSON.stringify(schema.type)}`,
    );
  }
  if (schemaDialect(schema) === undefined) {
    fail(
      `.$schema: ${JSON.stringify(schema.$schema)} is not a dialect the framework can check (JSON Schema 2020-12, ` +
        '2019-09, draft-07, draft-06, draft-04)',
    );
  }
  const { properties } = schema;
  if (properties === undefined) return;
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    fail('.properties: expected an object');
  }
  for (const [name, property] of Object.entries(properties)) {
    if (typeof property !== 'object' || property === null || Array.isArray(property)) {
      // `true`/`false` are schemas in JSON Schema, but the MCP schema types each property as an object.
      fail(
        `.properties.${name}: expected an object schema (MCP 2025-11-25 allows no boolean here; {} accepts anything)`,
      );
    }
  }
}
