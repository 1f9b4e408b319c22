/**
 * Edits of a JSON text (with comments and trailing commas) that change only what they are about: a property
 * added, replaced or removed, and at most one comma beside it. Every other byte (comments, blank lines, the
 * indentation and the line ends the file uses, the layout of the other properties) stays as it was.
 *
 * Built on Microsoft's jsonc-parser (VS Code's own), for its syntax tree with offsets, its scanner and `applyEdits`.
 * Its `modify` is not used to add or remove: it reformats the whole line where the edit starts, which turns a
 * neighbour written on one line into several, and a removal takes the comments between the previous property and
 * the removed one with it (measured with jsonc-parser 3.3.1: removing `"b"` from `"a": { "command": "x" }, // why a`
 * lost the comment and rewrote `"a"` over three lines). Here the inserted text is formatted like its surroundings.
 */

import { applyEdits, createScanner, parseTree } from 'jsonc-parser';
import type { Edit, Node, ParseError } from 'jsonc-parser';

/** jsonc-parser's `SyntaxKind` values that are read here (its enum is `const`, which isolated modules cannot read). */
const TOKEN = { COMMA: 5, LINE_COMMENT: 12, BLOCK_COMMENT: 13, LINE_BREAK: 14, TRIVIA: 15 } as const;

/** A line is printed on one line when it fits in this many characters, as Prettier and VS Code's formatter do. */
const MAX_LINE_LENGTH = 100;

/** How the file is laid out: what new text copies. */
interface Layout {
  /** One level of indentation: `"  "`, `"    "` or `"\t"`. */
  unit: string;
  eol: string;
}

/** A property to write: its key and its value. */
export interface JsonProperty {
  key: string;
  value: unknown;
}

/** A text that jsonc-parser cannot read as JSON with comments (the caller's own parser says why, with a position). */
export class JsoncEditError extends Error {}

/**
 * The text with `properties` added at the end of the object at `path` (`[]` for the top level), each on its own
 * line at the indentation of the object's last property, with a trailing comma if that property has one. An
 * object written on one line gets them on that line.
 * @throws JsoncEditError when the text is not JSON with comments, or `path` is not an object.
 */
export function insertProperties(text: string, path: readonly string[], properties: readonly JsonProperty[]): string {
  if (properties.length === 0) return text;
  const layout = layoutOf(text);
  const object = objectAt(text, path);
  const members = object.children ?? [];
  const open = object.offset;
  const close = object.offset + object.length - 1;
  const last = members.at(-1);
  if (!text.trim().includes('\n')) return insertOnOneLine(text, object, properties, layout);
  if (last === undefined) {
    const content = text.slice(open + 1, close);
    const outer = lineIndent(text, open);
    const inner = outer + layout.unit;
    const written = properties.map((property) => writeProperty(property, inner, layout)).join(`,${layout.eol}${inner}`);
    if (content.trim() === '') {
      // `{}` or `{ }`: opened onto lines of their own.
      return replaceRange(text, open + 1, close, `${layout.eol}${inner}${written}${layout.eol}${outer}`);
    }
    // Only comments inside: the properties go after them, and the brace onto a line of its own if it was not.
    const end = open + 1 + content.trimEnd().length;
    const closing = text.slice(end, close).includes('\n') ? '' : `${layout.eol}${outer}`;
    return replaceRange(text, end, end, `${layout.eol}${inner}${written}${closing}`);
  }
  const after = afterMember(text, last);
  if (!after.isLineEnd) return insertOnOneLine(text, object, properties, layout);
  const indent = lineIndent(text, last.offset);
  const trailing = after.commaEnd === undefined ? '' : ',';
  const written = properties
    .map((property) => `${layout.eol}${indent}${writeProperty(property, indent, layout)}${trailing}`)
    .join(trailing === '' ? ',' : '');
  const lastEnd = last.offset + last.length;
  // The last property gets the comma that now separates it from the new ones (before its comment, if any).
  if (after.commaEnd === undefined && after.lineEnd === lastEnd) {
    return replaceRange(text, lastEnd, lastEnd, `,${written}`);
  }
  const edits: Edit[] = [{ offset: after.lineEnd, length: 0, content: written }];
  if (after.commaEnd === undefined) edits.push({ offset: lastEnd, length: 0, content: ',' });
  return applyEdits(text, edits);
}

/** An object written on one line (`{ "a": 1 }`, a file of one line): the new properties join that line. */
function insertOnOneLine(text: string, object: Node, properties: readonly JsonProperty[], layout: Layout): string {
  const written = properties.map((property) => writeProperty(property, undefined, layout)).join(', ');
  const last = object.children?.at(-1);
  if (last === undefined) {
    const close = object.offset + object.length - 1;
    const isSpaced = text[object.offset + 1] === ' ';
    return replaceRange(text, object.offset + 1, close, isSpaced ? ` ${written} ` : written);
  }
  const { commaEnd } = afterMember(text, last);
  const at = commaEnd ?? last.offset + last.length;
  return replaceRange(text, at, at, commaEnd === undefined ? `, ${written}` : ` ${written},`);
}

/**
 * The text with the value of the property at `path` replaced by `value`, written at that property's indentation
 * (on one line if the old value was and the new one fits). Comments inside the old value go with it.
 * @throws JsoncEditError when the text is not JSON with comments, or there is no such property.
 */
export function replaceProperty(text: string, path: readonly string[], value: unknown): string {
  const property = propertyAt(text, path);
  const old = property.children![1]!;
  const layout = layoutOf(text);
  const indent = lineIndent(text, property.offset);
  const oldText = text.slice(old.offset, old.offset + old.length);
  const compact = writeValue(value, undefined, layout);
  const lineStart = text.lastIndexOf('\n', old.offset) + 1;
  const fits = old.offset - lineStart + compact.length <= MAX_LINE_LENGTH;
  const written = !oldText.includes('\n') && fits ? compact : writeValue(value, indent, layout);
  return replaceRange(text, old.offset, old.offset + old.length, written);
}

/**
 * The text without the property at `path`: its lines, with the comments on them, or (on a line shared with other
 * properties) its text and comma. Comments on lines of their own above it stay. When it was the last property and
 * had no trailing comma, the comma before it goes too, so that strict JSON stays strict JSON.
 * @throws JsoncEditError when the text is not JSON with comments, or there is no such property.
 */
export function removeProperty(text: string, path: readonly string[]): string {
  const property = propertyAt(text, path);
  const members = property.parent!.children!;
  const index = members.indexOf(property);
  const previous = index > 0 ? members[index - 1] : undefined;
  const after = afterMember(text, property);
  const lineStart = text.lastIndexOf('\n', property.offset - 1) + 1;
  const isOwnLine = text.slice(lineStart, property.offset).trim() === '' && after.isLineEnd;
  const edits: Edit[] = [];
  if (isOwnLine) {
    edits.push({ offset: lineStart, length: after.nextLineStart - lineStart, content: '' });
  } else if (after.commaEnd !== undefined) {
    // `"a": 1, "b": 2`: the property, its comma and the spaces after it.
    let end = after.commaEnd;
    while (text[end] === ' ' || text[end] === '\t') end += 1;
    edits.push({ offset: property.offset, length: end - property.offset, content: '' });
  } else {
    // The last on a shared line: from the end of the previous property (its comma included) to this one's end.
    const start = previous ? previous.offset + previous.length : property.offset;
    edits.push({ offset: start, length: property.offset + property.length - start, content: '' });
    return applyEdits(text, edits);
  }
  if (after.commaEnd === undefined && index === members.length - 1 && previous) {
    const separator = afterMember(text, previous).commaEnd;
    if (separator !== undefined) edits.push({ offset: separator - 1, length: 1, content: '' });
  }
  return applyEdits(text, edits);
}

/** Where the properties of the object at `path` begin, for messages: the 1-based line of each, by key. */
export function propertyLines(text: string, path: readonly string[]): Map<string, number> {
  const lines = new Map<string, number>();
  let object: Node;
  try {
    object = objectAt(text, path);
  } catch {
    return lines;
  }
  for (const member of object.children ?? []) {
    const key: unknown = member.children?.[0]?.value;
    if (typeof key === 'string' && !lines.has(key)) lines.set(key, lineOf(text, member.offset));
  }
  return lines;
}

/** `value` as JSON laid out as in the file: objects over several lines, short lists of plain values on one. */
export function writeValue(value: unknown, indent: string | undefined, layout: Layout): string {
  if (Array.isArray(value)) {
    const items = value.map((item) => writeValue(item, undefined, layout));
    const inline = `[${items.join(', ')}]`;
    const isPlain = value.every((item) => item === null || typeof item !== 'object');
    if (indent === undefined || (isPlain && indent.length + inline.length <= MAX_LINE_LENGTH)) return inline;
    if (value.length === 0) return '[]';
    const inner = indent + layout.unit;
    const lines = value.map((item) => `${inner}${writeValue(item, inner, layout)}`);
    return `[${layout.eol}${lines.join(`,${layout.eol}`)}${layout.eol}${indent}]`;
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    if (indent === undefined) {
      return `{ ${entries.map(([key, item]) => writeProperty({ key, value: item }, undefined, layout)).join(', ')} }`;
    }
    const inner = indent + layout.unit;
    const lines = entries.map(([key, item]) => `${inner}${writeProperty({ key, value: item }, inner, layout)}`);
    return `{${layout.eol}${lines.join(`,${layout.eol}`)}${layout.eol}${indent}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** How a new file is laid out: two spaces, and `\n`. */
export const DEFAULT_LAYOUT: Layout = { unit: '  ', eol: '\n' };

/** The indentation and line ends `text` uses: its smallest indentation (tabs if it indents with tabs), and CRLF if any. */
export function layoutOf(text: string): Layout {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  let unit: string | undefined;
  for (const match of text.matchAll(/\n([ \t]+)\S/g)) {
    const indent = match[1]!;
    if (indent.startsWith('\t')) return { unit: '\t', eol };
    if (unit === undefined || indent.length < unit.length) unit = indent;
  }
  return { unit: unit ?? DEFAULT_LAYOUT.unit, eol };
}

function writeProperty({ key, value }: JsonProperty, indent: string | undefined, layout: Layout): string {
  return `${JSON.stringify(key)}: ${writeValue(value, indent, layout)}`;
}

function tree(text: string): Node {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (root === undefined || errors.length > 0) throw new JsoncEditError('the text is not JSON');
  return root;
}

function objectAt(text: string, path: readonly string[]): Node {
  let node = tree(text);
  for (const key of path) {
    const member = node.type === 'object' ? findMember(node, key) : undefined;
    if (member === undefined) throw new JsoncEditError(`no property ${JSON.stringify(key)}`);
    node = member.children![1]!;
  }
  if (node.type !== 'object') throw new JsoncEditError(`${path.join('.') || 'the top level'} is not an object`);
  return node;
}

function propertyAt(text: string, path: readonly string[]): Node {
  const object = objectAt(text, path.slice(0, -1));
  const member = findMember(object, path.at(-1)!);
  if (member === undefined) throw new JsoncEditError(`no property ${JSON.stringify(path.at(-1))}`);
  return member;
}

/** The first property named `key` (a duplicate key is the loader's problem, not the editor's). */
function findMember(object: Node, key: string): Node | undefined {
  return object.children?.find((member) => member.children?.[0]?.value === key);
}

/**
 * What follows a property: the end of its comma (if one follows), whether only comments and spaces follow on its
 * line (then where that line's break begins, and where the next line starts).
 */
function afterMember(
  text: string,
  member: Node,
): { commaEnd: number | undefined; isLineEnd: boolean; lineEnd: number; nextLineStart: number } {
  const scanner = createScanner(text, false);
  scanner.setPosition(member.offset + member.length);
  let commaEnd: number | undefined;
  for (;;) {
    const token = scanner.scan() as number;
    if (token === TOKEN.TRIVIA || token === TOKEN.BLOCK_COMMENT || token === TOKEN.LINE_COMMENT) continue;
    if (token === TOKEN.COMMA && commaEnd === undefined) {
      commaEnd = scanner.getPosition();
      continue;
    }
    const offset = scanner.getTokenOffset();
    if (token === TOKEN.LINE_BREAK) {
      return { commaEnd, isLineEnd: true, lineEnd: offset, nextLineStart: offset + scanner.getTokenLength() };
    }
    // Anything else on the same line (`}` of an object written on one line, another property), or the end of file.
    const isEnd = offset >= text.length;
    return { commaEnd, isLineEnd: isEnd, lineEnd: offset, nextLineStart: offset };
  }
}

/** The spaces and tabs that begin the line holding `offset`. */
function lineIndent(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line += 1;
  }
  return line;
}

function replaceRange(text: string, start: number, end: number, content: string): string {
  return applyEdits(text, [{ offset: start, length: end - start, content }]);
}
