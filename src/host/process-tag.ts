/**
 * Finding what a server started after it left the server's process group. Killing the group reaches every process
 * that stayed in it, but a child that calls `setsid` (a daemonizing helper, `setsid cmd`, Node's `detached`) or
 * `setpgid` is in a group of its own, and once the server is gone it is reparented to init: nothing links it to us
 * but what it inherited. So every server is started with a variable, PROCESS_TAG_VARIABLE, holding a tag of its
 * own; descendants inherit the environment through setsid and exec, and at close (never on a hot path) the host
 * finds on Linux every process whose /proc/<pid>/environ carries the tag, and SIGKILLs it.
 *
 * Limits: Linux only (elsewhere there is no /proc to read, and nothing happens); a process that clears or
 * replaces its environment (`env -i`), overwrites it in memory (setproctitle) or cannot be read by us (setuid,
 * non-dumpable) is not found. A host killed with SIGKILL runs no code: its watchdog (live-groups.ts) then does the
 * same scan, with grep.
 *
 * Cost: a scan lists /proc, then reads the environment of only the processes with pids handed out after the
 * server's: pids are handed out in increasing order, wrapping at pid_max, and the kernel's count of forks since
 * boot tells whether they could have wrapped past the server's since it started (then every process is read). Node built-ins only: the early start
 * (src/cli/early-start.ts) loads this before the CLI.
 */

import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';

/** The variable that carries the tags of a server process: its own, after those of the hosts above it. */
export const PROCESS_TAG_VARIABLE = 'MCP_HOST_PROCESS_TAG';

/** The tag of one server process, unique to one spawn of one host process. */
export interface ProcessTag {
  readonly value: string;
  /**
   * The kernel's count of forks since boot (Linux), read soon after the tag was made, to bound the scan at close.
   * Undefined until then, or where it cannot be read: then a scan reads every process.
   */
  forksAtStart: number | undefined;
}

/** Rounds of scan-and-kill at most: a process that forked just before it was killed may leave new ones. */
const MAX_KILL_ROUNDS = 5;
/** Where a tag is kept on a child started early, for the host that takes it over (see `tagChild`). */
const CHILD_TAG = Symbol.for('mcp-host.processTag');

const isLinux = process.platform === 'linux';
let isProcOurs: boolean | undefined;
let tagPrefix: string | undefined;
let tagCount = 0;

/**
 * A new tag, for one process about to be started. Unique, not secret: a process that wants to escape can always
 * clear its environment. The random part keeps two hosts with the same pid (in two containers) apart.
 */
export function createProcessTag(): ProcessTag {
  tagPrefix ??= `${process.pid.toString(36)}.${Math.random().toString(36).slice(2, 10)}`;
  const tag: ProcessTag = { value: `${tagPrefix}.${(tagCount++).toString(36)}`, forksAtStart: undefined };
  // Not now: the first read of /proc/stat costs ~0.3 ms, and the process is about to be spawned on the path a
  // cold command waits on. At the next turn of the event loop the host is waiting for the server to boot anyway;
  // the forks counted meanwhile only narrow the margin kept in `candidatePids`.
  if (isLinux) setImmediate(() => (tag.forksAtStart = canScan() ? forksSinceBoot() : undefined));
  return tag;
}

/**
 * True where tagged processes can be found: Linux, with a /proc of this process's own pid namespace (a /proc of
 * another would name other processes by our pids).
 */
export function canScan(): boolean {
  if (!isLinux) return false;
  if (isProcOurs === undefined) {
    try {
      isProcOurs = readlinkSync('/proc/self') === String(process.pid);
    } catch {
      isProcOurs = false;
    }
  }
  return isProcOurs;
}

/**
 * `env` with `tag` added to PROCESS_TAG_VARIABLE, after the tags this process inherited: a host that is itself a
 * server of another host passes that host's tag on, so the outer host still finds what the inner one started.
 */
export function withProcessTag(env: Readonly<Record<string, string>>, tag: ProcessTag): Record<string, string> {
  const inherited = process.env[PROCESS_TAG_VARIABLE];
  return { ...env, [PROCESS_TAG_VARIABLE]: inherited ? `${inherited},${tag.value}` : tag.value };
}

/** Keeps `tag` on `child`, for whoever takes it over. A symbol of the registry, since two bundles share the child. */
export function tagChild(child: ChildProcess, tag: ProcessTag): void {
  (child as ChildProcess & { [CHILD_TAG]?: ProcessTag })[CHILD_TAG] = tag;
}

/** The tag `tagChild` kept on `child`, if any. */
export function tagOfChild(child: ChildProcess): ProcessTag | undefined {
  return (child as ChildProcess & { [CHILD_TAG]?: ProcessTag })[CHILD_TAG];
}

/**
 * SIGKILLs every process that carries `tag` (started as `leaderPid`), synchronously, until none is left or after
 * MAX_KILL_ROUNDS; returns how many it signalled. Only where `canScan()`: elsewhere 0. Called once the leader has exited and
 * its group was killed, so what is found has escaped the group. Killed processes stay zombies (without an
 * environment, so not found again) until init reaps them.
 */
export function killTaggedProcesses(tag: ProcessTag, leaderPid: number): number {
  if (!canScan()) return 0;
  // A killed process may still be found by the next round, until it has exited: it is not signalled twice, and a
  // round that finds only those ends the loop (a process with SIGKILL pending cannot fork).
  const signalled = new Set<number>();
  for (let round = 0; round < MAX_KILL_ROUNDS; round++) {
    const found = findTaggedProcesses(tag, leaderPid).filter((pid) => !signalled.has(pid));
    if (found.length === 0) break;
    for (const pid of found) {
      signalled.add(pid);
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone meanwhile.
      }
    }
  }
  return signalled.size;
}

/** The pids of live processes that carry `tag`, besides this one. */
export function findTaggedProcesses(tag: ProcessTag, leaderPid: number): number[] {
  const needle = Buffer.from(`\0${PROCESS_TAG_VARIABLE}=`);
  const found: number[] = [];
  for (const pid of candidatePids(tag, leaderPid)) {
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = readFileSync(`/proc/${pid}/environ`);
    } catch {
      continue; // Gone, or another user's.
    }
    if (carriesTag(environ, needle, tag.value)) found.push(pid);
  }
  return found;
}

/** True when the environment block (NUL-separated `KEY=value`) has PROCESS_TAG_VARIABLE with `value` among its tags. */
function carriesTag(environ: Buffer, needle: Buffer, value: string): boolean {
  // The needle starts with NUL so that it matches whole names only; the first entry has no NUL before it.
  const atStart = environ.subarray(0, needle.length - 1).equals(needle.subarray(1));
  const at = atStart ? 0 : environ.indexOf(needle);
  if (at === -1) return false;
  const start = atStart ? needle.length - 1 : at + needle.length;
  const end = environ.indexOf(0, start);
  const tags = environ.toString('utf8', start, end === -1 ? environ.length : end).split(',');
  return tags.includes(value);
}

/**
 * The pids that may belong to a process started after `leaderPid`: those allocated since, in pid order. All live
 * pids when the count of pids since could have wrapped around to the leader's, or when it cannot be told.
 */
function candidatePids(tag: ProcessTag, leaderPid: number): Iterable<number> {
  const lastPid = lastAllocatedPid();
  const pidMax = maxPid();
  const forks = forksSinceBoot();
  const isBounded =
    lastPid !== undefined &&
    pidMax !== undefined &&
    forks !== undefined &&
    tag.forksAtStart !== undefined &&
    // Forks count every task of every pid namespace, so they never undercount the pids handed out here; half of
    // pid_max keeps a wide margin for the moments between the fork count and the spawn.
    forks - tag.forksAtStart < pidMax / 2;
  if (!isBounded) return listPids();
  // After the leader, up to the last pid handed out; past a wrap (pids stay below pid_max), from the bottom again.
  const isWrapped = lastPid < leaderPid;
  return listPids().filter((pid) =>
    isWrapped ? pid > leaderPid || pid <= lastPid : pid > leaderPid && pid <= lastPid,
  );
}

/**
 * The processes, not their threads: /proc lists a thread only under its process (reading a thread's environ would
 * read its process's again, and each read costs ~50 µs, more when the process is busy).
 */
function listPids(): number[] {
  try {
    return readdirSync('/proc')
      .filter((name) => name.charCodeAt(0) >= 0x30 && name.charCodeAt(0) <= 0x39)
      .map(Number);
  } catch {
    return [];
  }
}

/** The "processes" line of /proc/stat: tasks created since boot. */
function forksSinceBoot(): number | undefined {
  try {
    const stat = readFileSync('/proc/stat', 'latin1');
    const at = stat.indexOf('\nprocesses ');
    return at === -1 ? undefined : Number(stat.slice(at + 11, stat.indexOf('\n', at + 11)));
  } catch {
    return undefined;
  }
}

/** The last field of /proc/loadavg: the pid most recently handed out in this pid namespace. */
function lastAllocatedPid(): number | undefined {
  try {
    const loadavg = readFileSync('/proc/loadavg', 'latin1').trim();
    const pid = Number(loadavg.slice(loadavg.lastIndexOf(' ') + 1));
    return Number.isInteger(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

let cachedPidMax: number | undefined;
function maxPid(): number | undefined {
  try {
    cachedPidMax ??= Number(readFileSync('/proc/sys/kernel/pid_max', 'latin1').trim());
  } catch {
    return undefined;
  }
  return Number.isInteger(cachedPidMax) && cachedPidMax > 0 ? cachedPidMax : undefined;
}
