/**
 * The bare client: spawns a server and speaks JSON-RPC over NDJSON to it in as little code as works, with no
 * library, no validation and no timeouts. It is the floor the other clients are measured against.
 */
import { spawn } from 'node:child_process';
import type { ChildProcessByStdio } from 'node:child_process';
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';

type Response = { id: number; result?: unknown; error?: { code: number; message: string } };
type Pending = { resolve: (result: unknown) => void; reject: (error: Error) => void };

export class BareClient {
  private readonly child: ChildProcessByStdio<Writable, Readable, null>;
  private readonly exited: Promise<unknown>;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private pieces: Buffer[] = [];
  private outgoing: string[] = [];

  /** `args`: node's arguments, the server script last. */
  constructor(args: string[]) {
    this.child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'inherit'] });
    this.exited = once(this.child, 'exit');
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.on('exit', () => {
      for (const { reject } of this.pending.values()) reject(new Error('The server exited'));
    });
  }

  request(method: string, params: Record<string, unknown> = {}): Promise<unknown> {
    const id = this.nextId++;
    this.send({ jsonrpc: '2.0', id, method, params });
    return new Promise((resolve, reject) => this.pending.set(id, { resolve, reject }));
  }

  notify(method: string): void {
    this.send({ jsonrpc: '2.0', method });
  }

  /** Ends the server's stdin (MCP's stdio shutdown) and waits for it to exit. */
  async close(): Promise<void> {
    this.child.stdin.end();
    if (this.child.exitCode === null && this.child.signalCode === null) await this.exited;
  }

  // Messages sent in one turn of the event loop go out in one write, like the responses of the bare server.
  private send(message: object): void {
    if (this.outgoing.push(JSON.stringify(message)) > 1) return;
    queueMicrotask(() => {
      this.child.stdin.write(this.outgoing.join('\n') + '\n');
      this.outgoing = [];
    });
  }

  private onData(chunk: Buffer): void {
    let start = 0;
    for (let end = chunk.indexOf(10); end !== -1; start = end + 1, end = chunk.indexOf(10, start)) {
      const piece = chunk.subarray(start, end);
      const line = this.pieces.length === 0 ? piece : Buffer.concat([...this.pieces, piece]);
      this.pieces = [];
      const { id, result, error } = JSON.parse(line.toString()) as Response;
      const pending = this.pending.get(id);
      this.pending.delete(id);
      if (error) pending?.reject(new Error(`${error.message} (${error.code})`));
      else pending?.resolve(result);
    }
    if (start < chunk.length) this.pieces.push(chunk.subarray(start));
  }
}
