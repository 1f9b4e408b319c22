import { describe, expect, it } from 'vitest';
import { SettingsError, readSettings } from '../../../src/server/index.js';

const positive = (name: string, text: string | undefined): number => {
  const value = Number(text);
  if (!(value > 0)) throw new Error(`${name}: expected a positive number, got ${JSON.stringify(text)}`);
  return value;
};

describe('readSettings', () => {
  it('returns the settings when every one reads', () => {
    expect(readSettings((setting) => ({ a: setting(() => positive('A', '1'), 0), b: setting(() => 'x', '') }))).toEqual(
      {
        a: 1,
        b: 'x',
      },
    );
  });

  it('reports every bad setting at once, one line each', () => {
    const read = () =>
      readSettings((setting) => ({
        a: setting(() => positive('A', 'zero'), 0),
        b: setting(() => positive('B', '2'), 0),
        c: setting(() => positive('C', undefined), 0),
      }));
    expect(read).toThrow(SettingsError);
    expect(read).toThrow('A: expected a positive number, got "zero"\nC: expected a positive number, got undefined');
  });
});
