/**
 * JSON as config files are really written: `//` and `/* *\/` comments and trailing commas (JSONC, as VS Code
 * writes it), with the exact position of the first error and duplicate keys refused.
 */

/** A syntax error at a character offset. */
export class JsonTextError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

const MAX_DEPTH = 200;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPE = /\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4})/y;

/**
 * Parses JSON plus `//` and `/* *\/` comments and trailing commas (JSONC, as VS Code writes it), reporting the
 * offset of the first error and rejecting duplicate keys. JSON.parse cannot be used alone: on Node 20 its
 * "Unexpected token" messages carry no position, and it silently keeps the last of two duplicate keys.
 */
export function parseJsonText(text: string): unknown {
  let offset = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  const fail = (message: string, at = offset): never => {
    throw new JsonTextError(message, at);
  };
  const got = (): string => (offset >= text.length ? 'end of file' : JSON.stringify(text[offset]));

  const skipTrivia = (): void => {
    while (offset < text.length) {
      const char = text[offset];
      if (char === ' ' || char === '\t' || char === '\n' || char === '\r') {
        offset += 1;
      } else if (text.startsWith('//', offset)) {
        const end = text.indexOf('\n', offset);
        offset = end === -1 ? text.length : end + 1;
      } else if (text.startsWith('/*', offset)) {
        const end = text.indexOf('*/', offset + 2);
        if (end === -1) fail('unterminated /* comment');
        offset = end + 2;
      } else {
        return;
      }
    }
  };

  const readString = (): string => {
    const start = offset;
    offset += 1;
    for (;;) {
      if (offset >= text.length) fail('unterminated string', start);
      const code = text.charCodeAt(offset);
      if (code === 0x22) break;
      // A raw line break almost always means a missing closing quote: point at where the string began.
      if (code === 0x0a) fail('unterminated string (a line break inside a string is written \\n)', start);
      if (code < 0x20) fail('control character in a string (write it escaped, e.g. \\t)');
      if (code === 0x5c) {
        ESCAPE.lastIndex = offset;
        if (!ESCAPE.test(text)) fail(`invalid escape ${JSON.stringify(text.slice(offset, offset + 2))} in a string`);
        offset = ESCAPE.lastIndex;
      } else {
        offset += 1;
      }
    }
    offset += 1;
    // The literal was checked character by character above, so JSON.parse only decodes escapes here.
    return JSON.parse(text.slice(start, offset)) as string;
  };

  const readValue = (depth: number): unknown => {
    if (depth > MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
    skipTrivia();
    const char = text[offset];
    if (char === '{') return readObject(depth);
    if (char === '[') return readArray(depth);
    if (char === '"') return readString();
    for (const [word, value] of [
      ['true', true],
      ['false', false],
      ['null', null],
    ] as const) {
      if (text.startsWith(word, offset)) {
        offset += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = offset;
    const number = NUMBER.exec(text);
    if (number) {
      offset = NUMBER.lastIndex;
      return Number(number[0]);
    }
    return fail(`expected a value (object, array, string, number, true, false or null), got ${got()}`);
  };

  const readObject = (depth: number): Record<string, unknown> => {
    const object: Record<string, unknown> = {};
    offset += 1;
    for (;;) {
      skipTrivia();
      if (text[offset] === '}') break;
      if (text[offset] !== '"') fail(`expected a property name in double quotes or "}", got ${got()}`);
      const keyOffset = offset;
      const key = readString();
      if (Object.hasOwn(object, key)) fail(`duplicate key ${JSON.stringify(key)}`, keyOffset);
      skipTrivia();
      if (text[offset] !== ':') fail(`expected ":" after property name ${JSON.stringify(key)}, got ${got()}`);
      offset += 1;
      // defineProperty: a "__proto__" key must stay data, not replace the prototype.
      Object.defineProperty(object, key, {
        value: readValue(depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      skipTrivia();
      if (text[offset] === ',') {
        offset += 1;
        continue;
      }
      if (text[offset] === '}') break;
      fail(`expected "," or "}" after the value of ${JSON.stringify(key)}, got ${got()}`);
    }
    offset += 1;
    return object;
  };

  const readArray = (depth: number): unknown[] => {
    const array: unknown[] = [];
    offset += 1;
    for (;;) {
      skipTrivia();
      if (text[offset] === ']') break;
      array.push(readValue(depth + 1));
      skipTrivia();
      if (text[offset] === ',') {
        offset += 1;
        continue;
      }
      if (text[offset] === ']') break;
      fail(`expected "," or "]" after an array element, got ${got()}`);
    }
    offset += 1;
    return array;
  };

  const value = readValue(0);
  skipTrivia();
  if (offset < text.length) fail(`unexpected ${got()} after the end of the JSON value`);
  return value;
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line += 1;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
