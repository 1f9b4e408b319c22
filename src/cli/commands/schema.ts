/** `mcp-host schema SERVER.TOOL`: a tool's arguments as a usage line, a table, and the raw schema. */

import { Command } from 'commander';
import { COMMANDS } from '../command-line.js';
import type { CliContext } from '../context.js';
import { EXIT_CODE } from '../exit-codes.js';
import type { JsonSchema } from '../json-schema.js';
import { renderTable } from '../render.js';
import type { Cell } from '../render.js';
import { parseTarget } from '../targets.js';
import { summarizeFields, usageLine } from '../usage.js';

export function createSchemaCommand(ctx: CliContext): Command {
  const [tool] = COMMANDS.schema.arguments;
  return new Command('schema')
    .description('show how to call a tool: its usage line, its arguments and its raw input schema')
    .argument(tool.name, tool.description)
    .action(
      ctx.action(async (targetText: string) => {
        const { server, name: tool } = parseTarget(targetText, 'tool', ctx.adHocServer);
        const target = `${server}.${tool}`;
        return ctx.withHost(async (host) => {
          host.serverConfig(server);
          const definition = await host.findTool(server, tool, ctx.requestOptions());
          const schema = definition.inputSchema as JsonSchema;
          const usage = usageLine(target, schema);
          if (ctx.options.isJson) {
            ctx.printJson({
              server,
              tool,
              usage,
              ...(definition.title !== undefined && { title: definition.title }),
              ...(definition.description !== undefined && { description: definition.description }),
              inputSchema: definition.inputSchema,
              ...(definition.outputSchema !== undefined && { outputSchema: definition.outputSchema }),
              ...(definition.annotations !== undefined && { annotations: definition.annotations }),
            });
            return EXIT_CODE.OK;
          }
          const { out } = ctx;
          ctx.print(out.bold(usage));
          const about = [definition.title, definition.description].filter(Boolean).join(': ');
          if (about) ctx.print(out.dim(about));
          const fields = summarizeFields(schema);
          if (fields.length > 0) {
            ctx.print();
            ctx.print(out.underline('arguments'));
            const rows = fields.map((field): (Cell | string)[] => [
              { text: field.name, style: out.bold },
              field.placeholder,
              {
                text: field.isRequired
                  ? 'required'
                  : field.default !== undefined
                    ? `default ${JSON.stringify(field.default)}`
                    : 'optional',
                style: field.isRequired ? out.yellow : out.dim,
              },
              { text: field.description ?? '', style: out.dim },
            ]);
            ctx.printLines(renderTable(rows, '  '));
          }
          ctx.print();
          ctx.print(out.underline('input schema'));
          ctx.print(JSON.stringify(definition.inputSchema, null, 2));
          if (definition.outputSchema) {
            ctx.print();
            ctx.print(out.underline('output schema'));
            ctx.print(JSON.stringify(definition.outputSchema, null, 2));
          }
          return EXIT_CODE.OK;
        });
      }),
    );
}
