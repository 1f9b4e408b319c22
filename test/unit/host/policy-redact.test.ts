import { describe, expect, it } from 'vitest';
import { McpHostError } from '../../../src/protocol/errors.js';
import { ToolPolicy, globToRegExp } from '../../../src/host/policy.js';
import { REDACTED, Redactor } from '../../../src/host/redact.js';

describe('ToolPolicy', () => {
  it('allows everything without lists', () => {
    expect(new ToolPolicy().isAllowed('anything')).toBe(true);
  });

  it('allows only what matches allow, and deny wins', () => {
    const policy = new ToolPolicy({ allow: ['get_*', 'list_tables'], deny: ['get_secret*'] });
    expect(policy.isAllowed('get_forecast')).toBe(true);
    expect(policy.isAllowed('list_tables')).toBe(true);
    expect(policy.isAllowed('delete')).toBe(false);
    expect(policy.isAllowed('get_secret_key')).toBe(false);
  });

  it('refuses a denied tool with DENIED naming server and tool', () => {
    const policy = new ToolPolicy({ deny: ['delete'] });
    expect(() => policy.assertAllowed('database', 'delete')).toThrow(McpHostError);
    expect(() => policy.assertAllowed('database', 'delete')).toThrow(/database\.delete is denied/);
  });

  it('treats regex characters in globs literally', () => {
    expect(globToRegExp('a.b?').test('a.bc')).toBe(true);
    expect(globToRegExp('a.b?').test('axbc')).toBe(false);
    expect(globToRegExp('(x)+').test('(x)+')).toBe(true);
  });
});

describe('Redactor', () => {
  it('replaces every occurrence, longest secret first', () => {
    const redactor = new Redactor(['hunter22', 'hunter2222']);
    expect(redactor.text('a hunter2222 b hunter22 c')).toBe(`a ${REDACTED} b ${REDACTED} c`);
  });

  it('redacts strings and keys deep inside a JSON value, quotes included', () => {
    const redactor = new Redactor(['s3"cret']);
    expect(redactor.value({ list: ['x s3"cret y'], ['s3"cret']: 1, n: 2 })).toEqual({
      list: [`x ${REDACTED} y`],
      [REDACTED]: 1,
      n: 2,
    });
  });

  it('ignores secrets too short to redact safely', () => {
    expect(new Redactor(['1', 'on']).text('1 on')).toBe('1 on');
  });
});
