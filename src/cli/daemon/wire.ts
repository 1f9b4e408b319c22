/**
 * What travels on a daemon's socket: newline-delimited JSON, one object per line.
 *
 * A connection opens with one hello line from the client:
 * - `{ v, build, run: RunRequest }` runs one command line in the daemon. The daemon answers `{ accepted: true }`
 *   (or `{ declined: reason }` and closes: the client then runs the command itself), then streams
 *   `{ out: text }` / `{ err: text }` (or `{ outBytes: base64 }` / `{ errBytes: base64 }` for bytes that are not
 *   text, as `read` writes), may ask `{ stdin: true }`, and ends with `{ exit: code }`. The client may send
 *   `{ signal: name }` (Ctrl-C), and, once asked, `{ in: base64 }` chunks and `{ inEnd: true }`.
 * - `{ v, control: 'status' | 'stop' }` gets one answer line, `{ ok: true, status }` or `{ ok: false, code, message }`.
 *
 * Loaded on the CLI's warm path: Node built-ins only.
 */

import type { ReplicaStats } from '../../host/server-pool.js';
import { LineFramer } from '../../protocol/stdio/line-framer.js';
import { packageVersion } from '../../host/package-info.js';

/** Bumped whenever a message changes shape; a daemon declines runs from another version. */
export const DAEMON_PROTOCOL_VERSION = 2;
/** Longest line accepted on a daemon socket (a hello carries the client's whole environment). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;

/** One command line to run in the daemon, with the client's view of the world. */
export interface RunRequest {
  /** The arguments after `mcp-host`. */
  args: string[];
  cwd: string;
  env: Record<string, string>;
  isTTY: { stdout: boolean; stderr: boolean };
  /** The width of the client's terminal, when stdout is one: long descriptions wrap to it. */
  columns?: number;
}

export type ControlAction = 'status' | 'stop';

export type Hello = { v: number; build: string; run: RunRequest } | { v: number; control: ControlAction };

/** Lines from the daemon during a run. */
export type RunFrame =
  | { accepted: true }
  | { declined: string }
  | { out: string }
  | { err: string }
  | { outBytes: string }
  | { errBytes: string }
  | { stdin: true }
  | { exit: number };

/** Lines from the client during a run. */
export type ClientFrame = { signal: string } | { in: string } | { inEnd: true };

/** What `daemon status` reports. */
export interface DaemonStatus {
  pid: number;
  /** `starting` until every server has been started once; `stopping` once asked to stop. */
  state: 'starting' | 'ready' | 'stopping';
  startedAt: string;
  uptimeMs: number;
  idleTimeoutMs: number;
  config: string;
  socket: string;
  log: string;
  runs: { active: number; completed: number };
  servers: { name: string; replicas: ReplicaStats[] }[];
}

export type ControlAnswer = { ok: true; status: DaemonStatus } | { ok: false; code: string; message: string };

/**
 * Identifies the installed code: the wire version and the package version, so a daemon left running across an
 * upgrade declines runs from the new code rather than answer them with the old. (Not file times: a rebuild that
 * changes nothing must not turn every daemon away. After changing the daemon's code in a checkout, restart it.)
 */
export function buildId(): string {
  return `${DAEMON_PROTOCOL_VERSION}/${packageVersion()}`;
}

/**
 * A 64-bit name for a few bytes (a path), as 16 hex digits: two 32-bit FNV-1a hashes with different offsets. Not for
 * secrets; it spares the warm path the loading of node:crypto.
 */
export function fnv1a64(bytes: Uint8Array): string {
  let high = 0x811c9dc5;
  let low = 0x050c5d1f;
  for (let index = 0; index < bytes.length; index++) {
    const byte = bytes[index]!;
    high = Math.imul(high ^ byte, 0x01000193);
    low = Math.imul(low ^ byte, 0x01000193);
  }
  return (high >>> 0).toString(16).padStart(8, '0') + (low >>> 0).toString(16).padStart(8, '0');
}

/** Encodes one message as a line. */
export function line(message: object): string {
  return `${JSON.stringify(message)}\n`;
}

/** Splits the daemon's byte stream into text lines (empty ones skipped), with the MCP transport's own framing. */
export class LineSplitter {
  private readonly framer: LineFramer;

  constructor(onLine: (text: string) => void, onOverflow: () => void, maxLineBytes: number = MAX_LINE_BYTES) {
    this.framer = new LineFramer(
      maxLineBytes,
      (bytes) => {
        if (bytes.length > 0) onLine(bytes.toString('utf8'));
      },
      onOverflow,
    );
  }

  push(chunk: Buffer): void {
    this.framer.push(chunk);
  }
}

/** Parses a line as a JSON object; undefined when it is not one. */
export function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
