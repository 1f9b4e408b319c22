import { describe, expect, it } from 'vitest';
import { formatBytes } from '../../../src/protocol/format-bytes.js';

describe('formatBytes', () => {
  it('counts bytes below 1 KiB, with the singular for one', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(1)).toBe('1 byte');
    expect(formatBytes(900)).toBe('900 bytes');
    expect(formatBytes(1023)).toBe('1023 bytes');
  });

  it('uses binary units with at most one decimal, and none for a whole number', () => {
    expect(formatBytes(1024)).toBe('1 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(4 * 1024 * 1024)).toBe('4 MiB');
    expect(formatBytes(64 * 1024 * 1024)).toBe('64 MiB');
    expect(formatBytes(2.25 * 1024 ** 3)).toBe('2.3 GiB');
    expect(formatBytes(3 * 1024 ** 4)).toBe('3 TiB');
    expect(formatBytes(2048 * 1024 ** 4)).toBe('2048 TiB');
  });

  it('moves to the next unit when rounding reaches 1024', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MiB');
    expect(formatBytes(1024 * 1024 - 200)).toBe('1023.8 KiB');
  });
});
