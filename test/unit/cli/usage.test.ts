import { describe, expect, it } from 'vitest';
import type { JsonSchema } from '../../../src/cli/json-schema.js';
import { placeholderFor, summarizeFields, usageLine } from '../../../src/cli/usage.js';

const FORECAST: JsonSchema = {
  type: 'object',
  properties: {
    city: { type: 'string', description: 'City name' },
    days: { type: 'integer', minimum: 1, maximum: 16, default: 3 },
    units: { type: 'string', enum: ['metric', 'imperial'] },
  },
  required: ['city'],
  additionalProperties: false,
};

describe('usageLine', () => {
  it('writes required fields bare and optional ones in brackets, in declaration order', () => {
    expect(usageLine('weather.get_forecast', FORECAST)).toBe(
      'weather.get_forecast city=<string> [days=<integer 1..16>] [units=metric|imperial]',
    );
  });

  it('ends with [key=value ...] for a tool without declared fields that accepts any', () => {
    expect(usageLine('x.any', { type: 'object' })).toBe('x.any [key=value ...]');
    expect(usageLine('x.none', { type: 'object', properties: {}, additionalProperties: false })).toBe('x.none');
  });
});

describe('placeholderFor', () => {
  it.each<[JsonSchema, string]>([
    [{ type: 'boolean' }, 'true|false'],
    [{ type: 'number', minimum: 0 }, '<number >=0>'],
    [{ type: 'number', exclusiveMinimum: 0, maximum: 1 }, '<number >0 <=1>'],
    [{ type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER }, '<integer >=1>'],
    [{ type: 'array', items: { type: 'string' } }, '<JSON array of string>'],
    [{ type: 'object' }, '<JSON object>'],
    [{ type: 'string', format: 'uri' }, '<string uri>'],
    [{ type: ['string', 'null'] }, '<string|null>'],
    [{ anyOf: [{ type: 'string' }, { type: 'null' }] }, '<string|null>'],
    [{ enum: ['a b', 'c'] }, '"a b"|c'],
    [{ const: 'only' }, 'only'],
    [{}, '<value>'],
  ])('%j → %s', (schema, expected) => {
    expect(placeholderFor(schema)).toBe(expected);
  });
});

describe('summarizeFields', () => {
  it('describes each field with requiredness, description and default', () => {
    expect(summarizeFields(FORECAST)).toEqual([
      { name: 'city', placeholder: '<string>', isRequired: true, description: 'City name' },
      { name: 'days', placeholder: '<integer 1..16>', isRequired: false, default: 3 },
      { name: 'units', placeholder: 'metric|imperial', isRequired: false },
    ]);
  });
});
