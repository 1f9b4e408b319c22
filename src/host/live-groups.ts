/**
 * The process groups of the servers this process started, from their spawn until they are gone, and what ends them
 * when this process ends without closing them. Every launch path registers here: the host's (server-process.ts),
 * the CLI's early start (src/cli/early-start.ts) and so the daemon's, which is a host.
 *
 * - **`exit`** (an uncaught exception, `process.exit()`): every group is SIGKILLed, synchronously, and so (Linux) is
 *   every process that carries one of their tags (process-tag.ts).
 * - **SIGINT, SIGTERM, SIGHUP** that nobody else handles: the same, then the signal is raised again.
 *
 * Node built-ins and zod-free modules only: the early start loads this before the CLI. The early start's bundle
 * (dist/cli/mcp-host.cjs) and the CLI's (main.cjs) each hold a copy of this module; they share one registry, kept on
 * `globalThis` under a registered symbol, so that one process has one list.
 */

import { killTaggedProcesses } from './process-tag.js';
import type { ProcessTag } from './process-tag.js';

const EXIT_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const REGISTRY = Symbol.for('mcp-host.liveGroups');

/**
 * Registers the process group led by `pid` (a server just started, or taken over), with the tag its processes carry.
 * Idempotent. The first one installs the exit and signal handlers.
 */
export function trackGroup(pid: number, tag: ProcessTag | undefined): void {
  registry().track(pid, tag);
}

/** The group led by `pid` is gone, or closed by its owner: nothing is to end it any more. */
export function untrackGroup(pid: number): void {
  registry().untrack(pid);
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
  private readonly groups = new Map<number, ProcessTag | undefined>();

  track(pid: number, tag: ProcessTag | undefined): void {
    if (this.groups.has(pid)) return;
    if (this.groups.size === 0) {
      process.on('exit', this.killAll);
      if (process.platform !== 'win32') for (const signal of EXIT_SIGNALS) process.on(signal, this.onExitSignal);
    }
    this.groups.set(pid, tag);
  }

  untrack(pid: number): void {
    if (!this.groups.delete(pid)) return;
    if (this.groups.size === 0) this.removeHandlers();
  }

  private removeHandlers(): void {
    process.off('exit', this.killAll);
    for (const signal of EXIT_SIGNALS) process.off(signal, this.onExitSignal);
  }

  private readonly killAll = (): void => {
    for (const pid of this.groups.keys()) signalGroup(pid, 'SIGKILL');
    for (const [pid, tag] of this.groups) if (tag) killTaggedProcesses(tag, pid);
    this.groups.clear();
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
}
