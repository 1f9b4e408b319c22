import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import {
  assertArgumentsMatch,
  buildArguments,
  coerceText,
  loadArgsOption,
  parseAssignments,
} from '../../../src/cli/args.js';
import type { JsonSchema } from '../../../src/cli/json-schema.js';
import { McpHostError } from '../../../src/protocol/errors.js';

const FORECAST: JsonSchema = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    zip: { type: 'string' },
    days: { type: 'integer', minimum: 1, maximum: 16 },
    ratio: { type: 'number' },
    detailed: { type: 'boolean' },
    units: { type: 'string', enum: ['metric', 'imperial'] },
    tags: { type: 'array', items: { type: 'string' } },
    filter: { type: 'object', properties: { min: { type: 'number' }, label: { type: 'string' } } },
    note: { anyOf: [{ type: 'string' }, { type: 'null' }] },
  },
  required: ['city'],
  additionalProperties: false,
};

function build(tokens: string[], base?: Record<string, unknown>): Record<string, unknown> {
  return buildArguments(parseAssignments(tokens), FORECAST, base);
}

/** Runs `action`, expecting a USAGE McpHostError, and returns its message. */
function usageMessage(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(McpHostError);
    expect((error as McpHostError).code).toBe('USAGE');
    return (error as McpHostError).message;
  }
  throw new Error('expected a USAGE error');
}

describe('parseAssignments', () => {
  it('splits key=value at the first "=" so values may contain "="', () => {
    expect(parseAssignments(['q=a=b'])).toEqual([{ key: 'q', isJson: false, text: 'a=b' }]);
  });

  it('reads key:=JSON as raw JSON', () => {
    expect(parseAssignments(['obj:={"x":1}'])).toEqual([{ key: 'obj', isJson: true, text: '{"x":1}', json: { x: 1 } }]);
  });

  it('keeps an empty value as the empty string', () => {
    expect(parseAssignments(['city='])).toEqual([{ key: 'city', isJson: false, text: '' }]);
  });

  it('rejects a token without "=", naming it', () => {
    expect(usageMessage(() => parseAssignments(['paris']))).toContain('"paris" is not an argument: expected key=value');
  });

  it('rejects an empty key and empty nested parts', () => {
    expect(usageMessage(() => parseAssignments(['=x']))).toContain('the key is empty');
    expect(usageMessage(() => parseAssignments([':=1']))).toContain('the key is empty');
    expect(usageMessage(() => parseAssignments(['a..b=1']))).toContain('empty part');
  });

  it('rejects invalid JSON after := before any server starts', () => {
    expect(usageMessage(() => parseAssignments(['obj:={"x":']))).toMatch(/^obj: invalid JSON/);
  });
});

describe('buildArguments: coercion by the input schema', () => {
  it('keeps a string a string even when it looks like a number', () => {
    expect(build(['city=123', 'zip=01234'])).toEqual({ city: '123', zip: '01234' });
  });

  it('reads integers and numbers from their JSON spelling', () => {
    expect(build(['days=5', 'ratio=0.25'])).toEqual({ days: 5, ratio: 0.25 });
    expect(build(['ratio=-1e3'])).toEqual({ ratio: -1000 });
  });

  it('reads booleans', () => {
    expect(build(['detailed=true'])).toEqual({ detailed: true });
    expect(build(['detailed=false'])).toEqual({ detailed: false });
  });

  it('reads arrays and objects from JSON text', () => {
    expect(build(['tags=["a","b"]'])).toEqual({ tags: ['a', 'b'] });
    expect(build(['filter={"min":2}'])).toEqual({ filter: { min: 2 } });
  });

  it('passes key:=JSON through untouched, whatever the schema says', () => {
    expect(build(['city:=123', 'obj:={"x":1}'])).toEqual({ city: 123, obj: { x: 1 } });
  });

  it('reads null where the schema admits it, and keeps "null" a string where it does not', () => {
    expect(build(['note=null', 'city=null'])).toEqual({ note: null, city: 'null' });
    expect(build(['note=hello'])).toEqual({ note: 'hello' });
  });

  it('builds nested objects from dotted keys, typed by the nested schema', () => {
    expect(build(['filter.min=3', 'filter.label=7'])).toEqual({ filter: { min: 3, label: '7' } });
  });

  it('lets key=value override --args, and later pairs override earlier ones', () => {
    expect(build(['days=2', 'days=3'], { city: 'Oslo', days: 9 })).toEqual({ city: 'Oslo', days: 3 });
  });

  it('keeps the text for a field with no type and for unknown keys', () => {
    expect(buildArguments(parseAssignments(['x=5']), { type: 'object' })).toEqual({ x: '5' });
    expect(buildArguments(parseAssignments(['x=5']), undefined)).toEqual({ x: '5' });
  });

  it('names the field when the text is not of its type', () => {
    expect(usageMessage(() => build(['days=soon']))).toBe('days: expected an integer, got "soon"');
    expect(usageMessage(() => build(['days=1.5']))).toBe('days: expected an integer, got "1.5"');
    expect(usageMessage(() => build(['detailed=yes']))).toBe('detailed: expected a boolean (true or false), got "yes"');
    expect(usageMessage(() => build(['tags=a,b']))).toContain('tags: expected a JSON array, got "a,b"');
    expect(usageMessage(() => build(['tags=["a"']))).toMatch(/^tags: invalid JSON/);
  });

  it('refuses to nest below a value that is not an object', () => {
    expect(usageMessage(() => build(['city=x', 'city.name=y']))).toContain('city is already set');
  });

  it('does not let a "__proto__" key change the prototype', () => {
    const args = buildArguments(parseAssignments(['__proto__.polluted=yes']), undefined);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(args)).toBe(Object.prototype);
  });
});

describe('coerceText', () => {
  it('prefers a number over a string when the schema admits both and the text is a number', () => {
    expect(coerceText('42', { type: ['number', 'string'] }, 'x')).toBe(42);
    expect(coerceText('abc', { type: ['number', 'string'] }, 'x')).toBe('abc');
  });

  it('types enum members by their JSON type when the schema gives no type', () => {
    expect(coerceText('2', { enum: [1, 2, 3] }, 'level')).toBe(2);
    expect(coerceText('fast', { enum: ['fast', 'slow'] }, 'mode')).toBe('fast');
  });
});

describe('assertArgumentsMatch', () => {
  it('accepts valid arguments', () => {
    expect(() => assertArgumentsMatch(build(['city=Paris', 'days=3', 'units=metric']), FORECAST, 'w.f')).not.toThrow();
  });

  it('reports a missing required field by name', () => {
    const message = usageMessage(() => assertArgumentsMatch(build(['days=3']), FORECAST, 'weather.get_forecast'));
    expect(message).toBe('Invalid arguments for weather.get_forecast:\n  city: required, but missing');
  });

  it('reports a value outside the enum, with a suggestion', () => {
    const message = usageMessage(() => assertArgumentsMatch(build(['city=x', 'units=metrc']), FORECAST, 'w.f'));
    expect(message).toContain('units: expected one of metric, imperial, got string "metrc"; did you mean "metric"?');
  });

  it('reports an unknown key when additionalProperties is false', () => {
    const message = usageMessage(() => assertArgumentsMatch(build(['city=x', 'citty=y']), FORECAST, 'w.f'));
    expect(message).toContain('citty: unknown argument (did you mean "city"?');
  });

  it('reports range problems and lists every problem', () => {
    const error = (() => {
      try {
        assertArgumentsMatch(build(['days=20', 'units=kelvin']), FORECAST, 'w.f');
      } catch (caught) {
        return caught as McpHostError;
      }
      throw new Error('expected an error');
    })();
    expect(error.message.split('\n').slice(1)).toEqual([
      '  city: required, but missing',
      '  days: expected <= 16, got 20',
      '  units: expected one of metric, imperial, got string "kelvin"',
    ]);
    expect(error.context.problems).toHaveLength(3);
  });
});

describe('loadArgsOption', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-args-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const io = { cwd: dir, stdin: Readable.from([]) };

  it('reads inline JSON', async () => {
    await expect(loadArgsOption('{"city":"Oslo"}', io)).resolves.toEqual({ city: 'Oslo' });
  });

  it('reads @file relative to the working directory', async () => {
    fs.writeFileSync(path.join(dir, 'args.json'), '{"days": 4}');
    await expect(loadArgsOption('@args.json', io)).resolves.toEqual({ days: 4 });
  });

  it('reads - from stdin', async () => {
    const stdin = Readable.from([Buffer.from('{"city":'), Buffer.from('"Rome"}')]);
    await expect(loadArgsOption('-', { cwd: dir, stdin })).resolves.toEqual({ city: 'Rome' });
  });

  it('rejects a missing file, invalid JSON and non-objects with the source named', async () => {
    await expect(loadArgsOption('@missing.json', io)).rejects.toThrow(
      /--args @missing\.json: cannot read .*no such file/,
    );
    await expect(loadArgsOption('{nope', io)).rejects.toThrow(/^--args: invalid JSON/);
    await expect(loadArgsOption('[1,2]', io)).rejects.toThrow(
      '--args: expected a JSON object of arguments, got an array',
    );
  });

  it('stops waiting for stdin when interrupted', async () => {
    const stdin = new Readable({ read() {} });
    const controller = new AbortController();
    const reading = loadArgsOption('-', { cwd: dir, stdin, signal: controller.signal });
    controller.abort();
    await expect(reading).rejects.toMatchObject({ code: 'CANCELLED' });
    stdin.destroy();
  });
});
