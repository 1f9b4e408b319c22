/**
 * The command line's grammar, declared once: the global options, and each command's arguments and options.
 * commander is built from it (program.ts, commands/*.ts), and `preParse` reads a command line by the same
 * declarations before commander is loaded. So the warm path (fast-path.ts), the early start (early-start.ts) and
 * the CLI's reporting of its own errors (context.ts) see the command, the options and the usage errors that
 * commander will see: `-qv`, `--config=x`, `-cx`, a value after `-t`, an unknown option.
 *
 * Plain data and string handling (and MCP's list of log levels): this module is on the warm path, where loading
 * commander would cost more than the whole command.
 */

import { LOGGING_LEVELS } from '../protocol/types.js';
import { SUPPORTED_PROTOCOL_VERSIONS } from '../protocol/versions.js';

export interface OptionSpec {
  /** As commander takes it: `-c, --config <file>`, `--json`, `--no-color`. */
  readonly flags: string;
  readonly description: string;
  /** What is wrong with a value, for an option whose value is a number checked before anything starts. */
  readonly check?: (value: string) => string | undefined;
  /** The number a checked value stands for, when it is not written as one (`64MiB`). @default Number */
  readonly toNumber?: (value: string) => number;
  /** The value when the option is not given (shown in help). */
  readonly defaultValue?: number;
  /** The only values the option takes. */
  readonly choices?: readonly string[];
  /** Given more than once, every value is kept (an array). */
  readonly isRepeatable?: boolean;
  /**
   * For a command whose first argument is an action (`config add`, `config import`): the actions the option
   * applies to; given with another, it is a usage error.
   */
  readonly actions?: readonly string[];
}

export interface ArgumentSpec {
  /** As commander takes it: `<server.tool>` (required), `[arguments...]` (optional, variadic). */
  readonly name: string;
  readonly description: string;
}

export interface CommandSpec {
  readonly arguments: readonly ArgumentSpec[];
  readonly options: Readonly<Record<string, OptionSpec>>;
}

/** A whole number of milliseconds, 0 meaning `zero` (no limit, never). */
function milliseconds(zero: string): (value: string) => string | undefined {
  return (value) => (/^\d+$/.test(value) ? undefined : `expected a whole number of milliseconds (0 for ${zero})`);
}

/** A whole number from `min` to `max`. */
function count(min: number, max: number): (value: string) => string | undefined {
  return (value) => {
    const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
    return number >= min && number <= max
      ? undefined
      : `expected a whole number from ${min} to ${max.toLocaleString('en-US')}`;
  };
}

const BYTE_UNITS: Record<string, number> = {
  '': 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gib: 1024 ** 3,
};
const BYTE_SIZE = /^(\d+)\s*([a-z]*)$/i;

/** `65536`, `512KiB`, `64MiB`, `1G` (units of 1024): the number of bytes, NaN when it is not a size. */
function bytesOf(value: string): number {
  const match = BYTE_SIZE.exec(value.trim());
  const unit = match ? BYTE_UNITS[match[2]!.toLowerCase()] : undefined;
  return match && unit !== undefined ? Number(match[1]) * unit : Number.NaN;
}

/** A size in bytes from `min` up, with an optional unit. */
function byteSize(min: number): (value: string) => string | undefined {
  return (value) => {
    const bytes = bytesOf(value);
    return bytes >= min && Number.isSafeInteger(bytes)
      ? undefined
      : `expected a size of at least ${min} bytes: bytes, or a number with KiB, MiB or GiB (64MiB)`;
  };
}

/** Latencies are kept in memory (8 bytes each): this bounds that to 80 MB. */
export const MAX_BENCH_REQUESTS = 10_000_000;
/** More calls in flight than this measures the host's queueing rather than the server. */
export const MAX_BENCH_CONCURRENCY = 10_000;

export const GLOBAL_OPTIONS = {
  version: { flags: '-V, --version', description: 'print the version' },
  config: {
    flags: '-c, --config <file>',
    description: 'config file (default: $MCP_HOST_CONFIG, ./mcp.config.json, ~/.config/mcp-host/config.json)',
  },
  stdio: {
    flags: '--stdio <command>',
    description: 'no config: one server, named stdio, started by this command line (targets: TOOL or stdio.TOOL)',
  },
  json: {
    flags: '--json',
    description: 'print exactly one JSON document on stdout; errors also as one JSON line on stderr',
  },
  timeout: {
    flags: '-t, --timeout <ms>',
    description: 'time allowed per request in milliseconds, 0 for none (default: 60000)',
    check: milliseconds('no limit'),
  },
  startupTimeout: {
    flags: '--startup-timeout <ms>',
    description: 'time a server has to start, in milliseconds, 0 for none (default: 60000)',
    check: milliseconds('no limit'),
  },
  logLevel: {
    flags: '--log-level <level>',
    description: 'ask servers for their log messages from this level up, shown on stderr (default: warning shown)',
    choices: LOGGING_LEVELS,
  },
  maxMessageSize: {
    flags: '--max-message-size <size>',
    description: "largest message taken from a server, e.g. 256MiB (default: 64MiB; a server's maxMessageBytes wins)",
    check: byteSize(4 * 1024),
    toNumber: bytesOf,
  },
  protocolVersion: {
    flags: '--protocol-version <version>',
    description: 'the MCP revision offered to servers (default: the newest, 2025-11-25)',
    choices: SUPPORTED_PROTOCOL_VERSIONS,
  },
  root: {
    flags: '--root <dir>',
    description: 'a directory servers may work in (MCP roots), besides the working directory; repeatable',
    isRepeatable: true,
  },
  yes: {
    flags: '-y, --yes',
    description: 'answer a server that asks for input with its defaults, without asking',
  },
  passEnv: {
    flags: '--pass-env',
    description:
      'give servers your whole environment, not only PATH, HOME and the like (secrets still hidden in output)',
  },
  raw: {
    flags: '--raw',
    description: 'print control characters from servers as they are (on a terminal they are shown escaped)',
  },
  quiet: { flags: '-q, --quiet', description: 'print only results and errors' },
  verbose: {
    flags: '-v, --verbose',
    description: 'show each server’s stderr live, prefixed with its name, and invalid lines on its stdout',
  },
  color: {
    flags: '--no-color',
    description: 'no colours (also off with NO_COLOR, or when the output is not a terminal)',
  },
  daemon: {
    flags: '--no-daemon',
    description: 'start the servers for this command even when a daemon runs (see mcp-host daemon)',
  },
  help: { flags: '-h, --help', description: 'show help' },
} as const satisfies Record<string, OptionSpec>;

const TOOL_ARGUMENT = { name: '<server.tool>', description: 'the tool, as SERVER.TOOL' };
const ARGS_OPTION = {
  flags: '--args <json>',
  description: 'the whole arguments object: JSON text, @file.json, or - to read stdin',
};
const OUT_OPTION = {
  flags: '--out <dir>',
  description:
    'directory for images, audio and blobs (default: a new one in ~/.cache/mcp-host/files, removed after 7 days)',
};

export const COMMANDS = {
  discover: {
    arguments: [{ name: '[servers...]', description: 'servers to discover (default: every enabled server)' }],
    options: {},
  },
  list: {
    arguments: [
      { name: '<kind>', description: 'what to list' },
      { name: '[servers...]', description: 'only these servers (default: every enabled server)' },
    ],
    options: {
      names: {
        flags: '--names',
        description: 'print only names, one per line (server.tool, URIs, server.prompt, server names)',
      },
      cached: {
        flags: '--cached',
        description:
          'with --names: the names listed in the last 5 minutes, if the config is unchanged (for completion)',
      },
    },
  },
  call: {
    arguments: [TOOL_ARGUMENT, { name: '[arguments...]', description: 'key=value, key:=JSON, nested a.b=value' }],
    options: { args: ARGS_OPTION, out: OUT_OPTION },
  },
  read: {
    arguments: [
      { name: '<server>', description: 'the server' },
      { name: '<uri>', description: 'the resource URI, e.g. kitchen://menu or file:///tmp/a.txt' },
    ],
    options: {
      out: {
        flags: '--out <path>',
        description:
          'write a resource of one content to this file, as its bytes; a directory (or several contents): saved in it',
      },
    },
  },
  prompt: {
    arguments: [
      { name: '<server.prompt>', description: 'the prompt, as SERVER.PROMPT' },
      { name: '[arguments...]', description: 'key=value' },
    ],
    options: { args: ARGS_OPTION, out: OUT_OPTION },
  },
  ping: {
    arguments: [{ name: '[servers...]', description: 'servers to ping (default: every enabled server)' }],
    options: {},
  },
  bench: {
    arguments: [
      TOOL_ARGUMENT,
      { name: '[arguments...]', description: 'key=value, key:=JSON, nested a.b=value (typed as for call)' },
    ],
    options: {
      requests: {
        flags: '--requests <n>',
        description: 'calls to measure',
        check: count(1, MAX_BENCH_REQUESTS),
        defaultValue: 1000,
      },
      concurrency: {
        flags: '--concurrency <n>',
        description: 'calls kept in flight',
        check: count(1, MAX_BENCH_CONCURRENCY),
        defaultValue: 16,
      },
      warmup: {
        flags: '--warmup <n>',
        description: 'calls made first, not measured (default: the concurrency)',
        check: count(0, MAX_BENCH_REQUESTS),
      },
      args: ARGS_OPTION,
    },
  },
  schema: { arguments: [TOOL_ARGUMENT], options: {} },
  complete: {
    arguments: [
      { name: '<target>', description: 'the prompt, as SERVER.PROMPT; or the server, with --resource' },
      { name: '[arguments...]', description: 'the argument to complete as NAME=PARTIAL, then those already chosen' },
    ],
    options: {
      resource: {
        flags: '--resource <uri-template>',
        description: 'complete an argument of this resource template of the server, not of a prompt',
      },
    },
  },
  completion: { arguments: [{ name: '<shell>', description: 'the shell' }], options: {} },
  daemon: {
    arguments: [{ name: '<action>', description: 'start, stop or status' }],
    options: {
      idleTimeout: {
        flags: '--idle-timeout <ms>',
        description: 'start: stop after this long without a command, 0 for never (default: 600000)',
        check: milliseconds('never'),
      },
      foreground: {
        flags: '--foreground',
        description: 'start: run the daemon in this process, logging to stderr, until it stops',
      },
    },
  },
  config: {
    arguments: [
      { name: '<action>', description: 'add, remove, list or import' },
      {
        name: '[args...]',
        description: 'add: NAME [-- COMMAND ARGS...]; remove: NAME...; import: the servers to import (NAME...)',
      },
    ],
    options: {
      env: {
        flags: '-e, --env <name=value>',
        description: 'add: a variable for the server; NAME alone writes NAME=${NAME}, read from your environment',
        isRepeatable: true,
        actions: ['add'],
      },
      cwd: { flags: '--cwd <dir>', description: 'add: the server’s working directory', actions: ['add'] },
      url: {
        flags: '--url <url>',
        description: 'add: a remote server (Streamable HTTP) instead of a command; listed, not yet connectable',
        actions: ['add'],
      },
      header: {
        flags: '-H, --header <header>',
        description: 'add: an HTTP header of the remote server, as "Name: value"',
        isRepeatable: true,
        actions: ['add'],
      },
      description: { flags: '--description <text>', description: 'add: shown by list servers', actions: ['add'] },
      disabled: { flags: '--disabled', description: 'add: written disabled (never started)', actions: ['add'] },
      force: {
        flags: '-f, --force',
        description: 'add, import: replace a server of the same name',
        actions: ['add', 'import'],
      },
      all: { flags: '--all', description: 'import: every server found', actions: ['import'] },
      from: {
        flags: '--from <host>',
        description:
          'import: only from this host (claude-desktop, claude-code, cursor, vscode, windsurf, codex, gemini) or file',
        actions: ['import'],
      },
      prefix: {
        flags: '--prefix <prefix>',
        description: 'import: put this before each imported server’s name',
        actions: ['import'],
      },
    },
  },
  help: { arguments: [{ name: '[command]', description: 'the command' }], options: {} },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

/** `mcp-host daemon …` always runs in its own process. */
export const DAEMON_COMMAND = 'daemon' satisfies CommandName;

/** `mcp-host config …` reads and writes the config file and starts no server. */
export const CONFIG_COMMAND = 'config' satisfies CommandName;

/** A command line as commander will read it, found without commander. */
export interface PreParsed {
  /** The first word that is not an option or an option's value. */
  command: string | undefined;
  /** The words after the command that are not options or their values, those after `--` included. */
  operands: string[];
  /**
   * Each option given, by its key in GLOBAL_OPTIONS or the command's options: the last value given, or true for an
   * option without one (`color` for `--no-color`).
   */
  options: Record<string, string | true>;
  /**
   * Why commander will not run the command: a usage error (an unknown command or option, a missing value, too few or
   * too many arguments), or help or the version asked for. Undefined when it will.
   */
  problem: string | undefined;
  isVerbose: boolean;
  isQuiet: boolean;
  isJson: boolean;
  /** `--no-color` was given. */
  isColorDisabled: boolean;
  /** `--no-daemon` was given. */
  isDaemonRefused: boolean;
  /** `--config`/`-c`, the last one given. */
  configOption: string | undefined;
  /** The arguments, as given. */
  args: string[];
}

interface ParsedOption {
  key: string;
  short: string | undefined;
  long: string;
  takesValue: boolean;
  check: ((value: string) => string | undefined) | undefined;
  choices: readonly string[] | undefined;
  actions: readonly string[] | undefined;
}

/** `-c, --config <file>` → short `c`, long `config`, takes a value. */
function parsedOptions(options: Readonly<Record<string, OptionSpec>>): ParsedOption[] {
  return Object.entries(options).map(([key, spec]) => {
    const match = /^(?:-(\w), )?--([\w-]+)( [<[].*)?$/.exec(spec.flags);
    if (!match) throw new Error(`unreadable option flags: ${spec.flags}`);
    const takesValue = match[3] !== undefined;
    return {
      key,
      short: match[1],
      long: match[2]!,
      takesValue,
      check: spec.check,
      choices: spec.choices,
      actions: spec.actions,
    };
  });
}

const GLOBAL = parsedOptions(GLOBAL_OPTIONS);
const OF_COMMAND = new Map(Object.entries(COMMANDS).map(([name, spec]) => [name, parsedOptions(spec.options)]));

/**
 * Reads a command line (after `mcp-host`) by the grammar above, in commander's two passes: the program takes the
 * global options wherever they are (`call x --json`), then the command reads what is left, its own options and
 * its operands. Long options as `--config x` or `--config=x`, short ones alone or grouped (`-qv`, `-c x`, `-cx`),
 * every word after `--` an operand, a negative number an operand of the command.
 */
export function preParse(args: readonly string[]): PreParsed {
  const options: Record<string, string | true> = {};
  const problems: string[] = [];
  const program = readOptions(args, GLOBAL, { isCommand: false, options, problems });
  const [command, ...operands] = program.operands;
  let rest = program.unknown;
  if (command !== undefined && OF_COMMAND.has(command)) {
    const own = readOptions(rest, OF_COMMAND.get(command)!, { isCommand: true, options, problems });
    operands.push(...own.operands);
    rest = own.unknown;
  }
  const isHelp = (word: string): boolean => word === '-h' || word === '--help';
  if (options.help !== undefined || options.version !== undefined || rest.some(isHelp)) {
    problems.unshift('help or the version was asked for');
  }
  if (command === undefined) problems.push('no command');
  else if (command === 'help') problems.push('help was asked for');
  else if (!OF_COMMAND.has(command)) problems.push(`unknown command '${command}'`);
  else if (rest.length > 0) problems.push(`unknown option '${rest[0]}'`);
  else {
    problems.push(...argumentCountProblems(command as CommandName, operands.length));
    problems.push(...actionProblems(command, operands[0], options));
  }
  return {
    command,
    operands,
    options,
    problem: problems[0],
    isVerbose: options.verbose !== undefined,
    isQuiet: options.quiet !== undefined,
    isJson: options.json !== undefined,
    isColorDisabled: options.color !== undefined,
    isDaemonRefused: options.daemon !== undefined,
    configOption: typeof options.config === 'string' ? options.config : undefined,
    args: [...args],
  };
}

interface Reading {
  /** A command has no subcommands: a negative number is one of its operands, not an unknown option. */
  isCommand: boolean;
  options: Record<string, string | true>;
  problems: string[];
}

/**
 * One pass of commander's `parseOptions`: the options of `known` are taken (with their values) and recorded; the
 * words before the first unknown option are operands, and that option and every word after it, but the known options,
 * are left for the next pass.
 */
function readOptions(
  args: readonly string[],
  known: readonly ParsedOption[],
  reading: Reading,
): { operands: string[]; unknown: string[] } {
  const operands: string[] = [];
  const unknown: string[] = [];
  let rest = operands;
  const record = (option: ParsedOption, value: string | undefined): void => {
    if (option.takesValue && value === undefined) reading.problems.push(`option '--${option.long}' needs a value`);
    const problem = value === undefined ? undefined : (option.check?.(value) ?? choiceProblem(option, value));
    if (problem !== undefined) reading.problems.push(`option '--${option.long}': ${problem}`);
    reading.options[option.key] = value ?? true;
  };
  const isOption = (word: string): boolean =>
    word.length > 1 && word.startsWith('-') && !(reading.isCommand && /^-(\d+|\d*\.\d+)(e[+-]?\d+)?$/.test(word));
  let group: string | undefined;
  for (let index = 0; index < args.length || group !== undefined;) {
    const word = group ?? args[index++]!;
    group = undefined;
    if (word === '--') {
      if (rest === unknown) rest.push(word);
      rest.push(...args.slice(index));
      break;
    }
    if (isOption(word)) {
      const option = known.find((candidate) => word === `--${candidate.long}` || word === `-${candidate.short}`);
      if (option) {
        record(option, option.takesValue ? args[index++] : undefined);
        continue;
      }
      const short = word[1] !== '-' ? known.find((candidate) => candidate.short === word[1]) : undefined;
      if (short) {
        if (short.takesValue) record(short, word.slice(2));
        else {
          record(short, undefined);
          group = `-${word.slice(2)}`;
        }
        continue;
      }
      const equals = word.indexOf('=');
      const long =
        word.startsWith('--') && equals > 2 ? known.find((c) => word.slice(2, equals) === c.long) : undefined;
      if (long?.takesValue) {
        record(long, word.slice(equals + 1));
        continue;
      }
      rest = unknown;
    }
    rest.push(word);
  }
  return { operands, unknown };
}

/** What is wrong with `count` operands for `command`, by its declared arguments, as commander checks them. */
function argumentCountProblems(command: CommandName, count: number): string[] {
  const declared: readonly ArgumentSpec[] = COMMANDS[command].arguments;
  const required = declared.filter((argument) => argument.name.startsWith('<')).length;
  const isVariadic = declared.some((argument) => argument.name.includes('...'));
  if (count < required) return [`missing argument '${declared[count]!.name}'`];
  if (!isVariadic && count > declared.length) return [`too many arguments for '${command}'`];
  return [];
}

/**
 * The options given that do not apply to the command's action (see `OptionSpec.actions`), in the words the command
 * refuses them with (`optionActionProblem`).
 */
function actionProblems(command: string, action: string | undefined, given: Record<string, string | true>): string[] {
  if (action === undefined) return [];
  return (OF_COMMAND.get(command) ?? []).flatMap((option) => {
    const problem = given[option.key] === undefined ? undefined : optionActionProblem(command, action, option);
    return problem === undefined ? [] : [problem];
  });
}

/** Why an option cannot go with an action, or undefined when it can. */
function optionActionProblem(
  command: string,
  action: string,
  { long, actions }: { long: string; actions: readonly string[] | undefined },
): string | undefined {
  if (actions === undefined || actions.includes(action)) return undefined;
  const where = actions.map((name) => `${command} ${name}`).join(' and ');
  return `option '--${long}' applies to ${where}, not ${command} ${action}`;
}

/**
 * The usage error, if any, of the options a command got (by their keys in its `options`) for its action: the check
 * commander's side makes, in the pre-parse's words.
 */
export function checkOptionActions(
  command: CommandName,
  action: string,
  given: Readonly<Record<string, unknown>>,
): string | undefined {
  for (const option of OF_COMMAND.get(command) ?? []) {
    if (given[option.key] === undefined) continue;
    const problem = optionActionProblem(command, action, option);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/** What is wrong with a value outside the option's choices (commander refuses the same values). */
function choiceProblem(option: ParsedOption, value: string): string | undefined {
  if (option.choices === undefined || option.choices.includes(value)) return undefined;
  return `expected one of ${option.choices.join(', ')}, got ${JSON.stringify(value)}`;
}
