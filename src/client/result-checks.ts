/**
 * Checks of what a server answers. A server is another program and may be wrong; these cheap, hand-written checks
 * catch the shapes the host relies on and name the field at fault, instead of failing later on `undefined`.
 */

import { McpHostError } from '../protocol/errors.js';
import { JsonSchemaError, compileJsonSchema, describeSchemaIssues } from '../protocol/json-schema-validator.js';
import type { CompiledJsonSchema } from '../protocol/json-schema-validator.js';
import { METHOD } from '../protocol/methods.js';
import type { CallToolResult, Tool } from '../protocol/types.js';

type Check = (value: unknown, path: string) => string | undefined;

/** Throws PROTOCOL_VIOLATION naming the first field that is wrong. */
export function checkResult(method: string, value: unknown, check: Check): void {
  const problem = check(value, 'result');
  if (problem !== undefined) {
    throw new McpHostError('PROTOCOL_VIOLATION', `Invalid ${method} response: ${problem}`, { method });
  }
}

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An object whose `key` is an array of items that each pass `item`. */
export function listOf(key: string, item: Check): Check {
  return (value, path) => {
    if (!isObject(value)) return `${path}: expected an object`;
    const items = value[key];
    if (!Array.isArray(items)) return `${path}.${key}: expected an array`;
    for (let i = 0; i < items.length; i++) {
      const problem = item(items[i], `${path}.${key}[${i}]`);
      if (problem !== undefined) return problem;
    }
    if (value.nextCursor !== undefined && typeof value.nextCursor !== 'string') {
      return `${path}.nextCursor: expected a string`;
    }
    return undefined;
  };
}

/** An object with these string fields present. */
export function withStrings(...keys: string[]): Check {
  return (value, path) => {
    if (!isObject(value)) return `${path}: expected an object`;
    for (const key of keys) {
      if (typeof value[key] !== 'string') return `${path}.${key}: expected a string`;
    }
    return undefined;
  };
}

export const TOOL: Check = (value, path) =>
  withStrings('name')(value, path) ??
  (isObject((value as Record<string, unknown>).inputSchema) ? undefined : `${path}.inputSchema: expected an object`);

export const CALL_TOOL_RESULT: Check = (value, path) => {
  if (!isObject(value)) return `${path}: expected an object`;
  if (!Array.isArray(value.content)) return `${path}.content: expected an array`;
  for (let i = 0; i < value.content.length; i++) {
    const block: unknown = value.content[i];
    if (!isObject(block) || typeof block.type !== 'string') return `${path}.content[${i}].type: expected a string`;
  }
  if (value.structuredContent !== undefined && !isObject(value.structuredContent)) {
    return `${path}.structuredContent: expected an object`;
  }
  return undefined;
};

/** Each content is text or a blob (base64), as a string: what a reader writes out as bytes. */
export const READ_RESOURCE_RESULT: Check = listOf(
  'contents',
  (value, path) =>
    withStrings('uri')(value, path) ??
    (typeof (value as Record<string, unknown>).text === 'string' ||
    typeof (value as Record<string, unknown>).blob === 'string'
      ? undefined
      : `${path}: expected a string "text" or "blob"`),
);

export const GET_PROMPT_RESULT: Check = listOf('messages', (value, path) =>
  isObject(value) && isObject(value.content) ? undefined : `${path}.content: expected an object`,
);

export const COMPLETE_RESULT: Check = (value, path) =>
  isObject(value) && isObject(value.completion) && Array.isArray(value.completion.values)
    ? undefined
    : `${path}.completion.values: expected an array`;

/**
 * The output schemas of the tools a client listed, each compiled once (on the first result it checks) and kept
 * while the tool's schema stays the same. `structuredContent` is checked only against a schema the client has
 * seen in `tools/list`: a client that calls without listing checks nothing, and never waits for the validator.
 */
export class OutputSchemaChecks {
  private readonly tools = new Map<string, { text: string; schema: object; compiled?: Promise<CompiledJsonSchema> }>();

  /** Takes the schemas of a full listing; a tool missing from it, or listed without a schema, is no longer checked. */
  remember(tools: readonly Tool[]): void {
    const previous = new Map(this.tools);
    this.tools.clear();
    for (const tool of tools) {
      if (!isObject(tool.outputSchema)) continue;
      const text = JSON.stringify(tool.outputSchema);
      const known = previous.get(tool.name);
      this.tools.set(tool.name, known?.text === text ? known : { text, schema: tool.outputSchema });
    }
  }

  /** The list changed (`notifications/tools/list_changed`): what was listed may be stale until listed again. */
  forget(): void {
    this.tools.clear();
  }

  /**
   * Checks a result of `tools/call` against the tool's `outputSchema`, when the client listed one: a result that is
   * not an error must carry `structuredContent` (the spec: servers MUST provide structured results that conform),
   * and it must match. A schema in a dialect the validator does not speak is not checked.
   * @throws McpHostError `PROTOCOL_VIOLATION` naming the tool and every field at fault.
   */
  async check(server: string, toolName: string, result: CallToolResult): Promise<void> {
    const known = this.tools.get(toolName);
    if (known === undefined || result.isError === true) return;
    const violation = (problem: string): McpHostError =>
      new McpHostError('PROTOCOL_VIOLATION', `${server}: tool "${toolName}" ${problem}`, {
        server,
        method: METHOD.TOOLS_CALL,
        tool: toolName,
      });
    if (result.structuredContent === undefined) {
      throw violation('declares an outputSchema, but its result has no structuredContent');
    }
    let validator: CompiledJsonSchema;
    try {
      validator = await (known.compiled ??= compileJsonSchema(known.schema));
    } catch (error) {
      if (error instanceof JsonSchemaError && error.reason === 'UNSUPPORTED_DIALECT') return;
      throw violation(
        `has an outputSchema that cannot be checked: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    const issues = validator.check(result.structuredContent);
    if (issues.length > 0) {
      const named = issues.map((issue) => ({ ...issue, path: ['structuredContent', ...issue.path] }));
      throw violation(
        `returned structuredContent that does not match its outputSchema: ${describeSchemaIssues(named, 'structuredContent')}`,
      );
    }
  }
}
