/**
 * Fuzzer helper: the wire as the fuzzer sees it, written independently of src/protocol so that it can judge a new
 * connection core rather than echo the old one. Splits a byte stream into lines, checks each line's JSON-RPC 2.0
 * envelope by hand, and keys ids by their raw text, because `JSON.parse` silently rounds an integer id beyond 2^53
 * and a test that parsed ids would not see a server alter one.
 */

/** An id as the fuzzer compares them: `s:<string>`, `n:<number as written>`, `null`, or `x:<raw text>`. */
export type IdKey = string;

export const NULL_ID: IdKey = 'null';

/** JSON-RPC 2.0 error codes, as the fuzzer expects them (restated here so that the checks do not trust src/). */
export const CODE = {
  PARSE_ERROR: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL_ERROR: -32603,
  RESOURCE_NOT_FOUND: -32002,
} as const;

/**
 * The key of an id, from its raw JSON text (undefined when there is no id member). Safe integers are normalised
 * (`1e3` and `1000` are the same id); anything else keeps its text, so `9007199254740993` and `9007199254740992`
 * stay different even though `JSON.parse` makes them equal.
 */
export function idKeyOfRaw(raw: string | undefined): IdKey | undefined {
  if (raw === undefined) return undefined;
  if (raw === 'null') return NULL_ID;
  if (raw.startsWith('"')) return `s:${JSON.parse(raw) as string}`;
  if (/^-?\d/.test(raw)) {
    const value = Number(raw);
    return Number.isSafeInteger(value) && !/^-?\d{16,}$/.test(raw) ? `n:${String(value)}` : `n:${raw}`;
  }
  return `x:${raw}`;
}

/** A short, readable form of an id key for messages. */
export function showKey(key: IdKey): string {
  if (key === NULL_ID) return 'null';
  const text = key.startsWith('s:') ? JSON.stringify(key.slice(2)) : key.slice(2);
  return text.length > 60 ? `${text.slice(0, 40)}…(${text.length} chars)` : text;
}

/**
 * The raw text of the top-level member `name` of a JSON object text (the last one, as `JSON.parse` keeps the last
 * of duplicate keys), or undefined. `text` must already be valid JSON.
 */
export function topLevelRaw(text: string, name: string): string | undefined {
  let i = skipSpace(text, 0);
  if (text[i] !== '{') return undefined;
  i = skipSpace(text, i + 1);
  let found: string | undefined;
  while (i < text.length && text[i] !== '}') {
    const keyEnd = endOfString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const valueEnd = endOfValue(text, i);
    if (key === name) found = text.slice(i, valueEnd);
    i = skipSpace(text, valueEnd);
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return found;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  return i;
}

function endOfString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === '"') return j + 1;
  }
  return text.length;
}

function endOfValue(text: string, i: number): number {
  const first = text[i];
  if (first === '"') return endOfString(text, i);
  if (first === '{' || first === '[') {
    let depth = 0;
    for (let j = i; j < text.length; j++) {
      const c = text[j];
      if (c === '"') j = endOfString(text, j) - 1;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return text.length;
  }
  let j = i;
  while (j < text.length && !',}] \t\r\n'.includes(text[j]!)) j++;
  return j;
}

/** A line the peer wrote, once its envelope has been checked. */
export type WireMessage =
  | {
      type: 'response';
      key: IdKey;
      raw: string;
      isError: boolean;
      code: number | undefined;
      message: string | undefined;
      result: unknown;
    }
  | { type: 'request'; key: IdKey; raw: string; method: string; params: unknown; idRaw: string }
  | { type: 'notification'; raw: string; method: string; params: unknown };

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks one line against JSON-RPC 2.0 as MCP narrows it: one JSON object, `jsonrpc: "2.0"`, a request or
 * notification with a string method and object params, or a response with an id and exactly one of result
 * (an object) and error (integer code, string message). A response id must be a string or an integer, or null
 * on an error; `wasSent` admits an odd id (such as 1.5) only when the fuzzer itself sent exactly that id.
 */
export function readWireLine(
  line: string,
  wasSent: (key: IdKey) => boolean,
): { message: WireMessage } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: 'wrote a line that is not JSON' };
  }
  if (!isObject(value)) {
    return { problem: `wrote ${Array.isArray(value) ? 'an array' : 'a JSON scalar'}, not one object` };
  }
  if (value.jsonrpc !== '2.0') return { problem: 'wrote a message without "jsonrpc": "2.0"' };
  const idRaw = topLevelRaw(line, 'id');
  const key = idKeyOfRaw(idRaw);
  if ('method' in value) {
    if (typeof value.method !== 'string') return { problem: 'wrote a message whose method is not a string' };
    if ('result' in value || 'error' in value) {
      return { problem: 'wrote a message with both a method and a result/error' };
    }
    if ('params' in value && !isObject(value.params)) {
      return { problem: `wrote ${value.method} with non-object params` };
    }
    if (key === undefined) {
      return { message: { type: 'notification', raw: line, method: value.method, params: value.params } };
    }
    if (typeof value.id !== 'string' && !Number.isSafeInteger(value.id)) {
      return { problem: `sent a request (${value.method}) whose id ${idRaw} is not a string or a safe integer` };
    }
    return { message: { type: 'request', key, raw: line, method: value.method, params: value.params, idRaw: idRaw! } };
  }
  const hasResult = 'result' in value;
  const hasError = 'error' in value;
  // An error about input whose id could not be read: JSON-RPC 2.0 gives it `"id": null`, MCP 2025-11-25's schema
  // (whose error response has an optional id, and no null) leaves the id out. Both mean "no id": judged alike.
  const responseKey = key ?? (hasError && !hasResult ? NULL_ID : undefined);
  if (responseKey === undefined) return { problem: 'wrote a response without an id' };
  if (hasResult === hasError) return { problem: 'wrote a response without exactly one of "result" and "error"' };
  if (hasError) {
    const error = value.error;
    if (!isObject(error) || !Number.isInteger(error.code) || typeof error.message !== 'string') {
      return { problem: 'wrote an error that lacks an integer code or a string message' };
    }
  } else if (!isObject(value.result)) {
    return { problem: 'wrote a result that is not an object (MCP results are objects)' };
  }
  if (key === NULL_ID && !hasError) return { problem: 'wrote a result with a null id' };
  const id = value.id;
  const isPlainId =
    id === undefined || id === null || typeof id === 'string' || (typeof id === 'number' && /^-?\d+$/.test(idRaw!));
  if (!isPlainId && !wasSent(responseKey)) {
    return { problem: `wrote a response whose id ${idRaw} is not a string or an integer` };
  }
  const error = hasError ? (value.error as { code: number; message: string }) : undefined;
  return {
    message: {
      type: 'response',
      key: responseKey,
      raw: line,
      isError: hasError,
      code: error?.code,
      message: error?.message,
      result: value.result,
    },
  };
}

/**
 * Splits a byte stream into lines (bytes up to each `\n`), as the peer framed them. Kept as bytes until a line is
 * whole, so a character split across chunks is decoded once.
 */
export class LineSplitter {
  private pieces: Buffer[] = [];

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(0x0a); end !== -1; end = chunk.indexOf(0x0a, start)) {
      this.pieces.push(chunk.subarray(start, end));
      const line = Buffer.concat(this.pieces).toString('utf8');
      this.pieces = [];
      start = end + 1;
      this.onLine(line);
    }
    if (start < chunk.length) this.pieces.push(Buffer.from(chunk.subarray(start)));
  }

  /** What is left after the last newline (a peer that ends its output mid-line). */
  get rest(): string {
    return Buffer.concat(this.pieces).toString('utf8');
  }
}

/** A value that `encode` writes verbatim: ids such as 9007199254740993 that a JS number cannot hold. */
export class Raw {
  constructor(readonly text: string) {}
}

/** JSON text of `value`, with each `Raw` inside written as its text. */
export function encode(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, inner: unknown) => {
    if (inner instanceof Raw) {
      raws.push(inner.text);
      return `\u0000raw${raws.length - 1}\u0000`;
    }
    return inner;
  });
  return text.replace(/"\\u0000raw(\d+)\\u0000"/g, (_match, index: string) => raws[Number(index)]!);
}

/** The text of an id as `encode` writes it. */
export function rawOf(id: unknown): string {
  return id instanceof Raw ? id.text : JSON.stringify(id);
}

/**
 * A short, printable preview of bytes sent: JSON-escaped, long runs of one character cut, and bytes that are not
 * UTF-8 shown as `\xNN` (so an invalid-UTF-8 input reads as what was really written).
 */
export function previewBytes(bytes: Buffer, maxChars = 240): string {
  let text: string;
  try {
    text = JSON.stringify(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    text = JSON.stringify(bytes.toString('latin1')).replace(
      /[\u0080-\u00ff]/g,
      (c) => `\\x${c.charCodeAt(0).toString(16)}`,
    );
  }
  const cut = text.replace(/(.)\1{40,}/gu, (run, c: string) => `${c.repeat(8)}…×${run.length}`);
  return cut.length > maxChars ? `${cut.slice(0, maxChars)}…(${bytes.length} bytes)` : cut;
}
