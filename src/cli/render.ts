/**
 * Everything the CLI draws for a person: colour (an explicit chalk instance per stream, never the global one),
 * aligned tables, and MCP content blocks (text as text, JSON pretty, images and audio saved to files).
 */

import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Chalk } from 'chalk';
import type { ChalkInstance, ColorSupportLevel } from 'chalk';
import type { ContentBlock, ResourceContents } from '../protocol/types.js';

export type { ChalkInstance };

export interface ColorOptions {
  /** Whether the stream is a terminal. */
  isTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** `--no-color` was given. */
  isColorDisabled: boolean;
}

/**
 * The colour level for one output stream. Off with `--no-color`, with `NO_COLOR` set to anything but the empty
 * string (no-color.org), with `TERM=dumb`, or when the stream is not a terminal; `FORCE_COLOR` (1, 2 or 3) turns it
 * on for pipes, but never overrides `--no-color` or `NO_COLOR`. Only the 16 basic colours are used, so level 1.
 */
export function colorLevel({ isTTY, env, isColorDisabled }: ColorOptions): ColorSupportLevel {
  if (isColorDisabled) return 0;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return 0;
  const forced = env.FORCE_COLOR;
  if (forced !== undefined && forced !== '') {
    if (forced === '0' || forced === 'false') return 0;
    return forced === '2' || forced === '3' ? (Number(forced) as ColorSupportLevel) : 1;
  }
  if (!isTTY || env.TERM === 'dumb') return 0;
  return 1;
}

export function createChalk(level: ColorSupportLevel): ChalkInstance {
  return new Chalk({ level });
}

/** A table cell: its text and an optional style applied after padding (so ANSI codes never skew the widths). */
export interface Cell {
  text: string;
  style?: (text: string) => string;
}

/** Left-aligned columns separated by two spaces; the last column is not padded. */
export function renderTable(rows: readonly (readonly (Cell | string)[])[], indent = ''): string[] {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === 'string' ? { text: cell } : cell)));
  const widths: number[] = [];
  for (const row of cells) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, displayWidth(cell.text));
    });
  }
  return cells.map((row) => {
    const line = row
      .map((cell, column) => {
        const isLast = column === row.length - 1;
        const padded = isLast ? cell.text : cell.text + ' '.repeat((widths[column] ?? 0) - displayWidth(cell.text));
        return cell.style ? cell.style(padded) : padded;
      })
      .join('  ');
    return indent + line.trimEnd();
  });
}

/** Width in terminal columns, counting code points (wide East Asian characters are rare in MCP metadata). */
export function displayWidth(text: string): number {
  return [...text].length;
}

/** The first line of a description, for one-row listings. */
export function firstLine(text: string | undefined): string {
  if (!text) return '';
  const line = text.trim().split('\n', 1)[0] ?? '';
  return line.trim();
}

/** `512 B`, `1.5 KB`, `2.0 MB`. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** `12.3 ms` with one decimal below 100 ms. */
export function formatMs(ms: number): string {
  return ms < 100 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/** Pretty JSON when the text is a JSON object or array; otherwise the text unchanged. */
export function prettyIfJson(text: string): string {
  const trimmed = text.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return text;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return text;
  }
}

const EXTENSIONS: Record<string, string> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/svg+xml': 'svg',
  'image/bmp': 'bmp',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/ogg': 'ogg',
  'audio/webm': 'webm',
  'audio/flac': 'flac',
  'application/pdf': 'pdf',
  'application/json': 'json',
  'application/gzip': 'gz',
  'application/zip': 'zip',
  'application/octet-stream': 'bin',
  'text/plain': 'txt',
  'text/markdown': 'md',
  'text/html': 'html',
  'text/csv': 'csv',
};

/** A file extension for a MIME type: the known ones, else the subtype when it is a plain word, else `bin`. */
export function extensionFor(mimeType: string | undefined): string {
  const type = (mimeType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  const known = EXTENSIONS[type];
  if (known) return known;
  const subtype = type.split('/')[1] ?? '';
  return /^[a-z0-9]{1,8}$/.test(subtype) ? subtype : 'bin';
}

/**
 * Saves binary content (images, audio, blobs) to files: in `outDir` when given (created if needed; relative to the
 * command's working directory `cwd`, which is not this process's in a daemon), otherwise in a fresh directory under
 * the system temp dir, made on first use and left for the user (the printed paths point there).
 */
export class BinaryFiles {
  private dir: Promise<string> | undefined;
  private count = 0;
  private readonly outDir: string | undefined;
  readonly saved: string[] = [];

  constructor(
    private readonly prefix: string,
    outDir: string | undefined,
    cwd: string,
  ) {
    this.outDir = outDir === undefined ? undefined : path.resolve(cwd, outDir);
  }

  /** Writes the base64 `data` and returns the file's absolute path. */
  async save(base64: string, mimeType: string | undefined): Promise<string> {
    this.dir ??= this.outDir
      ? mkdir(this.outDir, { recursive: true }).then(() => this.outDir!)
      : mkdtemp(path.join(os.tmpdir(), 'mcp-host-'));
    const dir = await this.dir;
    this.count += 1;
    const file = path.join(dir, `${sanitize(this.prefix)}-${this.count}.${extensionFor(mimeType)}`);
    await writeFile(file, Buffer.from(base64, 'base64'));
    this.saved.push(file);
    return file;
  }
}

/** Renders content blocks as lines of text; binary blocks are saved through `files` and shown as their path. */
export async function renderContent(
  blocks: readonly ContentBlock[],
  chalk: ChalkInstance,
  files: BinaryFiles,
): Promise<string[]> {
  const lines: string[] = [];
  for (const block of blocks) lines.push(...(await renderBlock(block, chalk, files)));
  return lines;
}

async function renderBlock(block: ContentBlock, chalk: ChalkInstance, files: BinaryFiles): Promise<string[]> {
  switch (block.type) {
    case 'text':
      return [prettyIfJson(block.text)];
    case 'image':
    case 'audio': {
      const file = await files.save(block.data, block.mimeType);
      const size = formatBytes(Buffer.byteLength(block.data, 'base64'));
      return [`${chalk.cyan(`[${block.type} ${block.mimeType}, ${size}]`)} saved to ${file}`];
    }
    case 'resource_link': {
      const details = [block.name !== block.uri ? block.name : '', block.mimeType ?? ''].filter(Boolean).join(', ');
      const description = firstLine(block.description);
      return [
        `${chalk.cyan('[link]')} ${block.uri}${details ? chalk.dim(` (${details})`) : ''}${description ? ` ${chalk.dim(`- ${description}`)}` : ''}`,
      ];
    }
    case 'resource':
      return renderResourceContents(block.resource, chalk, files);
    default: {
      const unknown = block as { type?: unknown };
      return [`${chalk.yellow(`[unknown content type ${String(unknown.type)}]`)} ${JSON.stringify(block)}`];
    }
  }
}

/** One item of `resources/read` or an embedded resource: a header line, then the text, or the saved file's path. */
export async function renderResourceContents(
  contents: ResourceContents,
  chalk: ChalkInstance,
  files: BinaryFiles,
): Promise<string[]> {
  const header = chalk.cyan(`[resource ${contents.uri}${contents.mimeType ? ` ${contents.mimeType}` : ''}]`);
  if ('text' in contents && typeof contents.text === 'string') return [header, prettyIfJson(contents.text)];
  if ('blob' in contents && typeof contents.blob === 'string') {
    if (isTextType(contents.mimeType)) return [header, Buffer.from(contents.blob, 'base64').toString('utf8')];
    const file = await files.save(contents.blob, contents.mimeType);
    return [`${header} ${formatBytes(Buffer.byteLength(contents.blob, 'base64'))} saved to ${file}`];
  }
  return [header];
}

/** Blobs of these types are shown as text: saving "hello" to a file helps nobody. */
export function isTextType(mimeType: string | undefined): boolean {
  const type = (mimeType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return type.startsWith('text/') || type === 'application/json' || type.endsWith('+json');
}

function sanitize(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'content';
}
