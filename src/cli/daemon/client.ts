/**
 * Running a command line in the daemon, with its output streamed back: the CLI's warm path. Node built-ins only,
 * and nothing it does not need (the control requests are in control.ts).
 */

import { lstatSync } from 'node:fs';
import net from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { isPrivateDir } from './paths.js';
import type { DaemonPaths } from './paths.js';
import { DAEMON_PROTOCOL_VERSION, LineSplitter, buildId, line, parseObject } from './wire.js';
import type { ClientFrame, RunRequest } from './wire.js';

/** How a run through the daemon ended. */
export type DaemonRunOutcome =
  /** Nothing ran (no daemon, a stale socket, another build): the caller may run the command itself. */
  | { kind: 'unavailable'; reason: string }
  /** The command ran in the daemon to the end. */
  | { kind: 'finished'; exitCode: number }
  /** The daemon accepted the command, then the connection broke: it may have run in part, so never run it again. */
  | { kind: 'lost'; reason: string };

/** The client's side of a run. */
export interface DaemonRunStreams {
  stdout: Writable;
  stderr: Writable;
  /**
   * Read only when the command asks for it (`--args -`); then read to the end and destroyed. (Pass `process.stdin`
   * through a getter: merely touching it makes the stream.)
   */
  stdin: Readable;
  /** Subscribes to Ctrl-C and SIGTERM, which are forwarded to the run; returns the unsubscribe function. */
  onInterrupt(listener: (signal: string) => void): () => void;
}

/**
 * Runs one command line in the daemon at `paths.socket`, writing its output to `streams` as it comes. Resolves with
 * `unavailable` (never rejects) when no daemon answers, so the caller can fall back to running the command itself.
 * The socket is used only when its directory is private to this user: the request carries the environment.
 */
export function runThroughDaemon(
  paths: Pick<DaemonPaths, 'dir' | 'socket'>,
  request: RunRequest,
  streams: DaemonRunStreams,
): Promise<DaemonRunOutcome> {
  if (!isPrivateDir(paths.dir)) {
    return Promise.resolve({ kind: 'unavailable', reason: `no private runtime directory ${paths.dir}` });
  }
  // Without a socket file no daemon listens: known with one stat, where a connection attempt takes ~2 ms to fail,
  // and every cold command would pay that.
  if (!isSocketFile(paths.socket)) {
    return Promise.resolve({ kind: 'unavailable', reason: `no daemon at ${paths.socket}` });
  }
  return new Promise((resolve) => {
    const socket = net.createConnection(paths.socket);
    // Written now, not on 'connect': the socket holds it until connected and sends it then, without waiting for the
    // event loop to run a 'connect' listener first.
    socket.write(line({ v: DAEMON_PROTOCOL_VERSION, build: buildId(), run: request }));
    let isAccepted = false;
    let isSettled = false;
    let isStdoutBroken = false;
    let isStdinRelayed = false;
    let stopForwarding = (): void => undefined;

    const send = (frame: ClientFrame): void => {
      if (!socket.destroyed) socket.write(line(frame));
    };
    const settle = (outcome: DaemonRunOutcome): void => {
      if (isSettled) return;
      isSettled = true;
      stopForwarding();
      if (isStdinRelayed) streams.stdin.destroy();
      // Nothing is left to say either way, and the exit code is known: no need to wait for the daemon's FIN.
      socket.destroy();
      resolve(outcome);
    };
    // A reader that went away (`| head -1`) is not an error: drop the rest of the output, let the command finish.
    // The listener stays after the run: an EPIPE may still be reported once the exit code is known.
    const onStdoutError = (): void => {
      isStdoutBroken = true;
      socket.resume();
    };
    streams.stdout.on('error', onStdoutError);

    const write = (stream: Writable, text: string | Buffer): void => {
      if (stream === streams.stdout && isStdoutBroken) return;
      // Backpressure: a slow reader of our stdout slows the daemon's writes down rather than fill our memory.
      if (!stream.write(text)) {
        socket.pause();
        stream.once('drain', () => socket.resume());
      }
    };
    const relayStdin = (): void => {
      if (isStdinRelayed) return;
      isStdinRelayed = true;
      streams.stdin.on('data', (chunk: Buffer | string) => send({ in: Buffer.from(chunk).toString('base64') }));
      streams.stdin.once('end', () => send({ inEnd: true }));
      streams.stdin.once('error', () => send({ inEnd: true }));
    };
    const onFrame = (frame: Record<string, unknown> | undefined): void => {
      if (frame === undefined) return;
      if (typeof frame.out === 'string') write(streams.stdout, frame.out);
      else if (typeof frame.err === 'string') write(streams.stderr, frame.err);
      else if (typeof frame.outBytes === 'string') write(streams.stdout, Buffer.from(frame.outBytes, 'base64'));
      else if (typeof frame.errBytes === 'string') write(streams.stderr, Buffer.from(frame.errBytes, 'base64'));
      else if (frame.accepted === true) {
        isAccepted = true;
        stopForwarding = streams.onInterrupt((signal) => send({ signal }));
      } else if (typeof frame.declined === 'string') {
        settle({ kind: 'unavailable', reason: `the daemon declined: ${frame.declined}` });
      } else if (frame.stdin === true) relayStdin();
      else if (typeof frame.exit === 'number') settle({ kind: 'finished', exitCode: frame.exit });
    };

    const splitter = new LineSplitter(
      (text) => onFrame(parseObject(text)),
      () => settle(lostOrUnavailable(isAccepted, 'the daemon sent a line over the size limit')),
    );
    socket.on('data', (chunk: Buffer) => splitter.push(chunk));
    socket.on('error', (error: NodeJS.ErrnoException) => {
      settle(lostOrUnavailable(isAccepted, `${paths.socket}: ${error.code ?? error.message}`));
    });
    socket.on('close', () => {
      settle(lostOrUnavailable(isAccepted, 'the daemon closed the connection before the command finished'));
    });
  });
}

function isSocketFile(file: string): boolean {
  try {
    return lstatSync(file).isSocket();
  } catch {
    return false;
  }
}

function lostOrUnavailable(isAccepted: boolean, reason: string): DaemonRunOutcome {
  return isAccepted ? { kind: 'lost', reason } : { kind: 'unavailable', reason };
}
