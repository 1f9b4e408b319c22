/**
 * The commander program: global options, one command per file, and output routed to the injected streams with
 * `exitOverride()` so that nothing ever calls `process.exit`.
 */

import { Command, Option } from 'commander';
import { packageVersion } from '../host/package-info.js';
import { createBenchCommand } from './commands/bench.js';
import { createCallCommand } from './commands/call.js';
import { createCompleteCommand } from './commands/complete.js';
import { createCompletionCommand } from './commands/completion.js';
import { createConfigCommand } from './commands/config.js';
import { createDaemonCommand } from './commands/daemon.js';
import type { RunCli } from './commands/daemon.js';
import { createDiscoverCommand } from './commands/discover.js';
import { createListCommand } from './commands/list.js';
import { createPingCommand } from './commands/ping.js';
import { createPromptCommand } from './commands/prompt.js';
import { createReadCommand } from './commands/read.js';
import { createSchemaCommand } from './commands/schema.js';
import { COMMANDS, GLOBAL_OPTIONS } from './command-line.js';
import type { OptionSpec } from './command-line.js';
import type { CliContext } from './context.js';
import { checkedNumber } from './option-values.js';

const CREATE_COMMANDS = [
  createDiscoverCommand,
  createListCommand,
  createCallCommand,
  createReadCommand,
  createPromptCommand,
  createPingCommand,
  createBenchCommand,
  createSchemaCommand,
  createCompleteCommand,
  createConfigCommand,
  createCompletionCommand,
];

/** `runCli` is main.ts's, for the daemon, which runs command lines in-process (given, not imported: a cycle). */
export function createProgram(ctx: CliContext, runCli: RunCli): Command {
  const { version, help, ...options } = GLOBAL_OPTIONS;
  const program = new Command('mcp-host')
    .description('Start MCP servers from mcp.config.json and use their tools, resources and prompts.')
    .version(packageVersion(), version.flags, version.description)
    .helpOption(help.flags, help.description)
    .helpCommand(`help ${COMMANDS.help.arguments[0].name}`, 'show help for a command')
    .showSuggestionAfterError();
  for (const option of Object.values(options) as OptionSpec[]) {
    if (option.check) program.option(option.flags, option.description, checkedNumber(option));
    else if (option.isRepeatable) {
      program.option(option.flags, option.description, (value: string, previous: string[] = []) => [
        ...previous,
        value,
      ]);
    } else if (option.choices) program.addOption(new Option(option.flags, option.description).choices(option.choices));
    else program.option(option.flags, option.description);
  }
  program.addHelpText(
    'after',
    `
Exit codes: 0 ok, 1 usage or invalid arguments, 2 config error, 3 server failed, 4 timeout,
            5 the tool returned an error, 6 not found, 7 denied by policy, 130 interrupted.

Secrets: values of variables whose names look secret (*TOKEN*, *KEY*, *SECRET*, *PASSWORD*, ...), of
headers and of fields such as apiKey, and whatever the config lists in "secrets", are shown as *** in all
output, saved files and errors, also JSON-escaped, URL-encoded or base64; "public" exempts a name. A value
shorter than 4 characters is not hidden. See docs/config.md.`,
  );
  configure(program, ctx);
  for (const command of [...CREATE_COMMANDS.map((create) => create(ctx)), createDaemonCommand(ctx, runCli)]) {
    configure(command, ctx);
    program.addCommand(command);
  }
  return program;
}

/** Every command, not only the program, needs these: `addCommand` does not copy them. */
function configure(command: Command, ctx: CliContext): void {
  command.exitOverride().configureOutput({
    writeOut: (text) => ctx.writeOut(text),
    writeErr: (text) => ctx.writeErr(text),
    // Parse errors are reported by the CLI (as text or JSON), not printed by commander.
    outputError: () => undefined,
  });
}
