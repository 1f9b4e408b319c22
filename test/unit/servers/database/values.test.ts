import { describe, expect, it } from 'vitest';
import { cellJsonBytes, toBindValue, toCellValue, toRow, uniqueNames } from '../../../../servers/database/values.js';

describe('toCellValue', () => {
  it('keeps strings, finite numbers and null', () => {
    expect(toCellValue('text')).toBe('text');
    expect(toCellValue(1.5)).toBe(1.5);
    expect(toCellValue(null)).toBeNull();
  });

  it('turns bigints that fit a double into numbers', () => {
    expect(toCellValue(42n)).toBe(42);
    expect(toCellValue(BigInt(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(toCellValue(BigInt(Number.MIN_SAFE_INTEGER))).toBe(Number.MIN_SAFE_INTEGER);
  });

  it('turns larger integers into exact decimal strings', () => {
    expect(toCellValue(9223372036854775807n)).toBe('9223372036854775807');
    expect(toCellValue(-9007199254740992n)).toBe('-9007199254740992');
  });

  it('turns BLOBs into base64 objects', () => {
    expect(toCellValue(Buffer.from([0, 255, 16]))).toEqual({ base64: 'AP8Q' });
    expect(toCellValue(new Uint8Array([1, 2]).subarray(1))).toEqual({ base64: 'Ag==' });
  });

  it('turns infinities into strings rather than null', () => {
    expect(toCellValue(Infinity)).toBe('Infinity');
    expect(toCellValue(-Infinity)).toBe('-Infinity');
  });

  it('refuses a type SQLite never returns', () => {
    expect(() => toCellValue({})).toThrow(/object/);
  });
});

describe('toBindValue', () => {
  it('binds whole numbers as integers and fractions as reals', () => {
    expect(toBindValue(3)).toBe(3n);
    expect(toBindValue(2.5)).toBe(2.5);
    expect(toBindValue(1e300)).toBe(1e300);
  });

  it('binds booleans as 1 and 0', () => {
    expect(toBindValue(true)).toBe(1);
    expect(toBindValue(false)).toBe(0);
  });

  it('binds base64 objects as BLOBs and passes strings and null through', () => {
    expect(toBindValue({ base64: 'AP8Q' })).toEqual(Buffer.from([0, 255, 16]));
    expect(toBindValue("x'); DROP TABLE users; --")).toBe("x'); DROP TABLE users; --");
    expect(toBindValue(null)).toBeNull();
  });
});

describe('uniqueNames and toRow', () => {
  it('keeps distinct names as they are', () => {
    expect(uniqueNames(['id', 'name'])).toEqual(['id', 'name']);
  });

  it('suffixes repeated names without colliding with existing ones', () => {
    expect(uniqueNames(['id', 'id', 'id'])).toEqual(['id', 'id_2', 'id_3']);
    expect(uniqueNames(['id', 'id_2', 'id'])).toEqual(['id', 'id_2', 'id_3']);
  });

  it('renames __proto__, which would otherwise set the prototype of the row', () => {
    expect(uniqueNames(['__proto__'])).toEqual(['__proto___2']);
    const row = toRow(uniqueNames(['__proto__', 'a']), [1n, 'x']);
    expect(row).toEqual({ __proto___2: 1, a: 'x' });
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
  });

  it('builds a row from values in column order', () => {
    expect(toRow(['id', 'id_2', 'data'], [1n, 2n, Buffer.from('hi')])).toEqual({
      id: 1,
      id_2: 2,
      data: { base64: 'aGk=' },
    });
  });
});

describe('cellJsonBytes', () => {
  const jsonBytes = (raw: unknown) => Buffer.byteLength(JSON.stringify(toCellValue(raw)));

  it.each([
    ['null', null],
    ['a small integer', 42n],
    ['a big integer', 9223372036854775807n],
    ['a negative big integer', -9007199254740993n],
    ['a REAL', 0.1 + 0.2],
    ['a huge REAL', 1e300],
    ['infinity', -Infinity],
    ['an empty string', ''],
    ['ASCII', 'Ada Lovelace'],
    ['quotes and control characters', '"\\\n\u0001\t'],
    ['multi-byte UTF-8', 'Grüße, 東京 🚀'],
    ['a lone surrogate', '\ud800x'],
    ['an empty BLOB', Buffer.alloc(0)],
    ['BLOBs of every padding', Buffer.from([1])],
    ['a two-byte BLOB', Buffer.from([1, 2])],
    ['a three-byte BLOB', Buffer.from([1, 2, 3])],
    ['a BLOB view', new Uint8Array([9, 8, 7, 6]).subarray(1)],
  ])('is the exact size of %s as result JSON', (_name, raw) => {
    expect(cellJsonBytes(raw)).toBe(jsonBytes(raw));
  });

  it('knows a BLOB is too large without encoding it', () => {
    expect(cellJsonBytes(Buffer.alloc(3_000_000))).toBe(13 + 4_000_000);
  });

  it('says a string is too large without escaping it, and never below the real size', () => {
    const text = '"'.repeat(1000);
    expect(cellJsonBytes(text, 500)).toBeGreaterThan(500);
    expect(cellJsonBytes(text, 5000)).toBe(jsonBytes(text));
  });
});
