import { describe, expect, it } from 'vitest';
import { InterpolationError, interpolate } from '../../../src/host/interpolate.js';

const env = { API_KEY: 'sk-123', EMPTY: '', REGION: 'eu' };

function fails(template: string): InterpolationError {
  try {
    interpolate(template, env);
  } catch (error) {
    if (error instanceof InterpolationError) return error;
    throw error;
  }
  throw new Error(`expected ${template} to fail`);
}

describe('interpolate', () => {
  it('leaves strings without references untouched, including a lone $ and $$', () => {
    expect(interpolate('plain $HOME $$ 100$', env)).toEqual({ value: 'plain $HOME $$ 100$', references: [] });
  });

  it('expands ${NAME} from the environment', () => {
    expect(interpolate('Bearer ${API_KEY}', env)).toEqual({
      value: 'Bearer sk-123',
      references: [{ variable: 'API_KEY', value: 'sk-123', isFromEnvironment: true }],
    });
  });

  it('expands the VS Code spelling ${env:NAME}', () => {
    expect(interpolate('${env:REGION}-1', env).value).toBe('eu-1');
  });

  it('uses the default of ${NAME:-default} when the variable is unset or empty', () => {
    expect(interpolate('${MISSING:-fallback}', env)).toEqual({
      value: 'fallback',
      references: [{ variable: 'MISSING', value: 'fallback', isFromEnvironment: false }],
    });
    expect(interpolate('${EMPTY:-fallback}', env).value).toBe('fallback');
    expect(interpolate('${REGION:-us}', env).value).toBe('eu');
    expect(interpolate('${env:MISSING:-x}', env).value).toBe('x');
    expect(interpolate('${MISSING:-}', env).value).toBe('');
  });

  it('keeps an empty value of ${NAME}: set but empty is not unset', () => {
    expect(interpolate('[${EMPTY}]', env).value).toBe('[]');
  });

  it('writes a literal ${ for $${', () => {
    expect(interpolate('$${API_KEY} and ${REGION}', env).value).toBe('${API_KEY} and eu');
  });

  it('expands several references in one string', () => {
    expect(interpolate('${REGION}/${API_KEY}/${MISSING:-d}', env).value).toBe('eu/sk-123/d');
  });

  it('fails for an unset variable without a default, naming it', () => {
    const error = fails('--token=${TOKEN}');
    expect(error.message).toBe('${TOKEN} is not set');
    expect(error.variable).toBe('TOKEN');
  });

  it('keeps an unset reference as written with onUnset: keep', () => {
    expect(interpolate('${TOKEN}/${REGION}', env, { onUnset: 'keep' }).value).toBe('${TOKEN}/eu');
  });

  it('rejects malformed, unterminated, nested and VS Code input references', () => {
    expect(fails('${1ABC}').message).toMatch(/^\$\{1ABC\} is not a valid reference: expected/);
    expect(fails('${}').message).toMatch(/is not a valid reference/);
    expect(fails('abc ${API_KEY').message).toBe('unterminated "${" at character 5 (write "$${" for a literal "${")');
    expect(fails('${A:-${B}}').message).toBe('${A:-${B}: a default cannot contain another reference');
    expect(fails('${input:token}').message).toMatch(/VS Code input variables are not supported/);
  });
});
