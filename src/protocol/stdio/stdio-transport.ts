/**
 * MCP's stdio transport over a pair of byte streams: one JSON-RPC message per line, UTF-8, no embedded newlines
 * (spec: basic/transports). Reading is `LineFramer`'s (linear, with a size limit); writing joins the messages of one
 * turn into one `write()`.
 */

import type { Readable, Writable } from 'node:stream';
import { McpHostError } from '../errors.js';
import { formatBytes } from '../format-bytes.js';
import type { MessageTransport, TransportSink } from '../transport.js';
import type { JsonRpcBatchResponse, JsonRpcMessage } from '../types.js';
import { LineFramer } from './line-framer.js';

/** The default upper bound on one message. @default 64 MiB */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const CARRIAGE_RETURN = 0x0d;
/** How much of a bad line goes into a report: enough to recognise it, never a whole flood. */
const PREVIEW_CHARS = 200;

/**
 * A batch this long is written at once rather than at the end of the turn: the peer starts on it while this side
 * produces the rest, so the two processes work at the same time instead of taking turns. Measured with 64 calls in
 * flight: 16 gave our client 1.4x the calls per second against the bare server, and our own pair 1.5x; 8 and 32 did
 * less well.
 */
const FLUSH_EARLY_LINES = 16;

export interface StdioTransportOptions {
  /** Largest message accepted, in bytes; past it the transport closes with `MESSAGE_TOO_LARGE`. @default 64 MiB */
  maxMessageBytes?: number;
  /**
   * Stop reading while more than this many bytes wait to be written, until the peer reads them. A server sets it: a
   * peer that floods requests and reads no answers would otherwise make it buffer every answer. A client leaves it
   * unset: pausing the server's output while the server waits on ours could leave both waiting forever.
   * @default undefined (never pause)
   */
  maxPendingOutputBytes?: number;
}

function ignoreStreamError(): void {}

/**
 * Reads messages from `readable` (the peer's output) and writes them to `writable` (the peer's input).
 *
 * When `readable` ends, the sink hears `onInputEnded` and sending still works. The transport closes when a line
 * passes the size limit (without buffering the rest of it), when a stream fails (a dead peer: EPIPE), or on
 * `close()`. It never ends or destroys the streams themselves.
 */
export class StdioTransport implements MessageTransport {
  readonly maxMessageBytes: number;
  private readonly maxPendingOutputBytes: number | undefined;
  private isPausedForOutput = false;
  private readonly onDrainBound = (): void => this.resumeAfterDrain();
  private readonly framer: LineFramer;
  private sink: TransportSink | undefined;
  private isClosed = false;
  private isInputEnded = false;
  private batch: string[] = [];
  private batchDone: Promise<void> | undefined;
  private resolveBatch: (() => void) | undefined;
  private rejectBatch: ((error: Error) => void) | undefined;
  private readonly onDataBound = (chunk: Buffer | string): void => this.onData(chunk);
  private readonly onEndBound = (): void => this.endInput();
  private readonly onReadErrorBound = (error: Error): void => this.finish(error);
  private readonly onWriteErrorBound = (error: Error): void => this.finish(error);

  constructor(
    private readonly readable: Readable,
    private readonly writable: Writable,
    options: StdioTransportOptions = {},
  ) {
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.maxPendingOutputBytes = options.maxPendingOutputBytes;
    this.framer = new LineFramer(
      this.maxMessageBytes,
      (line) => this.handleLine(line),
      () => this.failTooLarge(),
    );
  }

  start(sink: TransportSink): void {
    this.sink = sink;
    this.readable.on('data', this.onDataBound);
    this.readable.on('end', this.onEndBound);
    this.readable.on('close', this.onEndBound);
    this.readable.on('error', this.onReadErrorBound);
    // A pipe to a dead process raises EPIPE here; without a listener Node would end the whole process.
    this.writable.on('error', this.onWriteErrorBound);
  }

  send(message: JsonRpcMessage | JsonRpcBatchResponse): Promise<void> {
    if (this.isClosed) return Promise.reject(new McpHostError('CONNECTION_CLOSED', 'The transport is closed'));
    let line: string;
    try {
      line = JSON.stringify(message) + '\n';
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    this.batch.push(line);
    if (this.batchDone === undefined) {
      this.batchDone = new Promise<void>((resolve, reject) => {
        this.resolveBatch = resolve;
        this.rejectBatch = reject;
      });
      queueMicrotask(() => this.flush());
    } else if (this.batch.length >= FLUSH_EARLY_LINES) {
      const done = this.batchDone;
      this.flush();
      return done;
    }
    return this.batchDone;
  }

  close(): void {
    this.finish();
  }

  private endInput(): void {
    if (this.isClosed || this.isInputEnded) return;
    this.framer.end();
    this.stopReading();
    this.sink?.onInputEnded();
  }

  private stopReading(): void {
    this.isInputEnded = true;
    this.readable.off('data', this.onDataBound);
    this.readable.off('end', this.onEndBound);
    this.readable.off('close', this.onEndBound);
    this.readable.off('error', this.onReadErrorBound);
    this.framer.reset();
  }

  private finish(reason?: Error): void {
    if (this.isClosed) return;
    // What was sent before the close still goes out: a server's last answers, a client's cancellation.
    this.flush();
    this.isClosed = true;
    this.stopReading();
    this.writable.off('error', this.onWriteErrorBound);
    this.writable.off('drain', this.onDrainBound);
    // A write still in flight to a peer that just died fails after this (EPIPE), and an 'error' event nobody
    // listens to would end the process: that failure has nobody left to tell.
    this.writable.on('error', ignoreStreamError);
    const sink = this.sink;
    this.sink = undefined;
    sink?.onClose(reason);
  }

  private onData(data: Buffer | string): void {
    if (!this.isInputEnded) this.framer.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  private failTooLarge(): void {
    const limit = this.maxMessageBytes;
    // Stop consuming: pausing lets the pipe fill and the peer block instead of this process buffering a flood.
    this.readable.pause();
    this.finish(
      new McpHostError(
        'MESSAGE_TOO_LARGE',
        `A message exceeded the maximum size of ${limit} bytes (${formatBytes(limit)}); the connection was closed`,
        { limitBytes: limit },
      ),
    );
  }

  private handleLine(line: Buffer): void {
    let length = line.length;
    if (length > 0 && line[length - 1] === CARRIAGE_RETURN) length -= 1;
    const text = line.toString('utf8', 0, length);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const trimmed = text.trimStart();
      if (trimmed === '') return; // blank lines between messages are tolerated
      this.sink?.onUnreadable({
        reason: `not valid JSON: ${(error as Error).message.slice(0, PREVIEW_CHARS)}`,
        preview: text.slice(0, PREVIEW_CHARS),
        couldBeRequest: trimmed.startsWith('{'),
      });
      return;
    }
    this.sink?.onMessage(value);
  }

  private flush(): void {
    const lines = this.batch;
    const resolve = this.resolveBatch;
    const reject = this.rejectBatch;
    this.batch = [];
    this.batchDone = this.resolveBatch = this.rejectBatch = undefined;
    if (lines.length === 0) return resolve?.();
    if (this.writable.destroyed || this.writable.writableEnded) {
      return reject?.(new McpHostError('CONNECTION_CLOSED', 'The stream to the peer is closed'));
    }
    const data = lines.length === 1 ? lines[0]! : lines.join('');
    this.writable.write(data, (error) => (error ? reject?.(error) : resolve?.()));
    const limit = this.maxPendingOutputBytes;
    if (limit !== undefined && !this.isPausedForOutput && this.writable.writableLength > limit && !this.isInputEnded) {
      this.isPausedForOutput = true;
      this.readable.pause();
      this.writable.once('drain', this.onDrainBound);
    }
  }

  private resumeAfterDrain(): void {
    this.isPausedForOutput = false;
    if (!this.isInputEnded && !this.isClosed) this.readable.resume();
  }
}
