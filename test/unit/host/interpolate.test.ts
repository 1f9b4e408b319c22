import { describe, expect, it } from 'vitest';
import { InterpolationError, inputVariable, interpolate } from '../../../src/host/interpolate.js';

const env = { API_KEY: 'sk-123', EMPTY: '', REGION: 'eu' };

function fails(template: string, options: Parameters<typeof interpolate>[2] = {}): InterpolationError {
  try {
    interpolate(template, env, options);
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
      references: [{ variable: 'API_KEY', value: 'sk-123', isFromEnvironment: true, kind: 'env' }],
    });
  });

  it('expands the VS Code spelling ${env:NAME}', () => {
    expect(interpolate('${env:REGION}-1', env).value).toBe('eu-1');
  });

  it('uses the default of ${NAME:-default} when the variable is unset or empty', () => {
    expect(interpolate('${MISSING:-fallback}', env)).toEqual({
      value: 'fallback',
      references: [{ variable: 'MISSING', value: 'fallback', isFromEnvironment: false, kind: 'env' }],
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

  it('rejects malformed, unterminated and nested references', () => {
    expect(fails('${1ABC}').message).toMatch(/^\$\{1ABC\} is not a valid reference: expected/);
    expect(fails('${}').message).toMatch(/is not a valid reference/);
    expect(fails('abc ${API_KEY').message).toBe('unterminated "${" at character 5 (write "$${" for a literal "${")');
    expect(fails('${A:-${B}}').message).toBe('${A:-${B}: a default cannot contain another reference');
    expect(fails('${input:}').message).toBe('${input:} is not a valid input reference: expected ${input:ID}');
  });
});

describe('interpolate: VS Code variables', () => {
  const predefined = { workspaceFolder: '/work/app', userHome: '/home/ada', '/': '/' };

  it('expands the predefined variables it is given, ${/} included, as not from the environment', () => {
    expect(interpolate('${workspaceFolder}${/}data ${userHome}', env, { predefined })).toEqual({
      value: '/work/app/data /home/ada',
      references: [
        { variable: 'workspaceFolder', value: '/work/app', isFromEnvironment: false, kind: 'predefined' },
        { variable: '/', value: '/', isFromEnvironment: false, kind: 'predefined' },
        { variable: 'userHome', value: '/home/ada', isFromEnvironment: false, kind: 'predefined' },
      ],
    });
  });

  it('prefers a predefined variable to an environment variable of that name, except as ${env:NAME}', () => {
    const shadowing = { ...env, userHome: '/elsewhere' };
    expect(interpolate('${userHome}', shadowing, { predefined }).value).toBe('/home/ada');
    expect(interpolate('${env:userHome}', shadowing, { predefined }).value).toBe('/elsewhere');
  });

  it('reads ${input:ID} from MCP_HOST_INPUT_<ID>, naming that variable when it is unset', () => {
    expect(inputVariable('perplexity-key')).toBe('MCP_HOST_INPUT_PERPLEXITY_KEY');
    expect(interpolate('${input:perplexity-key}', { MCP_HOST_INPUT_PERPLEXITY_KEY: 'pplx-1' })).toEqual({
      value: 'pplx-1',
      references: [
        {
          variable: 'MCP_HOST_INPUT_PERPLEXITY_KEY',
          value: 'pplx-1',
          isFromEnvironment: true,
          kind: 'input',
          input: 'perplexity-key',
        },
      ],
    });
    const error = fails('${input:perplexity-key}');
    expect(error.message).toBe(
      '${input:perplexity-key} is not set: VS Code asks for this input, mcp-host reads it from $MCP_HOST_INPUT_PERPLEXITY_KEY',
    );
    expect(error.variable).toBe('MCP_HOST_INPUT_PERPLEXITY_KEY');
  });

  it('explains the variables about the editor’s state, unless the environment defines one', () => {
    expect(fails('${file}').message).toMatch(/^\$\{file\} is a VS Code variable about the editor's state/);
    expect(fails('${cwd}/x').message).toMatch(/use \$\{workspaceFolder\} for the config's folder/);
    expect(fails('${config:editor.tabSize}').message).toMatch(/is a VS Code variable about the editor's state/);
    expect(interpolate('${file}', { file: 'a.txt' }).value).toBe('a.txt');
  });
});
