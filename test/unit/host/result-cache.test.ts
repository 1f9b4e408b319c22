import { describe, expect, it } from 'vitest';
import { ResultCache, TOOL_PREFIX, canonicalJson, resourceKey, toolKey } from '../../../src/host/result-cache.js';

describe('canonicalJson', () => {
  it('sorts keys at every depth so argument order does not matter', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: 3 } })).toBe('{"a":{"c":3,"d":[{"x":2,"y":1}]},"b":1}');
    expect(toolKey('t', { a: 1, b: 2 })).toBe(toolKey('t', { b: 2, a: 1 }));
    expect(toolKey('t', { a: 1 })).not.toBe(toolKey('t', { a: '1' }));
  });
});

describe('ResultCache', () => {
  it('returns a value until its TTL passes', () => {
    let now = 1_000;
    const cache = new ResultCache(100, () => now);
    cache.set('k', 'v');
    now += 99;
    expect(cache.get('k')).toBe('v');
    now += 1;
    expect(cache.get('k')).toBeUndefined();
    expect(cache.size).toBe(0);
  });

  it('invalidates by prefix: tool results apart from resources', () => {
    const cache = new ResultCache(1_000);
    cache.set(toolKey('a', {}), 1);
    cache.set(toolKey('b', { x: 1 }), 2);
    cache.set(resourceKey('x://1'), 3);
    cache.invalidate(TOOL_PREFIX);
    expect(cache.get(toolKey('a', {}))).toBeUndefined();
    expect(cache.get(resourceKey('x://1'))).toBe(3);
    cache.invalidate(resourceKey('x://1'));
    expect(cache.size).toBe(0);
  });

  it('stays bounded, dropping the oldest entry first', () => {
    const cache = new ResultCache(60_000);
    for (let i = 0; i < 1_005; i++) cache.set(`k${i}`, i);
    expect(cache.size).toBe(1_000);
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k1004')).toBe(1_004);
  });
});
