/**
 * Changing a config file from the command line (`mcp-host config add|remove|import`): entries added, replaced or
 * removed in the section the file already uses (`mcpServers`, or VS Code's `servers`), every other byte of the
 * file kept (jsonc-edit.ts), the result read by the loader's own parser before anything is written (an entry that
 * would be invalid is refused with the field named), and the file replaced atomically (atomic-write.ts).
 *
 * JSON configs only: Codex's TOML is read (config-text.ts) but never written.
 */

import { readFileSync } from 'node:fs';
import { describeValue } from '../protocol/describe-value.js';
import { closestNames, didYouMean } from '../protocol/did-you-mean.js';
import { FileChangedError, writeFileAtomically } from './atomic-write.js';
import { CONFIG_SECTIONS, parseConfig } from './config.js';
import type { LoadedConfig } from './config.js';
import { ConfigTextError, configFormatOf, parseConfigText } from './config-text.js';
import { McpHostError } from './errors.js';
import {
  DEFAULT_LAYOUT,
  insertProperties,
  propertyLines,
  removeProperty,
  replaceProperty,
  writeValue,
} from './jsonc-edit.js';
import { SecretCollector, SecretMarks } from './secrets.js';
import { formatPath } from './stdio-entry.js';

/** An entry to write: the server's name and its fields as they go into the file. */
export interface NewServerEntry {
  name: string;
  entry: Record<string, unknown>;
}

/** What to change. Removals are made first, then the entries are added (or replaced), in their order. */
export interface ConfigEdit {
  add?: readonly NewServerEntry[];
  remove?: readonly string[];
  /** An entry of the same name as one to add is replaced; without it, the edit is refused. @default false */
  force?: boolean;
}

export interface ConfigEditOptions {
  /** What `${VAR}` reads when the result is checked (an unset variable is no reason to refuse an entry). */
  env: NodeJS.ProcessEnv;
  /** Starts every message. @default the file's path */
  displayPath?: string;
}

/** A value of a new entry that is written in it as it is, where the secrets rule sees a secret. */
export interface LiteralSecret {
  server: string;
  /** The field, from the entry: `env.GITHUB_TOKEN`, `headers.Authorization`, `args[2]`. */
  field: string;
}

export interface ConfigEditResult {
  /** The file written: a symbolic link's target. */
  path: string;
  /** The file did not exist (or was empty) before. */
  created: boolean;
  /** The section the new entries went to. */
  section: string;
  added: string[];
  replaced: string[];
  removed: string[];
  /** The values of the new entries that are secrets written as they are, rather than as `${VAR}`. */
  literalSecrets: LiteralSecret[];
  /** The config as the loader reads the new text. */
  config: LoadedConfig;
}

/** A planned edit: the new text and what it does, before anything is written. */
export interface PlannedConfigEdit extends Omit<ConfigEditResult, 'path'> {
  text: string;
}

/**
 * Reads `file` (which may not exist yet: then it is created), applies `edit` (see `planConfigEdit`) and replaces
 * the file atomically, keeping its permissions; nothing is written when the edit is refused.
 * @throws McpHostError as `planConfigEdit` does; CONFIG_INVALID when the file cannot be read or written, or changed
 * while it was being edited.
 */
export function editConfigFile(file: string, edit: ConfigEdit, options: ConfigEditOptions): ConfigEditResult {
  const displayPath = options.displayPath ?? file;
  let text: string | undefined;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (!isMissing(error)) throw fileError(`Cannot read config file ${displayPath}`, file, error);
  }
  const plan = planConfigEdit(text, file, edit, options);
  const { text: newText, ...result } = plan;
  try {
    const written = newText === text ? file : writeFileAtomically(file, newText, { expected: text });
    return { path: written, ...result };
  } catch (error) {
    if (error instanceof FileChangedError) {
      throw new McpHostError(
        'CONFIG_INVALID',
        `${displayPath} changed while it was being edited; nothing was written: run the command again`,
        { file },
      );
    }
    throw fileError(`Cannot write config file ${displayPath}`, file, error);
  }
}

/**
 * The new text of a config (`text` undefined or blank: a new file, `{ "mcpServers": { … } }`) after `edit`, and what
 * it does. Entries go to the first section the file has (`mcpServers`, then `servers`), created if it has none; an
 * entry for VS Code's `servers` gets its `type`. The new text is read as the loader reads it, and refused when an
 * entry added would be invalid.
 * @throws McpHostError CONFIG_INVALID when the file is not JSON (with the line and column), is TOML, has a section
 * that is not an object, or an entry added would be invalid (naming each field: `context.problems`, and the entries:
 * `context.servers`); USAGE when an
 * entry to add exists already and `force` is not set, or is given twice; SERVER_NOT_FOUND when one to remove is not
 * there.
 */
export function planConfigEdit(
  text: string | undefined,
  file: string,
  edit: ConfigEdit,
  options: ConfigEditOptions,
): PlannedConfigEdit {
  const displayPath = options.displayPath ?? file;
  if (configFormatOf(file) === 'toml') {
    throw new McpHostError(
      'CONFIG_INVALID',
      `${displayPath} is TOML (Codex's config): mcp-host reads it but writes only JSON configs; edit it with codex mcp add|remove, or pass --config with a JSON file`,
      { file },
    );
  }
  const isNew = text === undefined || text.trim() === '';
  const data = isNew ? {} : readData(text, file, displayPath);
  const present = CONFIG_SECTIONS.json.filter((section) => data[section] !== undefined);
  for (const section of present) {
    if (!isPlainObject(data[section])) {
      throw new McpHostError(
        'CONFIG_INVALID',
        `${displayPath}: ${section}: expected an object of servers by name, got ${describeValue(data[section])}`,
        { file },
      );
    }
  }
  const section = present[0] ?? 'mcpServers';
  const where = (name: string): string[] =>
    present.filter((candidate) => Object.hasOwn(data[candidate] as object, name));
  const names = present.flatMap((candidate) => Object.keys(data[candidate] as object));

  const removed = [...new Set(edit.remove ?? [])];
  const missing = removed.find((name) => where(name).length === 0);
  if (missing !== undefined) {
    throw new McpHostError(
      'SERVER_NOT_FOUND',
      `No server named "${missing}" in ${displayPath}${didYouMean(closestNames(missing, names), { prefix: '; ' })}`,
      { server: missing, available: names, file },
    );
  }
  const additions = edit.add ?? [];
  const twice = additions.find((addition, index) => additions.findIndex((a) => a.name === addition.name) !== index);
  if (twice) throw new McpHostError('USAGE', `server "${twice.name}" is given twice`, { server: twice.name });
  const existing = additions.filter(({ name }) => where(name).length > 0 && !removed.includes(name));
  if (existing.length > 0 && edit.force !== true) {
    const lines = isNew ? new Map<string, number>() : propertyLinesOf(text, present);
    const list = existing.map(({ name }) => {
      const line = lines.get(name);
      return `"${name}" (${where(name)[0]}${line === undefined ? '' : `, line ${line}`})`;
    });
    throw new McpHostError(
      'USAGE',
      `${displayPath} already has ${existing.length === 1 ? 'a server' : 'servers'} ${list.join(', ')}; --force replaces ${existing.length === 1 ? 'it' : 'them'}`,
      { servers: existing.map(({ name }) => name), file },
    );
  }

  // A byte order mark (Windows editors write one) is kept, outside what jsonc-parser reads.
  const bom = !isNew && text.startsWith('\uFEFF') ? '\uFEFF' : '';
  let newText = isNew ? '' : text.slice(bom.length);
  for (const name of removed) {
    for (const holder of where(name)) newText = removeProperty(newText, [holder, name]);
  }
  const replaced: string[] = [];
  const inserted: NewServerEntry[] = [];
  for (const addition of additions) {
    const holders = removed.includes(addition.name) ? [] : where(addition.name);
    if (holders.length === 0) {
      inserted.push({ name: addition.name, entry: entryFor(section, addition.entry) });
      continue;
    }
    // One name in two sections is an invalid config: the replacement is the one entry left.
    const [first, ...others] = holders;
    newText = replaceProperty(newText, [first!, addition.name], entryFor(first!, addition.entry));
    for (const other of others) newText = removeProperty(newText, [other, addition.name]);
    replaced.push(addition.name);
  }
  if (isNew) {
    const servers = Object.fromEntries(inserted.map(({ name, entry }) => [name, entry]));
    newText = `${writeValue({ [section]: servers }, '', DEFAULT_LAYOUT)}\n`;
  } else if (inserted.length > 0) {
    const properties = inserted.map(({ name, entry }) => ({ key: name, value: entry }));
    newText =
      present.length === 0
        ? insertProperties(
            newText,
            [],
            [{ key: section, value: Object.fromEntries(properties.map((p) => [p.key, p.value])) }],
          )
        : insertProperties(newText, [section], properties);
  }

  newText = bom + newText;
  const config = parseConfig(newText, file, options.env, { displayPath });
  const written = [...replaced, ...inserted.map(({ name }) => name)];
  const invalid = written.flatMap((name) => {
    const server = config.servers.find((candidate) => candidate.name === name);
    return server?.kind === 'invalid' ? [server] : [];
  });
  const problems = invalid.flatMap((server) => server.problems);
  if (problems.length > 0) {
    throw new McpHostError(
      'CONFIG_INVALID',
      `${displayPath}: nothing was written: ${problems.length === 1 ? 'the entry would be invalid' : 'entries would be invalid'}:\n${problems.map((problem) => `  ${problem}`).join('\n')}`,
      { file, problems, servers: invalid.map((server) => server.name) },
    );
  }
  const newData = readData(newText, file, displayPath);
  const marks = new SecretMarks(marksOf(newData));
  return {
    text: newText,
    created: isNew,
    section,
    added: inserted.map(({ name }) => name),
    replaced,
    removed,
    literalSecrets: additions.flatMap(({ name }) => literalSecrets(name, entryIn(newData, name), marks)),
    config,
  };
}

/**
 * The fields of an entry whose values the secrets rule sees as secrets written in the file as they are (rather than
 * read from the environment as `${VAR}`): found by the loader's own collector with no variable set, so that only
 * what is written counts. Values shorter than 4 characters are never hidden, so never reported either.
 */
export function literalSecrets(server: string, entry: unknown, marks: SecretMarks): LiteralSecret[] {
  if (!isPlainObject(entry)) return [];
  const collector = new SecretCollector({ env: {}, marks: marks.with(marksOf(entry)) });
  collector.collectEntry(entry);
  const values = [...collector.values].filter((value) => value.length >= 4 && !value.includes('${'));
  if (values.length === 0) return [];
  const found: LiteralSecret[] = [];
  const walk = (value: unknown, at: (string | number)[]): void => {
    if (typeof value === 'string' || typeof value === 'number') {
      const text = String(value);
      if (values.some((secret) => text.includes(secret))) found.push({ server, field: formatPath(at) });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, [...at, index]));
    } else if (isPlainObject(value)) {
      for (const [key, item] of Object.entries(value)) walk(item, [...at, key]);
    }
  };
  walk(entry, []);
  return found;
}

/**
 * The values of an entry that are secrets by the loader's rule (with `env` for its `${VAR}`s), to hide from output
 * before the entry is in a config that says so (an error message may quote one).
 */
export function entrySecretValues(entry: unknown, env: NodeJS.ProcessEnv): string[] {
  const collector = new SecretCollector({ env, marks: new SecretMarks(isPlainObject(entry) ? marksOf(entry) : {}) });
  collector.collectEntry(entry);
  return [...collector.values];
}

/** Fields an entry gets in a section: VS Code's `servers` wants a stdio entry's `type`, which others may omit. */
function entryFor(section: string, entry: Record<string, unknown>): Record<string, unknown> {
  if (section !== 'servers' || entry.type !== undefined || entry.command === undefined) return entry;
  return { type: 'stdio', ...entry };
}

function readData(text: string, file: string, displayPath: string): Record<string, unknown> {
  let data: unknown;
  try {
    data = parseConfigText(text, 'json');
  } catch (error) {
    if (!(error instanceof ConfigTextError)) throw error;
    throw new McpHostError('CONFIG_INVALID', `${displayPath}:${error.line}:${error.column}: ${error.message}`, {
      file,
      line: error.line,
      column: error.column,
    });
  }
  if (!isPlainObject(data)) {
    throw new McpHostError(
      'CONFIG_INVALID',
      `${displayPath}: expected a JSON object at the top level, got ${describeValue(data)}`,
      { file },
    );
  }
  return data;
}

/** The entry `name` of the first section that has it. */
function entryIn(data: Record<string, unknown>, name: string): unknown {
  for (const section of CONFIG_SECTIONS.json) {
    const entries = data[section];
    if (isPlainObject(entries) && Object.hasOwn(entries, name)) return entries[name];
  }
  return undefined;
}

function propertyLinesOf(text: string, sections: readonly string[]): Map<string, number> {
  const lines = new Map<string, number>();
  for (const section of sections) {
    for (const [name, line] of propertyLines(text, [section])) if (!lines.has(name)) lines.set(name, line);
  }
  return lines;
}

/** The `secrets` and `public` lists of an object, when they are lists of strings (the loader checks them). */
function marksOf(value: Record<string, unknown>): { secrets?: string[]; public?: string[] } {
  const list = (item: unknown): string[] | undefined =>
    Array.isArray(item) && item.every((name) => typeof name === 'string') ? item : undefined;
  const secrets = list(value.secrets);
  const plain = list(value.public);
  return { ...(secrets && { secrets }), ...(plain && { public: plain }) };
}

function fileError(message: string, file: string, error: unknown): McpHostError {
  const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'EISDIR'
        ? 'it is a directory'
        : error instanceof Error
          ? error.message
          : String(error);
  return new McpHostError('CONFIG_INVALID', `${message}: ${reason}`, { file }, { cause: error });
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
