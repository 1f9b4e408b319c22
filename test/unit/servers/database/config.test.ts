import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_ROWS, loadConfig } from '../../../../servers/database/config.js';
import { DEFAULT_MAX_RESULT_BYTES } from '../../../../servers/database/driver.js';
import { SettingsError } from '../../../../src/server/index.js';

describe('loadConfig', () => {
  it('defaults to a read-only demo database under XDG_DATA_HOME', () => {
    expect(loadConfig({ XDG_DATA_HOME: '/data' })).toEqual({
      path: path.join('/data', 'mcp-host', 'demo.db'),
      isWritable: false,
      maxRows: DEFAULT_MAX_ROWS,
      maxResultBytes: DEFAULT_MAX_RESULT_BYTES,
    });
    expect(DEFAULT_MAX_RESULT_BYTES).toBe(4 * 1024 * 1024);
  });

  it.skipIf(process.platform === 'win32')(
    'falls back to ~/.local/share when XDG_DATA_HOME is unset or relative',
    () => {
      const expected = path.join('/home/ada', '.local', 'share', 'mcp-host', 'demo.db');
      expect(loadConfig({ HOME: '/home/ada' }).path).toBe(expected);
      expect(loadConfig({ HOME: '/home/ada', XDG_DATA_HOME: 'relative/dir' }).path).toBe(expected);
    },
  );

  it('resolves DATABASE_PATH against the working directory', () => {
    expect(loadConfig({ DATABASE_PATH: 'shop.db' }).path).toBe(path.resolve('shop.db'));
    expect(loadConfig({ DATABASE_PATH: '/tmp/x.db', XDG_DATA_HOME: '/data' }).path).toBe('/tmp/x.db');
  });

  it('enables writes only with DATABASE_READONLY=false or 0', () => {
    expect(loadConfig({ DATABASE_READONLY: 'false' }).isWritable).toBe(true);
    expect(loadConfig({ DATABASE_READONLY: 'FALSE' }).isWritable).toBe(true);
    expect(loadConfig({ DATABASE_READONLY: '0' }).isWritable).toBe(true);
    expect(loadConfig({ DATABASE_READONLY: 'true' }).isWritable).toBe(false);
    expect(loadConfig({ DATABASE_READONLY: '' }).isWritable).toBe(false);
  });

  it('reads DATABASE_MAX_ROWS', () => {
    expect(loadConfig({ DATABASE_MAX_ROWS: '25' }).maxRows).toBe(25);
  });

  it('reads DATABASE_MAX_RESULT_BYTES', () => {
    expect(loadConfig({ DATABASE_MAX_RESULT_BYTES: '2048' }).maxResultBytes).toBe(2048);
    expect(loadConfig({ DATABASE_MAX_RESULT_BYTES: ' ' }).maxResultBytes).toBe(DEFAULT_MAX_RESULT_BYTES);
  });

  it.each(['1023', '16777217', '4MiB', '1e6', '-1', '2.5'])('refuses DATABASE_MAX_RESULT_BYTES=%s', (value) => {
    expect(() => loadConfig({ DATABASE_MAX_RESULT_BYTES: value })).toThrow(
      `DATABASE_MAX_RESULT_BYTES: expected a whole number of bytes from 1024 to 16777216, got ${JSON.stringify(value)}`,
    );
  });

  it('names every bad variable and what was expected', () => {
    let error: unknown;
    try {
      loadConfig({ DATABASE_READONLY: 'nope', DATABASE_MAX_ROWS: '0', DATABASE_PATH: ':memory:' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SettingsError);
    const lines = (error as SettingsError).message.split('\n');
    expect(lines).toEqual([
      'DATABASE_PATH: expected a file path, got ":memory:" (in-memory and URI forms are not supported)',
      'DATABASE_READONLY: expected true or false, got "nope"',
      'DATABASE_MAX_ROWS: expected a whole number from 1 to 100000, got "0"',
    ]);
  });

  it.each(['1.5', '-3', 'ten', '1e3', '100001'])('refuses DATABASE_MAX_ROWS=%s', (value) => {
    expect(() => loadConfig({ DATABASE_MAX_ROWS: value })).toThrow(/^DATABASE_MAX_ROWS: expected a whole number/);
  });
});
