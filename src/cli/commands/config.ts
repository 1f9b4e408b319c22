/**
 * `mcp-host config add|remove|list|import`: the config file's servers, from the command line. Edits keep every
 * comment and every byte of the file outside the entry they are about, are checked by the loader before anything is
 * written, and replace the file atomically (src/host/config-edit.ts). Nothing is started, so these never go through
 * the daemon (which notices the edited file itself).
 */

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Argument, Command } from 'commander';
import type { LoadedConfig } from '../../host/config.js';
import type { ConfigEditResult, LiteralSecret, NewServerEntry } from '../../host/config-edit.js';
import type { ImportCandidate, ImportSource } from '../../host/config-import.js';
import { CONFIG_FILE_NAME, CONFIG_PATH_VARIABLE, locateConfig } from '../../host/config-location.js';
import { parseJsonText } from '../../host/jsonc.js';
import { closestNames, didYouMean } from '../../protocol/did-you-mean.js';
import { CONFIG_COMMAND, COMMANDS, checkOptionActions } from '../command-line.js';
import type { OptionSpec } from '../command-line.js';
import type { CliContext } from '../context.js';
import { McpHostError, isMcpHostError } from '../errors.js';
import { EXIT_CODE } from '../exit-codes.js';
import { renderTable } from '../render.js';
import type { Cell } from '../render.js';

const ACTIONS = ['add', 'remove', 'list', 'import'] as const;
type Action = (typeof ACTIONS)[number];

interface ConfigOptions {
  env?: string[];
  cwd?: string;
  url?: string;
  header?: string[];
  description?: string;
  disabled?: boolean;
  force?: boolean;
  all?: boolean;
  from?: string;
  prefix?: string;
}

export function createConfigCommand(ctx: CliContext): Command {
  const {
    arguments: [action, rest],
    options,
  } = COMMANDS.config;
  const command = new Command(CONFIG_COMMAND)
    .description('add, remove or list the servers of the config file, or import those of other hosts')
    .addArgument(new Argument(action.name, action.description).choices(ACTIONS))
    .argument(rest.name, rest.description);
  for (const option of Object.values(options) as OptionSpec[]) {
    if (option.isRepeatable) {
      command.option(option.flags, option.description, (value: string, previous: string[] = []) => [
        ...previous,
        value,
      ]);
    } else {
      command.option(option.flags, option.description);
    }
  }
  return command
    .addHelpText(
      'after',
      `
The file is the one every command uses (--config, $${CONFIG_PATH_VARIABLE}, ./${CONFIG_FILE_NAME}, the user
config); config add creates ./${CONFIG_FILE_NAME} when there is none. Edits keep the file's comments and
layout, write into the section it uses (mcpServers, or VS Code's servers), and write nothing when the
entry would be invalid or a server of that name exists (--force replaces it). Put -- before the
server's command: what follows it is the server's, options included.

config import looks for the servers of Claude Desktop, Claude Code, Cursor, VS Code, Windsurf, Codex
and Gemini CLI (user files, and the project's in this directory) and lists them; --all or names
import them.

Examples:
  mcp-host config list
  mcp-host config import
  mcp-host config import --all --from claude-desktop
  mcp-host -c ~/.config/mcp-host/config.json config add github --env GITHUB_TOKEN -- npx -y @modelcontextprotocol/server-github
  mcp-host -c ~/.config/mcp-host/config.json config add docs --url https://example.com/mcp
  mcp-host -c ~/.config/mcp-host/config.json config remove github docs`,
    )
    .action(
      ctx.action(async (action: Action, args: string[], options: ConfigOptions, self: Command) => {
        const problem = checkOptionActions(CONFIG_COMMAND, action, options as Record<string, unknown>);
        if (problem !== undefined) throw new McpHostError('USAGE', problem);
        switch (action) {
          case 'add':
            return add(ctx, args, options, rawArgs(self));
          case 'remove':
            return remove(ctx, args);
          case 'list':
            if (args.length > 0) throw new McpHostError('USAGE', 'config list takes no arguments');
            return list(ctx);
          case 'import':
            return importServers(ctx, args, options);
        }
      }),
    );
}

// ---------------------------------------------------------------------------------------------------------------
// add

async function add(ctx: CliContext, args: string[], options: ConfigOptions, raw: readonly string[]): Promise<number> {
  const [name, ...commandLine] = args;
  if (name === undefined) {
    throw new McpHostError(
      'USAGE',
      'config add needs the server’s name: config add NAME -- COMMAND ARGS..., or --url URL',
    );
  }
  const entry = newEntry(name, commandLine, options, raw);
  const target = configTarget(ctx);
  const { editConfigFile, entrySecretValues } = await import('../../host/config-edit.js');
  // A message about the entry may quote its values: its secrets are hidden from the start.
  ctx.hideSecrets(entrySecretValues(entry, ctx.io.env));
  let result: ConfigEditResult;
  try {
    result = editConfigFile(
      target.path,
      { add: [{ name, entry }], force: options.force === true },
      {
        env: ctx.io.env,
        displayPath: target.displayPath,
      },
    );
  } catch (error) {
    // Made from the arguments: an entry the loader would refuse is an argument's problem.
    if (isMcpHostError(error, 'CONFIG_INVALID') && Array.isArray(error.context.servers)) {
      throw new McpHostError('USAGE', error.message, error.context, { cause: error });
    }
    throw error;
  }
  const config = await loadWritten(ctx);
  const isReplaced = result.replaced.length > 0;
  if (ctx.options.isJson) {
    ctx.printJson({
      config: result.path,
      created: result.created,
      server: name,
      section: result.section,
      replaced: isReplaced,
      entry: writtenEntry(result.config.text, name) ?? entry,
      literalSecrets: result.literalSecrets.map(({ field }) => field),
    });
    return EXIT_CODE.OK;
  }
  if (result.created) ctx.note(ctx.err.dim(`created ${target.displayPath}`));
  ctx.print(`${isReplaced ? 'replaced' : 'added'} ${name} ${isReplaced ? 'in' : 'to'} ${target.displayPath}`);
  warnLiteralSecrets(ctx, result.literalSecrets, result.section, target.displayPath);
  noteUnresolved(ctx, config, [name]);
  if (options.url !== undefined) {
    ctx.note(
      ctx.err.dim('remote servers are listed (list servers) but not yet connectable: this version speaks stdio'),
    );
  } else if (options.disabled !== true) {
    const configOption = ctx.options.config === undefined ? '' : ` --config ${ctx.options.config}`;
    ctx.note(ctx.err.dim(`try it: mcp-host${configOption} list tools ${name}`));
  }
  return EXIT_CODE.OK;
}

/** The entry `config add` writes: a command's (`-- COMMAND ARGS`) or a remote server's (`--url`). */
function newEntry(
  name: string,
  commandLine: readonly string[],
  options: ConfigOptions,
  raw: readonly string[],
): Record<string, unknown> {
  const common = {
    ...(options.description !== undefined && { description: options.description }),
    ...(options.disabled === true && { disabled: true }),
  };
  if (options.url !== undefined) {
    if (commandLine.length > 0) {
      throw new McpHostError('USAGE', `config add ${name}: give either --url URL or -- COMMAND ARGS..., not both`);
    }
    for (const [flag, value] of [
      ['--env', options.env],
      ['--cwd', options.cwd],
    ] as const) {
      if (value !== undefined) throw new McpHostError('USAGE', `${flag} is for a server that is a command, not --url`);
    }
    const headers = Object.fromEntries((options.header ?? []).map(parseHeader));
    return {
      type: 'http',
      url: options.url,
      ...(Object.keys(headers).length > 0 && { headers }),
      ...common,
    };
  }
  if (options.header !== undefined) throw new McpHostError('USAGE', '--header is for a remote server (--url URL)');
  if (commandLine.length === 0) {
    throw new McpHostError(
      'USAGE',
      `config add ${name} needs the server's command (config add ${name} -- COMMAND ARGS...) or --url URL`,
    );
  }
  checkSeparator(raw, commandLine);
  const [command, ...args] = commandLine;
  const env = Object.fromEntries((options.env ?? []).map(parseEnv));
  return {
    command,
    ...(args.length > 0 && { args }),
    ...(Object.keys(env).length > 0 && { env }),
    ...(options.cwd !== undefined && { cwd: options.cwd }),
    ...common,
  };
}

/** `NAME=value`, or `NAME` alone for `NAME=${NAME}`: the value read from the environment when the server starts. */
function parseEnv(text: string): [string, string] {
  const equals = text.indexOf('=');
  return equals === -1 ? [text, `\${${text}}`] : [text.slice(0, equals), text.slice(equals + 1)];
}

/** `Name: value`, as curl takes it. */
function parseHeader(text: string): [string, string] {
  const colon = text.indexOf(':');
  const name = colon === -1 ? '' : text.slice(0, colon).trim();
  if (name === '') throw new McpHostError('USAGE', `--header ${JSON.stringify(text)}: expected "Name: value"`);
  return [name, text.slice(colon + 1).trim()];
}

/**
 * Without `--`, options after the server's command went to mcp-host (`config add x npx -y pkg` would lose `-y` to
 * `--yes`): such a line is refused rather than written wrong.
 */
function checkSeparator(raw: readonly string[], commandLine: readonly string[]): void {
  if (raw.includes('--')) return;
  const start = raw.indexOf(commandLine[0]!, raw.indexOf('add') + 2);
  const option = start === -1 ? undefined : raw.slice(start + 1).find((word) => /^-[^\d]/.test(word));
  if (option !== undefined) {
    throw new McpHostError(
      'USAGE',
      `${option} after the server's command is ambiguous: put -- before the command (config add NAME [options] -- COMMAND ARGS...), and mcp-host's options before --`,
    );
  }
}

function warnLiteralSecrets(
  ctx: CliContext,
  secrets: readonly LiteralSecret[],
  section: string,
  displayPath: string,
): void {
  for (const { server, field } of secrets) {
    const variable = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(field)?.[1];
    const name = /^(?:env|headers)\.([^.[]+)$/.exec(field)?.[1];
    const instead = variable
      ? `: keep it in your environment and write --env ${variable} (the entry then reads "\${${variable}}")`
      : `: write it as \${VARIABLE} and keep it in your environment${name ? `, or, if it is no secret, list "${name}" in the entry's "public"` : ''}`;
    ctx.note(
      ctx.err.yellow(
        `warning: ${section}.${server}.${field} holds a secret as it is, for anyone who can read ${displayPath}${instead}`,
      ),
    );
  }
}

// ---------------------------------------------------------------------------------------------------------------
// remove

async function remove(ctx: CliContext, names: string[]): Promise<number> {
  if (names.length === 0) throw new McpHostError('USAGE', 'config remove needs the names of the servers to remove');
  // The file must exist, as for every command but add.
  const config = await ctx.loadConfig();
  const displayPath = displayPathOf(ctx, config.path);
  const { editConfigFile } = await import('../../host/config-edit.js');
  const result = editConfigFile(config.path, { remove: names }, { env: ctx.io.env, displayPath });
  if (ctx.options.isJson) {
    ctx.printJson({ config: result.path, removed: result.removed });
    return EXIT_CODE.OK;
  }
  for (const name of result.removed) ctx.print(`removed ${name} from ${displayPath}`);
  return EXIT_CODE.OK;
}

// ---------------------------------------------------------------------------------------------------------------
// list

async function list(ctx: CliContext): Promise<number> {
  const config = await ctx.loadConfig();
  const sources = await entrySources(config);
  const rows = config.servers.map((server) => {
    const source = sources.get(server.name);
    const status =
      server.kind === 'invalid'
        ? 'invalid'
        : server.disabled
          ? 'disabled'
          : server.kind === 'stdio' && server.unresolved !== undefined
            ? 'unresolved'
            : 'ok';
    const problems = server.kind === 'invalid' ? server.problems : server.kind === 'stdio' ? server.unresolved : [];
    return {
      name: server.name,
      kind: server.kind === 'invalid' ? 'invalid' : server.kind,
      status,
      ...(source?.section !== undefined && { section: source.section }),
      ...(source?.line !== undefined && { line: source.line }),
      ...(server.description !== undefined && { description: server.description }),
      ...(problems !== undefined && problems.length > 0 && { problems }),
      ...(server.kind === 'http' && { url: server.url }),
    };
  });
  if (ctx.options.isJson) {
    const { configFormatOf } = await import('../../host/config-text.js');
    ctx.printJson({ config: config.path, format: configFormatOf(config.path), servers: rows });
    return EXIT_CODE.OK;
  }
  const { out } = ctx;
  ctx.print(displayPathOf(ctx, config.path));
  ctx.printLines(
    renderTable(
      rows.map((row): (Cell | string)[] => {
        const where = row.section === undefined ? '' : `${row.section}${row.line === undefined ? '' : `:${row.line}`}`;
        const style = row.status === 'ok' ? out.dim : row.status === 'disabled' ? out.yellow : out.red;
        const detail = row.problems?.join('; ') ?? row.url ?? row.description ?? '';
        return [
          { text: row.name, style: out.bold },
          { text: row.status === 'ok' ? row.kind : row.status, style },
          { text: where, style: out.dim },
          { text: detail, style: row.problems ? style : out.dim },
        ];
      }),
      '  ',
    ),
  );
  if (rows.length === 0) ctx.note(out.dim('no servers: add one with mcp-host config add NAME -- COMMAND ARGS...'));
  return EXIT_CODE.OK;
}

/** Where each server is written: its section, and for JSON its line. */
async function entrySources(config: LoadedConfig): Promise<Map<string, { section: string; line?: number }>> {
  const [{ CONFIG_SECTIONS }, { configFormatOf, parseConfigText }] = await Promise.all([
    import('../../host/config.js'),
    import('../../host/config-text.js'),
  ]);
  const format = configFormatOf(config.path);
  const data = parseConfigText(config.text, format) as Record<string, unknown>;
  const { propertyLines } = format === 'json' ? await import('../../host/jsonc-edit.js') : { propertyLines: undefined };
  const sources = new Map<string, { section: string; line?: number }>();
  for (const section of CONFIG_SECTIONS[format]) {
    const entries = data[section];
    if (typeof entries !== 'object' || entries === null) continue;
    const lines = propertyLines?.(config.text, [section]);
    for (const name of Object.keys(entries)) {
      const line = lines?.get(name);
      if (!sources.has(name)) sources.set(name, { section, ...(line !== undefined && { line }) });
    }
  }
  return sources;
}

// ---------------------------------------------------------------------------------------------------------------
// import

/** A server chosen for import: where from, and the name it gets. */
interface Chosen {
  source: ImportSource;
  candidate: ImportCandidate & { entry: Record<string, unknown> };
  as: string;
}

async function importServers(ctx: CliContext, names: string[], options: ConfigOptions): Promise<number> {
  const target = configTarget(ctx);
  const [{ findImportSources }, { parseConfigText, configFormatOf }] = await Promise.all([
    import('../../host/config-import.js'),
    import('../../host/config-text.js'),
  ]);
  const { sources, searched } = findImportSources({
    env: ctx.io.env,
    cwd: ctx.io.cwd,
    destination: target.path,
    ...(options.from !== undefined && { from: options.from }),
  });
  // Other hosts' files hold secrets of their own, often written as they are: never shown, whatever is printed.
  ctx.hideSecrets(sources.flatMap((source) => source.candidates.flatMap((candidate) => candidate.secretValues)));
  const existing = existingEntries(target.path, (text) => parseConfigText(text, configFormatOf(target.path)));
  if (names.length === 0 && options.all !== true) {
    if (options.prefix !== undefined || options.force === true) {
      throw new McpHostError(
        'USAGE',
        'config import lists what it finds: give --all or the names of the servers to import',
      );
    }
    return listImportable(ctx, sources, searched, existing, target);
  }
  if (names.length > 0 && options.all === true) {
    throw new McpHostError('USAGE', 'config import: give --all or names of servers, not both');
  }
  for (const { hostName, location, problem } of sources) {
    if (problem !== undefined) {
      ctx.note(ctx.err.yellow(`warning: ${hostName} (${tildePath(ctx, location.file)}) skipped: ${problem}`));
    }
  }
  const chosen = chooseServers(sources, names, options, (file) => tildePath(ctx, file));
  const add: NewServerEntry[] = [];
  const unchanged: Chosen[] = [];
  for (const item of chosen) {
    const current = existing?.get(item.as);
    if (current !== undefined && isSameEntry(current, item.candidate.entry)) unchanged.push(item);
    else add.push({ name: item.as, entry: item.candidate.entry });
  }
  const { editConfigFile } = await import('../../host/config-edit.js');
  const result =
    add.length > 0
      ? editConfigFile(
          target.path,
          { add, force: options.force === true },
          { env: ctx.io.env, displayPath: target.displayPath },
        )
      : undefined;
  const config = result ? await loadWritten(ctx) : undefined;
  const imported = chosen
    .filter((item) => !unchanged.includes(item))
    .map(({ source, candidate, as }) => ({
      name: candidate.name,
      ...(as !== candidate.name && { as }),
      from: { host: source.hostName, file: source.location.file },
      replaced: result?.replaced.includes(as) ?? false,
      ...(candidate.dropped.length > 0 && { dropped: candidate.dropped }),
    }));
  if (ctx.options.isJson) {
    ctx.printJson({
      config: result?.path ?? target.path,
      created: result?.created ?? false,
      imported,
      unchanged: unchanged.map(({ as }) => as),
      literalSecrets: (result?.literalSecrets ?? []).map(({ server, field }) => ({ server, field })),
    });
    return EXIT_CODE.OK;
  }
  if (result?.created) ctx.note(ctx.err.dim(`created ${target.displayPath}`));
  for (const item of imported) {
    const verb = item.replaced ? 'replaced' : 'imported';
    ctx.print(
      `${verb} ${item.as ?? item.name} from ${item.from.host} (${tildePath(ctx, item.from.file)}) into ${target.displayPath}`,
    );
    if (item.dropped) ctx.note(ctx.err.dim(`  left behind: ${item.dropped.join(', ')} (not used by mcp-host)`));
  }
  for (const { as } of unchanged) ctx.note(ctx.err.dim(`${as} is already in ${target.displayPath} as it is`));
  if (result) warnLiteralSecrets(ctx, result.literalSecrets, result.section, target.displayPath);
  if (result && config) noteUnresolved(ctx, config, [...result.added, ...result.replaced]);
  if (chosen.length === 0) {
    ctx.print(`no server to import${options.from === undefined ? '' : ` from ${options.from}`}`);
    ctx.note(ctx.err.dim(`looked for:\n${searched.map((file) => `  ${tildePath(ctx, file)}`).join('\n')}`));
  }
  return EXIT_CODE.OK;
}

/**
 * The servers `--all` or the names pick, renamed with `--prefix`. The same name in two files is one server when
 * the entries agree; otherwise `--from` must say which.
 */
function chooseServers(
  sources: readonly ImportSource[],
  names: readonly string[],
  options: ConfigOptions,
  show: (file: string) => string,
): Chosen[] {
  const all = sources.flatMap((source) => source.candidates.map((candidate) => ({ source, candidate })));
  const wanted = names.length > 0 ? [...new Set(names)] : [...new Set(all.map(({ candidate }) => candidate.name))];
  const known = [...new Set(all.map(({ candidate }) => candidate.name))];
  const chosen: Chosen[] = [];
  const invalid: string[] = [];
  const ambiguous: string[] = [];
  for (const name of wanted) {
    const found = all.filter(({ candidate }) => candidate.name === name);
    if (found.length === 0) {
      const where = options.from === undefined ? 'in the other hosts’ configs' : `in ${options.from}`;
      throw new McpHostError(
        'SERVER_NOT_FOUND',
        `No server named "${name}" ${where}${didYouMean(closestNames(name, known), { prefix: '; ' })} (mcp-host config import lists them)`,
        { server: name, available: known },
      );
    }
    const usable = found.filter(({ candidate }) => candidate.kind !== 'invalid' && candidate.entry !== undefined);
    if (usable.length === 0) {
      invalid.push(
        ...found.flatMap(({ source, candidate }) =>
          candidate.problems.map((problem) => `${problem} (${source.hostName}: ${show(source.location.file)})`),
        ),
      );
      continue;
    }
    const first = usable[0]!;
    const differing = usable.filter(({ candidate }) => !isSameEntry(candidate.entry, first.candidate.entry));
    if (differing.length > 0) {
      const where = usable.map(({ source }) => `--from ${fromId(source)} (${show(source.location.file)})`);
      ambiguous.push(`"${name}": ${where.join(', ')}`);
      continue;
    }
    chosen.push({ ...first, candidate: first.candidate as Chosen['candidate'], as: `${options.prefix ?? ''}${name}` });
  }
  if (ambiguous.length > 0) {
    throw new McpHostError(
      'USAGE',
      `nothing was imported: ${ambiguous.length === 1 ? 'a name is' : 'names are'} given to different servers in different files; choose with --from:\n${ambiguous.map((line) => `  ${line}`).join('\n')}`,
      { servers: ambiguous },
    );
  }
  if (invalid.length > 0) {
    throw new McpHostError(
      'CONFIG_INVALID',
      `nothing was imported: mcp-host cannot use ${invalid.length === 1 ? 'this entry' : 'these entries'}:\n${invalid.map((problem) => `  ${problem}`).join('\n')}`,
      { problems: invalid },
    );
  }
  return chosen;
}

function listImportable(
  ctx: CliContext,
  sources: readonly ImportSource[],
  searched: readonly string[],
  existing: Map<string, unknown> | undefined,
  target: { path: string; displayPath: string },
): number {
  const status = (candidate: ImportCandidate): 'new' | 'conflict' | 'same' | 'invalid' => {
    if (candidate.kind === 'invalid') return 'invalid';
    const current = existing?.get(candidate.name);
    if (current === undefined) return 'new';
    return isSameEntry(current, candidate.entry) ? 'same' : 'conflict';
  };
  if (ctx.options.isJson) {
    ctx.printJson({
      config: target.path,
      sources: sources.map((source) => ({
        host: source.hostName,
        ...(source.location.host !== 'file' && { from: source.location.host }),
        scope: source.location.scope,
        file: source.location.file,
        ...(source.problem !== undefined && { problem: source.problem }),
        servers: source.candidates.map((candidate) => ({
          name: candidate.name,
          kind: candidate.kind,
          status: status(candidate),
          ...(candidate.entry !== undefined && { entry: candidate.entry }),
          ...(candidate.dropped.length > 0 && { dropped: candidate.dropped }),
          ...(candidate.problems.length > 0 && { problems: candidate.problems }),
        })),
      })),
      searched,
    });
    return EXIT_CODE.OK;
  }
  // A name in several files with different entries: --all and that name need --from.
  const entriesByName = new Map<string, Set<string>>();
  for (const { candidate } of sources.flatMap((source) => source.candidates.map((candidate) => ({ candidate })))) {
    if (candidate.entry === undefined) continue;
    const seen = entriesByName.get(candidate.name) ?? new Set<string>();
    seen.add(canonical(withoutStdioType(candidate.entry)));
    entriesByName.set(candidate.name, seen);
  }
  const hostsOf = (name: string, except: ImportSource): string[] =>
    sources
      .filter((source) => source !== except && source.candidates.some((c) => c.name === name))
      .map((s) => s.hostName);
  const { out } = ctx;
  if (sources.length === 0) {
    ctx.print('no other host’s config found');
    ctx.note(out.dim(`looked for:\n${searched.map((file) => `  ${tildePath(ctx, file)}`).join('\n')}`));
    return EXIT_CODE.OK;
  }
  for (const source of sources) {
    const scope = source.location.scope === 'user' ? '' : ` (${source.location.scope})`;
    ctx.print(`${out.bold(`${source.hostName}${scope}`)}  ${tildePath(ctx, source.location.file)}`);
    if (source.problem !== undefined) ctx.print(`  ${out.red(`cannot be read: ${source.problem}`)}`);
    else if (source.candidates.length === 0) ctx.print(`  ${out.dim('no servers')}`);
    const rows = source.candidates.map((candidate): (Cell | string)[] => {
      const state = status(candidate);
      const what = describeCandidate(ctx, candidate);
      const isAmbiguous = (entriesByName.get(candidate.name)?.size ?? 0) > 1;
      const note = isAmbiguous
        ? {
            text: `another "${candidate.name}" is in ${hostsOf(candidate.name, source).join(', ')}: choose with --from`,
            style: out.yellow,
          }
        : state === 'conflict'
          ? { text: `${target.displayPath} has another "${candidate.name}"`, style: out.yellow }
          : state === 'same'
            ? { text: `already in ${target.displayPath}`, style: out.dim }
            : state === 'invalid'
              ? { text: candidate.problems.join('; '), style: out.red }
              : { text: '' };
      return [{ text: candidate.name, style: out.bold }, { text: candidate.kind, style: out.dim }, what, note];
    });
    ctx.printLines(renderTable(rows, '  '));
  }
  ctx.note(
    out.dim(
      `import with: mcp-host config import --all, or mcp-host config import NAME... (--from HOST, --prefix P, --force); into ${target.displayPath}`,
    ),
  );
  return EXIT_CODE.OK;
}

function describeCandidate(ctx: CliContext, candidate: ImportCandidate): string {
  const entry = candidate.entry ?? {};
  if (typeof entry.url === 'string') return entry.url;
  const words = [entry.command, ...(Array.isArray(entry.args) ? (entry.args as unknown[]) : [])].filter(
    (word): word is string => typeof word === 'string',
  );
  return ctx.redact(words.join(' '));
}

/** The entries of the destination by name (both sections), or undefined when it does not exist or cannot be read. */
function existingEntries(file: string, parse: (text: string) => unknown): Map<string, unknown> | undefined {
  let data: unknown;
  try {
    data = parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const entries = new Map<string, unknown>();
  if (typeof data !== 'object' || data === null) return entries;
  for (const section of ['mcpServers', 'servers', 'mcp_servers']) {
    const servers = (data as Record<string, unknown>)[section];
    if (typeof servers !== 'object' || servers === null) continue;
    for (const [name, entry] of Object.entries(servers)) if (!entries.has(name)) entries.set(name, entry);
  }
  return entries;
}

/** Two entries are one server when their fields are equal, but for a stdio `type` (VS Code's servers write it). */
function isSameEntry(a: unknown, b: unknown): boolean {
  return canonical(withoutStdioType(a)) === canonical(withoutStdioType(b));
}

function withoutStdioType(entry: unknown): unknown {
  if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return entry;
  const { type, ...rest } = entry as Record<string, unknown>;
  return type === 'stdio' ? rest : entry;
}

function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    typeof item === 'object' && item !== null && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : item,
  );
}

/** What `--from` takes for a source: its host's id, or its file. */
function fromId(source: ImportSource): string {
  return source.location.host === 'file' ? source.location.file : source.location.host;
}

// ---------------------------------------------------------------------------------------------------------------
// The file

/**
 * The file `config add` and `config import` write: `--config` or `$MCP_HOST_CONFIG` (created if missing), else the
 * file every command would find, else a new `./mcp.config.json`.
 */
function configTarget(ctx: CliContext): { path: string; displayPath: string } {
  const { env, cwd } = ctx.io;
  const explicit = ctx.options.config || env[CONFIG_PATH_VARIABLE] || undefined;
  let file: string;
  if (explicit !== undefined) {
    file = path.resolve(cwd, explicit);
  } else {
    try {
      file = locateConfig({ env, cwd }).path;
    } catch {
      // Nothing found anywhere: the project's own file is the one to start.
      file = path.join(cwd, CONFIG_FILE_NAME);
    }
  }
  return { path: file, displayPath: displayPathOf(ctx, file) };
}

/** Relative to the working directory when inside it, as the loader's messages name the file. */
function displayPathOf(ctx: CliContext, file: string): string {
  const relative = path.relative(ctx.io.cwd, file);
  return relative.startsWith('..') || path.isAbsolute(relative) || relative === '' ? file : relative;
}

/** `~/...` for a file in the home directory: the other hosts' files are long paths. */
function tildePath(ctx: CliContext, file: string): string {
  const home = ctx.io.env.HOME;
  if (home && (file === home || file.startsWith(`${home}${path.sep}`))) return `~${file.slice(home.length)}`;
  return displayPathOf(ctx, file);
}

/**
 * Loads the written config as every command does: its secrets (the new entry's among them) are hidden in what is
 * printed from here on, and its warnings shown.
 */
async function loadWritten(ctx: CliContext): Promise<LoadedConfig> {
  return ctx.loadConfig();
}

/** What keeps a server just written from starting yet: an unset variable, an unreadable env file. */
function noteUnresolved(ctx: CliContext, config: LoadedConfig, written: readonly string[]): void {
  for (const server of config.servers) {
    if (!written.includes(server.name) || server.kind !== 'stdio' || server.disabled) continue;
    for (const problem of server.unresolved ?? []) ctx.note(ctx.err.yellow(`note: ${problem}`));
  }
}

/** The entry `name` as the file now has it (with the `type` VS Code's section wants, say). */
function writtenEntry(text: string, name: string): unknown {
  const data = JSON.parse(JSON.stringify(parseJsonText(text))) as Record<string, unknown>;
  for (const section of ['mcpServers', 'servers']) {
    const servers = data[section];
    if (typeof servers === 'object' && servers !== null && Object.hasOwn(servers, name)) {
      return (servers as Record<string, unknown>)[name];
    }
  }
  return undefined;
}

/**
 * The command line as typed, to see whether `--` was: the program's `rawArgs`, which commander sets in `parse` (and
 * runCli parses user arguments, so it holds exactly them) but leaves out of its typings.
 */
function rawArgs(command: Command): readonly string[] {
  let root = command;
  while (root.parent) root = root.parent;
  const raw = (root as Command & { rawArgs?: unknown }).rawArgs;
  return Array.isArray(raw) ? (raw as string[]) : [];
}
