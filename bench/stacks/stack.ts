/**
 * The three stacks under test behind one small interface, so every measurement drives them with the same code.
 *
 * A stack is a client library plus the server framework of the same origin: `ours` (McpClient and our server
 * framework, from dist/), `sdk` (the official TypeScript SDK's Client and McpServer), `bare` (hand-written NDJSON,
 * the floor). Clients and servers can be mixed: any client against any server.
 */
import { fileURLToPath } from 'node:url';

/** `host` is a client only (the host library over our client); as a server it means ours. */
export const STACKS = ['ours', 'sdk', 'bare', 'host'] as const;
export type StackName = (typeof STACKS)[number];

export interface ConnectOptions {
  /** The server to spawn with `node` (see `serverArgs`). */
  serverScript: string;
  /** The largest message the client accepts; undefined keeps the stack's default. */
  maxMessageBytes?: number;
  /** Per-request timeout; undefined keeps the stack's default. */
  timeoutMs?: number;
}

/** One client connected (handshake done) to one server process it spawned. */
export interface BenchClient {
  listTools(): Promise<string[]>;
  /** Calls a tool and answers with the text of the first content block. */
  callTool(name: string, args: Record<string, unknown>): Promise<string>;
  /** Closes the connection, ends the server's stdin and waits for the process to exit. */
  close(): Promise<void>;
}

export type Connect = (options: ConnectOptions) => Promise<BenchClient>;

/** Loads only the named stack's client, so a driver pays the start-up cost of that stack and no other. */
export async function loadStack(name: StackName): Promise<Connect> {
  switch (name) {
    case 'ours':
      return (await import('./ours.js')).connect;
    case 'sdk':
      return (await import('./sdk.js')).connect;
    case 'bare':
      return (await import('./bare.js')).connect;
    case 'host':
      return (await import('./host.js')).connect;
  }
}

/**
 * The arguments of `node` for a server: the script, after the options in `BENCH_SERVER_NODE_ARGS` (space-separated),
 * which is how a server gets profiled: `BENCH_SERVER_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'`. Node 20
 * refuses `--cpu-prof` in NODE_OPTIONS.
 */
export function serverArgs(script: string): string[] {
  const extra = process.env.BENCH_SERVER_NODE_ARGS?.split(' ').filter((arg) => arg !== '') ?? [];
  return [...extra, script];
}

/** The compiled server script of a stack (the drivers run from dist/bench/). */
export function serverScript(name: StackName): string {
  // Ours is bundled as our servers ship (see bench/build.ts); the others run as their users run them.
  const relative =
    name === 'bare'
      ? '../bare/server.js'
      : name === 'ours' || name === 'host'
        ? '../servers/ours-bundle/index.js'
        : `../servers/${name}.js`;
  return fileURLToPath(new URL(relative, import.meta.url));
}

export function parseStackName(value: string | undefined, what: string): StackName {
  const name = STACKS.find((stack) => stack === value);
  if (name === undefined) throw new Error(`${what}: expected one of ${STACKS.join(', ')}, got ${String(value)}`);
  return name;
}

/** The text of a tool result's first block; anything else means the stack broke the result. */
export function firstText(result: unknown, tool: string): string {
  const content = (result as { content?: unknown } | undefined)?.content;
  const block = Array.isArray(content) ? (content[0] as { type?: unknown; text?: unknown } | undefined) : undefined;
  if (block?.type !== 'text' || typeof block.text !== 'string') {
    throw new Error(`${tool}: expected a result whose first content block is text`);
  }
  return block.text;
}
