/**
 * zod at the edge of a server: declared schemas become the JSON Schema that clients see, and failed checks become
 * messages that name the field, what was expected and what came.
 */

import * as z from 'zod';
import type { ObjectJsonSchema } from '../protocol/types.js';

/** A zod object schema, the only shape MCP allows for tool input and output. */
export type ObjectSchema = z.ZodObject<z.ZodRawShape>;

/**
 * The JSON Schema of a zod object, as published in `inputSchema`/`outputSchema`. `io` picks the side: `input`
 * (fields with defaults are optional) for arguments, `output` for results.
 */
export function toObjectJsonSchema(schema: ObjectSchema, io: 'input' | 'output'): ObjectJsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as ObjectJsonSchema;
  return json;
}

/**
 * `city: Invalid input: expected string, received number; days: Too big: expected number to be <=16`.
 * The path is dotted (`record.email`, `to.2`); a problem with the object itself is named `(arguments)`.
 */
export function describeIssues(error: z.ZodError, rootName = '(arguments)'): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.map(String).join('.') : rootName;
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}

/** The description a field was given with `.describe()`, if any. */
export function fieldDescription(schema: z.ZodType): string | undefined {
  return schema.description;
}
