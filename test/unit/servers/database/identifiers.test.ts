import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  closestNames,
  describeUnknownName,
  quoteIdentifier,
  resolveName,
} from '../../../../servers/database/identifiers.js';

describe('quoteIdentifier', () => {
  it('wraps a plain name in double quotes', () => {
    expect(quoteIdentifier('users')).toBe('"users"');
  });

  it('doubles embedded double quotes', () => {
    expect(quoteIdentifier('a"b')).toBe('"a""b"');
    expect(quoteIdentifier('"')).toBe('""""');
  });

  it('refuses a NUL character', () => {
    expect(() => quoteIdentifier('a\0b')).toThrow(/NUL/);
  });

  it('always yields exactly one identifier to SQLite, whatever the name holds', () => {
    const db = new Database(':memory:');
    const hostile = ['users"; DROP TABLE keep; --', 'x" , "y', "it's", 'a]b', '`tick`', ' spaced name ', 'é"'];
    try {
      db.exec('CREATE TABLE keep (id INTEGER)');
      for (const name of hostile) {
        db.exec(`CREATE TABLE ${quoteIdentifier(name)} (${quoteIdentifier(name)} TEXT)`);
        db.prepare(`INSERT INTO ${quoteIdentifier(name)} (${quoteIdentifier(name)}) VALUES (?)`).run(name);
        const stored = db.prepare(`SELECT ${quoteIdentifier(name)} AS v FROM ${quoteIdentifier(name)}`).get();
        expect(stored).toEqual({ v: name });
      }
      const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all();
      expect(tables).toEqual(['keep', ...hostile].sort());
    } finally {
      db.close();
    }
  });
});

describe('resolveName', () => {
  const names = ['users', 'Orders', 'order_items'];

  it('returns an exact match', () => {
    expect(resolveName('users', names)).toBe('users');
  });

  it('matches ignoring ASCII case, as SQLite does, and returns the stored spelling', () => {
    expect(resolveName('USERS', names)).toBe('users');
    expect(resolveName('orders', names)).toBe('Orders');
  });

  it('does not fold non-ASCII letters', () => {
    expect(resolveName('CAFÉ', ['café'])).toBeUndefined();
    expect(resolveName('CAFé', ['café'])).toBe('café');
  });

  it('returns undefined for an unknown or ambiguous name', () => {
    expect(resolveName('user', names)).toBeUndefined();
    expect(resolveName('users; DROP TABLE users', names)).toBeUndefined();
    expect(resolveName('"users"', names)).toBeUndefined();
    expect(resolveName('abc', ['ABC', 'abC'])).toBeUndefined();
  });

  it('prefers the exact spelling when several names differ only by case', () => {
    expect(resolveName('abC', ['ABC', 'abC'])).toBe('abC');
  });
});

describe('closestNames', () => {
  const names = ['orders', 'products', 'users'];

  it('suggests names a typo away', () => {
    expect(closestNames('userz', names)).toEqual(['users']);
    expect(closestNames('prodcts', names)).toEqual(['products']);
  });

  it('sees through SQL quoting and case', () => {
    expect(closestNames('"users"', names)).toEqual(['users']);
    expect(closestNames('[Users]', names)).toEqual(['users']);
  });

  it('suggests a name contained in the request', () => {
    expect(closestNames('users; DROP TABLE users', names)).toEqual(['users']);
  });

  it('suggests nothing for an unrelated name', () => {
    expect(closestNames('invoices', names)).toEqual([]);
    expect(closestNames('   ', names)).toEqual([]);
  });
});

describe('describeUnknownName', () => {
  it('names the request, the suggestion and the existing names', () => {
    expect(describeUnknownName('table', 'userz', ['orders', 'users'])).toBe(
      'no table named "userz". Did you mean "users"? Tables: orders, users.',
    );
  });

  it('names the scope of a column', () => {
    expect(describeUnknownName('column', 'emial', ['id', 'email'], 'in table "users"')).toBe(
      'no column named "emial" in table "users". Did you mean "email"? Columns: id, email.',
    );
  });

  it('says when nothing exists', () => {
    expect(describeUnknownName('table', 'x', [])).toBe('no table named "x". There are no tables.');
  });

  it('leaves out a list too long to read', () => {
    const many = Array.from({ length: 60 }, (_, index) => `t${index}`);
    expect(describeUnknownName('table', 'zzzzzz', many)).toBe('no table named "zzzzzz".');
  });
});
