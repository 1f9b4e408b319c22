import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NAMES_CACHE_MS, namesCacheEntry, readCachedNames, writeCachedNames } from '../../../src/cli/names-cache.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-names-cache-'));
const env = { XDG_RUNTIME_DIR: dir };
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('names kept for completion', () => {
  const listing = { kind: 'tools', requested: [], servers: [{ name: 'a', command: 'node' }] };

  it('are read back while fresh, for the same listing only', () => {
    const entry = namesCacheEntry('/x/mcp.config.json', env, listing);
    writeCachedNames(entry, ['a.one', 'a.two'], 1_000);
    expect(readCachedNames(entry, 1_000 + NAMES_CACHE_MS - 1)).toEqual(['a.one', 'a.two']);
    expect(readCachedNames(entry, 1_000 + NAMES_CACHE_MS)).toBeUndefined();
    // A clock set back is not "fresh" either.
    expect(readCachedNames(entry, 999)).toBeUndefined();
    const changed = namesCacheEntry('/x/mcp.config.json', env, {
      ...listing,
      servers: [{ name: 'a', command: 'deno' }],
    });
    expect(readCachedNames(changed, 1_000)).toBeUndefined();
    expect(
      readCachedNames(namesCacheEntry('/x/mcp.config.json', env, { ...listing, kind: 'prompts' }), 1_000),
    ).toBeUndefined();
  });

  it('are ignored when the file is not what was written', () => {
    const entry = namesCacheEntry('/y/mcp.config.json', env, listing);
    writeCachedNames(entry, ['a.one'], 1_000);
    for (const text of ['not json', '{"key": 1}', JSON.stringify({ key: entry.key, at: 1_000, names: [1] })]) {
      fs.writeFileSync(entry.file, text);
      expect(readCachedNames(entry, 1_000)).toBeUndefined();
    }
  });
});
