import { describe, expect, it } from 'vitest';
import { allowedTypes, checkValue } from '../../../src/cli/json-schema.js';
import type { JsonSchema } from '../../../src/cli/json-schema.js';

const paths = (value: unknown, schema: JsonSchema): string[] =>
  checkValue(value, schema).map((problem) => `${problem.path}: ${problem.message}`);

describe('checkValue', () => {
  it('checks types, naming the field and what came', () => {
    expect(paths({ n: '5' }, { type: 'object', properties: { n: { type: 'integer' } } })).toEqual([
      'n: expected an integer, got string "5"',
    ]);
    expect(paths('x', { type: 'object' })).toEqual(['(arguments): expected a JSON object, got string "x"']);
    expect(paths(1.5, { type: 'integer' })).toEqual(['(arguments): expected an integer, got number 1.5']);
  });

  it('checks nested objects and array items with their paths', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        filter: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
        tags: { type: 'array', items: { type: 'string', minLength: 2 } },
      },
    };
    expect(paths({ filter: {}, tags: ['ok', 7, 'x'] }, schema)).toEqual([
      'filter.city: required, but missing',
      'tags[1]: expected a string, got number 7',
      'tags[2]: expected at least 2 characters, got 1',
    ]);
  });

  it('checks minimum, maximum and their exclusive forms (draft 4 and later)', () => {
    expect(paths(0, { type: 'number', minimum: 1 })).toEqual(['(arguments): expected >= 1, got 0']);
    expect(paths(5, { type: 'number', exclusiveMaximum: 5 })).toEqual(['(arguments): expected < 5, got 5']);
    expect(paths(1, { type: 'number', minimum: 1, exclusiveMinimum: true })).toEqual([
      '(arguments): expected > 1, got 1',
    ]);
    expect(paths(3, { type: 'number', minimum: 1, maximum: 5 })).toEqual([]);
  });

  it('checks string length in code points', () => {
    expect(paths('😀😀', { type: 'string', maxLength: 2 })).toEqual([]);
    expect(paths('abc', { type: 'string', maxLength: 2 })).toEqual([
      '(arguments): expected at most 2 characters, got 3',
    ]);
  });

  it('checks additionalProperties as false and as a schema', () => {
    expect(paths({ a: 1 }, { type: 'object', properties: {}, additionalProperties: false })).toEqual([
      'a: unknown argument (this tool accepts no arguments)',
    ]);
    expect(paths({ a: 'x' }, { type: 'object', additionalProperties: { type: 'number' } })).toEqual([
      'a: expected a number, got string "x"',
    ]);
  });

  it('accepts a value matching any branch of anyOf and explains a value matching none', () => {
    const schema: JsonSchema = { anyOf: [{ type: 'string' }, { type: 'null' }] };
    expect(paths(null, schema)).toEqual([]);
    expect(paths('x', schema)).toEqual([]);
    expect(paths(3, schema)).toEqual(['(arguments): expected a string or null, got number 3']);
  });

  it('gives the precise problem of the one anyOf branch of the right type', () => {
    const schema: JsonSchema = { anyOf: [{ type: 'integer', maximum: 3 }, { type: 'null' }] };
    expect(paths(9, schema)).toEqual(['(arguments): expected <= 3, got 9']);
  });

  it('checks const and enum with deep equality', () => {
    expect(paths({ a: [1] }, { enum: [{ a: [1] }] })).toEqual([]);
    expect(paths('b', { const: 'a' })).toEqual(['(arguments): expected a, got string "b"']);
  });

  it('ignores keywords outside the subset rather than guessing', () => {
    expect(paths('not-an-email', { type: 'string', format: 'email', pattern: '^x' })).toEqual([]);
    expect(paths({ a: 1 }, { $ref: '#/$defs/thing' })).toEqual([]);
  });
});

describe('allowedTypes', () => {
  it('collects types from type, anyOf, enum and const', () => {
    expect(allowedTypes({ type: ['string', 'null'] })).toEqual(new Set(['string', 'null']));
    expect(allowedTypes({ anyOf: [{ type: 'integer' }, { type: 'boolean' }] })).toEqual(
      new Set(['integer', 'boolean']),
    );
    expect(allowedTypes({ enum: ['a', 1] })).toEqual(new Set(['string', 'integer']));
    expect(allowedTypes({ const: true })).toEqual(new Set(['boolean']));
    expect(allowedTypes({ description: 'anything' })).toBeUndefined();
    expect(allowedTypes({ anyOf: [{ type: 'string' }, {}] })).toBeUndefined();
  });
});
