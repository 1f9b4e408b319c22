/**
 * The command line's grammar (src/cli/command-line.ts) is the one declaration of options and arguments: commander is
 * built from it, and the pre-parse (what the warm path, the early start and error reporting read) reads a line by
 * it. Checked both ways: the program's commands, arguments and options are exactly the grammar's; and for a table
 * of lines, the pre-parse and commander (the whole CLI in-process, with no config anywhere) reach the same verdict.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { Argument } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { COMMANDS, GLOBAL_OPTIONS, preParse } from '../../../src/cli/command-line.js';
import { CliContext, globalFlags } from '../../../src/cli/context.js';
import type { CliIo } from '../../../src/cli/context.js';
import { EXIT_CODE } from '../../../src/cli/exit-codes.js';
import { runCli } from '../../../src/cli/main.js';
import { createProgram } from '../../../src/cli/program.js';

// Made at once: the program below is built while the tests are collected.
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-command-line-'));

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Streams that collect, and an environment where no config file can be found. */
function io(): CliIo & { stderrText: () => string } {
  let stderr = '';
  return {
    stdout: { write: () => true },
    stderr: { write: (text: string) => void (stderr += text) },
    stdin: Readable.from([]),
    env: { PATH: process.env.PATH, HOME: dir, XDG_RUNTIME_DIR: path.join(dir, 'run') },
    cwd: dir,
    isTTY: { stdout: false, stderr: false },
    stderrText: () => stderr,
  };
}

/** An argument as the grammar writes it: `<server.tool>`, `[arguments...]`. */
function written(argument: Argument): string {
  const name = `${argument.name()}${argument.variadic ? '...' : ''}`;
  return argument.required ? `<${name}>` : `[${name}]`;
}

describe('commander is built from the grammar', () => {
  const program = createProgram(new CliContext(io(), globalFlags(preParse([]))), runCli);

  it('has the global options, in the grammar’s words', () => {
    const { help, ...options } = GLOBAL_OPTIONS;
    expect(program.options.map((option) => [option.flags, option.description])).toEqual(
      Object.values(options).map((option) => [option.flags, option.description]),
    );
    expect(program.helpInformation()).toMatch(new RegExp(`${help.flags} +${help.description}`));
  });

  it('has each command with exactly the grammar’s arguments and options', () => {
    const { help, ...commands } = COMMANDS;
    expect(help.arguments.map((argument) => argument.name)).toEqual(['[command]']);
    expect(program.commands.map((command) => command.name()).sort()).toEqual(Object.keys(commands).sort());
    for (const command of program.commands) {
      const spec = commands[command.name() as keyof typeof commands];
      expect(command.registeredArguments.map((argument) => [written(argument), argument.description])).toEqual(
        spec.arguments.map((argument) => [argument.name, argument.description]),
      );
      expect(command.options.map((option) => [option.flags, option.description])).toEqual(
        Object.values(spec.options).map((option) => [option.flags, option.description]),
      );
    }
  });
});

describe('the pre-parse and commander agree', () => {
  // Lines the grammar accepts: with no config, commander runs them as far as loading it (exit 2).
  const accepted = [
    ['call', 'w.x', 'city=Tokyo'],
    ['-qv', 'call', 'w.x'],
    ['call', 'w.x', '--args', '{}', '-t', '5'],
    ['call', 'w.x', '-t5000', '--', 'a=--json'],
    ['call', '--out', 'files', 'w.x'],
    ['--config=missing.json', 'read', 's', 'kitchen://menu'],
    ['-cmissing.json', 'schema', 'w.x'],
    ['list', 'tools', '--names', 'w'],
    ['prompt', 'w.p', 'a=b', '--out', 'files'],
    ['bench', 'w.x', '--requests', '5', '--concurrency=2'],
    ['discover', '-5'],
    ['ping', 'a', 'b', '--no-color', '--json'],
    ['--log-level', 'debug', 'list', 'tools', '--startup-timeout=0'],
    ['config', 'list'],
    ['config', 'remove', 'a', 'b', '--json'],
    ['-c', 'missing.json', 'config', 'list'],
  ];
  // Lines commander refuses as a usage error (exit 1) before anything runs.
  const refused = [
    ['call', 'w.x', '--bogus'],
    ['call', 'w.x', '--args'],
    ['-t', 'abc', 'call', 'w.x'],
    ['call', 'w.x', '-t'],
    ['read', 's'],
    ['schema', 'a.b', 'c'],
    ['nope'],
    ['call', 'w.x', '--json=1'],
    ['--out', 'files', 'call', 'w.x'],
    ['bench', 'w.x', '--requests', '0'],
    ['-z', 'list', 'tools'],
    ['call', 'w.x', '-qz'],
    ['call', '--args', '-t', '5', 'w.x'],
    ['--log-level', 'loud', 'list', 'tools'],
    ['--startup-timeout', 'soon', 'list', 'tools'],
    ['config', 'list', '--url', 'https://example.com/mcp'],
    ['config', 'import', '--env', 'A=b'],
    ['config', 'add', 'x', '--header'],
    ['config', 'remove', 'x', '--all'],
    [],
  ];
  // Help or the version: printed, exit 0, and nothing else runs.
  const informative = [['call', 'w.x', '--help'], ['-h'], ['help', 'call'], ['--version'], ['call', 'w.x', '-V']];

  it.each(accepted)('accepts %s', async (...args) => {
    expect(preParse(args).problem).toBeUndefined();
    const streams = io();
    expect(await runCli(args, streams)).toBe(EXIT_CODE.CONFIG);
    expect(streams.stderrText()).toMatch(/config/i);
  });

  it.each(refused)('refuses %s', async (...args) => {
    expect(preParse(args).problem).toEqual(expect.any(String));
    expect(await runCli(args, io())).toBe(EXIT_CODE.USAGE);
  });

  it.each(informative)('only informs for %s', async (...args) => {
    expect(preParse(args).problem).toEqual(expect.any(String));
    expect(await runCli(args, io())).toBe(EXIT_CODE.OK);
  });

  it('reads what the warm path and the early start need, as commander would', () => {
    expect(preParse(['-qvc', 'a.json', 'call', 'w.x', 'k=v', '--args={"a":1}', '--', '-t'])).toMatchObject({
      command: 'call',
      operands: ['w.x', 'k=v', '-t'],
      options: { quiet: true, verbose: true, config: 'a.json', args: '{"a":1}' },
      configOption: 'a.json',
      isQuiet: true,
      isVerbose: true,
      problem: undefined,
    });
    // The program takes its options first, wherever they are (commander's two passes): `-t 5` is the timeout, and
    // `--args` of the command then takes the word after it.
    expect(preParse(['call', '--args', '-t', '5', 'w.x'])).toMatchObject({
      options: { timeout: '5', args: 'w.x' },
      problem: "missing argument '<server.tool>'",
    });
  });
});
