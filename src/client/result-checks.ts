/**
 * Checks of what a server answers. A server is another program and may be wrong; these cheap, hand-written checks
 * catch the shapes the host relies on and name the field at fault, instead of failing later on `undefined`.
 */

import { McpHostError } from '../protocol/errors.js';

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
