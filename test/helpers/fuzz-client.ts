/**
 * Fuzzer helper, client side: an `McpClient` in this process, connected over real pipes to the hostile fixture
 * server (test/fixtures/servers/hostile-peer.ts), which writes each input's bytes to the client on request. The
 * client's own output passes through a tap on its way to the fixture's stdin, so its answers to the hostile
 * requests are judged by the same ledger and rules as the servers' answers.
 *
 * A client must survive all of it: after each input its `tools/call` gets the first answer ("first answer") and a
 * `ping` succeeds. An exception that escapes the client (thrown from its stream handlers) is caught here, recorded
 * against the input, and the client is reconnected.
 */

import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { StdioTransport } from '../../src/protocol/stdio/stdio-transport.js';
import { McpClient } from '../../src/client/index.js';
import { Ledger } from './fuzz-driver.js';
import { EMPTY_PEER, IdAllocator, Rng, deriveSeed, short } from './fuzz-inputs.js';
import type { FuzzContext, FuzzInput } from './fuzz-inputs.js';
import { LineSplitter } from './fuzz-wire.js';
import { REPO_ROOT } from './stdio-server.js';

export const HOSTILE_PEER = path.join(REPO_ROOT, 'dist/test/fixtures/servers/hostile-peer.js');

/** How the fixture answers the `inject` call itself (see the fixture's comment). */
export type AnswerMode = 'plain' | 'duplicate' | 'unknown-ids' | 'altered';

/** Each call's limit: the fixture answers at once, so a call that takes this long will never be answered. */
const CALL_TIMEOUT_MS = 3_000;
const FAILURES_PER_FAMILY = 2;
const MAX_RECONNECTS = 25;

export class ClientFuzzer {
  readonly ledger: Ledger;
  readonly ctx: FuzzContext;
  readonly seed: number;
  reconnects = 0;
  skipped = 0;
  private child!: ChildProcessWithoutNullStreams;
  private client: McpClient | undefined;
  /** Reports the client made through `onInvalidLine` and `onError`. */
  private reports = 0;
  private uncaught: Error | undefined;
  private readonly familyFailures = new Map<string, number>();
  private readonly onUncaught = (error: Error): void => {
    this.uncaught ??= error;
    // The client's state is unknown now; closing it makes the pending call fail at once instead of timing out.
    this.client?.close(error);
  };

  constructor(test: string, runSeed: number) {
    this.seed = deriveSeed(runSeed, `client/${test}`);
    this.ledger = new Ledger('McpClient', test);
    this.ctx = { rng: new Rng(this.seed), ids: new IdAllocator(), role: 'client', phase: 'ready', peer: EMPTY_PEER };
  }

  async start(): Promise<void> {
    process.on('uncaughtException', this.onUncaught);
    this.child = spawn(process.execPath, [HOSTILE_PEER], {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdin.on('error', () => {});
    this.child.stderr.resume();
    const tap = new PassThrough();
    const splitter = new LineSplitter((line) => this.ledger.receive(line));
    tap.on('data', (chunk: Buffer) => splitter.push(chunk));
    tap.pipe(this.child.stdin);
    this.uncaught = undefined;
    this.client = await McpClient.connect(new StdioTransport(this.child.stdout, tap), {
      name: 'hostile',
      defaultTimeoutMs: CALL_TIMEOUT_MS,
      onInvalidMessage: () => this.reports++,
      onError: () => this.reports++,
    });
  }

  /** Sends each input through the fixture (answered the `mode` way), checking the client still works after it. */
  async run(inputs: readonly FuzzInput[], mode: AnswerMode = 'plain'): Promise<void> {
    for (const input of inputs) {
      if ((this.familyFailures.get(input.family) ?? 0) >= FAILURES_PER_FAMILY || this.reconnects > MAX_RECONNECTS) {
        this.skipped++;
        continue;
      }
      await this.runOne(input, mode);
    }
    await this.settleAll();
  }

  private async runOne(input: FuzzInput, mode: AnswerMode): Promise<void> {
    const client = this.client!;
    this.ledger.begin(input);
    const reportsBefore = this.reports;
    try {
      const lines = input.chunks.length > 0 ? [Buffer.concat(input.chunks).toString('base64')] : [];
      const result = await client.callTool('inject', { lines, answers: mode });
      const block = result.content[0];
      const text = block?.type === 'text' ? block.text : JSON.stringify(result);
      if (text !== 'first answer') {
        this.ledger.fail(input, 'used an answer other than the first', `tools/call resolved with ${short(text)}`);
      }
      await client.ping();
    } catch (error) {
      const kind = this.uncaught ? 'exception escaped the client' : 'client failed the call';
      const cause = this.uncaught ?? (error as Error);
      const frame = cause.stack?.split('\n').find((line) => line.trim().startsWith('at '));
      this.ledger.fail(input, kind, `${cause.name}: ${short(cause.message, 200)}${frame ? ` (${frame.trim()})` : ''}`);
      this.familyFailures.set(input.family, (this.familyFailures.get(input.family) ?? 0) + 1);
      this.ledger.dropPending();
      this.reconnects++;
      await this.close();
      await this.start();
      return;
    }
    if (mode !== 'plain' && this.reports === reportsBefore) {
      this.ledger.fail(
        input,
        'stray answers not reported',
        `answers in mode ${mode} reached neither onInvalidLine nor onError`,
      );
    }
    this.ledger.finishCurrent();
    this.ledger.settle();
  }

  private async settleAll(): Promise<void> {
    const wait = this.ledger.lastDeadline - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 5_000)));
    this.ledger.settle(true);
  }

  /** Closes the client and ends the fixture (idempotent). */
  async close(): Promise<void> {
    process.off('uncaughtException', this.onUncaught);
    this.client?.close();
    this.client = undefined;
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = once(this.child, 'exit');
      this.child.kill('SIGKILL');
      await exited;
    }
  }
}
