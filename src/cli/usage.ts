/**
 * A tool's input schema as a person reads it: the usage line
 * `weather.get_forecast city=<string> [days=<integer 1..16>] [units=metric|imperial]`, and one row per field.
 */

import { allowedTypes, isPlainObject } from './json-schema.js';
import type { JsonSchema } from './json-schema.js';

/** One argument of a tool, described for the `schema` command. */
export interface FieldSummary {
  name: string;
  /** `<integer 1..16>`, `metric|imperial`, `true|false`. */
  placeholder: string;
  isRequired: boolean;
  description?: string;
  default?: unknown;
}

/** `target field=<type> [optional=<type>] …`; a schema without properties ends in `[key=value ...]`. */
export function usageLine(target: string, schema: JsonSchema | undefined): string {
  const fields = summarizeFields(schema);
  const parts = fields.map((field) => {
    const assignment = `${field.name}=${field.placeholder}`;
    return field.isRequired ? assignment : `[${assignment}]`;
  });
  if (fields.length === 0 && schema?.additionalProperties !== false) parts.push('[key=value ...]');
  return [target, ...parts].join(' ');
}

/** The top-level fields of an object schema, in declaration order. */
export function summarizeFields(schema: JsonSchema | undefined): FieldSummary[] {
  const properties = isPlainObject(schema?.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema?.required) ? schema.required : []);
  return Object.entries(properties).map(([name, field]) => ({
    name,
    placeholder: placeholderFor(field),
    isRequired: required.has(name),
    ...(typeof field.description === 'string' && { description: field.description }),
    ...(field.default !== undefined && { default: field.default }),
  }));
}

/** How a value for this schema is written on the command line. */
export function placeholderFor(schema: JsonSchema | undefined): string {
  if (!isPlainObject(schema)) return '<value>';
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum.map(formatLiteral).join('|');
  if ('const' in schema) return formatLiteral(schema.const);
  const branches = schema.anyOf ?? schema.oneOf;
  if (schema.type === undefined && Array.isArray(branches) && branches.length > 0) {
    const alternatives = branches.map((branch) => stripBrackets(placeholderFor(branch)));
    return `<${[...new Set(alternatives)].join('|')}>`;
  }
  const types = allowedTypes(schema);
  if (types === undefined) return '<value>';
  const names = [...types];
  if (names.length === 1 && names[0] === 'boolean') return 'true|false';
  return `<${names.map((type) => describeType(type, schema)).join('|')}>`;
}

function describeType(type: string, schema: JsonSchema): string {
  switch (type) {
    case 'integer':
    case 'number': {
      const range = describeRange(schema);
      return range ? `${type} ${range}` : type;
    }
    case 'array': {
      const items = Array.isArray(schema.items) ? undefined : schema.items;
      const itemTypes = allowedTypes(items);
      return itemTypes ? `JSON array of ${[...itemTypes].join('|')}` : 'JSON array';
    }
    case 'object':
      return 'JSON object';
    case 'string':
      return typeof schema.format === 'string' ? `string ${schema.format}` : 'string';
    default:
      return type;
  }
}

/** `1..16`, `>=1`, `<10`, or undefined without bounds. */
function describeRange(schema: JsonSchema): string | undefined {
  const low = lowerBound(schema);
  const high = upperBound(schema);
  if (low && high && !low.isExclusive && !high.isExclusive) return `${low.value}..${high.value}`;
  const parts = [
    low && `${low.isExclusive ? '>' : '>='}${low.value}`,
    high && `${high.isExclusive ? '<' : '<='}${high.value}`,
  ].filter((part): part is string => typeof part === 'string');
  return parts.length > 0 ? parts.join(' ') : undefined;
}

interface Bound {
  value: number;
  isExclusive: boolean;
}

function lowerBound(schema: JsonSchema): Bound | undefined {
  if (isMeaningfulBound(schema.exclusiveMinimum)) return { value: schema.exclusiveMinimum, isExclusive: true };
  if (isMeaningfulBound(schema.minimum)) {
    return { value: schema.minimum, isExclusive: schema.exclusiveMinimum === true };
  }
  return undefined;
}

function upperBound(schema: JsonSchema): Bound | undefined {
  if (isMeaningfulBound(schema.exclusiveMaximum)) return { value: schema.exclusiveMaximum, isExclusive: true };
  if (isMeaningfulBound(schema.maximum)) {
    return { value: schema.maximum, isExclusive: schema.exclusiveMaximum === true };
  }
  return undefined;
}

/** zod writes the safe-integer limits into every `int()`; they say nothing a person needs to read. */
function isMeaningfulBound(value: unknown): value is number {
  return typeof value === 'number' && Math.abs(value) < Number.MAX_SAFE_INTEGER;
}

/** Enum members as typed on the command line: plain words bare, anything else as JSON. */
function formatLiteral(value: unknown): string {
  if (typeof value === 'string' && /^[\w.:/@+-]+$/.test(value)) return value;
  return JSON.stringify(value);
}

function stripBrackets(placeholder: string): string {
  return placeholder.startsWith('<') && placeholder.endsWith('>') ? placeholder.slice(1, -1) : placeholder;
}
