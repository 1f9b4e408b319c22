/**
 * Two linked transports in one process: what one sends, the other receives. For tests, and for running a server
 * inside the host's own process with no pipes and no framing.
 *
 * Messages are copied on the way (each side gets its own objects, as over a wire) and delivered on a later microtask
 * (never inside `send`, as over a wire), in order. A message that JSON cannot carry fails `send`, as over a wire.
 */

import { McpHostError } from '../errors.js';
import type { MessageTransport, TransportSink } from '../transport.js';
import type { JsonRpcBatchResponse, JsonRpcMessage } from '../types.js';

class MemoryTransport implements MessageTransport {
  peer: MemoryTransport | undefined;
  private sink: TransportSink | undefined;
  /** What arrived before `start`: a peer may send as soon as it is made. */
  private early: unknown[] = [];
  private isClosed = false;
  private hasPeerClosed = false;

  start(sink: TransportSink): void {
    this.sink = sink;
    const early = this.early;
    this.early = [];
    for (const value of early) sink.onMessage(value);
    if (this.hasPeerClosed) sink.onInputEnded();
  }

  send(message: JsonRpcMessage | JsonRpcBatchResponse): Promise<void> {
    if (this.isClosed) return Promise.reject(new McpHostError('CONNECTION_CLOSED', 'The transport is closed'));
    let copy: unknown;
    try {
      copy = JSON.parse(JSON.stringify(message));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    const peer = this.peer;
    queueMicrotask(() => peer?.receive(copy));
    return Promise.resolve();
  }

  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const sink = this.sink;
    this.sink = undefined;
    // The peer hears of it after what was already sent to it.
    const peer = this.peer;
    queueMicrotask(() => peer?.peerClosed());
    sink?.onClose();
  }

  private receive(value: unknown): void {
    if (this.isClosed) return;
    if (this.sink) this.sink.onMessage(value);
    else this.early.push(value);
  }

  private peerClosed(): void {
    this.hasPeerClosed = true;
    if (!this.isClosed) this.sink?.onInputEnded();
  }
}

/**
 * Makes a linked pair: `[clientSide, serverSide]`, though the two are alike. Closing one tells the other that its
 * input ended (`onInputEnded`); each side is closed by its own owner.
 */
export function createMemoryTransportPair(): [MessageTransport, MessageTransport] {
  const a = new MemoryTransport();
  const b = new MemoryTransport();
  a.peer = b;
  b.peer = a;
  return [a, b];
}
