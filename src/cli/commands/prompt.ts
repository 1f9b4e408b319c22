/** `mcp-host prompt SERVER.PROMPT [key=value ...]`: get a prompt's messages. */

import { Command } from 'commander';
import type { Host } from '../../host/host.js';
import { closestNames, didYouMean } from '../../protocol/did-you-mean.js';
import { McpHostError } from '../errors.js';
import type { Prompt } from '../../protocol/types.js';
import { assertArgumentsMatch, buildArguments, loadArgsOption, parseAssignments } from '../args.js';
import { COMMANDS } from '../command-line.js';
import type { CliContext } from '../context.js';
import { EXIT_CODE } from '../exit-codes.js';
import type { JsonSchema } from '../json-schema.js';
import { renderContent } from '../render.js';
import { parseTarget } from '../targets.js';
import type { ContentCommandOptions } from './call.js';

export function createPromptCommand(ctx: CliContext): Command {
  const {
    arguments: [promptArgument, tokens],
    options,
  } = COMMANDS.prompt;
  return new Command('prompt')
    .description('get a prompt’s messages; arguments are key=value strings')
    .argument(promptArgument.name, promptArgument.description)
    .argument(tokens.name, tokens.description)
    .option(options.args.flags, options.args.description)
    .option(options.out.flags, options.out.description)
    .action(
      ctx.action(async (targetText: string, tokens: string[], options: ContentCommandOptions) => {
        const { server, name } = parseTarget(targetText, 'prompt', ctx.adHocServer);
        const target = `${server}.${name}`;
        const assignments = parseAssignments(tokens);
        const base =
          options.args === undefined ? {} : await loadArgsOption(options.args, { ...ctx.io, signal: ctx.signal });
        return ctx.withHost(async (host) => {
          host.serverConfig(server);
          const prompt = await findPrompt(ctx, host, server, name);
          const schema = promptSchema(prompt);
          const args = buildArguments(assignments, schema, base) as Record<string, string>;
          assertArgumentsMatch(args, schema, target);
          const result = await host.getPrompt(server, name, args, ctx.requestOptions());
          ctx.serversDone();
          if (ctx.options.isJson) {
            ctx.printJson({ server, prompt: name, arguments: args, result });
            return EXIT_CODE.OK;
          }
          const { out } = ctx;
          if (result.description) ctx.print(out.dim(result.description));
          const files = ctx.binaryFiles(`${server}-${name}`, options.out);
          for (const message of result.messages) {
            ctx.print(out.bold(`${message.role}:`));
            ctx.printLines(await renderContent([message.content], out, files));
          }
          return EXIT_CODE.OK;
        });
      }),
    );
}

/** @throws McpHostError `NOT_FOUND` with a suggestion, checked before the request so the message can help. */
async function findPrompt(ctx: CliContext, host: Host, server: string, name: string): Promise<Prompt> {
  const { client } = await host.connect(server, ctx.requestOptions());
  const prompts = await client.listPrompts(ctx.requestOptions());
  const found = prompts.find((prompt) => prompt.name === name);
  if (found) return found;
  const names = prompts.map((prompt) => prompt.name);
  throw new McpHostError(
    'NOT_FOUND',
    `Server ${server} has no prompt "${name}"${didYouMean(closestNames(name, names), { prefix: '; ' })}`,
    {
      server,
      prompt: name,
      available: names,
    },
  );
}

/** Prompt arguments as a JSON Schema: every argument a string, the required ones required, no others. */
export function promptSchema(prompt: Prompt): JsonSchema {
  const declared = prompt.arguments ?? [];
  return {
    type: 'object',
    properties: Object.fromEntries(
      declared.map((arg) => [
        arg.name,
        { type: 'string', ...(arg.description !== undefined && { description: arg.description }) },
      ]),
    ),
    required: declared.filter((arg) => arg.required === true).map((arg) => arg.name),
    additionalProperties: false,
  };
}
