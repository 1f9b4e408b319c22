/**
 * The stdio connector: each replica is a child process speaking MCP on its stdin and stdout, started in its own
 * process group with a minimal environment (spawn-spec.ts), and ended with its whole group.
 */

import type { ChildProcess } from 'node:child_process';
import { McpHostError, isMcpHostError } from './errors.js';
import { StdioTransport } from '../protocol/stdio/stdio-transport.js';
import type { StdioServerConfig } from './config.js';
import { toServerError } from './connector.js';
import type { ServerConnector } from './connector.js';
import { spawnServerProcess } from './server-process.js';
import { DEFAULT_SHUTDOWN_TERM_MS } from './shutdown-delays.js';
import { serverSpawnSpec } from './spawn-spec.js';
import type { SpawnSpec } from './spawn-spec.js';

/** How long a closed pipe waits for the process's exit status, to explain why it closed. */
const EXIT_REASON_WAIT_MS = 1_000;

/**
 * Server processes started before the host (the CLI's early start): asked first whenever a server is to start, and
 * taken over only if exactly that process would have been started.
 */
export interface Prestarted {
  /** The running process for `server` started as `spec`, once; otherwise undefined. */
  take(server: string, spec: SpawnSpec): ChildProcess | undefined;
}

/**
 * The stdio connector: spawn the server in its own process group with a minimal environment, connect a client
 * to its stdio, and perform the handshake. A server that dies first fails with its exit code and stderr tail.
 */
export function stdioConnector(
  hostEnv: NodeJS.ProcessEnv,
  prestarted?: Prestarted,
): ServerConnector<StdioServerConfig> {
  return async ({ config, clientOptions, maxMessageBytes, onStderrLine, options }) => {
    const { name } = config;
    const spec = serverSpawnSpec(config, hostEnv);
    const adopt = prestarted?.take(name, spec);
    const process = spawnServerProcess({ name, ...spec, onStderrLine, ...(adopt && { adopt }) });
    // Loaded now, not with this module: the client loads while the server boots, so a cold command's start-up
    // overlaps with the server's.
    const { McpClient: Client } = await import('../client/index.js');
    const exitReason = (): Promise<Error | undefined> =>
      Promise.race([process.exited.then(() => process.exitError()), delay(EXIT_REASON_WAIT_MS)]);
    const transport = new StdioTransport(process.stdout, process.stdin, { maxMessageBytes });
    const client = new Client(transport, { ...clientOptions, closeReason: exitReason });
    // And the other way round: a connection that failed while the process runs (a message over the size limit, a
    // broken pipe) leaves a process nobody can talk to. End it, so the pool replaces the replica for that reason.
    let brokenConnection: McpHostError | undefined;
    let isClosing = false;
    client.onClose((error) => {
      if (isClosing || !process.isRunning) return;
      brokenConnection = toServerError(error, name);
      void process.close({ graceMs: 0, termMs: DEFAULT_SHUTDOWN_TERM_MS });
    });
    // The pipe may stay open after the server died (a grandchild holds it): the exit alone must fail pending calls.
    const gone = process.exited.then(() => {
      const reason = brokenConnection ?? process.exitError();
      client.close(reason);
      return reason;
    });
    try {
      // Whichever comes first: the handshake, or the process dying (then the error carries its exit and stderr).
      await Promise.race([client.initialize(options), gone.then((reason) => Promise.reject(reason))]);
    } catch (error) {
      isClosing = true;
      client.close();
      const timeout = handshakeTimeout(error);
      if (timeout) {
        await process.close({ graceMs: 0, termMs: DEFAULT_SHUTDOWN_TERM_MS });
        throw new McpHostError(
          'REQUEST_TIMEOUT',
          `Server ${name} did not answer initialize within ${timeout.context.timeoutMs} ms`,
          { ...timeout.context, server: name, stderrTail: process.stderrTail() },
        );
      }
      // A server that died during the handshake is the cause; the closed pipe is only the symptom.
      const died = await Promise.race([gone, delay(EXIT_REASON_WAIT_MS)]);
      await process.close({ graceMs: 0, termMs: DEFAULT_SHUTDOWN_TERM_MS });
      throw died ?? withStderr(toServerError(error, name), process.stderrTail());
    }
    return {
      client,
      pid: process.pid,
      gone,
      stderrTail: () => process.stderrTail(),
      close: async (closeOptions) => {
        isClosing = true; // a close we asked for keeps its grace period
        client.close(new McpHostError('CANCELLED', 'The host is shutting down', { server: name }));
        await process.close(closeOptions);
      },
    };
  };
}

/** The timeout behind a failed handshake, whether the client reported it as such or as HANDSHAKE_FAILED. */
function handshakeTimeout(error: unknown): McpHostError | undefined {
  return isMcpHostError(error, 'REQUEST_TIMEOUT') ? error : undefined;
}

/** Resolves with undefined after `ms`, without keeping the process alive. */
function delay(ms: number): Promise<undefined> {
  return new Promise((resolve) => setTimeout(() => resolve(undefined), ms).unref());
}

function withStderr(error: McpHostError, stderrTail: string[]): McpHostError {
  if (error.context.stderrTail === undefined) error.context.stderrTail = stderrTail;
  return error;
}
