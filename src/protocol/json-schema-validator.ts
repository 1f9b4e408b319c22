/**
 * JSON Schema validation shared by the server framework (arguments and results of tools declared with raw JSON
 * Schema) and the client (`structuredContent` against a listed tool's `outputSchema`).
 *
 * The validator is @cfworker/json-schema, loaded on first use: a server whose tools are all zod, and a client that
 * never checks an output schema, never load it. Measured on the 2-core machine this project targets (Node 20,
 * fresh process, one typical tool schema of five fields, median of 11 runs):
 *
 *   validator                 install   load (bundled)  compile  first check  steady check
 *   @cfworker/json-schema 4   680 KiB   1.8 ms          0.2 ms   1.1 ms       25 µs
 *   ajv 8 (ajv/dist/2020)     3.1 MiB   10.5 ms         103 ms   0.2 ms       2 µs
 *   @hyperjump/json-schema 1  2.2 MiB   222 ms          222 ms   0.3 ms       20 µs
 *   jsonschema 1.5            120 KiB   6.8 ms          0.1 ms   9.4 ms       82 µs (resolves `$anchor` wrongly)
 *
 * A CLI call is ~100–140 ms from start to answer and checks each schema a handful of times, so what counts is load
 * plus compile: ajv's code generation costs most of a whole call, cfworker's interpretation about 3 ms. cfworker
 * supports drafts 4, 7, 2019-09 and 2020-12 (SEP-1613 makes 2020-12 the default; servers in the wild still send
 * draft-07), evaluates no generated code, never fetches a `$ref` (SEP-2106 forbids dereferencing network URIs),
 * and reports every failing keyword with its instance location, from which the messages below name each field.
 */

import type * as CfWorker from '@cfworker/json-schema';
import { closestNames, didYouMean } from './did-you-mean.js';
import { describeValue } from './describe-value.js';

/** The dialects the validator speaks, as it names them. */
export type JsonSchemaDialect = '2020-12' | '2019-09' | '7' | '4';

/** One way a value fails its schema: where (keys and array indexes from the root, as strings) and what. */
export interface SchemaIssue {
  path: string[];
  message: string;
  /** The failing keyword's location in the schema as the validator walked it (`#/properties/a/$ref/type`). */
  schemaPath: string;
}

/** A schema ready to check values against. */
export interface CompiledJsonSchema {
  readonly dialect: JsonSchemaDialect;
  /** Every issue of `value`; none when it matches. */
  check(value: unknown): SchemaIssue[];
}

/**
 * A schema that cannot be used for checking: an unknown dialect, a `$ref` that leads outside the schema, or more
 * subschemas than `MAX_SUBSCHEMAS`.
 */
export class JsonSchemaError extends Error {
  override readonly name = 'JsonSchemaError';
  constructor(
    message: string,
    readonly reason: 'UNSUPPORTED_DIALECT' | 'UNRESOLVED_REF' | 'INVALID_SCHEMA' | 'TOO_LARGE',
  ) {
    super(message);
  }
}

/**
 * The most subschemas a schema may have. SEP-2106 asks for bounds, since a schema from a server is input to the
 * client: the whole MCP 2025-11-25 schema has 918, a tool's a few dozen.
 */
export const MAX_SUBSCHEMAS = 10_000;

/** `$schema` URIs as they are written in the wild: http or https, with or without the empty fragment. */
const DIALECTS: Record<string, JsonSchemaDialect> = {
  'json-schema.org/draft/2020-12/schema': '2020-12',
  'json-schema.org/draft/2019-09/schema': '2019-09',
  'json-schema.org/draft-07/schema': '7',
  // draft-06 is draft-07 without if/then/else and a few annotations: checked as draft-07, it means the same.
  'json-schema.org/draft-06/schema': '7',
  'json-schema.org/draft-04/schema': '4',
};

/**
 * The dialect a schema declares with `$schema`, JSON Schema 2020-12 when it declares none (the MCP default since
 * 2025-11-25), undefined for a dialect the validator does not speak.
 */
export function schemaDialect(schema: { $schema?: unknown }): JsonSchemaDialect | undefined {
  const declared = schema.$schema;
  if (declared === undefined) return '2020-12';
  if (typeof declared !== 'string') return undefined;
  return DIALECTS[declared.replace(/^https?:\/\//, '').replace(/#$/, '')];
}

type OutputUnit = CfWorker.OutputUnit;

let loading: Promise<typeof CfWorker> | undefined;

/** The validator, imported once. A literal specifier, so that esbuild puts it in the bundles (evaluated on use). */
function loadValidator(): Promise<typeof CfWorker> {
  return (loading ??= import('@cfworker/json-schema'));
}

/** Whether this process loaded the validator: never, for a server of zod tools alone (a test checks). */
export function isJsonSchemaValidatorLoaded(): boolean {
  return loading !== undefined;
}

/**
 * Compiles a JSON Schema (loading the validator the first time). The schema is copied first: the validator marks
 * the objects it walks, and the caller's object is what goes on the wire, untouched (it may even be frozen).
 * @throws JsonSchemaError for a dialect other than 2020-12, 2019-09, draft-07, -06 or -04, for a `$ref` that does
 * not resolve inside the schema (none is ever fetched), or for a schema that is not an object or a boolean.
 */
export async function compileJsonSchema(schema: object | boolean): Promise<CompiledJsonSchema> {
  const { validate, dereference } = await loadValidator();
  if (typeof schema === 'boolean') {
    return {
      dialect: '2020-12',
      check: (value) => (schema ? [] : [{ path: [], message: describeFalse(value), schemaPath: '#' }]),
    };
  }
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) {
    throw new JsonSchemaError('a schema must be an object or a boolean', 'INVALID_SCHEMA');
  }
  const dialect = schemaDialect(schema);
  if (dialect === undefined) {
    throw new JsonSchemaError(
      `$schema ${JSON.stringify((schema as { $schema?: unknown }).$schema)} is not a dialect this validator knows ` +
        '(JSON Schema 2020-12, 2019-09, draft-07, draft-06, draft-04)',
      'UNSUPPORTED_DIALECT',
    );
  }
  const root = structuredClone(schema) as Record<string, unknown>;
  let lookup: Record<string, CfWorker.Schema | boolean>;
  try {
    lookup = dereference(root);
  } catch (error) {
    throw new JsonSchemaError(error instanceof Error ? error.message : String(error), 'INVALID_SCHEMA');
  }
  const subschemas = Object.keys(lookup).length;
  if (subschemas > MAX_SUBSCHEMAS) {
    throw new JsonSchemaError(`the schema has ${subschemas} subschemas, more than ${MAX_SUBSCHEMAS}`, 'TOO_LARGE');
  }
  assertRefsResolve(lookup);
  const run = (value: unknown): OutputUnit[] => validate(value, root, dialect, lookup, false).errors;
  return {
    dialect,
    check(value) {
      let units: OutputUnit[];
      try {
        units = run(value);
      } catch {
        // Only values that JSON cannot carry get here (`undefined` inside an object, a function): check what the
        // wire will carry instead.
        value = JSON.parse(JSON.stringify(value ?? null)) as unknown;
        units = run(value);
      }
      return units.length === 0 ? [] : summarize(units, { root, lookup, value });
    },
  };
}

/**
 * `city: expected string, got number 5; days: expected at most 16, got number 40`: the shape zod's issues have in
 * the framework's messages. A problem with the value itself is named `rootName`.
 */
export function describeSchemaIssues(issues: readonly SchemaIssue[], rootName: string): string {
  return issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : rootName}: ${issue.message}`)
    .join('; ');
}

/** Every `$ref` must land in the schema: SEP-2106 forbids fetching, and an unresolved one must not pass silently. */
function assertRefsResolve(lookup: Record<string, CfWorker.Schema | boolean>): void {
  for (const node of Object.values(lookup)) {
    if (typeof node === 'boolean') continue;
    if (typeof node.__absolute_ref__ === 'string' && lookup[node.__absolute_ref__] === undefined) {
      throw new JsonSchemaError(
        `$ref ${JSON.stringify(node.$ref)} does not resolve inside the schema (references are never fetched)`,
        'UNRESOLVED_REF',
      );
    }
  }
}

interface Context {
  root: Record<string, unknown>;
  lookup: Record<string, CfWorker.Schema | boolean>;
  value: unknown;
}

/** Keywords whose failure only says that something below failed: the units after them say what. */
const WRAPPERS = new Set([
  '$ref',
  '$recursiveRef',
  'properties',
  'patternProperties',
  'additionalProperties',
  'unevaluatedProperties',
  'propertyNames',
  'items',
  'prefixItems',
  'additionalItems',
  'unevaluatedItems',
  'allOf',
  'if',
  'dependentSchemas',
]);

/** Wrappers of array items: a `false` below one is an item the array does not take. */
const ITEM_WRAPPERS = new Set(['items', 'additionalItems', 'unevaluatedItems']);

/**
 * The validator's units, in its depth-first order (a wrapper, then what failed below it), turned into one issue per
 * failing field. Alternatives (`anyOf`, `oneOf`) are judged as a whole, so that a value of the wrong kind does not
 * read as a list of every other kind's complaints.
 */
function summarize(units: readonly OutputUnit[], context: Context): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const seen = new Set<string>();
  const add = (issue: SchemaIssue): void => {
    const key = `${issue.path.join('\u0000')}\u0001${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  };
  for (let i = 0; i < units.length; i++) {
    const unit = units[i]!;
    if (unit.keyword === 'anyOf' || unit.keyword === 'oneOf') {
      const end = endOfGroup(units, i);
      for (const issue of alternatives(unit, units.slice(i + 1, end), context)) add(issue);
      i = end - 1;
    } else if (!WRAPPERS.has(unit.keyword)) {
      for (const issue of leafIssues(unit, units[i - 1], context)) add(issue);
    }
  }
  return issues;
}

/** The index after the last unit that belongs below `units[start]` (a wrapper of alternatives). */
function endOfGroup(units: readonly OutputUnit[], start: number): number {
  const prefix = `${units[start]!.keywordLocation}/`;
  let end = start + 1;
  // A `false` schema's unit carries its instance location where its keyword location belongs: it goes with the
  // unit before it (its wrapper, or the alternatives' own unit for `anyOf: [false, …]`).
  while (end < units.length && (units[end]!.keywordLocation.startsWith(prefix) || units[end]!.keyword === 'false')) {
    end++;
  }
  return end;
}

function alternatives(unit: OutputUnit, below: readonly OutputUnit[], context: Context): SchemaIssue[] {
  const location = unit.keywordLocation;
  const options = schemaAt(context, location);
  const count = Array.isArray(options) ? options.length : 0;
  const branches: OutputUnit[][] = Array.from({ length: count }, () => []);
  let current: OutputUnit[] | undefined;
  for (const child of below) {
    if (child.keyword !== 'false' || current === undefined) {
      const index = Number(child.keywordLocation.slice(location.length + 1).split('/')[0]);
      current = branches[index];
    }
    current?.push(child);
  }
  const path = pointerPath(unit.instanceLocation);
  const value = valueAt(context.value, path);
  if (unit.keyword === 'oneOf') {
    const matched = branches.filter((branch) => branch.length === 0).length;
    if (matched > 1) {
      return [
        { path, schemaPath: location, message: `matches ${matched} of the alternatives (oneOf), expected exactly one` },
      ];
    }
  }
  // A branch whose type, or whose constant field (a `type: "text"` discriminator), differs is not what was meant.
  const plausible = branches.filter(
    (branch) =>
      !branch.some(
        (child) =>
          (child.keyword === 'type' && child.instanceLocation === unit.instanceLocation) ||
          ((child.keyword === 'const' || child.keyword === 'enum') &&
            parentPointer(child.instanceLocation) === unit.instanceLocation),
      ),
  );
  if (plausible.length === 1) return summarize(plausible[0]!, context);
  if (plausible.length === 0) {
    const kinds = Array.isArray(options) ? options.map((option) => describeAlternative(option, context)) : [];
    const expected = kinds.every((kind) => kind !== undefined) ? `expected ${[...new Set(kinds)].join(' or ')}` : '';
    return [
      {
        path,
        schemaPath: location,
        message: `${expected || `matches none of the ${count} alternatives`}, got ${describeValue(value)}`,
      },
    ];
  }
  const reasons = plausible.map((branch) => describeSchemaIssues(summarize(branch, context), '(value)'));
  return [
    { path, schemaPath: location, message: `matches none of the ${count} alternatives (${reasons.join(' | ')})` },
  ];
}

/** What an alternative accepts, when one word says it: `"text"` for a constant, `string` for a type. */
function describeAlternative(option: unknown, context: Context): string | undefined {
  const schema = resolveRef(option, context);
  if (!isObject(schema)) return undefined;
  if ('const' in schema) return JSON.stringify(schema.const);
  const properties = schema.properties;
  if (isObject(properties)) {
    // An object told apart by a constant field: `an object with type "text"`.
    for (const [name, field] of Object.entries(properties)) {
      const resolved = resolveRef(field, context);
      if (isObject(resolved) && 'const' in resolved) {
        return `an object with ${name} ${JSON.stringify(resolved.const)}`;
      }
    }
  }
  return typeof schema.type === 'string' ? schema.type : undefined;
}

/** The issues one failing keyword stands for. `previous` is the unit before it (a `false` schema's wrapper). */
function leafIssues(unit: OutputUnit, previous: OutputUnit | undefined, context: Context): SchemaIssue[] {
  const path = pointerPath(unit.instanceLocation);
  const value = valueAt(context.value, path);
  const schema = schemaAt(context, parentPointer(unit.keywordLocation));
  const node = isObject(schema) ? schema : {};
  const keywordValue = node[unit.keyword];
  // A `false` schema's unit has no keyword location of its own (see endOfGroup): its wrapper's stands for it.
  const schemaPath = unit.keyword === 'false' && previous ? previous.keywordLocation : unit.keywordLocation;
  const plain = (message: string): SchemaIssue[] => [{ path, message, schemaPath }];
  switch (unit.keyword) {
    case 'type': {
      const types = Array.isArray(keywordValue) ? keywordValue.map(String) : [String(keywordValue)];
      return plain(`expected ${orList(types)}, got ${describeValue(value)}`);
    }
    case 'enum':
      return Array.isArray(keywordValue)
        ? plain(
            `expected one of ${keywordValue.map((item) => JSON.stringify(item)).join(', ')}, got ${describeValue(value)}`,
          )
        : plain(unit.error);
    case 'const':
      return plain(`expected ${JSON.stringify(keywordValue)}, got ${describeValue(value)}`);
    case 'required': {
      const missing = Array.isArray(keywordValue)
        ? keywordValue.filter((key): key is string => typeof key === 'string' && isObject(value) && !(key in value))
        : [];
      return missing.map((key) => ({ path: [...path, key], message: 'required, but missing', schemaPath }));
    }
    case 'false':
      if (previous?.keyword === 'additionalProperties' || previous?.keyword === 'unevaluatedProperties') {
        return plain(`unknown field${unknownFieldHint(path, previous, context)}`);
      }
      if (previous && ITEM_WRAPPERS.has(previous.keyword)) return plain(`unexpected item, got ${describeValue(value)}`);
      return plain(describeFalse(value));
    case 'minimum':
      return plain(`expected at least ${String(keywordValue)}, got ${describeValue(value)}`);
    case 'maximum':
      return plain(`expected at most ${String(keywordValue)}, got ${describeValue(value)}`);
    case 'exclusiveMinimum':
      return plain(
        `expected more than ${String(typeof keywordValue === 'number' ? keywordValue : node.minimum)}, got ${describeValue(value)}`,
      );
    case 'exclusiveMaximum':
      return plain(
        `expected less than ${String(typeof keywordValue === 'number' ? keywordValue : node.maximum)}, got ${describeValue(value)}`,
      );
    case 'multipleOf':
      return plain(`expected a multiple of ${String(keywordValue)}, got ${describeValue(value)}`);
    case 'minLength':
      return plain(`expected at least ${String(keywordValue)} characters, got ${describeValue(value)}`);
    case 'maxLength':
      return plain(`expected at most ${String(keywordValue)} characters, got ${describeValue(value)}`);
    case 'pattern':
      return plain(`expected to match /${String(keywordValue)}/, got ${describeValue(value)}`);
    case 'format':
      return plain(`expected ${String(keywordValue)} format, got ${describeValue(value)}`);
    case 'minItems':
      return plain(`expected at least ${String(keywordValue)} items, got ${Array.isArray(value) ? value.length : 0}`);
    case 'maxItems':
      return plain(`expected at most ${String(keywordValue)} items, got ${Array.isArray(value) ? value.length : 0}`);
    case 'uniqueItems':
      return plain('expected unique items, got duplicates');
    case 'minProperties':
      return plain(
        `expected at least ${String(keywordValue)} fields, got ${isObject(value) ? Object.keys(value).length : 0}`,
      );
    case 'maxProperties':
      return plain(
        `expected at most ${String(keywordValue)} fields, got ${isObject(value) ? Object.keys(value).length : 0}`,
      );
    case 'not':
      return plain('matches a schema it must not match (not)');
    default:
      // Keywords rare in tool schemas (contains, dependentRequired, dependencies): the validator's own words.
      return plain(unit.error.replace(/\.$/, ''));
  }
}

/** `; did you mean "city"?` for a field that is not declared but is close to one that is. */
function unknownFieldHint(path: readonly string[], wrapper: OutputUnit, context: Context): string {
  const schema = schemaAt(context, parentPointer(wrapper.keywordLocation));
  const declared = isObject(schema) && isObject(schema.properties) ? Object.keys(schema.properties) : [];
  const name = path.at(-1);
  return name === undefined ? '' : didYouMean(closestNames(name, declared), { prefix: ', ' });
}

function describeFalse(value: unknown): string {
  return `no value is allowed here, got ${describeValue(value)}`;
}

/** The schema node at a keyword location (`#/properties/a/$ref/properties/b`), following `$ref`s on the way. */
function schemaAt(context: Context, location: string): unknown {
  let node: unknown = context.root;
  for (const segment of pointerPath(location)) {
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    const target =
      segment === '$ref' && isObject(node) ? (node as { __absolute_ref__?: unknown }).__absolute_ref__ : undefined;
    node = typeof target === 'string' ? context.lookup[target] : (node as Record<string, unknown>)[segment];
  }
  return node;
}

function resolveRef(schema: unknown, context: Context): unknown {
  const target = isObject(schema) ? (schema as { __absolute_ref__?: unknown }).__absolute_ref__ : undefined;
  return typeof target === 'string' ? context.lookup[target] : schema;
}

/** `#/to/2/a~1b` → `['to', '2', 'a/b']` (the validator percent-encodes and escapes each segment). */
function pointerPath(pointer: string): string[] {
  const body = pointer.startsWith('#') ? pointer.slice(1) : pointer;
  if (body === '' || body === '/') return [];
  return body
    .slice(1)
    .split('/')
    .map((segment) => safeDecode(segment).replace(/~1/g, '/').replace(/~0/g, '~'));
}

function parentPointer(pointer: string): string {
  const slash = pointer.lastIndexOf('/');
  return slash <= 0 ? '#' : pointer.slice(0, slash);
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function valueAt(value: unknown, path: readonly string[]): unknown {
  let node = value;
  for (const key of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

function orList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? 'nothing') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)!}`;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
