/**
 * Runs a server over this process's stdin and stdout, as MCP's stdio transport asks: stdout carries only protocol
 * messages, diagnostics go to stderr, and the process ends when stdin closes.
 */

import { isMcpHostError } from '../protocol/errors.js';
import { StdioTransport } from '../protocol/stdio/stdio-transport.js';
import type { McpServer } from './server.js';
import type { ServerSession } from './session.js';

export interface ServeStdioOptions {
  /** Largest message accepted from the client, in bytes. @default 64 MiB */
  maxMessageBytes?: number;
  /** Runs once when the client goes away, before the process exits (close databases, flush files). */
  onClose?: () => void | Promise<void>;
}

/** Answers a client may leave unread before the server stops reading its requests (a flood bounds itself). */
const MAX_PENDING_OUTPUT_BYTES = 8 * 1024 * 1024;

/**
 * Serves `server` on stdio until stdin ends, then runs `onClose` and exits the process.
 * Anything written with `console.log` is sent to stderr, so a stray print can never corrupt the protocol stream.
 *
 * Returns the one session: what the client declared (`clientCapabilities`), requests to it outside a handler
 * (`sample`, `elicit`, `listRoots`), and `close()`, which ends the session like the end of stdin does (`onClose`
 * runs, then the process exits).
 */
export function serveStdio(server: McpServer, options: ServeStdioOptions = {}): ServerSession {
  // eslint-disable-next-line no-console -- rerouting console output is the point here
  console.log = console.info = console.debug = console.error;
  const transport = new StdioTransport(process.stdin, process.stdout, {
    maxMessageBytes: options.maxMessageBytes,
    maxPendingOutputBytes: MAX_PENDING_OUTPUT_BYTES,
  });
  // Both reports are rate-limited by the connection: a flood of bad input costs a few lines of stderr, not one each.
  const session = server.connect(transport, {
    onInvalidMessage: ({ reason, suppressed }) =>
      process.stderr.write(`mcp: skipped an invalid message (${reason})${suppressedNote(suppressed)}\n`),
    onError: (error) => process.stderr.write(`mcp: ${error.message}\n`),
  });
  session.connection.onClose((reason) => {
    // The client going away is the normal end; anything else (a message over the size limit) is said before exiting.
    if (!isMcpHostError(reason, 'CONNECTION_CLOSED')) process.stderr.write(`mcp: ${reason.message}\n`);
    void Promise.resolve(options.onClose?.())
      .catch((error: unknown) => process.stderr.write(`mcp: shutdown failed: ${String(error)}\n`))
      .finally(() => process.exit(0));
  });
  return session;
}

function suppressedNote(suppressed: number): string {
  return suppressed > 0 ? `; ${suppressed} similar reports were left out` : '';
}
