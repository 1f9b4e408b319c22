/**
 * Fuzzer helper: drives a real peer over real pipes with `FuzzInput`s and keeps the ledger of what came back.
 *
 * After each input the driver sends a `ping` and waits for its answer, so every input is followed by proof that the
 * peer still serves; answers are matched to inputs by id key (null-id errors go to the latest input), every line
 * the peer writes has its envelope checked, and an id answered twice, late, altered or never sent is a failure.
 * A peer that dies or stops answering is restarted (up to a limit) so one run finds every distinct failure.
 */

import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { EMPTY_PEER, IdAllocator, Rng, deriveSeed, short } from './fuzz-inputs.js';
import type { FuzzContext, FuzzInput, PeerInfo, Received, Response } from './fuzz-inputs.js';
import { LineSplitter, encode, previewBytes, readWireLine, showKey } from './fuzz-wire.js';
import type { IdKey, WireMessage } from './fuzz-wire.js';
import { REPO_ROOT } from './stdio-server.js';

/** The run's seed: `FUZZ_SEED` (decimal or 0x hex) replays a run; the default keeps CI deterministic. */
export const FUZZ_SEED = parseSeed(process.env.FUZZ_SEED) ?? 0x5eed_2025;

function parseSeed(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text.trim());
  return Number.isInteger(value) ? value >>> 0 : undefined;
}

/** How long a peer has to answer the ping after an input (8 MiB lines and floods of 1,000 included). */
const PING_TIMEOUT_MS = 5_000;
/** How long answers may trail the following ping, unless the input says otherwise. */
const DEFAULT_SLOW_MS = 250;
/** A family that crashed the peer this often is cut short: the failure is known, restarts cost time. */
const CRASHES_PER_FAMILY = 2;
const MAX_RESTARTS = 25;
/** Inputs a process takes before its memory is sampled as "warm". */
export const RSS_WARM_INPUTS = 300;

export interface Failure {
  peer: string;
  test: string;
  family: string;
  label: string;
  preview: string;
  kind: string;
  detail: string;
}

interface Entry {
  input: FuzzInput;
  received: Received;
  deadline: number;
  isJudged: boolean;
}

/** What came back, and which of it broke a rule. One ledger per test. */
export class Ledger {
  readonly failures: Failure[] = [];
  inputsRun = 0;
  private readonly owners = new Map<IdKey, Entry>();
  private readonly controls = new Map<IdKey, (answer: Response) => void>();
  private readonly sent = new Set<IdKey>();
  /** Ids beyond 2^53 by the double they round to, to tell an altered id from a stray one. */
  private readonly unsafeByValue = new Map<number, IdKey>();
  private current: Entry | undefined;
  private unjudged: Entry[] = [];

  constructor(
    readonly peer: string,
    readonly test: string,
  ) {}

  begin(input: FuzzInput): void {
    const entry: Entry = { input, received: { byKey: new Map(), nulls: [] }, deadline: Infinity, isJudged: false };
    for (const key of input.keys) {
      this.owners.set(key, entry);
      entry.received.byKey.set(key, []);
      this.noteSent(key);
    }
    this.current = entry;
    this.inputsRun++;
  }

  /** A request of the driver's own (the ping after each input, the handshake): `onAnswer` gets its answer. */
  control(key: IdKey, onAnswer: (answer: Response) => void): void {
    this.noteSent(key);
    this.controls.set(key, onAnswer);
  }

  /** The current input is done; its answers are judged once in, or at its deadline. */
  finishCurrent(): void {
    const entry = this.current;
    if (!entry || entry.deadline !== Infinity) return;
    entry.deadline = Date.now() + (entry.input.slowMs ?? DEFAULT_SLOW_MS);
    this.unjudged.push(entry);
  }

  /** One line from the peer. Returns the message when the driver must act on it (a request). */
  receive(line: string): WireMessage | undefined {
    const read = readWireLine(line, (key) => this.sent.has(key) || this.alteredFrom(key) !== undefined);
    if ('problem' in read) {
      this.fail(this.current?.input, 'invalid envelope', `${read.problem}: ${short(JSON.stringify(line), 200)}`);
      return undefined;
    }
    const message = read.message;
    if (message.type !== 'response') return message;
    if (message.key === 'null') {
      const entry = this.current;
      if (entry && !entry.isJudged) entry.received.nulls.push(message);
      else this.fail(entry?.input, 'unexpected error with a null id', short(line));
      return undefined;
    }
    const control = this.controls.get(message.key);
    if (control) {
      this.controls.delete(message.key);
      control(message);
      return undefined;
    }
    const entry = this.owners.get(message.key);
    if (entry) {
      if (entry.isJudged) {
        const kind =
          (entry.received.byKey.get(message.key) ?? []).length > 0 ? 'answered more than once' : 'answered late';
        this.fail(entry.input, kind, `${kind} (after it was judged): ${short(line)}`);
      } else {
        entry.received.byKey.get(message.key)!.push(message);
      }
      return undefined;
    }
    const original = this.alteredFrom(message.key);
    const victim = original === undefined ? undefined : this.owners.get(original);
    if (original !== undefined) {
      this.fail(
        victim?.input ?? this.current?.input,
        'altered id',
        `sent id ${showKey(original)}, answered with id ${showKey(message.key)}`,
      );
      // Counted as the answer it was meant to be, so its input is not also reported as unanswered.
      if (victim && !victim.isJudged) victim.received.byKey.get(original)!.push(message);
    } else if (this.sent.has(message.key)) {
      this.fail(this.current?.input, 'answered more than once', `a second answer to a control request: ${short(line)}`);
    } else {
      this.fail(this.current?.input, 'answer to an id never sent', short(line));
    }
    return undefined;
  }

  /** Judges every finished input whose answers are all in, or whose deadline passed (all of them if `force`). */
  settle(force = false): void {
    const now = Date.now();
    this.unjudged = this.unjudged.filter((entry) => {
      const wanted = entry.input.awaitCount ?? 1;
      const isComplete = entry.input.awaitKeys.every((key) => (entry.received.byKey.get(key) ?? []).length >= wanted);
      if (!force && !isComplete && now < entry.deadline) return true;
      entry.isJudged = true;
      for (const problem of entry.input.judge(entry.received)) this.fail(entry.input, problem.kind, problem.detail);
      return false;
    });
  }

  /** The latest deadline of inputs still waiting, or 0. */
  get lastDeadline(): number {
    return this.unjudged.reduce((latest, entry) => Math.max(latest, entry.deadline), 0);
  }

  /** The peer died: inputs still waiting can no longer be answered, and are not judged. */
  dropPending(): void {
    for (const entry of this.unjudged) entry.isJudged = true;
    if (this.current) this.current.isJudged = true;
    this.unjudged = [];
    this.controls.clear();
  }

  get currentInput(): FuzzInput | undefined {
    return this.current?.input;
  }

  fail(input: FuzzInput | undefined, kind: string, detail: string): void {
    this.failures.push({
      peer: this.peer,
      test: this.test,
      family: input?.family ?? '(between inputs)',
      label: input?.label ?? '',
      preview: input ? previewBytes(Buffer.concat(input.chunks)) : '',
      kind,
      detail,
    });
  }

  /** The id we sent that `key` is a rounded copy of (ids beyond 2^53 pass through a double), if any. */
  private alteredFrom(key: IdKey): IdKey | undefined {
    if (!key.startsWith('n:') || this.sent.has(key)) return undefined;
    return this.unsafeByValue.get(Number(key.slice(2)));
  }

  /** Whether an answer to the current input was a result. */
  get currentGotResult(): boolean {
    const received = this.current?.received;
    return received !== undefined && [...received.byKey.values()].some((answers) => answers.some((a) => !a.isError));
  }

  private noteSent(key: IdKey): void {
    this.sent.add(key);
    if (/^n:-?\d{16,}$/.test(key) || /^n:.*e/.test(key)) this.unsafeByValue.set(Number(key.slice(2)), key);
  }
}

/** Failures grouped by family and kind, one example each, for an assertion message a person can act on. */
export function formatFailures(failures: readonly Failure[], header: string, limit = 80): string {
  const groups = new Map<string, Failure[]>();
  for (const failure of failures) {
    const signature = `${failure.family} | ${failure.kind}`;
    groups.set(signature, [...(groups.get(signature) ?? []), failure]);
  }
  const lines = [`${header}: ${groups.size} distinct failures (${failures.length} in all)`];
  let n = 0;
  for (const [signature, group] of groups) {
    if (++n > limit) {
      lines.push(`… and ${groups.size - limit} more distinct failures`);
      break;
    }
    const first = group[0]!;
    lines.push(`${n}. [${first.peer}] ${signature}${group.length > 1 ? ` (${group.length}×)` : ''}`);
    lines.push(`   input: ${first.label}`);
    if (first.preview) lines.push(`   bytes: ${first.preview}`);
    lines.push(`   got:   ${first.detail}`);
  }
  return lines.join('\n');
}

/** The distinct failure signatures, for `expect(...).toEqual([])`: short enough for a diff. */
export function distinctSignatures(failures: readonly Failure[]): string[] {
  return [...new Set(failures.map((failure) => `[${failure.peer}] ${failure.family} | ${failure.kind}`))];
}

export function seedNote(seed: number, label: string): string {
  return `seed ${seed} (0x${seed.toString(16)}; rerun with FUZZ_SEED=${seed}), ${label}`;
}

/** Resident memory of a process, in KiB, from /proc (Linux). */
export function rssKiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
}

/** A server the fuzzer starts: `node <script>` with exactly `env` (plus PATH and HOME). */
export interface ServerUnderTest {
  name: string;
  /** Relative to the repo root. */
  script: string;
  env: () => Record<string, string>;
  /** See `PeerInfo.longRunningTools`. */
  longRunningTools?: readonly string[];
}

/** The stderr line that explains a crash: the error message and the frame it came from. */
function crashSummary(stderr: string): string {
  const lines = stderr.split('\n').map((text) => text.trim());
  const index = lines.findIndex((text) => /^(\w*Error|Error)\b.*:/.test(text) || /^Uncaught/.test(text));
  if (index === -1) return short(lines.filter(Boolean).slice(-3).join(' / '), 300);
  const frame = lines.slice(index + 1).find((text) => text.startsWith('at '));
  return short(`${lines[index]}${frame ? ` (${frame.replace(/\(.*\/([^/]+)\)$/, '($1)')})` : ''}`, 300);
}

/**
 * One server under fuzz: spawned, handshaken when the phase asks, fed inputs, restarted when it dies. Call
 * `close()` when done; it checks the server exits when its stdin ends.
 */
export class ServerFuzzer {
  readonly ledger: Ledger;
  readonly ctx: FuzzContext;
  readonly seed: number;
  child!: ChildProcessWithoutNullStreams;
  restarts = 0;
  skipped = 0;
  /**
   * Resident memory (KiB) of the current process once it has taken `RSS_WARM_INPUTS` inputs (its heap has grown to
   * its working size by then), and now. A restart starts the count again: memory is compared within one process.
   */
  private warmRssKiB: number | undefined;
  private inputsOnProcess = 0;
  private stderr = '';
  private exited: Promise<void> = Promise.resolve();
  private hasExited = false;
  private readonly familyCrashes = new Map<string, number>();
  private isAborted = false;

  constructor(
    readonly server: ServerUnderTest,
    test: string,
    runSeed = FUZZ_SEED,
  ) {
    this.seed = deriveSeed(runSeed, `${server.name}/${test}`);
    this.ledger = new Ledger(server.name, test);
    this.ctx = { rng: new Rng(this.seed), ids: new IdAllocator(), role: 'server', phase: 'fresh', peer: EMPTY_PEER };
  }

  /** Spawns the server; with `initialize`, performs the handshake and learns its tools, resources and prompts. */
  async start(initialize: boolean): Promise<void> {
    this.child = spawn(process.execPath, [path.resolve(REPO_ROOT, this.server.script)], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...this.server.env() },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.stderr = '';
    this.hasExited = false;
    const child = this.child;
    this.exited = new Promise((resolve) =>
      child.once('exit', () => {
        this.hasExited = true;
        resolve();
      }),
    );
    // A server that dies mid-write must not take the test process down with EPIPE.
    child.stdin.on('error', () => {});
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      this.stderr = (this.stderr + text).slice(-8_192);
    });
    const splitter = new LineSplitter((line) => this.onLine(line));
    child.stdout.on('data', (chunk: Buffer) => splitter.push(chunk));
    this.ctx.phase = 'fresh';
    this.warmRssKiB = undefined;
    this.inputsOnProcess = 0;
    if (initialize) await this.handshake();
  }

  private onLine(line: string): void {
    const message = this.ledger.receive(line);
    if (message?.type !== 'request') return;
    // A server may ask things of its client; this client has no capabilities, so only ping succeeds.
    const answer =
      message.method === 'ping'
        ? `{"jsonrpc":"2.0","id":${message.idRaw},"result":{}}`
        : `{"jsonrpc":"2.0","id":${message.idRaw},"error":{"code":-32601,"message":"Method not found"}}`;
    this.child.stdin.write(`${answer}\n`);
  }

  /** Sends a request of the driver's own and waits for its answer (undefined when the server died or hung). */
  private async controlRequest(
    method: string,
    params?: unknown,
    timeoutMs = PING_TIMEOUT_MS,
  ): Promise<Response | undefined> {
    const { id, key } = this.ctx.ids.fresh();
    let timer: NodeJS.Timeout | undefined;
    const answered = new Promise<Response>((resolve) => this.ledger.control(key, resolve));
    const message: Record<string, unknown> = { jsonrpc: '2.0', id, method };
    if (params !== undefined) message.params = params;
    await this.write(Buffer.from(`${encode(message)}\n`));
    const timedOut = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutMs)));
    const result = await Promise.race([answered, timedOut, this.exited.then(() => undefined)]);
    clearTimeout(timer);
    return result;
  }

  /** Performs the handshake on the running server (after inputs sent "before initialize"). */
  initialize(): Promise<void> {
    return this.handshake();
  }

  private async handshake(): Promise<void> {
    const init = await this.controlRequest('initialize', {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'fuzz', version: '0.0.0' },
    });
    const result = init?.result as
      { protocolVersion?: unknown; capabilities?: unknown; serverInfo?: { name?: unknown } } | undefined;
    if (
      !init ||
      init.isError ||
      typeof result?.protocolVersion !== 'string' ||
      typeof result.serverInfo?.name !== 'string'
    ) {
      throw new Error(
        `${this.server.name}: the handshake failed: ${init ? short(init.raw) : 'no answer'}; stderr: ${crashSummary(this.stderr)}`,
      );
    }
    await this.write(Buffer.from('{"jsonrpc":"2.0","method":"notifications/initialized"}\n'));
    const capabilities = (result.capabilities ?? {}) as Record<string, unknown>;
    const list = async (method: string, member: string, capability: string): Promise<Record<string, unknown>[]> => {
      if (capabilities[capability] === undefined) return [];
      const answer = await this.controlRequest(method, {});
      return ((answer?.result as Record<string, unknown> | undefined)?.[member] ?? []) as Record<string, unknown>[];
    };
    const peer: PeerInfo = {
      capabilities,
      tools: (await list('tools/list', 'tools', 'tools')) as PeerInfo['tools'],
      resources: (await list('resources/list', 'resources', 'resources')).map((r) => String(r.uri)),
      templates: (await list('resources/templates/list', 'resourceTemplates', 'resources')).map((t) =>
        String(t.uriTemplate),
      ),
      prompts: (await list('prompts/list', 'prompts', 'prompts')) as PeerInfo['prompts'],
      longRunningTools: this.server.longRunningTools,
    };
    this.ctx.peer = peer;
    this.ctx.phase = 'ready';
  }

  private async write(bytes: Buffer): Promise<void> {
    if (this.hasExited) return;
    if (!this.child.stdin.write(bytes)) {
      await Promise.race([new Promise((resolve) => this.child.stdin.once('drain', resolve)), this.exited]);
    }
  }

  /** Runs the inputs in order, each followed by a ping. Returns when all are judged. */
  async run(inputs: readonly FuzzInput[]): Promise<void> {
    for (const input of inputs) {
      if (this.isAborted) {
        this.skipped++;
        continue;
      }
      if ((this.familyCrashes.get(input.family) ?? 0) >= CRASHES_PER_FAMILY) {
        this.skipped++;
        continue;
      }
      await this.runOne(input);
    }
    await this.settleAll();
  }

  private async runOne(input: FuzzInput): Promise<void> {
    if (++this.inputsOnProcess === RSS_WARM_INPUTS) this.warmRssKiB = rssKiB(this.child.pid!);
    this.ledger.begin(input);
    for (const [index, chunk] of input.chunks.entries()) {
      // A pause between chunks, so that the server reads them as separate pieces.
      if (index > 0) await new Promise((resolve) => setTimeout(resolve, 1));
      await this.write(chunk);
    }
    const ping = await this.controlRequest('ping');
    if (ping) {
      if (ping.isError) this.ledger.fail(input, 'ping refused', `the ping after this input got ${short(ping.raw)}`);
      this.ledger.finishCurrent();
      this.ledger.settle();
      if (input.mayEndFreshPhase && this.ledger.currentGotResult) {
        // Counted like a crash: after a few, the rest of the family is skipped (the failure is known by then).
        this.familyCrashes.set(input.family, (this.familyCrashes.get(input.family) ?? 0) + 1);
        await this.kill();
        await this.start(false);
      }
      return;
    }
    // No answer: the server died, or hangs.
    const wasAlive = !this.hasExited;
    if (wasAlive) {
      this.ledger.fail(input, 'stopped answering', `no answer to ping within ${PING_TIMEOUT_MS} ms`);
      this.child.kill('SIGKILL');
      await this.exited;
    } else {
      const how = this.child.exitCode !== null ? `exit code ${this.child.exitCode}` : `signal ${this.child.signalCode}`;
      this.ledger.fail(input, 'crashed', `the server exited (${how}): ${crashSummary(this.stderr)}`);
    }
    this.familyCrashes.set(input.family, (this.familyCrashes.get(input.family) ?? 0) + 1);
    this.ledger.dropPending();
    if (++this.restarts > MAX_RESTARTS) {
      this.ledger.fail(input, 'too many crashes', `gave up after ${MAX_RESTARTS} restarts`);
      this.isAborted = true;
      return;
    }
    const phase = this.ctx.phase;
    await this.start(phase === 'ready');
  }

  /** Waits for the deadlines of inputs still unjudged, then judges them. */
  async settleAll(): Promise<void> {
    const wait = this.ledger.lastDeadline - Date.now();
    if (wait > 0) {
      // Answers may still come for slow requests; a ping round trip lets them in before the deadline passes.
      await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 5_000)));
    }
    this.ledger.settle(true);
  }

  /**
   * Writes one ping line of `bytes` bytes, past the message limit. The server may refuse it with an error and go on,
   * or close the connection and exit; either way with no stack trace and no signal.
   */
  async sendOversizeLine(bytes: number): Promise<void> {
    const { id, key } = this.ctx.ids.fresh();
    const input: FuzzInput = {
      family: 'oversize line',
      label: `a ping line of ${bytes} bytes (the limit is 64 MiB)`,
      chunks: [],
      keys: [key],
      awaitKeys: [],
      judge: ({ byKey, nulls }) => {
        const answers = [...(byKey.get(key) ?? []), ...nulls];
        return answers.length > 1 ? [{ kind: 'answered more than once', detail: `${answers.length} answers` }] : [];
      },
    };
    this.ledger.begin(input);
    const head = Buffer.from(`{"jsonrpc":"2.0","id":${id},"method":"ping","params":{"_meta":{"blob":"`);
    const piece = Buffer.alloc(1024 * 1024, 0x6f);
    await this.write(head);
    for (let written = head.length; written < bytes && !this.hasExited; written += piece.length) {
      await this.write(piece);
    }
    await this.write(Buffer.from('"}}}\n'));
    const ping = this.hasExited ? undefined : await this.controlRequest('ping', undefined, 10_000);
    if (ping) {
      this.ledger.finishCurrent();
      await this.settleAll();
      return;
    }
    if (!this.hasExited) {
      this.ledger.fail(input, 'stopped answering', 'no answer to ping within 10 s, and still running');
      return;
    }
    if (this.child.signalCode !== null) {
      this.ledger.fail(input, 'crashed', `killed by ${this.child.signalCode}: ${crashSummary(this.stderr)}`);
    } else if (/^\s+at .+:\d+:\d+\)?$/m.test(this.stderr)) {
      this.ledger.fail(
        input,
        'exited with a stack trace',
        `exit code ${this.child.exitCode}: ${crashSummary(this.stderr)}`,
      );
    } else if (this.stderr.trim() === '') {
      this.ledger.fail(input, 'exited without a word', `exit code ${this.child.exitCode}, nothing on stderr`);
    }
    this.ledger.dropPending();
  }

  /** RSS after the warm-up and now, for the process running now; undefined if it has not warmed up yet. */
  rssGrowth(): { warmKiB: number; nowKiB: number; inputs: number } | undefined {
    if (this.warmRssKiB === undefined || this.hasExited) return undefined;
    return {
      warmKiB: this.warmRssKiB,
      nowKiB: rssKiB(this.child.pid!),
      inputs: this.inputsOnProcess - RSS_WARM_INPUTS,
    };
  }

  /** Ends stdin; the server must exit on its own, as MCP's stdio transport asks. */
  async close(): Promise<void> {
    if (this.hasExited) return;
    this.child.stdin.end();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 3_000)));
    const isHung = await Promise.race([this.exited.then(() => false), timedOut]);
    clearTimeout(timer);
    if (isHung) {
      this.ledger.fail(undefined, 'did not exit when stdin closed', 'still running 3 s after stdin ended');
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  /** Kills the server whatever its state (afterEach). */
  async kill(): Promise<void> {
    if (!this.hasExited) {
      this.child.kill('SIGKILL');
      await this.exited;
    }
  }

  get stderrTail(): string {
    return this.stderr;
  }
}
