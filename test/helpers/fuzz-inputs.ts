/**
 * Fuzzer helper: the inputs, and what the specs say must come back for each. Every input is raw bytes plus a judge
 * written from JSON-RPC 2.0 and MCP 2025-11-25 (not from what src/ does today). Families are functions of a seeded
 * PRNG and of what the peer told us about itself, so a seed replays the same bytes.
 *
 * Where the specs leave room the judge does too, and says so: an unparsable line may get -32700 with a null id or
 * nothing (MCP forbids null ids, JSON-RPC asks for them); a wrong type in an optional field may be ignored; an id a
 * JS number cannot hold may be refused, but never answered altered.
 */

import { CODE, Raw, encode, idKeyOfRaw, rawOf } from './fuzz-wire.js';
import type { IdKey, WireMessage } from './fuzz-wire.js';

export type Response = Extract<WireMessage, { type: 'response' }>;

/** A small, fast PRNG (mulberry32): the same seed gives the same inputs on every machine. */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(below: number): number {
    return Math.floor(this.next() * below);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }
}

/** A seed for one part of a run, so each test replays alone: FNV-1a of the label, mixed with the run's seed. */
export function deriveSeed(seed: number, label: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

/** What one judge found wrong. `kind` is stable (failures are grouped by it); `detail` is for the reader. */
export interface Problem {
  kind: string;
  detail: string;
}

/** What came back for one input: answers to its ids, and errors with a null id that arrived while it was last. */
export interface Received {
  byKey: Map<IdKey, Response[]>;
  nulls: Response[];
}

export interface FuzzInput {
  /** Inputs are grouped by family in reports, and a family that keeps crashing the peer is cut short. */
  family: string;
  /** What was sent, for a person. */
  label: string;
  /** Written in order, with a turn of the event loop between chunks (so split writes really arrive split). */
  chunks: Buffer[];
  /** The ids this input used: answers to them belong to it. */
  keys: IdKey[];
  /** Ids whose answers are worth waiting for before judging. */
  awaitKeys: IdKey[];
  /** Answers to wait for per awaited id (2 when one id was sent twice). @default 1 */
  awaitCount?: number;
  /** How long answers may still take once the following ping is answered (tool calls do real work). @default 250 */
  slowMs?: number;
  judge(received: Received): Problem[];
  /**
   * An `initialize` sent before the handshake that the server should refuse: if it is taken instead, the server is
   * restarted, so the inputs after it still meet an uninitialized server.
   */
  mayEndFreshPhase?: boolean;
}

/** What an answer to a request must be. */
export type AnswerRule =
  | { kind: 'result' }
  | { kind: 'error'; codes: readonly number[] | 'any'; why: string }
  | { kind: 'any' }
  /** `tools/call` with arguments the tool's schema refuses: an `isError` result (MCP 2025-11-25) or -32602. */
  | { kind: 'tool-refusal' };

export const RESULT: AnswerRule = { kind: 'result' };
export const ANY: AnswerRule = { kind: 'any' };
export const errorRule = (codes: readonly number[] | 'any', why: string): AnswerRule => ({ kind: 'error', codes, why });

/** Text that only an unvalidated input reaching JS internals produces. */
const INTERNAL_TEXT =
  /Cannot read propert|is not a function|is not iterable|Cannot convert undefined|\bTypeError\b|\bRangeError\b|Maximum call stack/;

/** Problems with one answer, against its rule. */
export function checkAnswer(answer: Response, rule: AnswerRule): Problem[] {
  const problems: Problem[] = [];
  if (answer.isError) {
    if (answer.code === CODE.INTERNAL_ERROR) {
      problems.push({ kind: 'internal error (-32603)', detail: `answered -32603: ${short(answer.message)}` });
    } else if (INTERNAL_TEXT.test(answer.message ?? '')) {
      problems.push({ kind: 'leaked an internal exception', detail: `error ${answer.code}: ${short(answer.message)}` });
    }
  }
  switch (rule.kind) {
    case 'result':
      if (answer.isError) {
        problems.push({ kind: 'expected a result', detail: `got error ${answer.code}: ${short(answer.message)}` });
      }
      break;
    case 'error':
      if (!answer.isError) {
        problems.push({ kind: `expected an error (${rule.why})`, detail: `got a result: ${short(answer.raw)}` });
      } else if (rule.codes !== 'any' && !rule.codes.includes(answer.code!) && answer.code !== CODE.INTERNAL_ERROR) {
        problems.push({
          kind: `wrong error code (${rule.why})`,
          detail: `expected ${rule.codes.join(' or ')}, got ${answer.code}: ${short(answer.message)}`,
        });
      }
      break;
    case 'tool-refusal':
      if (!answer.isError && (answer.result as { isError?: unknown }).isError !== true) {
        problems.push({ kind: 'accepted arguments its schema refuses', detail: `got ${short(answer.raw)}` });
      } else if (answer.isError && answer.code !== CODE.INVALID_PARAMS && answer.code !== CODE.INTERNAL_ERROR) {
        problems.push({
          kind: 'wrong error code (bad tool arguments)',
          detail: `expected -32602 or an isError result, got ${answer.code}`,
        });
      }
      break;
    case 'any':
      break;
  }
  return problems;
}

export function short(text: string | undefined, max = 160): string {
  const value = text ?? '';
  return value.length > max ? `${value.slice(0, max)}…` : value;
}

// ---- judges ------------------------------------------------------------------------------------------------------

type Judge = (received: Received) => Problem[];

function nullsProblem(nulls: Response[], allowed: readonly number[], max: number): Problem[] {
  const problems: Problem[] = [];
  if (nulls.length > max) {
    problems.push({ kind: 'unexpected error with a null id', detail: nulls.map((n) => short(n.raw, 120)).join(' | ') });
  }
  for (const answer of nulls.slice(0, max)) {
    if (!allowed.includes(answer.code!)) {
      problems.push({
        kind: 'wrong error code for an unreadable id',
        detail: `expected ${allowed.join(' or ')}, got ${answer.code}: ${short(answer.message)}`,
      });
    }
  }
  return problems;
}

/** Exactly one answer with `key`, following `rule`; no null-id error. */
export function once(key: IdKey, rule: AnswerRule): Judge {
  return ({ byKey, nulls }) => {
    const answers = byKey.get(key) ?? [];
    if (answers.length === 0) {
      if (nulls.length === 1) {
        return [{ kind: 'answered with a null id', detail: `id was readable; got ${short(nulls[0]!.raw)}` }];
      }
      return [{ kind: 'no answer', detail: 'no response with the request id (the client would wait forever)' }];
    }
    const problems = checkAnswer(answers[0]!, rule);
    if (answers.length > 1) problems.push({ kind: 'answered more than once', detail: `${answers.length} answers` });
    return [...problems, ...nullsProblem(nulls, [], 0)];
  };
}

/** Exactly one answer for each key (floods); no null-id error. */
export function onceEach(keys: readonly IdKey[], rule: AnswerRule): Judge {
  return ({ byKey, nulls }) => {
    const missing = keys.filter((key) => (byKey.get(key) ?? []).length === 0).length;
    const twice = keys.filter((key) => (byKey.get(key) ?? []).length > 1).length;
    const problems: Problem[] = [];
    if (missing > 0) problems.push({ kind: 'no answer', detail: `${missing} of ${keys.length} requests unanswered` });
    if (twice > 0) problems.push({ kind: 'answered more than once', detail: `${twice} of ${keys.length}` });
    const wrong = keys.flatMap((key) => (byKey.get(key) ?? []).slice(0, 1).flatMap((a) => checkAnswer(a, rule)));
    if (wrong.length > 0) problems.push({ ...wrong[0]!, detail: `${wrong.length}×, e.g. ${wrong[0]!.detail}` });
    return [...problems, ...nullsProblem(nulls, [], 0)];
  };
}

/** Nothing at all comes back (notifications, responses, blank lines). */
export function silent(why: string): Judge {
  return ({ byKey, nulls }) => {
    const answers = [...byKey.values()].flat();
    const problems: Problem[] = [];
    if (answers.length > 0) {
      problems.push({ kind: `answered ${why}`, detail: short(answers[0]!.raw) });
    }
    return [...problems, ...nullsProblem(nulls, [], 0).map((p) => ({ ...p, kind: `answered ${why}` }))];
  };
}

/** An unparsable line: -32700 with a null id, or nothing (both specs allowed, see the file comment). */
export function parseErrorOrNothing(max = 1): Judge {
  return ({ byKey, nulls }) => {
    const answers = [...byKey.values()].flat();
    const problems: Problem[] = answers.map((a) => ({
      kind: 'answered an unparsable line with an id',
      detail: short(a.raw),
    }));
    return [...problems, ...nullsProblem(nulls, [CODE.PARSE_ERROR], max)];
  };
}

/** A parsable message that is no request and has no usable id: exactly one -32600 with a null id. */
export function invalidRequestNullId(optional = false): Judge {
  return ({ byKey, nulls }) => {
    const answers = [...byKey.values()].flat();
    const problems: Problem[] = answers.map((a) => ({
      kind: 'answered an invalid id as if it were valid',
      detail: short(a.raw),
    }));
    if (nulls.length === 0 && !optional) {
      problems.push({ kind: 'invalid request not answered', detail: 'expected -32600 with a null id; got nothing' });
    }
    return [...problems, ...nullsProblem(nulls, [CODE.INVALID_REQUEST], 1)];
  };
}

/**
 * A request whose id a JS number cannot hold exactly, or a fractional id: answered once, with that exact id, or
 * refused with a null id. Never answered with another id (the ledger reports an altered id on its own).
 */
export function exactOrRefused(key: IdKey, rule: AnswerRule): Judge {
  return ({ byKey, nulls }) => {
    const answers = byKey.get(key) ?? [];
    const total = answers.length + nulls.length;
    if (total === 0) return [{ kind: 'no answer', detail: 'neither echoed the exact id nor refused it' }];
    const problems: Problem[] = [];
    if (total > 1) problems.push({ kind: 'answered more than once', detail: `${total} answers` });
    const answer = answers[0];
    // Refusing the id with -32600 while echoing it exactly is as good as refusing it with a null id.
    if (answer && !(answer.isError && answer.code === CODE.INVALID_REQUEST)) {
      problems.push(...checkAnswer(answer, rule));
    } else if (!answer) problems.push(...nullsProblem(nulls, [CODE.INVALID_REQUEST], 1));
    return problems;
  };
}

/** One answer for one of `keys` (duplicate "id" members: JSON.parse keeps the last) or a null-id -32600. */
export function oneOfKeys(keys: readonly IdKey[]): Judge {
  return ({ byKey, nulls }) => {
    const answers = keys.flatMap((key) => byKey.get(key) ?? []);
    const total = answers.length + nulls.length;
    if (total === 0) return [{ kind: 'no answer', detail: 'expected one answer' }];
    if (total > 1) return [{ kind: 'answered more than once', detail: `${total} answers` }];
    return answers[0] ? checkAnswer(answers[0], ANY) : nullsProblem(nulls, [CODE.INVALID_REQUEST], 1);
  };
}

/** A batch: refused (MCP 2025-06-18 dropped batches) with at least one error, and no element processed. */
export function batchRefused(innerKeys: readonly IdKey[]): Judge {
  return ({ byKey, nulls }) => {
    const answers = innerKeys.flatMap((key) => byKey.get(key) ?? []);
    const problems: Problem[] = [];
    const results = answers.filter((a) => !a.isError);
    if (results.length > 0) problems.push({ kind: 'processed a batch', detail: `answered ${short(results[0]!.raw)}` });
    if (answers.length + nulls.length === 0) {
      problems.push({ kind: 'batch not answered', detail: 'expected an error (MCP does not accept batches)' });
    }
    for (const key of innerKeys) {
      if ((byKey.get(key) ?? []).length > 1) problems.push({ kind: 'answered more than once', detail: key });
    }
    problems.push(...nullsProblem(nulls, [CODE.INVALID_REQUEST], 1));
    return problems;
  };
}

/**
 * Two requests with one id. `inFlight`: the second came while the first was still running, so it must be refused
 * with -32600 and the first answered once. Otherwise (both in one chunk of fast requests) the server may have
 * finished the first already: two answers, at least one a result, any error being -32600.
 */
export function duplicateId(key: IdKey, inFlight: boolean): Judge {
  return ({ byKey, nulls }) => {
    const answers = byKey.get(key) ?? [];
    const errors = answers.filter((a) => a.isError);
    const results = answers.filter((a) => !a.isError);
    const problems: Problem[] = [...nullsProblem(nulls, [], 0)];
    if (answers.length !== 2) {
      problems.push({
        kind: inFlight ? 'duplicate in-flight id: not one result and one refusal' : 'reused id: not answered twice',
        detail: `${answers.length} answers: ${answers.map((a) => short(a.raw, 100)).join(' | ')}`,
      });
      return problems;
    }
    if (results.length === 0) {
      problems.push({
        kind: 'duplicate id: the first request was not answered',
        detail: answers.map((a) => short(a.raw, 100)).join(' | '),
      });
    }
    if (inFlight && errors.length !== 1) {
      problems.push({ kind: 'duplicate in-flight id not refused', detail: 'both requests were run' });
    }
    for (const error of errors) {
      if (error.code !== CODE.INVALID_REQUEST) {
        problems.push({
          kind: 'wrong error code (duplicate id)',
          detail: `expected -32600, got ${error.code}: ${short(error.message)}`,
        });
      }
    }
    return problems;
  };
}

/** Several judges over one input whose parts use different keys; null-id errors are judged by the last one. */
export function allOf(...judges: Judge[]): Judge {
  return (received) => {
    const noNulls = { byKey: received.byKey, nulls: [] };
    return [...judges.slice(0, -1).flatMap((judge) => judge(noNulls)), ...judges[judges.length - 1]!(received)];
  };
}

// ---- ids ---------------------------------------------------------------------------------------------------------

/** Hands out ids that were never used in this run, so a second answer to one is always visible. */
export class IdAllocator {
  private counter = 100_000;
  private readonly usedOnce = new Set<string>();

  fresh(): { id: number; key: IdKey } {
    const id = this.counter++;
    return { id, key: `n:${id}` };
  }

  freshString(prefix = 'fz'): { id: string; key: IdKey } {
    const id = `${prefix}-${this.counter++}`;
    return { id, key: `s:${id}` };
  }

  /** True the first time `name` is asked for: ids such as 0 and "" are used once per run. */
  firstTime(name: string): boolean {
    if (this.usedOnce.has(name)) return false;
    this.usedOnce.add(name);
    return true;
  }
}

/** An id a request may carry, and how the answer to it must look. */
interface OddId {
  name: string;
  id: unknown;
  /** `valid`: a string or a safe integer, echoed as is. `exact`: echoed exactly or refused. `invalid`: -32600, null id. */
  kind: 'valid' | 'exact' | 'invalid' | 'null';
}

const TWO_53 = 2n ** 53n;

/** An odd id, unique within the run where it must be. */
export function oddId(ctx: FuzzContext): OddId {
  const n = ctx.ids.fresh().id;
  const choices: (() => OddId)[] = [
    () => (ctx.ids.firstTime('0') ? { name: '0', id: 0, kind: 'valid' } : { name: 'negative', id: -n, kind: 'valid' }),
    () =>
      ctx.ids.firstTime('-1') ? { name: '-1', id: -1, kind: 'valid' } : { name: 'negative', id: -n, kind: 'valid' },
    () =>
      ctx.ids.firstTime('""')
        ? { name: 'empty string', id: '', kind: 'valid' }
        : { name: 'string', id: `${n}`, kind: 'valid' },
    () =>
      ctx.ids.firstTime('max-safe')
        ? { name: '2^53-1', id: Number.MAX_SAFE_INTEGER, kind: 'valid' }
        : { name: 'string digits', id: `0${n}`, kind: 'valid' },
    () => ({ name: 'string of digits', id: String(n), kind: 'valid' }),
    () => ({ name: 'unicode string', id: `\u00e9\u{1f600}\u0000\u2028-${n}`, kind: 'valid' }),
    () => ({ name: 'lone surrogate', id: new Raw(`"\\ud800-${n}"`), kind: 'valid' }),
    () => ({ name: 'huge string (64 KiB)', id: `${'x'.repeat(65_536)}-${n}`, kind: 'valid' }),
    () => ({ name: '2^53+1 and up', id: new Raw(String(TWO_53 + 1n + 2n * BigInt(n))), kind: 'exact' }),
    () => ({ name: '-(2^53+1) and down', id: new Raw(String(-(TWO_53 + 1n + 2n * BigInt(n)))), kind: 'exact' }),
    () => ({ name: '30-digit integer', id: new Raw(`${n}${'0'.repeat(24)}1`), kind: 'exact' }),
    () => ({ name: 'fraction', id: n + 0.5, kind: 'exact' }),
    () => ({ name: '1e400 (Infinity)', id: new Raw(`${n}e400`), kind: 'exact' }),
    () => ({ name: 'null', id: null, kind: 'null' }),
    () => ({ name: 'true', id: true, kind: 'invalid' }),
    () => ({ name: 'false', id: false, kind: 'invalid' }),
    () => ({ name: 'object', id: { id: n }, kind: 'invalid' }),
    () => ({ name: 'empty object', id: {}, kind: 'invalid' }),
    () => ({ name: 'array', id: [n], kind: 'invalid' }),
    () => ({ name: 'empty array', id: [], kind: 'invalid' }),
  ];
  return ctx.rng.pick(choices)();
}

/** A request line with an odd id, and its judge. */
export function requestWithOddId(ctx: FuzzContext, family: string, method = 'ping', params?: unknown): FuzzInput {
  const odd = oddId(ctx);
  const message: Record<string, unknown> = { jsonrpc: '2.0', id: odd.id, method };
  if (params !== undefined) message.params = params;
  const text = encode(message);
  const key = idKeyOfRaw(rawOf(odd.id))!;
  const rule = ruleFor(ctx, method);
  const label = `${method} with id ${odd.name}`;
  switch (odd.kind) {
    case 'valid':
      return line(family, label, text, [key], once(key, rule));
    case 'exact':
      return line(family, label, text, [key], exactOrRefused(key, rule));
    case 'null':
      // MCP forbids a null id and JSON-RPC discourages it: refused with -32600 or taken as a notification.
      return line(family, label, text, [], invalidRequestNullId(true));
    case 'invalid':
      return line(family, label, text, [], invalidRequestNullId());
  }
}

// ---- the peer and the methods ------------------------------------------------------------------------------------

/** What the peer said about itself, for inputs that need real names (a tool, a resource, a prompt). */
export interface PeerInfo {
  capabilities: Record<string, unknown>;
  tools: { name: string; inputSchema: Record<string, unknown> }[];
  resources: string[];
  templates: string[];
  prompts: { name: string; arguments: { name: string; required?: boolean }[] }[];
  /** Tools whose work grows with their arguments: edge values would make them run for minutes. */
  longRunningTools?: readonly string[];
}

export const EMPTY_PEER: PeerInfo = { capabilities: {}, tools: [], resources: [], templates: [], prompts: [] };

export interface FuzzContext {
  rng: Rng;
  ids: IdAllocator;
  /** Whether the peer under test is an MCP server (it serves client requests) or a client. */
  role: 'server' | 'client';
  /** A server before `initialize` must refuse everything but `ping`. */
  phase: 'fresh' | 'ready';
  peer: PeerInfo;
}

type FieldType = 'string' | 'integer' | 'object' | 'string-map' | 'enum' | 'token';

interface Field {
  type: FieldType;
  required?: boolean;
  fields?: Record<string, Field>;
  values?: readonly string[];
}

interface MethodSpec {
  fields: Record<string, Field>;
  supported(capabilities: Record<string, unknown>): boolean;
  valid(peer: PeerInfo): Record<string, unknown>;
}

const LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'] as const;
const has = (name: string) => (caps: Record<string, unknown>) => caps[name] !== undefined;
const cursorOnly = (capability: string): MethodSpec => ({
  fields: { cursor: { type: 'string' } },
  supported: has(capability),
  valid: () => ({}),
});

/** Client-to-server requests of MCP 2025-11-25 and the fields of their params (src/protocol/methods.ts, types.ts). */
export const CLIENT_REQUESTS: Record<string, MethodSpec> = {
  ping: { fields: {}, supported: () => true, valid: () => ({}) },
  initialize: {
    fields: {
      protocolVersion: { type: 'string', required: true },
      capabilities: {
        type: 'object',
        required: true,
        fields: { roots: { type: 'object' }, sampling: { type: 'object' } },
      },
      clientInfo: {
        type: 'object',
        required: true,
        fields: { name: { type: 'string', required: true }, version: { type: 'string', required: true } },
      },
    },
    supported: () => true,
    valid: () => ({ protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'fuzz', version: '0' } }),
  },
  'tools/list': cursorOnly('tools'),
  'tools/call': {
    fields: { name: { type: 'string', required: true }, arguments: { type: 'object' } },
    supported: has('tools'),
    valid: (peer) => ({ name: peer.tools[0]?.name ?? 'no_such_tool', arguments: {} }),
  },
  'resources/list': cursorOnly('resources'),
  'resources/templates/list': cursorOnly('resources'),
  'resources/read': {
    fields: { uri: { type: 'string', required: true } },
    supported: has('resources'),
    valid: (peer) => ({ uri: peer.resources[0] ?? 'none://nothing' }),
  },
  'resources/subscribe': {
    fields: { uri: { type: 'string', required: true } },
    supported: (caps) => (caps.resources as { subscribe?: unknown } | undefined)?.subscribe === true,
    valid: (peer) => ({ uri: peer.resources[0] ?? 'none://nothing' }),
  },
  'resources/unsubscribe': {
    fields: { uri: { type: 'string', required: true } },
    supported: (caps) => (caps.resources as { subscribe?: unknown } | undefined)?.subscribe === true,
    valid: (peer) => ({ uri: peer.resources[0] ?? 'none://nothing' }),
  },
  'prompts/list': cursorOnly('prompts'),
  'prompts/get': {
    fields: { name: { type: 'string', required: true }, arguments: { type: 'string-map' } },
    supported: has('prompts'),
    valid: (peer) => {
      const prompt = peer.prompts[0];
      if (!prompt) return { name: 'no_such_prompt' };
      return { name: prompt.name, arguments: Object.fromEntries(prompt.arguments.map((a) => [a.name, 'Lisbon'])) };
    },
  },
  'completion/complete': {
    fields: {
      ref: {
        type: 'object',
        required: true,
        fields: {
          type: { type: 'enum', required: true, values: ['ref/prompt', 'ref/resource'] },
          name: { type: 'string' },
          uri: { type: 'string' },
        },
      },
      argument: {
        type: 'object',
        required: true,
        fields: { name: { type: 'string', required: true }, value: { type: 'string', required: true } },
      },
      context: { type: 'object', fields: { arguments: { type: 'string-map' } } },
    },
    supported: has('completions'),
    valid: (peer) => {
      const prompt = peer.prompts.find((p) => p.arguments.length > 0);
      if (prompt) {
        return {
          ref: { type: 'ref/prompt', name: prompt.name },
          argument: { name: prompt.arguments[0]!.name, value: 'L' },
        };
      }
      const template = peer.templates[0] ?? 'none://{x}';
      const name = /\{([^}]+)\}/.exec(template)?.[1] ?? 'x';
      return { ref: { type: 'ref/resource', uri: template }, argument: { name, value: 'a' } };
    },
  },
  'logging/setLevel': {
    fields: { level: { type: 'enum', required: true, values: LEVELS } },
    supported: has('logging'),
    valid: () => ({ level: 'warning' }),
  },
};

/** Every request may carry `_meta.progressToken` (a string or an integer). */
const META_FIELD: Field = { type: 'object', fields: { progressToken: { type: 'token' } } };

/** Methods a receiver does not serve: server-to-client requests, tasks (not offered), near misses of real names. */
const UNSERVED_METHODS = [
  'roots/list',
  'sampling/createMessage',
  'elicitation/create',
  'tasks/list',
  'tasks/get',
  'PING',
  'Tools/List',
  'tools/list ',
  'tools',
  '',
  'constructor',
  '__proto__',
  'toString',
  'hasOwnProperty',
  'notifications/initialized',
  'rpc.discover',
];

/** The answer a request with valid params must get from this peer, in this phase. */
export function ruleFor(ctx: FuzzContext, method: string): AnswerRule {
  if (method === 'ping') return RESULT;
  if (ctx.role === 'client') return errorRule([CODE.METHOD_NOT_FOUND], 'a method this client does not serve');
  if (ctx.phase === 'fresh') {
    return method === 'initialize' ? ANY : errorRule('any', 'every request but ping is refused before initialize');
  }
  if (method === 'initialize') return errorRule('any', 'a second initialize');
  const spec = CLIENT_REQUESTS[method];
  if (!spec || !Object.hasOwn(CLIENT_REQUESTS, method)) {
    return errorRule([CODE.METHOD_NOT_FOUND], 'unknown method');
  }
  // A method of a capability the server did not declare is not served: -32601, whatever its params (the
  // framework serves what it declares and declares what it serves).
  if (!spec.supported(ctx.peer.capabilities)) {
    return errorRule([CODE.METHOD_NOT_FOUND], 'a method of a capability the server did not declare');
  }
  return ANY;
}

// ---- values of the wrong type ------------------------------------------------------------------------------------

const SAMPLES: readonly [string, unknown][] = [
  ['null', null],
  ['true', true],
  ['false', false],
  ['0', 0],
  ['-1', -1],
  ['1.5', 1.5],
  ['2^53', 2 ** 53],
  ['1e308', 1e308],
  ['""', ''],
  ['"x"', 'x'],
  ['"\\u0000"', '\u0000'],
  ['[]', []],
  ['["x"]', ['x']],
  ['{}', {}],
  ['{"a":1}', { a: 1 }],
];

function fits(type: FieldType, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'integer':
      return Number.isInteger(value);
    case 'token':
      return typeof value === 'string' || Number.isInteger(value);
    case 'enum':
      return false;
    case 'object':
      return typeof value === 'object' && value !== null && !Array.isArray(value);
    case 'string-map':
      return (
        typeof value === 'object' &&
        value !== null &&
        !Array.isArray(value) &&
        Object.values(value).every((v) => typeof v === 'string')
      );
  }
}

/** Values that break `field`'s type (for an enum, also strings outside it). */
function wrongValues(field: Field): [string, unknown][] {
  const wrong = SAMPLES.filter(([, value]) => !fits(field.type, value));
  if (field.type === 'enum') {
    return [...wrong.filter(([, v]) => typeof v !== 'string'), ['"x"', 'x'], ['"DEBUG"', 'DEBUG']];
  }
  return wrong;
}

// ---- building inputs ---------------------------------------------------------------------------------------------

export function line(
  family: string,
  label: string,
  text: string | Buffer,
  keys: IdKey[],
  judge: Judge,
  slowMs?: number,
): FuzzInput {
  const bytes = typeof text === 'string' ? Buffer.from(`${text}\n`, 'utf8') : text;
  return { family, label, chunks: [bytes], keys, awaitKeys: keys, judge, slowMs };
}

/** A request with a fresh integer id. */
export function request(
  ctx: FuzzContext,
  method: string,
  params: unknown,
  family: string,
  label: string,
  rule?: AnswerRule,
  slowMs?: number,
): FuzzInput {
  const { id, key } = ctx.ids.fresh();
  const message: Record<string, unknown> = { jsonrpc: '2.0', id, method };
  if (params !== undefined) message.params = params;
  return line(family, label, encode(message), [key], once(key, rule ?? ruleFor(ctx, method)), slowMs);
}

const SLOW_METHODS = new Set(['tools/call', 'resources/read', 'prompts/get', 'completion/complete']);
const slowFor = (method: string) => (SLOW_METHODS.has(method) ? 3_000 : undefined);

function setPath(
  target: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
  remove = false,
): Record<string, unknown> {
  const copy = structuredClone(target);
  let node = copy;
  for (const part of path.slice(0, -1)) {
    if (typeof node[part] !== 'object' || node[part] === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  if (remove) delete node[path[path.length - 1]!];
  else node[path[path.length - 1]!] = value;
  return copy;
}

function fieldPaths(
  fields: Record<string, Field>,
  prefix: string[] = [],
  required = true,
): { path: string[]; field: Field; required: boolean }[] {
  return Object.entries(fields).flatMap(([name, field]) => {
    const isRequired = required && field.required === true;
    const here = { path: [...prefix, name], field, required: isRequired };
    return [here, ...(field.fields ? fieldPaths(field.fields, [...prefix, name], isRequired) : [])];
  });
}

/**
 * Every request method with broken params: missing, null, not an object, and each field (nested ones too) deleted
 * or given each wrong type. A required field wrong or missing must be refused with -32602; an optional one may be
 * ignored; nothing may be answered -32603 (an unvalidated input that reached a handler).
 */
export function paramsFamily(
  ctx: FuzzContext,
  methods: readonly string[] = Object.keys(CLIENT_REQUESTS),
  /** The share of wrong values tried per field (seeded); 1 tries them all. */
  density = 1,
): FuzzInput[] {
  const inputs: FuzzInput[] = [];
  for (const method of methods) {
    const spec = CLIENT_REQUESTS[method]!;
    const family = `params: ${method}`;
    const base = ruleFor(ctx, method);
    const valid = spec.valid(ctx.peer);
    const hasRequired = Object.values(spec.fields).some((f) => f.required);
    // Before initialize, and for a method the server lacks, every variant is refused the same way.
    const fixed = base.kind === 'error' ? base : undefined;
    const invalidParams = fixed ?? errorRule([CODE.INVALID_PARAMS], 'invalid params');
    // Params that are not an object fail the envelope before the method is looked up: -32600/-32602 then, or the
    // refusal the method gets anyway.
    const envelopeOrParams =
      fixed?.codes === 'any'
        ? fixed
        : errorRule([...(fixed?.codes ?? []), CODE.INVALID_REQUEST, CODE.INVALID_PARAMS], 'params is not an object');
    const slow = slowFor(method);
    const add = (params: unknown, label: string, rule: AnswerRule) => {
      // An initialize the server may accept would end the "before initialize" phase early: only sure refusals.
      if (method === 'initialize' && ctx.phase === 'fresh' && rule.kind !== 'error') return;
      const input = request(ctx, method, params, family, `${method} ${label}`, rule, slow);
      if (method === 'initialize' && ctx.phase === 'fresh') input.mayEndFreshPhase = true;
      inputs.push(input);
    };

    add(valid, 'with valid params', base);
    add(undefined, 'without params', hasRequired ? invalidParams : base);
    add(null, 'with params null', hasRequired || fixed ? envelopeOrParams : ANY);
    for (const [name, value] of [
      ['[]', []],
      ['[1,2]', [1, 2]],
      ['"bar"', 'bar'],
      ['0', 0],
      ['true', true],
    ] as const) {
      add(value, `with params ${name}`, envelopeOrParams);
    }
    add({ ...valid, unknownMember: { nested: [1] } }, 'with an unknown member', base);
    for (const { path, field, required } of fieldPaths({ ...spec.fields, _meta: META_FIELD })) {
      const where = `params.${path.join('.')}`;
      if (required) add(setPath(valid, path, undefined, true), `without ${where}`, invalidParams);
      // `_meta` is the same on every method: a few seeded wrong values each are enough there.
      const wrong = path[0] === '_meta' ? sample(ctx.rng, wrongValues(field), 3) : wrongValues(field);
      for (const [name, value] of sample(ctx.rng, wrong, Math.ceil(wrong.length * density))) {
        add(setPath(valid, path, value), `with ${where} = ${name}`, required ? invalidParams : (fixed ?? ANY));
      }
      if (field.type === 'string' && ctx.rng.chance(0.5)) {
        add(setPath(valid, path, 'y'.repeat(300_000)), `with ${where} = a 300 KB string`, fixed ?? ANY);
      }
    }
  }
  return inputs;
}

/** `count` items of `items`, picked by the PRNG, in their original order. */
function sample<T>(rng: Rng, items: readonly T[], count: number): T[] {
  if (count >= items.length) return [...items];
  const picked = new Set<number>();
  while (picked.size < count) picked.add(rng.int(items.length));
  return items.filter((_, index) => picked.has(index));
}

/** A type-correct value for a JSON Schema property, and values of other types. */
function schemaType(schema: Record<string, unknown>): string | undefined {
  return typeof schema.type === 'string' ? schema.type : undefined;
}

const PLAIN: Record<string, unknown> = { string: 'x', integer: 1, number: 1, boolean: true, array: [], object: {} };
const BAD_VALUES: Record<string, unknown[]> = {
  string: [0, true, null, [], {}],
  integer: ['1', 1.5, true, null, [], {}],
  number: ['1', true, null, [], {}],
  boolean: ['true', 0, null, []],
  array: ['x', 0, null, {}],
  object: ['x', 0, null, []],
};
const EDGE_VALUES: Record<string, unknown[]> = {
  string: [
    '',
    ' ',
    '\u0000',
    '%00',
    '../../../../etc/passwd',
    "'; DROP TABLE users; --",
    '\u{1f600}'.repeat(1000),
    'z'.repeat(100_000),
  ],
  integer: [0, -1, 2 ** 31, -(2 ** 53), Number.MAX_SAFE_INTEGER],
  number: [0, -0.5, 1e308, -1e308, 5e-324],
  boolean: [false],
  array: [[null], [[[]]], new Array(1000).fill('x')],
  object: [JSON.parse('{"__proto__":{"polluted":true}}'), { constructor: { prototype: {} } }],
};

/**
 * `tools/call` of every real tool with each property of its input schema given wrong types (refused: an isError
 * result or -32602) or edge values of the right type (anything but -32603).
 */
export function toolArgumentsFamily(ctx: FuzzContext): FuzzInput[] {
  const inputs: FuzzInput[] = [];
  for (const tool of ctx.peer.tools) {
    const properties = (tool.inputSchema.properties ?? {}) as Record<string, Record<string, unknown>>;
    const required = new Set((tool.inputSchema.required ?? []) as string[]);
    const plain = Object.fromEntries(
      Object.entries(properties)
        .filter(([name]) => required.has(name))
        .map(([name, schema]) => [name, PLAIN[schemaType(schema) ?? 'string'] ?? 'x']),
    );
    const family = `tool arguments: ${tool.name}`;
    const call = (args: unknown, label: string, rule: AnswerRule) =>
      inputs.push(
        request(
          ctx,
          'tools/call',
          { name: tool.name, arguments: args },
          family,
          `tools/call ${tool.name} ${label}`,
          rule,
          5_000,
        ),
      );
    for (const [name, schema] of Object.entries(properties)) {
      const type = schemaType(schema);
      if (!type) continue;
      for (const value of BAD_VALUES[type] ?? []) {
        call({ ...plain, [name]: value }, `${name} = ${JSON.stringify(value)}`, { kind: 'tool-refusal' });
      }
      // A long-running tool (kitchen-sink's `count`) takes a huge number as work to do, not as an attack.
      if (ctx.peer.longRunningTools?.includes(tool.name)) continue;
      for (const value of EDGE_VALUES[type] ?? []) {
        call({ ...plain, [name]: value }, `${name} = ${short(JSON.stringify(value), 40)}`, ANY);
      }
    }
    if (tool.inputSchema.additionalProperties === false) {
      call({ ...plain, no_such_argument: 1 }, 'with an unknown argument', { kind: 'tool-refusal' });
    }
    for (const name of required) {
      const { [name]: _dropped, ...rest } = plain;
      call(rest, `without ${name}`, { kind: 'tool-refusal' });
    }
  }
  inputs.push(
    request(
      ctx,
      'tools/call',
      { name: 'no_such_tool', arguments: {} },
      'tool arguments',
      'tools/call of an unknown tool',
      errorRule('any', 'unknown tool'),
    ),
  );
  return inputs;
}

/** `resources/read` of odd URIs, real ones with their templates filled with junk: anything but -32603. */
export function resourceFamily(ctx: FuzzContext): FuzzInput[] {
  const uris = [
    '',
    'x',
    'file:///etc/passwd',
    '../../etc/passwd',
    'http://127.0.0.1:9/',
    ...ctx.peer.resources.map((uri) => `${uri}?x=1#y`),
    ...ctx.peer.resources,
    ...ctx.peer.templates.flatMap((template) => [
      template,
      template.replace(/\{[^}]+\}/g, ''),
      template.replace(/\{[^}]+\}/g, '%ZZ'),
      template.replace(/\{[^}]+\}/g, '..%2F..%2Fetc%2Fpasswd'),
      template.replace(/\{[^}]+\}/g, 'a'.repeat(5000)),
    ]),
  ];
  const rule = ruleFor(ctx, 'resources/read');
  return uris.map((uri) =>
    request(
      ctx,
      'resources/read',
      { uri },
      'resources/read odd uris',
      `resources/read ${short(JSON.stringify(uri), 60)}`,
      rule,
      3_000,
    ),
  );
}

// ---- LSP and MCP notifications -----------------------------------------------------------------------------------

const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A notification is never answered. One whose params are not an object is an invalid request to JSON-RPC 2.0
 * (section 7's own example has no id), so a -32600 with a null id is allowed for it, not required.
 */
function notificationJudge(isStructured: boolean): Judge {
  return isStructured ? silent('a notification') : invalidRequestNullId(true);
}

export const LSP_METHODS = ['$/cancelRequest', '$/progress', '$/setTrace', '$/logTrace'] as const;

/** Every params shape an LSP `$/` method might carry, and some it never should. */
function lspParamShapes(ctx: FuzzContext): [string, unknown][] {
  const unused = ctx.ids.fresh().id + 900_000_000;
  return [
    ['absent', undefined],
    ['{}', {}],
    ['null', null],
    ['[]', []],
    ['[1]', [1]],
    ['"x"', 'x'],
    ['0', 0],
    ['true', true],
    ['{"id":null}', { id: null }],
    ['{"id":{}}', { id: {} }],
    ['{"id":{"id":1}}', { id: { id: 1 } }],
    ['{"id":[]}', { id: [] }],
    ['{"id":true}', { id: true }],
    ['{"id":1.5}', { id: 1.5 }],
    ['{"id":"x"}', { id: 'x' }],
    ['{"id":<an id never used>}', { id: unused }],
    ['{"id":2^53+1}', { id: new Raw('9007199254740993') }],
    ['{"token":null}', { token: null, value: {} }],
    ['{"token":{},"value":null}', { token: {}, value: null }],
    ['{"token":"t","value":{"kind":"begin"}}', { token: 't', value: { kind: 'begin', title: 'x' } }],
    ['{"value":"verbose"}', { value: 'verbose' }],
    ['{"value":5}', { value: 5 }],
    ['{"message":5,"verbose":{}}', { message: 5, verbose: {} }],
    ['{"message":"x"}', { message: 'x' }],
  ];
}

/** The LSP `$/` methods (which MCP does not define) with every params shape, as notifications and as requests. */
export function lspFamily(ctx: FuzzContext): FuzzInput[] {
  const when =
    ctx.role === 'client' ? 'from the server' : ctx.phase === 'fresh' ? 'before initialize' : 'after initialize';
  const inputs: FuzzInput[] = [];
  for (const method of LSP_METHODS) {
    for (const [shape, params] of lspParamShapes(ctx)) {
      const message: Record<string, unknown> = { jsonrpc: '2.0', method };
      if (params !== undefined) message.params = params;
      const isStructured = params === undefined || isObject(params);
      inputs.push(
        line(
          `lsp: ${method} notification, ${when}`,
          `${method} notification, params ${shape}, ${when}`,
          encode(message),
          [],
          notificationJudge(isStructured),
        ),
      );
      const { id, key } = ctx.ids.fresh();
      const rule =
        ctx.role === 'server' && ctx.phase === 'fresh'
          ? errorRule('any', 'every request but ping is refused before initialize')
          : isStructured
            ? errorRule([CODE.METHOD_NOT_FOUND], 'MCP has no such method')
            : errorRule(
                [CODE.METHOD_NOT_FOUND, CODE.INVALID_REQUEST, CODE.INVALID_PARAMS],
                'unknown method, params not an object',
              );
      inputs.push(
        line(
          `lsp: ${method} request, ${when}`,
          `${method} request, params ${shape}, ${when}`,
          encode({ ...message, id }),
          [key],
          once(key, rule),
        ),
      );
    }
  }
  return inputs;
}

const NOTIFICATION_METHODS = [
  'notifications/initialized',
  'notifications/cancelled',
  'notifications/progress',
  'notifications/roots/list_changed',
  'notifications/message',
  'notifications/resources/updated',
  'notifications/tools/list_changed',
  'notifications/elicitation/complete',
  'notifications/tasks/status',
  'notifications/no_such_thing',
  'no_such_notification',
  '',
  'constructor',
  '__proto__',
];

/** MCP notifications (and unknown ones) with every params shape: never answered, never fatal. */
export function notificationFamily(ctx: FuzzContext): FuzzInput[] {
  const unused = () => ctx.ids.fresh().id + 900_000_000;
  const shapes: [string, unknown][] = [
    ['absent', undefined],
    ['null', null],
    ['[]', []],
    ['"x"', 'x'],
    ['0', 0],
    ['{}', {}],
    ['{"requestId":null}', { requestId: null, reason: 5 }],
    ['{"requestId":{}}', { requestId: {} }],
    ['{"requestId":<unknown>}', { requestId: unused() }],
    ['{"requestId":"<unknown>"}', { requestId: `unknown-${unused()}` }],
    ['{"requestId":2^53+1}', { requestId: new Raw('9007199254740993') }],
    ['{"progressToken":{},"progress":"x"}', { progressToken: {}, progress: 'x' }],
    ['{"progressToken":<unknown>,"progress":1}', { progressToken: unused(), progress: 1, total: 'x' }],
    ['{"level":5,"data":{}}', { level: 5, data: {} }],
    ['{"uri":[]}', { uri: [] }],
    ['{"_meta":"x"}', { _meta: 'x' }],
  ];
  const inputs: FuzzInput[] = [];
  for (const method of NOTIFICATION_METHODS) {
    for (const [shape, params] of shapes) {
      const message: Record<string, unknown> = { jsonrpc: '2.0', method };
      if (params !== undefined) message.params = params;
      inputs.push(
        line(
          'notifications',
          `${method || '""'} notification, params ${shape}`,
          encode(message),
          [],
          notificationJudge(params === undefined || isObject(params)),
        ),
      );
    }
  }
  return inputs;
}

// ---- framing -----------------------------------------------------------------------------------------------------

const GARBAGE_LINES = [
  'abc',
  'not json at all',
  '{',
  '}',
  '{]',
  '{"jsonrpc":"2.0","id":',
  '{"jsonrpc":"2.0","method":"ping",}',
  "{'jsonrpc':'2.0','method':'ping'}",
  '{"jsonrpc":"2.0","method":"ping"}}',
  '{"a":1} {"b":2}',
  'nul',
  'tru',
  'NaN',
  'Infinity',
  'undefined',
  '-',
  '01',
  '"unterminated',
  '// a comment',
  '<html>',
  'Content-Length: 40',
  '\u0000\u0001\u0002',
];

/** Lines that are not JSON, or not one JSON value: -32700 (null id) or nothing, and the peer keeps serving. */
export function garbageFamily(ctx: FuzzContext, count = GARBAGE_LINES.length + 20): FuzzInput[] {
  const inputs = GARBAGE_LINES.map((text) =>
    line('framing: not JSON', `not JSON: ${JSON.stringify(text)}`, text, [], parseErrorOrNothing()),
  );
  for (let i = inputs.length; i < count; i++) {
    const length = 1 + ctx.rng.int(200);
    const bytes = Buffer.alloc(length + 1);
    for (let j = 0; j < length; j++) {
      let byte = ctx.rng.int(256);
      // Keep the line one line, and make sure it cannot parse: random bytes that happen to be `1` would be JSON.
      if (byte === 0x0a) byte = 0x21;
      bytes[j] = byte;
    }
    bytes[0] = 0x7b;
    bytes[1] = 0x40;
    bytes[length] = 0x0a;
    inputs.push({
      family: 'framing: random bytes',
      label: `${length} random bytes after "{@"`,
      chunks: [bytes],
      keys: [],
      awaitKeys: [],
      judge: parseErrorOrNothing(),
    });
  }
  return inputs;
}

/** A valid request cut short at a random byte (never a whole value, so never valid JSON). */
export function truncatedFamily(ctx: FuzzContext, count: number): FuzzInput[] {
  const inputs: FuzzInput[] = [];
  for (let i = 0; i < count; i++) {
    const { id } = ctx.ids.fresh();
    const method = ctx.rng.pick(Object.keys(CLIENT_REQUESTS));
    const full = encode({ jsonrpc: '2.0', id, method, params: CLIENT_REQUESTS[method]!.valid(ctx.peer) });
    const cut = full.slice(0, 1 + ctx.rng.int(full.length - 1));
    inputs.push(
      line(
        'framing: truncated line',
        `${method} cut after ${cut.length} of ${full.length} chars`,
        cut,
        [],
        parseErrorOrNothing(),
      ),
    );
  }
  return inputs;
}

/** CRLF, whitespace, blank lines, split writes, invalid UTF-8, a BOM, raw control characters. */
export function framingFamily(ctx: FuzzContext): FuzzInput[] {
  const inputs: FuzzInput[] = [];
  const ping = (extra: Record<string, unknown> = {}) => {
    const { id, key } = ctx.ids.fresh();
    return { text: encode({ jsonrpc: '2.0', id, method: 'ping', ...extra }), key };
  };
  for (const [name, ending] of [
    ['CRLF', '\r\n'],
    ['CR CR LF', '\r\r\n'],
    ['LF', '\n'],
  ] as const) {
    const { text, key } = ping();
    inputs.push(
      line('framing: line endings', `ping ended by ${name}`, Buffer.from(text + ending), [key], once(key, RESULT)),
    );
  }
  {
    const { text, key } = ping();
    inputs.push(
      line(
        'framing: whitespace',
        'ping with spaces and tabs around it',
        Buffer.from(` \t ${text} \t \n`),
        [key],
        once(key, RESULT),
      ),
    );
  }
  {
    const { id, key } = ctx.ids.fresh();
    const text = `{\r"jsonrpc" :\t"2.0" ,\r"id":${id},"method":"ping"}`;
    inputs.push(line('framing: whitespace', 'ping with CR and tabs between tokens', text, [key], once(key, RESULT)));
  }
  for (const blank of ['', ' ', '\t', '\r', '   \r']) {
    inputs.push(line('framing: blank line', `blank line ${JSON.stringify(blank)}`, blank, [], parseErrorOrNothing()));
  }
  {
    const a = ping();
    const b = ping();
    inputs.push(
      line(
        'framing: two messages in one write',
        'two pings in one write',
        `${a.text}\n${b.text}`,
        [a.key, b.key],
        onceEach([a.key, b.key], RESULT),
      ),
    );
  }
  for (let i = 0; i < 6; i++) {
    const { text, key } = ping({ params: { _meta: { note: 'é\u{1f600}中文'.repeat(1 + ctx.rng.int(5)) } } });
    const bytes = Buffer.from(`${text}\n`);
    const cuts = [...new Set(Array.from({ length: 1 + ctx.rng.int(6) }, () => 1 + ctx.rng.int(bytes.length - 1)))].sort(
      (x, y) => x - y,
    );
    const chunks = [0, ...cuts].map((start, j) => bytes.subarray(start, cuts[j] ?? bytes.length));
    inputs.push({
      family: 'framing: split writes',
      label: `ping (with multi-byte text) in ${chunks.length} writes, cut at bytes ${cuts.join(',')}`,
      chunks,
      keys: [key],
      awaitKeys: [key],
      judge: once(key, RESULT),
    });
  }
  {
    const { text, key } = ping();
    const bytes = Buffer.from(`${text}\n`);
    const chunks = [...bytes].map((byte) => Buffer.from([byte]));
    inputs.push({
      family: 'framing: split writes',
      label: 'ping one byte per write',
      chunks,
      keys: [key],
      awaitKeys: [key],
      judge: once(key, RESULT),
    });
  }
  {
    const { text, key } = ping();
    inputs.push(
      line(
        'framing: BOM',
        'ping after a UTF-8 byte order mark',
        Buffer.from(`\ufeff${text}\n`),
        [key],
        oneOfKeysOrNothing(key),
      ),
    );
  }
  for (const [name, bytes] of [
    ['0xff', [0xff]],
    ['0xc0 0x80 (overlong NUL)', [0xc0, 0x80]],
    ['0xed 0xa0 0x80 (surrogate)', [0xed, 0xa0, 0x80]],
    ['0xe2 0x82 (truncated)', [0xe2, 0x82]],
    ['0xf8 0x88 0x80 0x80 0x80', [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ] as const) {
    const { id, key } = ctx.ids.fresh();
    const [head, tail] = [`{"jsonrpc":"2.0","id":${id},"method":"ping","params":{"_meta":{"x":"`, '"}}}\n'];
    const buffer = Buffer.concat([Buffer.from(head), Buffer.from(bytes), Buffer.from(tail)]);
    inputs.push(
      line(
        'framing: invalid UTF-8',
        `ping with invalid UTF-8 (${name}) in a string`,
        buffer,
        [key],
        keyOrNullError(key),
      ),
    );
    const outside = Buffer.concat([Buffer.from(bytes), Buffer.from(`{"jsonrpc":"2.0","method":"ping"}\n`)]);
    inputs.push(
      line('framing: invalid UTF-8', `invalid UTF-8 (${name}) before a message`, outside, [], parseErrorOrNothing()),
    );
    const sid = `bad-${ctx.ids.fresh().id}-`;
    const inId = Buffer.concat([
      Buffer.from(`{"jsonrpc":"2.0","id":"${sid}`),
      Buffer.from(bytes),
      Buffer.from('","method":"ping"}\n'),
    ]);
    // Decoded with replacement characters, as any UTF-8 decoder that does not refuse the line would.
    const decodedKey = `s:${new TextDecoder().decode(inId).split('"')[7]!}`;
    inputs.push(
      line(
        'framing: invalid UTF-8',
        `ping whose string id holds invalid UTF-8 (${name})`,
        inId,
        [decodedKey],
        keyOrNullError(decodedKey),
      ),
    );
  }
  {
    const { id } = ctx.ids.fresh();
    inputs.push(
      line(
        'framing: control characters',
        'a raw tab and NUL inside a JSON string',
        `{"jsonrpc":"2.0","id":${id},"method":"ping","params":{"_meta":{"x":"a\tb\u0000"}}}`,
        [],
        parseErrorOrNothing(),
      ),
    );
  }
  return inputs;
}

/** An answer with `key` or an error with a null id (the line's bytes were refused); not both, not neither. */
function keyOrNullError(key: IdKey): Judge {
  return ({ byKey, nulls }) => {
    const answers = byKey.get(key) ?? [];
    const total = answers.length + nulls.length;
    if (total === 0) return [{ kind: 'no answer', detail: 'neither answered nor refused the line' }];
    if (total > 1) return [{ kind: 'answered more than once', detail: `${total} answers` }];
    return answers[0] ? checkAnswer(answers[0], ANY) : nullsProblem(nulls, [CODE.PARSE_ERROR, CODE.INVALID_REQUEST], 1);
  };
}

/** A line a lenient reader may take (a BOM stripped) or refuse: at most one answer. */
function oneOfKeysOrNothing(key: IdKey): Judge {
  return ({ byKey, nulls }) => {
    const answers = byKey.get(key) ?? [];
    if (answers.length + nulls.length > 1) {
      return [{ kind: 'answered more than once', detail: `${answers.length + nulls.length}` }];
    }
    return answers[0]
      ? checkAnswer(answers[0], RESULT)
      : nullsProblem(nulls, [CODE.PARSE_ERROR, CODE.INVALID_REQUEST], 1);
  };
}

// ---- the envelope ------------------------------------------------------------------------------------------------

/** JSON that is not a JSON-RPC message, batches, wrong member types, responses nobody asked for. */
export function envelopeFamily(ctx: FuzzContext): FuzzInput[] {
  const inputs: FuzzInput[] = [];
  const add = (family: string, label: string, text: string, keys: IdKey[], judge: Judge) =>
    inputs.push(line(family, label, text, keys, judge));

  // JSON-RPC 2.0 section 7's own examples, and other scalars: -32600 with a null id.
  for (const text of [
    '1',
    '-1',
    '1.5',
    '"x"',
    '""',
    'true',
    'false',
    'null',
    '{}',
    '{"jsonrpc":"2.0"}',
    '{"jsonrpc":"2.0","method":1,"params":"bar"}',
    '{"jsonrpc":"2.0","method":null}',
    '{"jsonrpc":"2.0","method":{}}',
    '{"jsonrpc":"2.0","method":["ping"]}',
    '{"method":"ping"}',
    '{"jsonrpc":"1.0","method":"ping"}',
  ]) {
    add('envelope: invalid, no id', `invalid request without an id: ${text}`, text, [], invalidRequestNullId());
  }
  // Batches: refused as a whole.
  {
    add('envelope: batch', 'empty batch []', '[]', [], batchRefused([]));
    add('envelope: batch', 'batch [1,2,3] (JSON-RPC 2.0 section 7)', '[1,2,3]', [], batchRefused([]));
    const a = ctx.ids.fresh();
    const b = ctx.ids.fresh();
    add(
      'envelope: batch',
      'batch of two pings',
      encode([
        { jsonrpc: '2.0', id: a.id, method: 'ping' },
        { jsonrpc: '2.0', id: b.id, method: 'ping' },
      ]),
      [a.key, b.key],
      batchRefused([a.key, b.key]),
    );
    add(
      'envelope: batch',
      'batch of one notification',
      '[{"jsonrpc":"2.0","method":"notifications/initialized"}]',
      [],
      batchRefused([]),
    );
    const c = ctx.ids.fresh();
    add(
      'envelope: batch',
      'nested batch [[ping]]',
      encode([[{ jsonrpc: '2.0', id: c.id, method: 'ping' }]]),
      [c.key],
      batchRefused([c.key]),
    );
    const d = ctx.ids.fresh();
    add(
      'envelope: batch',
      'batch with $/cancelRequest and a ping',
      encode([
        { jsonrpc: '2.0', method: '$/cancelRequest', params: {} },
        { jsonrpc: '2.0', id: d.id, method: 'ping' },
      ]),
      [d.key],
      batchRefused([d.key]),
    );
  }
  // Readable ids with a broken envelope: -32600 with that id.
  const withId = (
    label: string,
    build: (id: number) => string,
    rule = errorRule([CODE.INVALID_REQUEST], 'invalid request'),
  ) => {
    const { id, key } = ctx.ids.fresh();
    add('envelope: invalid, with id', label, build(id), [key], once(key, rule));
  };
  for (const [name, method] of [
    ['1', '1'],
    ['null', 'null'],
    ['true', 'true'],
    ['{}', '{}'],
    ['["ping"]', '["ping"]'],
  ] as const) {
    withId(`request with method ${name}`, (id) => `{"jsonrpc":"2.0","id":${id},"method":${method}}`);
  }
  withId('an id and nothing else', (id) => `{"jsonrpc":"2.0","id":${id}}`);
  for (const [name, version] of [
    ['absent', undefined],
    ['"1.0"', '"1.0"'],
    ['"2"', '"2"'],
    ['2', '2'],
    ['2.0 (a number)', '2.0'],
    ['null', 'null'],
    ['"2.0 "', '"2.0 "'],
  ] as const) {
    withId(`ping with jsonrpc ${name}`, (id) =>
      version === undefined ? `{"id":${id},"method":"ping"}` : `{"jsonrpc":${version},"id":${id},"method":"ping"}`,
    );
  }
  for (const [name, params] of [
    ['"bar"', '"bar"'],
    ['1', '1'],
    ['true', 'true'],
    ['[1,2]', '[1,2]'],
  ] as const) {
    withId(
      `ping with params ${name}`,
      (id) => `{"jsonrpc":"2.0","id":${id},"method":"ping","params":${params}}`,
      errorRule([CODE.INVALID_REQUEST, CODE.INVALID_PARAMS], 'params is not an object'),
    );
  }
  withId('ping with a result member too', (id) => `{"jsonrpc":"2.0","id":${id},"method":"ping","result":{}}`, ANY);
  withId(
    'ping with an unknown top-level member',
    (id) => `{"jsonrpc":"2.0","id":${id},"method":"ping","extra":{"a":1}}`,
    ANY,
  );
  withId(
    'ping with __proto__ in params',
    (id) => `{"jsonrpc":"2.0","id":${id},"method":"ping","params":{"__proto__":{"polluted":1}}}`,
    RESULT,
  );
  withId(
    'ping with __proto__ at the top',
    (id) => `{"__proto__":{"jsonrpc":"1.0"},"jsonrpc":"2.0","id":${id},"method":"ping"}`,
    ANY,
  );
  {
    const a = ctx.ids.fresh();
    const b = ctx.ids.fresh();
    add(
      'envelope: duplicate members',
      'ping with two "id" members',
      `{"jsonrpc":"2.0","id":${a.id},"method":"ping","id":${b.id}}`,
      [a.key, b.key],
      oneOfKeys([a.key, b.key]),
    );
  }
  for (const method of UNSERVED_METHODS) {
    inputs.push(
      request(
        ctx,
        method,
        undefined,
        'envelope: unknown methods',
        `request for unserved method ${JSON.stringify(method)}`,
        ctx.role === 'server' && ctx.phase === 'fresh'
          ? undefined
          : errorRule([CODE.METHOD_NOT_FOUND, ...(method === '' ? [CODE.INVALID_REQUEST] : [])], 'unknown method'),
      ),
    );
  }
  // Responses to requests the peer never sent: dropped (at most reported), never answered with a result.
  const responses: [string, (id: number) => string][] = [
    ['result', (id) => `{"jsonrpc":"2.0","id":${id},"result":{}}`],
    ['error', (id) => `{"jsonrpc":"2.0","id":${id},"error":{"code":-32000,"message":"x"}}`],
    ['string id', (id) => `{"jsonrpc":"2.0","id":"r${id}","result":{"a":1}}`],
    ['result null', (id) => `{"jsonrpc":"2.0","id":${id},"result":null}`],
    ['result and error', (id) => `{"jsonrpc":"2.0","id":${id},"result":{},"error":{"code":1,"message":"x"}}`],
    ['error without code', (id) => `{"jsonrpc":"2.0","id":${id},"error":{"message":"x"}}`],
    ['error with string code', (id) => `{"jsonrpc":"2.0","id":${id},"error":{"code":"x","message":"x"}}`],
    ['error null', (id) => `{"jsonrpc":"2.0","id":${id},"error":null}`],
  ];
  for (const [name, build] of responses) {
    const { id, key } = ctx.ids.fresh();
    inputs.push(
      line(
        'envelope: unsolicited responses',
        `a response (${name}) to an id never sent`,
        build(id),
        [key, `s:r${id}`],
        noResultFor([key, `s:r${id}`]),
      ),
    );
  }
  inputs.push(
    line(
      'envelope: unsolicited responses',
      'an error with a null id',
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}',
      [],
      silent('a response'),
    ),
  );
  inputs.push(
    line(
      'envelope: unsolicited responses',
      'a response with an object id',
      '{"jsonrpc":"2.0","id":{"a":1},"result":{}}',
      [],
      invalidRequestNullId(true),
    ),
  );
  return inputs;
}

/** A response-shaped message: never answered with a result; at most one -32600 (with its id or a null id). */
function noResultFor(keys: readonly IdKey[]): Judge {
  return ({ byKey, nulls }) => {
    const answers = [...keys.flatMap((key) => byKey.get(key) ?? []), ...nulls];
    if (answers.length === 0) return [];
    if (answers.length > 1) return [{ kind: 'answered a response', detail: `${answers.length} answers` }];
    const answer = answers[0]!;
    if (!answer.isError || answer.code !== CODE.INVALID_REQUEST) {
      return [{ kind: 'answered a response', detail: short(answer.raw) }];
    }
    return [];
  };
}

// ---- ids ---------------------------------------------------------------------------------------------------------

/** Odd ids on pings and lists, and two requests sharing one id. */
export function idsFamily(ctx: FuzzContext, count: number): FuzzInput[] {
  const inputs: FuzzInput[] = [];
  for (let i = 0; i < count; i++) {
    const method =
      ctx.role === 'server' && ctx.phase === 'ready' && ctx.rng.chance(0.3) && ctx.peer.capabilities.tools
        ? 'tools/list'
        : 'ping';
    inputs.push(requestWithOddId(ctx, 'ids: odd', method));
  }
  for (let i = 0; i < 4; i++) {
    const { id, key } = ctx.ids.fresh();
    const text = encode({ jsonrpc: '2.0', id, method: 'ping' });
    inputs.push({
      ...line(
        'ids: reused in one write',
        'two pings with the same id in one write',
        `${text}\n${text}`,
        [key],
        duplicateId(key, false),
      ),
      awaitCount: 2,
    });
  }
  if (ctx.role === 'server' && ctx.phase === 'ready' && ctx.peer.tools.some((tool) => tool.name === 'count')) {
    for (let i = 0; i < 3; i++) {
      const { id, key } = ctx.ids.fresh();
      const slow = encode({
        jsonrpc: '2.0',
        id,
        method: 'tools/call',
        params: { name: 'count', arguments: { to: 3, stepMs: 50 } },
      });
      const again = encode({ jsonrpc: '2.0', id, method: ctx.rng.pick(['ping', 'tools/list']) });
      inputs.push({
        family: 'ids: duplicate in flight',
        label: 'tools/call count (150 ms), then another request with its id while it runs',
        chunks: [Buffer.from(`${slow}\n`), Buffer.from(`${again}\n`)],
        keys: [key],
        awaitKeys: [key],
        awaitCount: 2,
        slowMs: 3_000,
        judge: duplicateId(key, true),
      });
    }
  }
  return inputs;
}

// ---- floods ------------------------------------------------------------------------------------------------------

/** Many messages in one write, and (with `large`) lines of 64 KiB to 8 MiB, well under the 64 MiB limit. */
export function floodFamily(ctx: FuzzContext, { large }: { large: boolean }): FuzzInput[] {
  const inputs: FuzzInput[] = [];
  const pings = (count: number, method = 'ping', params?: unknown) => {
    const keys: IdKey[] = [];
    const lines: string[] = [];
    for (let i = 0; i < count; i++) {
      const { id, key } = ctx.ids.fresh();
      keys.push(key);
      lines.push(encode({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }));
    }
    return { keys, text: lines.join('\n') };
  };
  {
    const { keys, text } = pings(1000);
    inputs.push(line('flood', '1000 pings in one write', text, keys, onceEach(keys, RESULT)));
  }
  if (ctx.role === 'server' && ctx.phase === 'ready' && ctx.peer.capabilities.tools) {
    const { keys, text } = pings(200, 'tools/list', {});
    inputs.push(line('flood', '200 tools/list in one write', text, keys, onceEach(keys, RESULT), 3_000));
  }
  {
    const lines = Array.from({ length: 1000 }, (_, i) =>
      encode({
        jsonrpc: '2.0',
        method: 'notifications/progress',
        params: { progressToken: `nobody-${i}`, progress: i },
      }),
    );
    inputs.push(
      line('flood', '1000 progress notifications for unknown tokens', lines.join('\n'), [], silent('a notification')),
    );
  }
  {
    const lines = Array.from({ length: 300 }, (_, i) => (i % 2 ? `garbage ${i}` : `{"broken": ${i}`));
    inputs.push(line('flood', '300 unparsable lines', lines.join('\n'), [], parseErrorOrNothing(300)));
  }
  if (!large) return inputs;
  {
    const { keys, text } = pings(50, 'ping', { _meta: { blob: 'b'.repeat(64 * 1024) } });
    inputs.push(line('flood', '50 pings of 64 KiB each', text, keys, onceEach(keys, RESULT)));
  }
  for (const mib of [1, 8]) {
    const { keys, text } = pings(1, 'ping', { _meta: { blob: 'm'.repeat(mib * 1024 * 1024) } });
    inputs.push(line('flood: large lines', `one ping of ${mib} MiB`, text, keys, onceEach(keys, RESULT), 3_000));
  }
  {
    const { id, key } = ctx.ids.fresh();
    const depth = 5_000;
    const deep = `{"jsonrpc":"2.0","id":${id},"method":"ping","params":{"_meta":{"deep":${'['.repeat(depth)}${']'.repeat(depth)}}}}`;
    inputs.push(line('flood: large lines', `ping with ${depth} nested arrays in params`, deep, [key], once(key, ANY)));
  }
  return inputs;
}

/**
 * A seeded mix of every family, for the soak run: the families' inputs shuffled together, regenerated (with new
 * ids) each time they run out, so no id is ever used twice.
 */
export function mixedFamily(ctx: FuzzContext, count: number): FuzzInput[] {
  const pools: (() => FuzzInput[])[] = [
    () => lspFamily(ctx),
    () => notificationFamily(ctx),
    () => garbageFamily(ctx, 30),
    () => truncatedFamily(ctx, 10),
    () => framingFamily(ctx),
    () => envelopeFamily(ctx),
    () => idsFamily(ctx, 10),
    ...(ctx.role === 'server'
      ? [() => paramsFamily(ctx), () => toolArgumentsFamily(ctx), () => resourceFamily(ctx)]
      : []),
  ];
  const mix: FuzzInput[] = [];
  while (mix.length < count) {
    const round = pools.flatMap((pool) => pool());
    for (let i = round.length - 1; i > 0; i--) {
      const j = ctx.rng.int(i + 1);
      [round[i], round[j]] = [round[j]!, round[i]!];
    }
    mix.push(...round.slice(0, count - mix.length));
  }
  return mix;
}
