/**
 * The demo database: a small shop (users, products, orders) created the first time the server starts on a path
 * where no file exists. Timestamps are fixed, so every query over the demo data gives the same answer on every
 * machine.
 */

import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/** The schema: foreign keys (enforced by the writable connection), a UNIQUE and a CHECK constraint, two indexes. */
export const DEMO_SCHEMA_SQL = `
CREATE TABLE users (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE products (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  price REAL NOT NULL CHECK (price >= 0)
);
CREATE TABLE orders (
  id INTEGER PRIMARY KEY,
  user_id INTEGER NOT NULL REFERENCES users (id),
  product_id INTEGER NOT NULL REFERENCES products (id),
  quantity INTEGER NOT NULL DEFAULT 1 CHECK (quantity > 0),
  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX orders_user_id ON orders (user_id);
CREATE INDEX orders_product_id ON orders (product_id);
`;

export const DEMO_USERS = [
  { id: 1, name: 'Ada Lovelace', email: 'ada@example.com', created_at: '2024-01-15T09:00:00Z' },
  { id: 2, name: 'Alan Turing', email: 'alan@example.com', created_at: '2024-02-01T14:30:00Z' },
  { id: 3, name: 'Grace Hopper', email: 'grace@example.com', created_at: '2024-03-10T08:15:00Z' },
  { id: 4, name: 'Edsger Dijkstra', email: 'edsger@example.com', created_at: '2024-04-22T17:45:00Z' },
] as const;

export const DEMO_PRODUCTS = [
  { id: 1, name: 'Mechanical keyboard', price: 89.5 },
  { id: 2, name: 'Wireless mouse', price: 24.99 },
  { id: 3, name: '27-inch monitor', price: 249 },
  { id: 4, name: 'USB-C cable', price: 9.99 },
] as const;

export const DEMO_ORDERS = [
  { id: 1, user_id: 1, product_id: 1, quantity: 1, created_at: '2024-05-01T10:00:00Z' },
  { id: 2, user_id: 1, product_id: 4, quantity: 3, created_at: '2024-05-01T10:05:00Z' },
  { id: 3, user_id: 2, product_id: 3, quantity: 2, created_at: '2024-05-03T16:20:00Z' },
  { id: 4, user_id: 3, product_id: 2, quantity: 1, created_at: '2024-05-07T11:11:00Z' },
  { id: 5, user_id: 3, product_id: 4, quantity: 5, created_at: '2024-05-08T09:30:00Z' },
  { id: 6, user_id: 2, product_id: 2, quantity: 1, created_at: '2024-06-12T13:45:00Z' },
] as const;

/**
 * Creates the demo database at `file` unless a file is already there. The database is built in a temporary file in
 * the same directory and then linked into place: a crash leaves either no database or a complete one, and a database
 * that appears meanwhile (another server starting) is never overwritten.
 * @returns whether this call created the file.
 */
export function createDemoDatabase(file: string): boolean {
  if (fs.existsSync(file)) return false;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    const db = new Database(temporary);
    try {
      db.pragma('foreign_keys = ON');
      db.transaction(() => {
        db.exec(DEMO_SCHEMA_SQL);
        const insertUser = db.prepare('INSERT INTO users (id, name, email, created_at) VALUES (?, ?, ?, ?)');
        for (const user of DEMO_USERS) insertUser.run(user.id, user.name, user.email, user.created_at);
        const insertProduct = db.prepare('INSERT INTO products (id, name, price) VALUES (?, ?, ?)');
        for (const product of DEMO_PRODUCTS) insertProduct.run(product.id, product.name, product.price);
        const insertOrder = db.prepare(
          'INSERT INTO orders (id, user_id, product_id, quantity, created_at) VALUES (?, ?, ?, ?, ?)',
        );
        for (const order of DEMO_ORDERS) {
          insertOrder.run(order.id, order.user_id, order.product_id, order.quantity, order.created_at);
        }
      })();
    } finally {
      db.close();
    }
    return publish(temporary, file);
  } finally {
    fs.rmSync(temporary, { force: true });
    fs.rmSync(`${temporary}-journal`, { force: true });
  }
}

/** Puts the finished file in place without replacing one that appeared meanwhile. */
function publish(temporary: string, file: string): boolean {
  try {
    fs.linkSync(temporary, file);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // Some file systems (FAT, some network mounts) have no hard links; a rename is still atomic there.
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      fs.renameSync(temporary, file);
      return true;
    }
    throw error;
  }
}
