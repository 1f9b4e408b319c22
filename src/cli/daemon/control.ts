/** Asking a daemon for its status, or to stop: one request line, one answer line. */

import net from 'node:net';
import { McpHostError } from '../errors.js';
import { isPrivateDir } from './paths.js';
import type { DaemonPaths } from './paths.js';
import { DAEMON_PROTOCOL_VERSION, LineSplitter, line, parseObject } from './wire.js';
import type { ControlAction, ControlAnswer } from './wire.js';

/** How long `requestControl` waits for the answer. @default 5_000 */
const DEFAULT_CONTROL_TIMEOUT_MS = 5_000;

/**
 * Asks the daemon at `paths.socket` for its status, or to stop. Resolves with undefined when no daemon listens
 * there (no socket, or a stale one).
 * @throws McpHostError `REQUEST_TIMEOUT` when a daemon accepts the connection but does not answer in time;
 * `PROTOCOL_VIOLATION` when the answer is not one.
 */
export function requestControl(
  paths: Pick<DaemonPaths, 'dir' | 'socket'>,
  action: ControlAction,
  timeoutMs: number = DEFAULT_CONTROL_TIMEOUT_MS,
): Promise<ControlAnswer | undefined> {
  if (!isPrivateDir(paths.dir)) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const socket = net.createConnection(paths.socket);
    let isConnected = false;
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new McpHostError(
          'REQUEST_TIMEOUT',
          `The daemon at ${paths.socket} did not answer "${action}" in ${timeoutMs} ms`,
          {
            socket: paths.socket,
            timeoutMs,
          },
        ),
      );
    }, timeoutMs);
    let isFinished = false;
    const finish = (answer: ControlAnswer | undefined, error?: Error): void => {
      if (isFinished) return;
      isFinished = true;
      clearTimeout(timer);
      socket.destroy();
      if (error) reject(error);
      else resolve(answer);
    };
    const splitter = new LineSplitter(
      (text) => {
        const answer = parseObject(text);
        if (answer?.ok === true || answer?.ok === false) finish(answer as unknown as ControlAnswer);
        else finish(undefined, violation(paths.socket, `expected {"ok": …}, got ${text.slice(0, 200)}`));
      },
      () => finish(undefined, violation(paths.socket, 'the answer is over the size limit')),
    );
    socket.on('connect', () => {
      isConnected = true;
      socket.write(line({ v: DAEMON_PROTOCOL_VERSION, control: action }));
    });
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
    socket.on('error', (error) => {
      if (isConnected) finish(undefined, violation(paths.socket, error.message));
      else finish(undefined);
    });
    socket.on('close', () => {
      if (isConnected) finish(undefined, violation(paths.socket, 'the daemon closed the connection without answering'));
      else finish(undefined);
    });
  });
}

function violation(socket: string, reason: string): McpHostError {
  return new McpHostError('PROTOCOL_VIOLATION', `The daemon at ${socket} answered badly: ${reason}`, { socket });
}
