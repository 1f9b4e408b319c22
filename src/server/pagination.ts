/**
 * Cursor pagination for every list method. Cursors are opaque to clients: an offset wrapped in base64url, so a
 * forged or stale cursor is recognised and refused with -32602 instead of silently restarting the list.
 */

import { JSONRPC_ERROR, WireError } from '../protocol/errors.js';

/** How many items one page holds unless the server says otherwise. @default 100 */
export const DEFAULT_PAGE_SIZE = 100;

const CURSOR_PREFIX = 'o:';

/** One page of `items`, starting at `cursor`; `nextCursor` is set when more remain. */
export function paginate<T>(
  items: readonly T[],
  cursor: string | undefined,
  pageSize: number,
): { page: T[]; nextCursor?: string } {
  const start = cursor === undefined ? 0 : decodeCursor(cursor, items.length);
  const end = start + pageSize;
  const page = items.slice(start, end);
  return end < items.length ? { page, nextCursor: encodeCursor(end) } : { page };
}

function encodeCursor(offset: number): string {
  return Buffer.from(CURSOR_PREFIX + offset, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, length: number): number {
  const text = typeof cursor === 'string' ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  const offset = text.startsWith(CURSOR_PREFIX) ? Number(text.slice(CURSOR_PREFIX.length)) : NaN;
  if (!Number.isInteger(offset) || offset < 0 || offset > length) {
    throw new WireError(JSONRPC_ERROR.INVALID_PARAMS, `Invalid cursor: ${JSON.stringify(cursor)}`);
  }
  return offset;
}
