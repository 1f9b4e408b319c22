/** The bench server on our framework (src/server), run from dist/ like a real server. */
import * as z from 'zod';
import { defineServer, serveStdio } from '../../src/server/index.js';
import { TOOL_DESCRIPTIONS, makeText, processStats } from './workload.js';

const server = defineServer({ name: 'bench-ours', version: '1.0.0' });
server.tool(
  'echo',
  {
    description: TOOL_DESCRIPTIONS.echo,
    input: z.strictObject({ text: z.string().describe('The text to answer with') }),
  },
  ({ text }) => text,
);
server.tool(
  'blob',
  {
    description: TOOL_DESCRIPTIONS.blob,
    input: z.strictObject({ bytes: z.number().int().nonnegative().describe('Length of the text, in characters') }),
  },
  ({ bytes }) => makeText(bytes),
);
server.tool('stats', { description: TOOL_DESCRIPTIONS.stats, input: z.strictObject({}) }, () =>
  JSON.stringify(processStats()),
);
serveStdio(server);
