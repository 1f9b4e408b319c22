/**
 * The bare server: MCP over NDJSON on stdio in as little code as answers correctly, with no framework, no library
 * and no validation beyond what routing needs. It is the floor the other stacks are measured against, not an
 * example to copy (a real server validates its input).
 */
import { TOOL_DESCRIPTIONS, makeText, processStats } from '../servers/workload.js';

type Message = { id?: number | string; method?: string; params?: Record<string, unknown> };

const schema = (properties: Record<string, unknown>) => ({
  type: 'object',
  properties,
  required: Object.keys(properties),
});
const TOOLS = [
  { name: 'echo', description: TOOL_DESCRIPTIONS.echo, inputSchema: schema({ text: { type: 'string' } }) },
  { name: 'blob', description: TOOL_DESCRIPTIONS.blob, inputSchema: schema({ bytes: { type: 'integer' } }) },
  { name: 'stats', description: TOOL_DESCRIPTIONS.stats, inputSchema: schema({}) },
];

function callTool(name: unknown, args: Record<string, unknown> = {}): string {
  if (name === 'echo') return String(args.text);
  if (name === 'blob') return makeText(Number(args.bytes));
  if (name === 'stats') return JSON.stringify(processStats());
  throw new Error(`Unknown tool: ${String(name)}`);
}

function resultOf(method: string, params: Record<string, unknown> = {}): unknown {
  if (method === 'initialize') {
    const serverInfo = { name: 'bench-bare', version: '1.0.0' };
    return { protocolVersion: params.protocolVersion, capabilities: { tools: {} }, serverInfo };
  }
  if (method === 'tools/list') return { tools: TOOLS };
  if (method === 'tools/call') {
    return { content: [{ type: 'text', text: callTool(params.name, params.arguments as Record<string, unknown>) }] };
  }
  if (method === 'ping') return {};
  throw Object.assign(new Error(`Method not found: ${method}`), { code: -32601 });
}

function answer({ id, method, params }: Message): string | undefined {
  if (id === undefined || method === undefined) return undefined; // notifications and stray responses
  try {
    return JSON.stringify({ jsonrpc: '2.0', id, result: resultOf(method, params) });
  } catch (error) {
    const { code = -32603, message } = error as { code?: number; message: string };
    return JSON.stringify({ jsonrpc: '2.0', id, error: { code, message } });
  }
}

// Linear framing: scan each chunk once, keep the unfinished tail in pieces, join once per line.
let pieces: Buffer[] = [];
process.stdin.on('data', (chunk: Buffer) => {
  const replies: string[] = [];
  let start = 0;
  for (let end = chunk.indexOf(10); end !== -1; start = end + 1, end = chunk.indexOf(10, start)) {
    const line =
      pieces.length === 0
        ? chunk.toString('utf8', start, end)
        : Buffer.concat([...pieces, chunk.subarray(start, end)]).toString();
    pieces = [];
    const reply = line.trim() === '' ? undefined : answer(JSON.parse(line) as Message);
    if (reply !== undefined) replies.push(reply);
  }
  if (start < chunk.length) pieces.push(chunk.subarray(start));
  // Every answer to one chunk goes out in one write: pipelined requests cost one system call per batch.
  if (replies.length > 0) process.stdout.write(replies.join('\n') + '\n');
});
