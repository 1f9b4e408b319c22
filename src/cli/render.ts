/**
 * Everything the CLI draws for a person: colour (an explicit chalk instance per stream, never the global one),
 * aligned tables, and MCP content blocks (text as text, JSON pretty, images and audio saved to files).
 */

import { chmod, lstat, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Chalk } from 'chalk';
import type { ChalkInstance, ColorSupportLevel } from 'chalk';
import { formatBytes } from '../protocol/format-bytes.js';
import { isNoColorSet } from './color-env.js';
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
  if (isNoColorSet(env)) return 0;
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
/**
 * Rows in aligned columns, two spaces apart. With `width` (a terminal's), the last column wraps at word boundaries
 * to fit, its further lines indented to where it starts; without, each row is one line, as a script reading a pipe
 * expects.
 */
export function renderTable(rows: readonly (readonly (Cell | string)[])[], indent = '', width?: number): string[] {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === 'string' ? { text: cell } : cell)));
  const widths: number[] = [];
  for (const row of cells) {
    row.forEach((cell, column) => {
      widths[column] = Math.max(widths[column] ?? 0, displayWidth(cell.text));
    });
  }
  return cells.flatMap((row) => {
    const start =
      displayWidth(indent) + row.slice(0, -1).reduce((sum, _, column) => sum + (widths[column] ?? 0) + 2, 0);
    const last = row.at(-1);
    // Wrapped only when there is room worth wrapping into; a narrower terminal wraps the line itself.
    const wrapped =
      width !== undefined && last !== undefined && width - start >= MIN_WRAP_COLUMNS
        ? wrapWords(last.text, width - start)
        : [last?.text ?? ''];
    const line = row
      .map((cell, column) => {
        const isLast = column === row.length - 1;
        const text = isLast ? wrapped[0]! : cell.text + ' '.repeat((widths[column] ?? 0) - displayWidth(cell.text));
        return cell.style ? cell.style(text) : text;
      })
      .join('  ');
    const more = wrapped.slice(1).map((text) => ' '.repeat(start) + (last?.style ? last.style(text) : text));
    return [indent + line.trimEnd(), ...more];
  });
}

/** A last column narrower than this is not wrapped: a word per line reads worse than the terminal's own wrap. */
const MIN_WRAP_COLUMNS = 20;

/** `text` in lines of at most `width` columns, broken between words; a word longer than a line gets one of its own. */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((part) => part !== '')) {
    if (line === '') line = word;
    else if (displayWidth(line) + 1 + displayWidth(word) <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  return [...lines, line];
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

/** `12.3 ms` with one decimal below 100 ms. */
export function formatMs(ms: number): string {
  return ms < 100 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

/**
 * Pretty JSON when the text is a JSON object or array; otherwise the text unchanged. With `redactor`, secrets are
 * replaced in the parsed values, before they are printed again: a number that is a secret becomes the string `***`,
 * where replacing it in the text would leave `"pin": ***`, which is not JSON.
 */
export function prettyIfJson(text: string, redactor?: ValueRedactor): string {
  const trimmed = text.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return text;
  try {
    const value: unknown = JSON.parse(trimmed);
    return JSON.stringify(redactor ? redactor.value(value) : value, null, 2);
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

/** Saved content older than this is removed the next time a command saves some (files in `--out` are never). */
export const SAVED_FILES_MAX_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** A run's directory among the saved files: its UTC start time, then mkdtemp's random suffix. */
const RUN_DIRECTORY = /^\d{8}T\d{6}Z-[A-Za-z0-9]{6}$/;

/**
 * Where content is saved without `--out`: `$XDG_CACHE_HOME/mcp-host/files`, else `~/.cache/mcp-host/files`. The
 * user's cache, not the shared temp directory: the files stay for the user after the command, only they can read
 * them, and `SAVED_FILES_MAX_AGE_MS` bounds how long they stay.
 */
export function savedFilesRoot(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CACHE_HOME;
  const cache = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || os.homedir(), '.cache');
  return path.join(cache, 'mcp-host', 'files');
}

/** Replaces secrets in JSON values (see host/redact.ts). */
export interface ValueRedactor {
  /** A copy of the value with every secret replaced. */
  value<T>(value: T): T;
}

/** Hides secrets in what is rendered and saved; the CLI passes its redactor. */
export interface ContentRedactor extends ValueRedactor {
  /** The bytes with every secret replaced; `bytes` itself when there was none. */
  bytes(bytes: Buffer): Buffer;
}

export interface BinaryFilesOptions {
  /** The start of every file name (`weather-get_map`), sanitized. */
  prefix: string;
  /** `--out`: relative to `cwd`; created if needed. */
  outDir?: string;
  /** The command's working directory, which is not this process's in a daemon. */
  cwd: string;
  /** The command's environment, for the cache directory (see `savedFilesRoot`). */
  env: NodeJS.ProcessEnv;
  /** Applied to every file saved, and to JSON text rendered beside them (see `renderContent`). */
  redactor: ContentRedactor;
}

/** A file written by `BinaryFiles.save`. */
export interface SavedFile {
  path: string;
  /** A secret was found in the content and replaced with `***` in the file. */
  isRedacted: boolean;
}

/**
 * Saves binary content (images, audio, blobs) to files, each with every secret in it replaced with `***` (so a text
 * blob, or an image's metadata, never carries one to disk). They go to `--out` when given, otherwise to a new
 * directory of this run under `savedFilesRoot` (0700, files 0600), made on first use; making it also removes the
 * runs there older than `SAVED_FILES_MAX_AGE_MS`. The printed paths point to the files, which stay after the command.
 */
export class BinaryFiles {
  private dir: Promise<string> | undefined;
  private count = 0;
  readonly saved: string[] = [];

  constructor(private readonly options: BinaryFilesOptions) {}

  get redactor(): ContentRedactor {
    return this.options.redactor;
  }

  /**
   * Writes the base64 `data`, secrets replaced, and says where.
   * @throws Error when the cache directory is not a directory of this user's.
   */
  async save(base64: string, mimeType: string | undefined): Promise<SavedFile> {
    this.dir ??= this.makeDir();
    const dir = await this.dir;
    this.count += 1;
    const file = path.join(dir, `${sanitize(this.options.prefix)}-${this.count}.${extensionFor(mimeType)}`);
    const bytes = Buffer.from(base64, 'base64');
    const redacted = this.options.redactor.bytes(bytes);
    await writeFile(file, redacted, this.options.outDir === undefined ? { mode: 0o600 } : {});
    this.saved.push(file);
    return { path: file, isRedacted: redacted !== bytes };
  }

  /** Writes `bytes`, secrets replaced, to the file `target` (relative to `cwd`), as a shell's `>` would. */
  async saveAs(target: string, bytes: Buffer): Promise<SavedFile> {
    const file = path.resolve(this.options.cwd, target);
    const redacted = this.options.redactor.bytes(bytes);
    await writeFile(file, redacted);
    this.saved.push(file);
    return { path: file, isRedacted: redacted !== bytes };
  }

  private async makeDir(): Promise<string> {
    const { outDir, cwd, env } = this.options;
    if (outDir !== undefined) {
      const dir = path.resolve(cwd, outDir);
      await mkdir(dir, { recursive: true });
      return dir;
    }
    const root = savedFilesRoot(env);
    await mkdir(root, { recursive: true, mode: 0o700 });
    const stats = await lstat(root);
    if (!stats.isDirectory() || (process.getuid !== undefined && stats.uid !== process.getuid())) {
      throw new Error(`${root} must be a directory of this user's, to save files in; or give --out DIR`);
    }
    if ((stats.mode & 0o777) !== 0o700) await chmod(root, 0o700);
    await pruneRuns(root, Date.now() - SAVED_FILES_MAX_AGE_MS);
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
    return mkdtemp(path.join(root, `${stamp}-`));
  }
}

/** Removes the run directories last changed before `before`. Best effort: another run may be removing them too. */
async function pruneRuns(root: string, before: number): Promise<void> {
  for (const name of await readdir(root)) {
    if (!RUN_DIRECTORY.test(name)) continue;
    const dir = path.join(root, name);
    try {
      if ((await lstat(dir)).mtimeMs < before) await rm(dir, { recursive: true, force: true });
    } catch {
      // Gone already, or not ours to remove: either way nothing to do.
    }
  }
}

/**
 * Renders content blocks as lines of text; binary blocks are saved through `files` and shown as their path. JSON text
 * is redacted by `files.redactor` as values (the lines are redacted again as text when they are printed).
 */
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
      return [prettyIfJson(block.text, files.redactor)];
    case 'image':
    case 'audio': {
      const file = await files.save(block.data, block.mimeType);
      const size = formatBytes(Buffer.byteLength(block.data, 'base64'));
      return [
        `${chalk.cyan(`[${block.type} ${block.mimeType}, ${size}]`)} saved to ${file.path}${redactedNote(file, chalk)}`,
      ];
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
  if ('text' in contents && typeof contents.text === 'string') {
    return [header, prettyIfJson(contents.text, files.redactor)];
  }
  if ('blob' in contents && typeof contents.blob === 'string') {
    if (isTextType(contents.mimeType)) return [header, Buffer.from(contents.blob, 'base64').toString('utf8')];
    const file = await files.save(contents.blob, contents.mimeType);
    const size = formatBytes(Buffer.byteLength(contents.blob, 'base64'));
    return [`${header} ${size} saved to ${file.path}${redactedNote(file, chalk)}`];
  }
  return [header];
}

function redactedNote(file: SavedFile, chalk: ChalkInstance): string {
  return file.isRedacted ? chalk.dim(' (a secret in it was replaced with ***)') : '';
}

/** Blobs of these types are shown as text: saving "hello" to a file helps nobody. */
export function isTextType(mimeType: string | undefined): boolean {
  const type = (mimeType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  return type.startsWith('text/') || type === 'application/json' || type.endsWith('+json');
}

function sanitize(name: string): string {
  return name.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'content';
}
