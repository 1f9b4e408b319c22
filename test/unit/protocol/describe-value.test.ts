import { describe, expect, it } from 'vitest';
import { describeValue } from '../../../src/protocol/describe-value.js';

describe('describeValue', () => {
  it('names a scalar by its type and value', () => {
    expect(describeValue('5')).toBe('string "5"');
    expect(describeValue(0)).toBe('number 0');
    expect(describeValue(1.5)).toBe('number 1.5');
    expect(describeValue(false)).toBe('boolean false');
    expect(describeValue(null)).toBe('null');
  });

  it('names a container or a missing value without printing it', () => {
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue([1, 2])).toBe('an array');
    expect(describeValue({ a: 1 })).toBe('an object');
    expect(describeValue(10n)).toBe('bigint');
  });

  it('quotes a string as JSON and cuts it after 40 characters', () => {
    expect(describeValue('say "hi"\n')).toBe('string "say \\"hi\\"\\n"');
    expect(describeValue('x'.repeat(41))).toBe(`string "${'x'.repeat(40)}…"`);
    expect(describeValue('x'.repeat(40))).toBe(`string "${'x'.repeat(40)}"`);
  });
});
