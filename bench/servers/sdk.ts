/** The bench server on the official SDK: McpServer over StdioServerTransport, written the way its README shows. */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import * as z from 'zod';
import { TOOL_DESCRIPTIONS, makeText, processStats } from './workload.js';

const server = new McpServer({ name: 'bench-sdk', version: '1.0.0' });
server.registerTool(
  'echo',
  { description: TOOL_DESCRIPTIONS.echo, inputSchema: { text: z.string().describe('The text to answer with') } },
  ({ text }) => ({ content: [{ type: 'text', text }] }),
);
server.registerTool(
  'blob',
  {
    description: TOOL_DESCRIPTIONS.blob,
    inputSchema: { bytes: z.number().int().nonnegative().describe('Length of the text, in characters') },
  },
  ({ bytes }) => ({ content: [{ type: 'text', text: makeText(bytes) }] }),
);
server.registerTool('stats', { description: TOOL_DESCRIPTIONS.stats, inputSchema: {} }, () => ({
  content: [{ type: 'text', text: JSON.stringify(processStats()) }],
}));
await server.connect(new StdioServerTransport());
