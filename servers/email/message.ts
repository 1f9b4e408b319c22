/**
 * Reading stored messages back: header fields, addresses and the text and HTML bodies. The files are
 * ones this server composed, but they are parsed as ordinary MIME (multipart, base64, quoted-printable, charsets),
 * so a message edited or dropped into the store by hand still reads sensibly.
 */

import addressparser from 'nodemailer/lib/addressparser';
import { parseHeaderValue } from 'nodemailer/lib/mime-funcs';
import { decodeCharset } from './encoded-words.js';

/** One header field, unfolded, with its value as stored (encoded-words not decoded). */
export interface HeaderField {
  name: string;
  value: string;
}

const HEADER_END = /\r?\n\r?\n/;
/** Multipart nesting we follow; deeper parts are ignored. */
const MAX_MIME_DEPTH = 8;

/** Splits a raw message into its header block and body (the body starts after the first empty line). */
export function splitMessage(raw: Buffer): { header: string; body: Buffer } {
  // Headers are ASCII, so the latin1 view has the same offsets as the bytes.
  const text = raw.toString('latin1');
  const end = HEADER_END.exec(text);
  if (!end) return { header: text, body: Buffer.alloc(0) };
  return { header: text.slice(0, end.index), body: raw.subarray(end.index + end[0].length) };
}

/** The fields of a header block, with folded lines joined. */
export function parseHeaderFields(header: string): HeaderField[] {
  const fields: HeaderField[] = [];
  for (const line of header.split(/\r?\n/)) {
    const last = fields[fields.length - 1];
    if (/^[ \t]/.test(line) && last) {
      last.value += ` ${line.trim()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    fields.push({ name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() });
  }
  return fields;
}

/** The header fields of a raw message, read as UTF-8 when the header block is valid UTF-8 (see `decodeHeaderBytes`). */
export function readHeaderFields(raw: Buffer): HeaderField[] {
  return parseHeaderFields(decodeHeaderBytes(Buffer.from(splitMessage(raw).header, 'latin1')));
}

/** The first value of a header field, by case-insensitive name. */
export function headerValue(fields: readonly HeaderField[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return fields.find((field) => field.name.toLowerCase() === lower)?.value;
}

/** The mailboxes of an address header, names as stored (encoded-words not decoded); groups are flattened. */
export function mailboxesOf(value: string | undefined): Array<{ name: string; address: string }> {
  if (!value) return [];
  return addressparser(value, { flatten: true })
    .filter((entry) => entry.address !== '')
    .map((entry) => ({ name: entry.name, address: entry.address }));
}

/** The bare addresses of an address header. */
export function addressesOf(value: string | undefined): string[] {
  return mailboxesOf(value).map(({ address }) => address);
}

/** The raw message without the named header fields (with their folded lines), the body left byte for byte. */
export function withoutHeaders(raw: Buffer, names: readonly string[]): Buffer {
  const { header, body } = splitMessage(raw);
  const drop = new Set(names.map((name) => name.toLowerCase()));
  const kept: string[] = [];
  let isDropping = false;
  for (const line of header.split(/\r?\n/)) {
    if (/^[ \t]/.test(line)) {
      if (!isDropping) kept.push(line);
      continue;
    }
    const colon = line.indexOf(':');
    isDropping = colon > 0 && drop.has(line.slice(0, colon).trim().toLowerCase());
    if (!isDropping) kept.push(line);
  }
  return Buffer.concat([Buffer.from(`${kept.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** The first text/plain and text/html parts of a message, decoded to strings. */
export function extractBodies(raw: Buffer): { text: string; html: string | undefined } {
  const found: { text?: string; html?: string } = {};
  collectBodies(raw, found, 0);
  return { text: found.text ?? '', html: found.html };
}

function collectBodies(entity: Buffer, found: { text?: string; html?: string }, depth: number): void {
  const { header, body } = splitMessage(entity);
  const fields = parseHeaderFields(header);
  const contentType = parseHeaderValue(headerValue(fields, 'content-type') ?? 'text/plain');
  const type = contentType.value.toLowerCase();
  if (type.startsWith('multipart/')) {
    const boundary = contentType.params.boundary;
    if (!boundary || depth >= MAX_MIME_DEPTH) return;
    for (const part of splitMultipart(body, boundary)) collectBodies(part, found, depth + 1);
    return;
  }
  if (type !== 'text/plain' && type !== 'text/html') return;
  const key = type === 'text/plain' ? 'text' : 'html';
  if (found[key] !== undefined) return;
  const encoding = (headerValue(fields, 'content-transfer-encoding') ?? '7bit').trim().toLowerCase();
  const bytes =
    encoding === 'base64'
      ? Buffer.from(body.toString('latin1').replace(/\s+/g, ''), 'base64')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(body.toString('latin1'))
        : body;
  const charset = contentType.params.charset ?? 'us-ascii';
  let decoded = (decodeBodyCharset(bytes, charset) ?? bytes.toString('utf8')).replace(/\r\n/g, '\n');
  // A message that is one text part ends with a line break the composer adds whether or not the text had one;
  // in a multipart message that break belongs to the boundary line instead and is already gone.
  if (depth === 0 && encoding !== 'base64') decoded = decoded.replace(/\n$/, '');
  found[key] = decoded;
}

/** The parts between `--boundary` lines, up to the closing `--boundary--`. */
function splitMultipart(body: Buffer, boundary: string): Buffer[] {
  const text = body.toString('latin1');
  const delimiter = `--${boundary}`;
  const parts: Buffer[] = [];
  let start = -1;
  let offset = 0;
  while (offset <= text.length) {
    const lineEnd = text.indexOf('\n', offset);
    const end = lineEnd === -1 ? text.length : lineEnd + 1;
    const line = text.slice(offset, end).replace(/\r?\n$/, '');
    if (line === delimiter || line === `${delimiter}--`) {
      // The line break before a delimiter belongs to the delimiter, not to the part.
      if (start !== -1) parts.push(body.subarray(start, offset - (text[offset - 2] === '\r' ? 2 : 1)));
      if (line !== delimiter) break;
      start = end;
    }
    if (lineEnd === -1) break;
    offset = end;
  }
  return parts;
}

/** A quoted-printable body to bytes, soft line breaks (`=` at the end of a line) removed. */
function decodeQuotedPrintable(text: string): Buffer {
  const source = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < source.length; i++) {
    const hex = source.slice(i + 1, i + 3);
    if (source[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(source.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes);
}

/**
 * A header block as text: UTF-8 when it is valid UTF-8 (RFC 6532 allows it), else one character per byte. A
 * character cut off at the end (a header read only in part) is dropped rather than spoiling the whole block.
 */
export function decodeHeaderBytes(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return bytes.toString('latin1');
  }
}

function decodeBodyCharset(bytes: Buffer, charset: string): string | undefined {
  try {
    return decodeCharset(bytes, charset, { isFatal: false });
  } catch {
    return undefined;
  }
}
