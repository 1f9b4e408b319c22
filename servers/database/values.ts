/**
 * Conversions at the JSON boundary. SQLite values become JSON that loses nothing silently; JSON arguments become
 * values better-sqlite3 can bind.
 */

import type { CellValue, InputValue, Row } from './driver.js';

/** What better-sqlite3 binds. */
export type BindValue = string | number | bigint | Buffer | null;

/**
 * A value read with `safeIntegers(true)` (every INTEGER arrives as a bigint) as JSON: integers that fit a double
 * exactly become numbers and larger ones decimal strings; BLOBs become `{ base64 }`; ±Infinity become strings
 * (JSON has no infinity, and `JSON.stringify` would turn it into null).
 */
export function toCellValue(value: unknown): CellValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') {
    return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
      ? Number(value)
      : value.toString();
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) {
    return { base64: Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('base64') };
  }
  // better-sqlite3 returns only the types above; anything else is a bug worth seeing, not a value to guess at.
  throw new TypeError(`Unexpected SQLite value of type ${typeof value}`);
}

/**
 * A JSON argument as a bound value. Whole numbers are bound as integers (else SQLite would store `3` as the REAL
 * `3.0` in a column without a declared type); booleans as 1 and 0, SQLite's own booleans; `{ base64 }` as a BLOB.
 */
export function toBindValue(value: InputValue): BindValue {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isSafeInteger(value) ? BigInt(value) : value;
  if (value !== null && typeof value === 'object') return Buffer.from(value.base64, 'base64');
  return value;
}

/**
 * The UTF-8 bytes `raw` (a value as better-sqlite3 returns it with `safeIntegers`) takes in a result's JSON once
 * toCellValue has converted it: `Buffer.byteLength(JSON.stringify(toCellValue(raw)))`, computed without building the
 * base64 of a BLOB. When the answer is above `atMost`, it may be any number above it: a string longer than that is
 * not escaped just to learn by how much.
 */
export function cellJsonBytes(raw: unknown, atMost = Infinity): number {
  if (raw instanceof Uint8Array) return '{"base64":""}'.length + 4 * Math.ceil(raw.byteLength / 3);
  // Every UTF-16 unit takes at least one byte, and the quotes two.
  if (typeof raw === 'string' && raw.length + 2 > atMost) return raw.length + 2;
  return Buffer.byteLength(JSON.stringify(toCellValue(raw)));
}

/** A raw row (values in column order) as an object keyed by the column names. */
export function toRow(columns: readonly string[], values: readonly unknown[]): Row {
  const row: Row = {};
  columns.forEach((column, index) => (row[column] = toCellValue(values[index])));
  return row;
}

/**
 * `id, name, id` → `id, name, id_2`: every row key stays unique, so no value is lost to a repeated name. A column
 * named `__proto__` is renamed the same way: as an object key it would set the prototype instead of holding a value.
 */
export function uniqueNames(names: readonly string[]): string[] {
  const taken = new Set(names);
  const used = new Set<string>(['__proto__']);
  return names.map((name) => {
    if (!used.has(name)) {
      used.add(name);
      return name;
    }
    let suffix = 2;
    while (taken.has(`${name}_${suffix}`) || used.has(`${name}_${suffix}`)) suffix++;
    const unique = `${name}_${suffix}`;
    used.add(unique);
    return unique;
  });
}
