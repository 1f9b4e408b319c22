/**
 * Newline-delimited JSON framing for vscode-jsonrpc, which itself only knows Content-Length headers.
 *
 * MCP's stdio transport sends one JSON-RPC message per line, UTF-8, with no embedded newlines.
 */

import type { Readable, Writable } from 'node:stream';
import { AbstractMessageReader, AbstractMessageWriter, Emitter } from './rpc.js';
import type { DataCallback, Disposable, Event, Message, MessageReader, MessageWriter } from 'vscode-jsonrpc';
import { envelopeProblem } from './envelope.js';
import { LineFramer } from './line-framer.js';
import { McpHostError } from './errors.js';
import type { RequestId } from './types.js';

/** The default upper bound on one message. @default 64 MiB */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const CARRIAGE_RETURN = 0x0d;
/** How much of a bad line goes into a report: enough to recognise it, never a whole flood. */
const PREVIEW_CHARS = 200;

/** A line that could not be taken as a message. */
export interface InvalidLine {
  /** `parse`: not JSON at all; `envelope`: JSON, but not a JSON-RPC message. */
  kind: 'parse' | 'envelope';
  /** What was wrong, for a person. */
  reason: string;
  /** The start of the line. */
  preview: string;
  /**
   * Whether the peer may have meant this as a request and so deserves an error response: true for malformed JSON
   * that opens like an object, and for JSON that carries a method.
   */
  couldBeRequest: boolean;
  /** The id to answer to, when the line had a usable one. */
  id: RequestId | null;
}

export interface NdjsonReaderOptions {
  /** Largest message accepted, in bytes; past it the reader fails and closes. @default DEFAULT_MAX_MESSAGE_BYTES */
  maxMessageBytes?: number;
}

/**
 * Reads one JSON-RPC message per line from a byte stream.
 *
 * Framing is `LineFramer`'s: linear in the input, decoding per whole line. `\r\n` endings and blank lines are
 * accepted. A line longer than `maxMessageBytes` fails the reader with
 * `MESSAGE_TOO_LARGE` and closes it without buffering the rest.
 */
export class NdjsonMessageReader extends AbstractMessageReader implements MessageReader {
  readonly maxMessageBytes: number;
  private readonly invalidLineEmitter = new Emitter<InvalidLine>();
  private callback: DataCallback | undefined;
  private readonly framer: LineFramer;
  private isClosed = false;
  private readonly onDataBound = (chunk: Buffer | string): void => this.onData(chunk);
  private readonly onEndBound = (): void => this.close();
  private readonly onErrorBound = (error: Error): void => this.fireError(error);

  constructor(
    private readonly readable: Readable,
    options: NdjsonReaderOptions = {},
  ) {
    super();
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.framer = new LineFramer(
      this.maxMessageBytes,
      (line) => this.handleLine(line),
      () => this.failTooLarge(),
    );
  }

  /** Lines that were skipped because they were not valid messages. The connection answers or reports them. */
  get onInvalidLine(): Event<InvalidLine> {
    return this.invalidLineEmitter.event;
  }

  listen(callback: DataCallback): Disposable {
    this.callback = callback;
    this.readable.on('data', this.onDataBound);
    this.readable.on('end', this.onEndBound);
    this.readable.on('close', this.onEndBound);
    this.readable.on('error', this.onErrorBound);
    return { dispose: () => this.stopListening() };
  }

  /**
   * Hands a message to the connection as if it had been read. Used to settle a request locally (after a timeout
   * or cancellation) so that vscode-jsonrpc forgets it; MCP peers do not answer cancelled requests.
   */
  deliverLocally(message: Message): void {
    this.callback?.(message);
  }

  override dispose(): void {
    this.stopListening();
    this.invalidLineEmitter.dispose();
    super.dispose();
  }

  private stopListening(): void {
    this.readable.off('data', this.onDataBound);
    this.readable.off('end', this.onEndBound);
    this.readable.off('close', this.onEndBound);
    this.readable.off('error', this.onErrorBound);
    this.framer.reset();
  }

  private close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.stopListening();
    this.fireClose();
  }

  private onData(data: Buffer | string): void {
    if (!this.isClosed) this.framer.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
  }

  private failTooLarge(): void {
    const limit = this.maxMessageBytes;
    this.fireError(
      new McpHostError(
        'MESSAGE_TOO_LARGE',
        `A message exceeded the maximum size of ${limit} bytes (${formatBytes(limit)}); the connection was closed`,
        { limitBytes: limit },
      ),
    );
    // Stop consuming: pausing lets the pipe fill and the peer block instead of this process buffering a flood.
    this.readable.pause();
    this.close();
  }

  private handleLine(line: Buffer): void {
    let length = line.length;
    if (length > 0 && line[length - 1] === CARRIAGE_RETURN) length -= 1;
    const text = line.toString('utf8', 0, length);
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const trimmed = text.trimStart();
      this.invalidLineEmitter.fire({
        kind: 'parse',
        reason: `not valid JSON: ${(error as Error).message}`,
        preview: text.slice(0, PREVIEW_CHARS),
        couldBeRequest: trimmed.startsWith('{'),
        id: null,
      });
      return;
    }
    const problem = envelopeProblem(value);
    if (problem !== undefined) {
      const record = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
      const id = record.id;
      this.invalidLineEmitter.fire({
        kind: 'envelope',
        reason: problem,
        preview: text.slice(0, PREVIEW_CHARS),
        couldBeRequest: typeof record.method === 'string' || Array.isArray(value),
        id: typeof id === 'string' || typeof id === 'number' ? id : null,
      });
      return;
    }
    this.callback?.(value as Message);
  }
}

export interface NdjsonWriterOptions {
  /** Called with each message as it is written, for tracing. */
  onMessage?: (message: Message) => void;
}

function ignoreStreamError(): void {}

/**
 * A batch this long is written at once rather than at the end of the turn: the peer starts on it while this side
 * produces the rest, so the two processes work at the same time instead of taking turns. Measured with 64 calls in
 * flight: 16 gave our client 1.4× the calls per second against the bare server, and our own pair 1.5×; 8 and 32 did
 * less well.
 */
const FLUSH_EARLY_LINES = 16;

/**
 * Writes one JSON-RPC message per line.
 *
 * Messages written in the same turn of the event loop are joined into one `write()` call, up to
 * `FLUSH_EARLY_LINES` at a time: pipelined requests and the responses of handlers that finish together then cost a
 * system call per batch instead of one each.
 */
export class NdjsonMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private batch: string[] = [];
  private batchDone: Promise<void> | undefined;
  private resolveBatch: (() => void) | undefined;
  private rejectBatch: ((error: Error) => void) | undefined;
  private readonly suppressedResponseIds = new Set<RequestId>();
  private isEnded = false;
  private readonly onErrorBound = (error: Error): void => this.handleStreamError(error);
  private readonly onCloseBound = (): void => this.fireClose();

  constructor(private readonly writable: Writable) {
    super();
    // A pipe to a dead process raises EPIPE here; without a listener Node would crash the whole host.
    writable.on('error', this.onErrorBound);
    writable.on('close', this.onCloseBound);
  }

  /**
   * Drops the response to this request id instead of sending it: MCP says a cancelled request gets no response.
   */
  suppressResponse(id: RequestId): void {
    this.suppressedResponseIds.add(id);
  }

  write(message: Message): Promise<void> {
    if (this.suppressedResponseIds.size > 0 && !('method' in message) && 'id' in message) {
      const id = (message as { id: RequestId }).id;
      if (this.suppressedResponseIds.delete(id)) return Promise.resolve();
    }
    if (this.isEnded) return Promise.reject(new Error('The message writer has ended'));
    let line: string;
    try {
      line = JSON.stringify(message) + '\n';
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      this.fireError(failure, message, 1);
      return Promise.reject(failure);
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

  end(): void {
    this.flush();
    this.isEnded = true;
  }

  override dispose(): void {
    this.writable.off('error', this.onErrorBound);
    this.writable.off('close', this.onCloseBound);
    // A write still in flight to a peer that just died fails after this (EPIPE), and an 'error' event nobody
    // listens to would crash the process: that failure has nobody left to tell.
    this.writable.on('error', ignoreStreamError);
    super.dispose();
  }

  private flush(): void {
    const lines = this.batch;
    const resolve = this.resolveBatch;
    const reject = this.rejectBatch;
    this.batch = [];
    this.batchDone = this.resolveBatch = this.rejectBatch = undefined;
    if (lines.length === 0) return resolve?.();
    if (this.writable.destroyed || this.writable.writableEnded) {
      return reject?.(new Error('The stream to the peer is closed'));
    }
    const data = lines.length === 1 ? lines[0]! : lines.join('');
    this.writable.write(data, (error) => (error ? reject?.(error) : resolve?.()));
  }

  private handleStreamError(error: Error): void {
    this.fireError(error);
    this.fireClose();
  }
}

/** `67108864` → `64 MiB`. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1 && value % 1024 === 0) {
    value /= 1024;
    unit += 1;
  }
  return `${value} ${units[unit]}`;
}
