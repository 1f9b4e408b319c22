/**
 * Daemon tests run the real CLI (`bin/mcp-host.js`, built to dist/) against a temporary config, with a temporary
 * XDG_RUNTIME_DIR so the daemon's socket and log are the test's own. Every process id a test learns (daemons,
 * servers) is recorded, and `cleanup()` makes sure none of them survives a failed test.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { Workspace, fixture, isGone, mcpHost, parseJson, waitFor } from '../../e2e/mcp-host.js';
import type { DaemonStatus } from '../../../src/cli/daemon/wire.js';

export { fixture, isGone, parseJson, waitFor };

export type Config = { mcpServers: Record<string, { command: string; args: string[]; env?: Record<string, string> }> };

/** A config entry running a built fixture server with this Node. */
export function fixtureServer(name: string, env?: Record<string, string>): Config['mcpServers'][string] {
  return { command: process.execPath, args: [fixture(name)], ...(env && { env }) };
}

export class DaemonWorkspace extends Workspace {
  readonly runtimeDir = path.join(this.dir, 'run');
  readonly configPath: string;
  private readonly pids = new Set<number>();

  constructor(config: Config) {
    super();
    this.configPath = this.writeConfig(config);
  }

  get env(): Record<string, string> {
    return { XDG_RUNTIME_DIR: this.runtimeDir };
  }

  /** Runs `mcp-host ...args` in the workspace with the workspace's runtime directory. */
  cli(args: readonly string[], options: { env?: Record<string, string>; input?: string; encoding?: 'buffer' } = {}) {
    return mcpHost(args, {
      cwd: this.dir,
      env: { ...this.env, ...options.env },
      ...(options.input !== undefined && { input: options.input }),
      ...(options.encoding !== undefined && { encoding: options.encoding }),
    });
  }

  /** `daemon status --json`, or undefined when no daemon runs. Records every pid it shows. */
  async status(): Promise<(DaemonStatus & { running: true }) | undefined> {
    const result = await this.cli(['--json', 'daemon', 'status']);
    const document = parseJson(result.stdout);
    if (document.running !== true) {
      expect(result.exitCode).toBe(1);
      return undefined;
    }
    const status = document as unknown as DaemonStatus & { running: true };
    this.remember(status);
    return status;
  }

  /** The pid of the ready replica of `server`, waiting (up to 10 s) until there is one. */
  async readyPid(server: string, notPid?: number): Promise<number> {
    let pid: number | undefined;
    await waitFor(
      async () => {
        const status = await this.status();
        const replica = status?.servers.find((entry) => entry.name === server)?.replicas[0];
        pid = replica?.state === 'ready' && replica.pid !== notPid ? replica.pid : undefined;
        return pid !== undefined;
      },
      10_000,
      `a ready replica of ${server}`,
    );
    return pid!;
  }

  remember(status: DaemonStatus): void {
    this.pids.add(status.pid);
    for (const server of status.servers) {
      for (const replica of server.replicas) if (replica.pid !== undefined) this.pids.add(replica.pid);
    }
  }

  /** Every process id this workspace has seen. */
  knownPids(): number[] {
    return [...this.pids];
  }

  /** The socket and log files of the daemon for this workspace's config (from a status). */
  files(status: DaemonStatus): { socket: string; log: string } {
    return { socket: status.socket, log: status.log };
  }

  readLog(status: DaemonStatus): string {
    return fs.existsSync(status.log) ? fs.readFileSync(status.log, 'utf8') : '';
  }

  /** Stops the daemon if one runs, kills anything left (a failed test must not leak), removes the files. */
  async cleanup(): Promise<void> {
    await this.cli(['daemon', 'stop']).catch(() => undefined);
    for (const pid of this.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    this.remove();
  }
}

/** Waits until every pid is gone. */
export async function expectAllGone(pids: readonly number[], timeoutMs = 5_000): Promise<void> {
  await waitFor(
    async () => (await Promise.all(pids.map((pid) => isGone(pid)))).every(Boolean),
    timeoutMs,
    `processes ${pids.join(', ')} to be gone`,
  );
}
