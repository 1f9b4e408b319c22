/**
 * A small JSON Schema checker for the subset tools use to describe their arguments: `type`, `enum`, `const`,
 * `required`, `properties`, `additionalProperties`, `items`, `minimum`/`maximum` (and the exclusive forms),
 * `minLength`/`maxLength`, `minItems`/`maxItems`, `anyOf`/`oneOf`/`allOf`. Other keywords (`$ref`, `pattern`,
 * `format`, …) are not checked here: the server validates again, and the point of this check is a clear message
 * naming the field before anything is sent. Nothing in a schema is ever evaluated as code.
 */

import { describeValue } from '../protocol/describe-value.js';
import { closestNames, didYouMean } from '../protocol/did-you-mean.js';

/** The part of a JSON Schema this module understands; everything else is carried along unread. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  default?: unknown;
  required?: string[];
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema | JsonSchema[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  [keyword: string]: unknown;
}

/** One reason a value does not match: `path` is the dotted field name (`days`, `filter.city`, `tags[1]`). */
export interface SchemaProblem {
  path: string;
  message: string;
}

/** The name used for the arguments object itself in messages. */
export const ROOT_PATH = '(arguments)';

/** The JSON types a schema admits, or undefined when it does not restrict the type. */
export function allowedTypes(schema: JsonSchema | undefined): Set<string> | undefined {
  if (!isSchema(schema)) return undefined;
  if (typeof schema.type === 'string') return new Set([schema.type]);
  if (Array.isArray(schema.type)) return new Set(schema.type.filter((type) => typeof type === 'string'));
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches)) {
    const union = new Set<string>();
    for (const branch of branches) {
      const types = allowedTypes(branch);
      if (types === undefined) return undefined;
      for (const type of types) union.add(type);
    }
    return union;
  }
  if (Array.isArray(schema.enum)) return new Set(schema.enum.map(jsonTypeOf));
  if ('const' in schema) return new Set([jsonTypeOf(schema.const)]);
  return undefined;
}

/** The schema of `properties[name]`, or of extra properties when `additionalProperties` is a schema. */
export function propertySchema(schema: JsonSchema | undefined, name: string): JsonSchema | undefined {
  if (!isSchema(schema)) return undefined;
  const properties = isSchema(schema.properties) ? schema.properties : {};
  if (Object.hasOwn(properties, name)) return properties[name];
  return isSchema(schema.additionalProperties) ? schema.additionalProperties : undefined;
}

/** Every problem with `value` against `schema`, outermost first. An empty list means it matches. */
export function checkValue(value: unknown, schema: JsonSchema | undefined, path = ROOT_PATH): SchemaProblem[] {
  if (!isSchema(schema)) return [];
  const problems: SchemaProblem[] = [];
  const types = explicitTypes(schema);
  if (types && !types.some((type) => hasType(value, type))) {
    return [{ path, message: `expected ${describeTypes(types)}, got ${describeValue(value)}` }];
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((option) => isDeepEqual(option, value))) {
    const options = schema.enum.map(formatOption);
    const close = typeof value === 'string' ? closestNames(value, schema.enum.filter(isString)) : [];
    const hint = didYouMean(close, { prefix: '; ' });
    problems.push({ path, message: `expected one of ${options.join(', ')}, got ${describeValue(value)}${hint}` });
  }
  if ('const' in schema && !isDeepEqual(schema.const, value)) {
    problems.push({ path, message: `expected ${formatOption(schema.const)}, got ${describeValue(value)}` });
  }
  if (typeof value === 'number') problems.push(...checkNumber(value, schema, path));
  if (typeof value === 'string') problems.push(...checkLength(value, schema, path));
  if (Array.isArray(value)) problems.push(...checkArray(value, schema, path));
  else if (isPlainObject(value)) problems.push(...checkObject(value, schema, path));
  problems.push(...checkCombinations(value, schema, path));
  return problems;
}

function checkNumber(value: number, schema: JsonSchema, path: string): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const { minimum, maximum, exclusiveMinimum, exclusiveMaximum } = schema;
  // Draft 4 wrote `exclusiveMinimum: true` next to `minimum`; later drafts give the bound itself.
  const isMinimumExclusive = exclusiveMinimum === true;
  const isMaximumExclusive = exclusiveMaximum === true;
  if (typeof minimum === 'number' && (isMinimumExclusive ? value <= minimum : value < minimum)) {
    problems.push({ path, message: `expected ${isMinimumExclusive ? '>' : '>='} ${minimum}, got ${value}` });
  }
  if (typeof maximum === 'number' && (isMaximumExclusive ? value >= maximum : value > maximum)) {
    problems.push({ path, message: `expected ${isMaximumExclusive ? '<' : '<='} ${maximum}, got ${value}` });
  }
  if (typeof exclusiveMinimum === 'number' && value <= exclusiveMinimum) {
    problems.push({ path, message: `expected > ${exclusiveMinimum}, got ${value}` });
  }
  if (typeof exclusiveMaximum === 'number' && value >= exclusiveMaximum) {
    problems.push({ path, message: `expected < ${exclusiveMaximum}, got ${value}` });
  }
  return problems;
}

function checkLength(value: string, schema: JsonSchema, path: string): SchemaProblem[] {
  // JSON Schema counts code points, not UTF-16 units.
  const length = [...value].length;
  const problems: SchemaProblem[] = [];
  if (typeof schema.minLength === 'number' && length < schema.minLength) {
    problems.push({ path, message: `expected at least ${plural(schema.minLength, 'character')}, got ${length}` });
  }
  if (typeof schema.maxLength === 'number' && length > schema.maxLength) {
    problems.push({ path, message: `expected at most ${plural(schema.maxLength, 'character')}, got ${length}` });
  }
  return problems;
}

function checkArray(value: unknown[], schema: JsonSchema, path: string): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  if (typeof schema.minItems === 'number' && value.length < schema.minItems) {
    problems.push({ path, message: `expected at least ${plural(schema.minItems, 'item')}, got ${value.length}` });
  }
  if (typeof schema.maxItems === 'number' && value.length > schema.maxItems) {
    problems.push({ path, message: `expected at most ${plural(schema.maxItems, 'item')}, got ${value.length}` });
  }
  const { items } = schema;
  value.forEach((item, index) => {
    const itemSchema = Array.isArray(items) ? items[index] : items;
    problems.push(...checkValue(item, itemSchema, `${path}[${index}]`));
  });
  return problems;
}

function checkObject(value: Record<string, unknown>, schema: JsonSchema, path: string): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  const properties = isSchema(schema.properties) ? schema.properties : {};
  const known = Object.keys(properties);
  for (const name of Array.isArray(schema.required) ? schema.required : []) {
    if (value[name] === undefined) problems.push({ path: join(path, name), message: 'required, but missing' });
  }
  for (const [name, fieldValue] of Object.entries(value)) {
    if (Object.hasOwn(properties, name)) {
      problems.push(...checkValue(fieldValue, properties[name], join(path, name)));
    } else if (schema.additionalProperties === false) {
      const hint = didYouMean(closestNames(name, known));
      const accepted = known.length > 0 ? `accepted: ${known.join(', ')}` : 'this tool accepts no arguments';
      problems.push({ path: join(path, name), message: `unknown argument (${hint ? `${hint} ` : ''}${accepted})` });
    } else if (isSchema(schema.additionalProperties)) {
      problems.push(...checkValue(fieldValue, schema.additionalProperties, join(path, name)));
    }
  }
  return problems;
}

function checkCombinations(value: unknown, schema: JsonSchema, path: string): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  if (Array.isArray(schema.allOf)) {
    for (const branch of schema.allOf) problems.push(...checkValue(value, branch, path));
  }
  // oneOf is checked as anyOf: the aim is a helpful message, and the server has the final word.
  const branches = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(branches) && branches.length > 0) {
    const outcomes = branches.map((branch) => checkValue(value, branch, path));
    if (!outcomes.some((outcome) => outcome.length === 0)) {
      const types = allowedTypes({ anyOf: branches });
      // With one branch of the right type, its own problems are the most precise message.
      const sameType = outcomes.filter((_, index) =>
        explicitTypes(branches[index]!)?.some((type) => hasType(value, type)),
      );
      if (sameType.length === 1) problems.push(...sameType[0]!);
      else {
        problems.push({
          path,
          message: `expected ${types ? describeTypes([...types]) : 'a different value'}, got ${describeValue(value)}`,
        });
      }
    }
  }
  return problems;
}

function explicitTypes(schema: JsonSchema): string[] | undefined {
  if (typeof schema.type === 'string') return [schema.type];
  if (Array.isArray(schema.type)) return schema.type.filter(isString);
  return undefined;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isPlainObject(value);
    default:
      // An unknown type name is not ours to reject.
      return true;
  }
}

/** The JSON type name of a value: `integer` for whole numbers. */
export function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const TYPE_PHRASES: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'a boolean (true or false)',
  null: 'null',
  array: 'a JSON array',
  object: 'a JSON object',
};

/** `an integer`, `a string or null`. */
export function describeTypes(types: readonly string[]): string {
  const phrases = types.map((type) => TYPE_PHRASES[type] ?? type);
  return phrases.length <= 1 ? (phrases[0] ?? 'a value') : `${phrases.slice(0, -1).join(', ')} or ${phrases.at(-1)}`;
}

function formatOption(option: unknown): string {
  return typeof option === 'string' ? option : JSON.stringify(option);
}

function join(path: string, name: string): string {
  return path === ROOT_PATH ? name : `${path}.${name}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** JSON equality: same type, same members. */
export function isDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => isDeepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((key) => Object.hasOwn(b, key) && isDeepEqual(a[key], b[key]))
    );
  }
  return false;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSchema(value: unknown): value is JsonSchema {
  return isPlainObject(value);
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}
