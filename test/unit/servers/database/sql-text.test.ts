import { describe, expect, it } from 'vitest';
import { firstKeyword } from '../../../../servers/database/sql-text.js';

describe('firstKeyword', () => {
  it('returns the first keyword, upper-cased', () => {
    expect(firstKeyword('select 1')).toBe('SELECT');
    expect(firstKeyword('WITH x AS (SELECT 1) SELECT * FROM x')).toBe('WITH');
    expect(firstKeyword('Pragma table_info(users)')).toBe('PRAGMA');
  });

  it('skips whitespace, line comments and block comments', () => {
    expect(firstKeyword('  \n\t-- a comment\n/* block\n comment */ PRAGMA x')).toBe('PRAGMA');
    expect(firstKeyword('/**/VALUES (1)')).toBe('VALUES');
    expect(firstKeyword('--only\nselect')).toBe('SELECT');
  });

  it('returns undefined when there is nothing but space and comments', () => {
    expect(firstKeyword('')).toBeUndefined();
    expect(firstKeyword('   \n ')).toBeUndefined();
    expect(firstKeyword('-- nothing')).toBeUndefined();
    expect(firstKeyword('/* unterminated')).toBeUndefined();
  });

  it('returns the first character when the statement does not start with a word', () => {
    expect(firstKeyword('(SELECT 1)')).toBe('(');
    expect(firstKeyword(';')).toBe(';');
  });
});
