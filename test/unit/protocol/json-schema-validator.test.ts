import { describe, expect, it } from 'vitest';
import {
  JsonSchemaError,
  MAX_SUBSCHEMAS,
  compileJsonSchema,
  describeSchemaIssues,
  schemaDialect,
} from '../../../src/protocol/json-schema-validator.js';

/** The conformance suite's SEP-2106 schema (src/scenarios/server/json-schema-2020-12.ts), plus `$anchor` in use. */
const SEP_2106 = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  type: 'object',
  $defs: {
    address: {
      $anchor: 'addressDef',
      type: 'object',
      properties: { street: { type: 'string' }, city: { type: 'string' } },
    },
  },
  properties: {
    name: { type: 'string' },
    address: { $ref: '#/$defs/address' },
    home: { $ref: '#addressDef' },
    contactMethod: { type: 'string', enum: ['phone', 'email'] },
    phone: { type: 'string' },
    email: { type: 'string' },
  },
  allOf: [{ anyOf: [{ required: ['phone'] }, { required: ['email'] }] }],
  if: { properties: { contactMethod: { const: 'phone' } }, required: ['contactMethod'] },
  then: { required: ['phone'] },
  else: { required: ['email'] },
  additionalProperties: false,
};

async function problems(schema: object, value: unknown): Promise<string> {
  return describeSchemaIssues((await compileJsonSchema(schema)).check(value), '(arguments)');
}

describe('schemaDialect', () => {
  it('defaults to 2020-12 and reads the URIs written in the wild, with or without the fragment and TLS', () => {
    expect(schemaDialect({})).toBe('2020-12');
    expect(schemaDialect({ $schema: 'https://json-schema.org/draft/2020-12/schema' })).toBe('2020-12');
    expect(schemaDialect({ $schema: 'http://json-schema.org/draft-07/schema#' })).toBe('7');
    expect(schemaDialect({ $schema: 'https://json-schema.org/draft-07/schema' })).toBe('7');
    expect(schemaDialect({ $schema: 'http://json-schema.org/draft-04/schema#' })).toBe('4');
    expect(schemaDialect({ $schema: 'https://json-schema.org/draft/2019-09/schema' })).toBe('2019-09');
    expect(schemaDialect({ $schema: 'https://example.com/my-dialect' })).toBeUndefined();
    expect(schemaDialect({ $schema: 7 })).toBeUndefined();
  });
});

describe('compileJsonSchema', () => {
  it('accepts what the SEP-2106 schema accepts', async () => {
    expect(await problems(SEP_2106, { contactMethod: 'phone', phone: '1', address: { city: 'Lyon' } })).toBe('');
    expect(await problems(SEP_2106, { email: 'a@b.c', home: { street: 'Rue' } })).toBe('');
  });

  it('names every bad field at once, through $ref and $anchor', async () => {
    expect(
      await problems(SEP_2106, { email: 'e', address: { city: 3 }, home: { street: 4 }, contactMethod: 'fax' }),
    ).toBe(
      'address.city: expected string, got number 3; home.street: expected string, got number 4; ' +
        'contactMethod: expected one of "phone", "email", got string "fax"',
    );
  });

  it('reports if/then/else by the field the branch requires', async () => {
    expect(await problems(SEP_2106, { contactMethod: 'phone', email: 'e' })).toBe('phone: required, but missing');
  });

  it('reports alternatives that all fail as one issue with each reason', async () => {
    expect(await problems(SEP_2106, {})).toBe(
      '(arguments): matches none of the 2 alternatives (phone: required, but missing | email: required, but missing); ' +
        'email: required, but missing',
    );
  });

  it('names an unknown field and suggests the declared one it is close to', async () => {
    expect(await problems(SEP_2106, { email: 'e', emial: 'x' })).toBe('emial: unknown field, did you mean "email"?');
  });

  it('follows the branch of a union that the value meant, told apart by a constant field', async () => {
    const block = {
      type: 'object',
      properties: {
        block: {
          anyOf: [
            {
              type: 'object',
              properties: { type: { const: 'text' }, text: { type: 'string' } },
              required: ['type', 'text'],
            },
            {
              type: 'object',
              properties: { type: { const: 'image' }, data: { type: 'string' } },
              required: ['type', 'data'],
            },
          ],
        },
      },
    };
    expect(await problems(block, { block: { type: 'text', text: 5 } })).toBe(
      'block.text: expected string, got number 5',
    );
    expect(await problems(block, { block: { type: 'video' } })).toBe(
      'block: expected an object with type "text" or an object with type "image", got an object',
    );
    expect(
      await problems({ properties: { n: { anyOf: [{ type: 'number' }, { type: 'string' }] } } }, { n: true }),
    ).toBe('n: expected number or string, got boolean true');
    expect(await problems({ properties: { n: { oneOf: [{ type: 'number' }, { type: 'integer' }] } } }, { n: 1 })).toBe(
      'n: matches 2 of the alternatives (oneOf), expected exactly one',
    );
  });

  it('says what each common keyword expected', async () => {
    const schema = {
      type: 'object',
      properties: {
        days: { type: 'integer', minimum: 1, maximum: 16 },
        city: { type: 'string', minLength: 2, pattern: '^[A-Z]' },
        when: { type: 'string', format: 'date-time' },
        tags: { type: 'array', items: { type: 'string' }, maxItems: 2, uniqueItems: true },
        unit: { const: 'metric' },
      },
      required: ['days', 'city'],
    };
    expect(await problems(schema, { days: 0, city: 'p', when: 'tomorrow', tags: ['a', 'a', 3], unit: 'si' })).toBe(
      [
        'days: expected at least 1, got number 0',
        'city: expected at least 2 characters, got string "p"',
        'city: expected to match /^[A-Z]/, got string "p"',
        'when: expected date-time format, got string "tomorrow"',
        'tags: expected at most 2 items, got 3',
        'tags.2: expected string, got number 3',
        'tags: expected unique items, got duplicates',
        'unit: expected "metric", got string "si"',
      ].join('; '),
    );
    expect(await problems(schema, { days: 2.5 })).toBe(
      'city: required, but missing; days: expected integer, got number 2.5',
    );
    expect(await problems(schema, [])).toBe('(arguments): expected object, got an array');
  });

  it('tolerates draft-07, with its own meaning of items and $ref', async () => {
    const point = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      definitions: {
        point: { type: 'array', items: [{ type: 'number' }, { type: 'number' }], additionalItems: false },
      },
      properties: { at: { $ref: '#/definitions/point' } },
      required: ['at'],
    };
    expect((await compileJsonSchema(point)).dialect).toBe('7');
    expect(await problems(point, { at: [1, 2] })).toBe('');
    expect(await problems(point, { at: [1, 'x', 3] })).toBe(
      'at.1: expected number, got string "x"; at.2: unexpected item, got number 3',
    );
  });

  it('never fetches: a $ref outside the schema is refused when compiling', async () => {
    const remote = { type: 'object', properties: { a: { $ref: 'https://example.com/schemas/a.json' } } };
    await expect(compileJsonSchema(remote)).rejects.toThrow(
      new JsonSchemaError(
        '$ref "https://example.com/schemas/a.json" does not resolve inside the schema (references are never fetched)',
        'UNRESOLVED_REF',
      ),
    );
    await expect(compileJsonSchema({ $schema: 'https://example.com/dialect' })).rejects.toMatchObject({
      reason: 'UNSUPPORTED_DIALECT',
    });
  });

  it('refuses a schema with more subschemas than MAX_SUBSCHEMAS, a bound SEP-2106 asks for', async () => {
    const properties = Object.fromEntries(
      Array.from({ length: MAX_SUBSCHEMAS }, (_, i) => [`p${i}`, { type: 'string' }]),
    );
    await expect(compileJsonSchema({ type: 'object', properties })).rejects.toMatchObject({
      reason: 'TOO_LARGE',
      message: `the schema has ${MAX_SUBSCHEMAS + 1} subschemas, more than ${MAX_SUBSCHEMAS}`,
    });
  });

  it('leaves the schema it was given untouched, even a frozen one', async () => {
    const deepFreeze = <T>(value: T): T => {
      if (typeof value === 'object' && value !== null) for (const item of Object.values(value)) deepFreeze(item);
      return Object.freeze(value);
    };
    const schema = deepFreeze(structuredClone(SEP_2106));
    const before = JSON.stringify(schema);
    expect(await problems(schema, { email: 'e', address: { city: 1 } })).toBe(
      'address.city: expected string, got number 1',
    );
    expect(JSON.stringify(schema)).toBe(before);
    expect(Object.getOwnPropertyNames(schema.properties.address)).toEqual(['$ref']);
  });

  it('checks what JSON would carry of a value holding undefined', async () => {
    const schema = { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false };
    expect(await problems(schema, { a: undefined, b: 1 })).toBe('b: unknown field');
  });

  it('takes boolean schemas', async () => {
    expect(await problems({ type: 'object', properties: { a: false } }, { a: 1 })).toBe(
      'a: no value is allowed here, got number 1',
    );
    expect(describeSchemaIssues((await compileJsonSchema(false)).check(1), '(value)')).toBe(
      '(value): no value is allowed here, got number 1',
    );
  });
});
