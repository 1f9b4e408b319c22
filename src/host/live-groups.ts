/**
 * The process groups of the servers this process started, from their spawn until they are gone, and what ends them
 * when this process ends without closing them. Every launch path registers here: the host's (server-process.ts),
 * the CLI's early start (src/cli/early-start.ts) and so the daemon's, which is a host.
 *
 * Three lines, for three ways of dying:
 * - **`exit`** (an uncaught exception, `process.exit()`): every group is SIGKILLed, synchronously, and so (Linux) is
 *   every process that carries one of their tags (process-tag.ts).
 * - **SIGINT, SIGTERM, SIGHUP** that nobody else handles: the same, then the signal is raised again.
 * - **A death that runs no code** (SIGKILL, the OOM killer, a crash of Node itself): a watchdog. Our servers are in
 *   groups of their own, so a group kill of ours (from `timeout`, a CI runner) never reaches them, and a server busy
 *   with a long call does not read its stdin, so it does not see that we are gone. The watchdog is one `/bin/sh` per
 *   process, started a moment after the first server, in a session of its own (out of reach of the kill that takes us), that
 *   reads the list of live groups from a pipe whose other end only we hold. The kernel closes that end when we die,
 *   however we die; on that end of file the watchdog ends the groups listed last as the host's shutdown would (wait
 *   for the leaders, SIGTERM, wait, SIGKILL the groups, with the delays of shutdown-delays.ts), then (Linux) SIGKILLs
 *   what carries their tags. When the list is empty, as after a normal shutdown, it simply exits. It holds nothing
 *   of ours open: its stdin is the only pipe, it runs in `/`, and neither it nor its pipe keeps our event loop alive.
 *
 * Not a parent-death signal (`prctl(PR_SET_PDEATHSIG)`, `setpriv --pdeathsig`): Node cannot set one on a child,
 * and a wrapper program would run in place of every server (a spawn failure then looks like the wrapper's exit code,
 * and each cold start pays one more exec) to reach the leader alone, where the watchdog reaches whole groups.
 *
 * Limits: a watchdog that could not start (no `/bin/sh`) or was killed (a `kill -9` of its own) leaves only the
 * first two lines, and is not restarted; a SIGKILL in the `WATCHDOG_DELAY_MS` between the first server's spawn and
 * the watchdog's leaves that server to its stdin's end (an idle server ends at once; one busy in a call, when the
 * call is over). Windows has no process groups (nor `/bin/sh`): there the
 * watchdog is never started, and a server sees our death only as the end of its stdin.
 *
 * Node built-ins and zod-free modules only: the early start loads this before the CLI. The early start's bundle
 * (dist/cli/mcp-host.cjs) and the CLI's (main.cjs) each hold a copy of this module; they share one registry, kept on
 * `globalThis` under a registered symbol, so that one process has one list and one watchdog.
 */

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { PROCESS_TAG_VARIABLE, killTaggedProcesses } from './process-tag.js';
import type { ProcessTag } from './process-tag.js';
import { DEFAULT_SHUTDOWN_GRACE_MS, DEFAULT_SHUTDOWN_TERM_MS } from './shutdown-delays.js';

/**
 * How long after the first server's spawn the watchdog starts: a one-shot command is usually done by then and
 * never pays for it. A SIGKILL in this window leaves a server busy in a call to run on until the call ends.
 */
export const WATCHDOG_DELAY_MS = 250;

/** The watchdog waits in steps of this long (a `sleep 0.1`). */
const WATCHDOG_STEP_MS = 100;

/** `$0` of the watchdog: `ps` shows `/bin/sh -c … mcp-host-watchdog <our pid> …`. */
const WATCHDOG_NAME = 'mcp-host-watchdog';

/**
 * The watchdog. Each line it reads is the whole list of live groups (`<pgid>` or `<pgid>=<tag>`, space-separated),
 * so it keeps only the last complete one: a line cut short by our death (no newline) is dropped, and with it at most
 * the newest change. `kill -s 0 <pid>` asks whether a leader still runs; `-- -<pgid>` signals a whole group. A
 * `sleep` without fractions (POSIX has none) waits whole seconds. The tag sweep reads /proc/<pid>/environ as the
 * host does (a substring match: a tag is our pid, a random part and a counter, and `a.b.1` also matching `a.b.10`
 * only finds another process of ours); the environment of the watchdog, and so of grep, holds none of our tags.
 */
const WATCHDOG_SCRIPT = `live=
while read -r line; do live=$line; done
[ -n "$live" ] || exit 0
leaders_gone() { for e in $live; do kill -s 0 "\${e%%=*}" 2>/dev/null && return 1; done; return 0; }
wait_leaders() {
  n=$1
  while [ "$n" -gt 0 ] && ! leaders_gone; do
    if sleep 0.1 2>/dev/null; then n=$((n - 1)); else sleep 1; n=$((n - 10)); fi
  done
}
signal_groups() { for e in $live; do kill -s "$1" -- "-\${e%%=*}" 2>/dev/null; done; }
wait_leaders "$2"
signal_groups TERM
wait_leaders "$3"
signal_groups KILL
[ -r /proc/self/environ ] || exit 0
set --
for e in $live; do case $e in *=*) set -- "$@" -e "\${e#*=}" ;; esac; done
[ $# -gt 0 ] || exit 0
for round in 1 2 3 4 5; do
  found=
  for f in $(grep -l -a -F "$@" /proc/[0-9]*/environ 2>/dev/null); do
    p=\${f#/proc/}; p=\${p%/environ}
    kill -s KILL "$p" 2>/dev/null && found=1
  done
  [ -n "$found" ] || break
done
`;

const EXIT_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const REGISTRY = Symbol.for('mcp-host.liveGroups');

/**
 * Registers the process group led by `pid` (a server just started, or taken over), with the tag its processes carry.
 * Idempotent. The first one installs the exit and signal handlers and, soon after, starts the watchdog.
 */
export function trackGroup(pid: number, tag: ProcessTag | undefined): void {
  registry().track(pid, tag);
}

/** The group led by `pid` is gone, or closed by its owner: nothing is to end it any more. */
export function untrackGroup(pid: number): void {
  registry().untrack(pid);
}

/** Why there is no watchdog, once starting it failed or it died; undefined while all is well (or not yet started). */
export function watchdogProblem(): Error | undefined {
  return registry().problem;
}

/** Sends `signal` to the group led by `pid` (the process itself on Windows). False when there was nothing to signal. */
export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
    return true;
  } catch (error) {
    // EPERM: something in the group still exists but may not be signalled by us.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function registry(): LiveGroups {
  const slot = globalThis as { [REGISTRY]?: LiveGroups };
  return (slot[REGISTRY] ??= new LiveGroups());
}

class LiveGroups {
  problem: Error | undefined;
  private readonly groups = new Map<number, ProcessTag | undefined>();
  private watchdog: ChildProcess | undefined;
  private isWatchdogWanted = process.platform !== 'win32';

  track(pid: number, tag: ProcessTag | undefined): void {
    if (this.groups.has(pid)) return;
    if (this.groups.size === 0) {
      process.on('exit', this.killAll);
      if (process.platform !== 'win32') for (const signal of EXIT_SIGNALS) process.on(signal, this.onExitSignal);
    }
    this.groups.set(pid, tag);
    if (this.watchdog) {
      this.sendList();
    } else if (this.isWatchdogWanted) {
      // Not now: spawning blocks this process until the child has exec'd (~1-5 ms, more under load), which a
      // one-shot command would pay on every run although it is over in ~150 ms. A server still running after
      // WATCHDOG_DELAY_MS is one a kill could orphan; before, an idle server sees its stdin end anyway.
      this.isWatchdogWanted = false;
      setTimeout(this.startWatchdog, WATCHDOG_DELAY_MS).unref();
    }
  }

  untrack(pid: number): void {
    if (!this.groups.delete(pid)) return;
    if (this.groups.size === 0) this.removeHandlers();
    this.sendList();
  }

  private removeHandlers(): void {
    process.off('exit', this.killAll);
    for (const signal of EXIT_SIGNALS) process.off(signal, this.onExitSignal);
  }

  private readonly killAll = (): void => {
    for (const pid of this.groups.keys()) signalGroup(pid, 'SIGKILL');
    for (const [pid, tag] of this.groups) if (tag) killTaggedProcesses(tag, pid);
    this.groups.clear();
    // Synchronous (a pipe write that fits takes place at once): after this, the watchdog has nothing left to do.
    this.sendList();
  };

  /**
   * A fatal signal skips `exit` handlers, so it is caught here too. If anyone else listens for it (the CLI closes
   * servers gracefully on Ctrl-C) this does nothing; otherwise it kills the groups and raises the signal again, so
   * this process still dies of it as it would have.
   */
  private readonly onExitSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return;
    this.killAll();
    this.removeHandlers();
    process.kill(process.pid, signal);
  };

  private readonly startWatchdog = (): void => {
    if (this.groups.size === 0) {
      // The server is gone already: the next one starts the watchdog.
      this.isWatchdogWanted = true;
      return;
    }
    try {
      const tags = process.env[PROCESS_TAG_VARIABLE];
      const child = spawn(
        '/bin/sh',
        [
          '-c',
          WATCHDOG_SCRIPT,
          WATCHDOG_NAME,
          String(process.pid),
          ticks(DEFAULT_SHUTDOWN_GRACE_MS),
          ticks(DEFAULT_SHUTDOWN_TERM_MS),
        ],
        {
          // A session of its own: the group kill or terminal hang-up that takes us must not take it too. In `/`, so
          // that it keeps no directory busy. The tags we inherited, so that a host above finds it as its own.
          detached: true,
          cwd: '/',
          env: {
            PATH: process.env.PATH ?? '/usr/bin:/bin',
            ...(tags !== undefined && { [PROCESS_TAG_VARIABLE]: tags }),
          },
          stdio: ['pipe', 'ignore', 'ignore'],
        },
      );
      child.unref();
      (child.stdin as Socket | null)?.unref();
      child.stdin?.on('error', (error) => this.lose(child, error));
      child.once('error', (error) => this.lose(child, error));
      child.once('exit', (code, signal) => this.lose(child, new Error(`the watchdog exited (${signal ?? code})`)));
      this.watchdog = child;
      this.sendList();
    } catch (error) {
      // Never a reason for a server not to start: the other two lines still hold.
      this.problem = error instanceof Error ? error : new Error(String(error));
    }
  };

  private lose(child: ChildProcess, error: Error): void {
    if (this.watchdog !== child) return;
    this.watchdog = undefined;
    this.problem ??= error;
    child.stdin?.destroy();
  }

  /** Tells the watchdog the whole list, as one line. */
  private sendList(): void {
    const stdin = this.watchdog?.stdin;
    if (!stdin || stdin.destroyed) return;
    const entries = [...this.groups].map(([pid, tag]) => (tag ? `${pid}=${tag.value}` : String(pid)));
    stdin.write(`${entries.join(' ')}\n`);
  }
}

function ticks(ms: number): string {
  return String(Math.max(1, Math.ceil(ms / WATCHDOG_STEP_MS)));
}
