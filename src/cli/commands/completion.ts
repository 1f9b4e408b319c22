/** `mcp-host completion bash|zsh|fish`: print a shell completion script. */

import { Argument, Command } from 'commander';
import type { Option } from 'commander';
import { SHELLS, completionScript } from '../completion-scripts.js';
import type { CompletionSpec, OptionSpec, Shell } from '../completion-scripts.js';
import { COMMANDS } from '../command-line.js';
import type { CliContext } from '../context.js';
import { EXIT_CODE } from '../exit-codes.js';

export function createCompletionCommand(ctx: CliContext): Command {
  const [shell] = COMMANDS.completion.arguments;
  return new Command('completion')
    .description('print a shell completion script (commands, options, and server, tool and prompt names)')
    .addArgument(new Argument(shell.name, shell.description).choices(SHELLS))
    .addHelpText(
      'after',
      `
Install:
  bash  mcp-host completion bash > ~/.local/share/bash-completion/completions/mcp-host
  zsh   mcp-host completion zsh > "\${fpath[1]}/_mcp-host"
  fish  mcp-host completion fish > ~/.config/fish/completions/mcp-host.fish`,
    )
    .action(
      ctx.action(async (shell: Shell, _options: unknown, command: Command) => {
        const program = command.parent!;
        const script = completionScript(shell, describeProgram(program));
        if (ctx.options.isJson) ctx.printJson({ shell, script });
        else ctx.printRaw(script);
        return Promise.resolve(EXIT_CODE.OK);
      }),
    );
}

/** The program's commands and options, as the completion scripts need them. */
export function describeProgram(program: Command): CompletionSpec {
  // The version option is one of the program's options; the help option is not.
  const globalOptions = program.options.map(describeOption);
  globalOptions.push({ short: '-h', long: '--help', description: 'show help', takesValue: false });
  return {
    globalOptions,
    commands: program.commands.map((command) => ({
      name: command.name(),
      description: command.description(),
      options: command.options.map(describeOption),
    })),
  };
}

function describeOption(option: Option): OptionSpec {
  return {
    ...(option.short !== undefined && { short: option.short }),
    long: option.long ?? option.flags,
    description: option.description,
    takesValue: option.required || option.optional,
  };
}
