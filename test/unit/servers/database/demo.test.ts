import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_ORDERS, DEMO_PRODUCTS, DEMO_USERS, createDemoDatabase } from '../../../../servers/database/demo.js';

describe('createDemoDatabase', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'db-demo-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('creates the shop schema and rows, creating missing directories, and leaves no temporary file', () => {
    const file = path.join(dir, 'nested', 'deeper', 'demo.db');
    expect(createDemoDatabase(file)).toBe(true);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['demo.db']);
    const db = new Database(file, { readonly: true });
    try {
      expect(db.prepare('SELECT * FROM users ORDER BY id').all()).toEqual(DEMO_USERS);
      expect(db.prepare('SELECT * FROM products ORDER BY id').all()).toEqual(DEMO_PRODUCTS);
      expect(db.prepare('SELECT * FROM orders ORDER BY id').all()).toEqual(DEMO_ORDERS);
      expect(db.prepare('SELECT * FROM pragma_foreign_key_check').all()).toEqual([]);
      const foreignKeys = db.prepare('SELECT "table", "from", "to" FROM pragma_foreign_key_list(?) ORDER BY "from"');
      expect(foreignKeys.all('orders')).toEqual([
        { table: 'products', from: 'product_id', to: 'id' },
        { table: 'users', from: 'user_id', to: 'id' },
      ]);
    } finally {
      db.close();
    }
  });

  it('creates byte-identical content every time (fixed timestamps, fixed ids)', () => {
    const first = path.join(dir, 'a.db');
    const second = path.join(dir, 'b.db');
    createDemoDatabase(first);
    createDemoDatabase(second);
    const dump = (file: string) => {
      const db = new Database(file, { readonly: true });
      try {
        return ['users', 'products', 'orders'].map((table) => db.prepare(`SELECT * FROM ${table}`).all());
      } finally {
        db.close();
      }
    };
    expect(dump(first)).toEqual(dump(second));
  });

  it('never touches a file that already exists', () => {
    const file = path.join(dir, 'mine.db');
    fs.writeFileSync(file, 'not a database, and not ours');
    expect(createDemoDatabase(file)).toBe(false);
    expect(fs.readFileSync(file, 'utf8')).toBe('not a database, and not ours');
    expect(fs.readdirSync(dir)).toEqual(['mine.db']);
  });

  // Directory permissions do not bind root, nor apply on Windows.
  const canLockDirectory = process.platform !== 'win32' && process.getuid?.() !== 0;
  it.skipIf(!canLockDirectory)('cleans up its temporary file when the directory cannot be written', () => {
    const locked = path.join(dir, 'locked');
    fs.mkdirSync(locked, { mode: 0o500 });
    try {
      expect(() => createDemoDatabase(path.join(locked, 'demo.db'))).toThrow();
      expect(fs.readdirSync(locked)).toEqual([]);
    } finally {
      fs.chmodSync(locked, 0o700);
    }
  });
});
