/**
 * The daemon's long-lived host, lent to each command it runs. When the config a command loads differs from the one
 * the servers were started with (the file was edited, or a `${VAR}` resolves differently), a new host takes over:
 * commands already running keep the old one, which is ended when the last of them returns it.
 */

import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { McpHostError } from '../errors.js';
import type { InvalidMessage } from '../../protocol/connection.js';
import type { LoggingMessageNotificationParams } from '../../protocol/types.js';
import { loadConfig } from '../../host/config.js';
import type { LoadedConfig } from '../../host/config.js';
import { Host } from '../../host/host.js';
import type { Settled } from '../../host/host.js';
import { Redactor } from '../../host/redact.js';
import type { ReplicaStats } from '../../host/server-pool.js';
import { serverSpawnSpec } from '../../host/spawn-spec.js';

/** What a borrower of the host wants to hear while it holds it (its `--verbose` output). */
export interface LeaseHooks {
  onServerStderr?: (server: string, line: string) => void;
  onInvalidMessage?: (server: string, problem: InvalidMessage) => void;
  /** A server's log message; the daemon's servers keep their own level (a command does not change it for all). */
  onServerLog?: (server: string, message: LoggingMessageNotificationParams) => void;
}

/** A host lent for one command: use it, never close it, and `release()` it once done. */
export interface HostLease {
  host: Host;
  /** The daemon's process id, for `--verbose`. */
  daemonPid: number;
  /** Idempotent. */
  release(): void;
}

/**
 * Lends the daemon's host for a command that loaded `config`; undefined when the daemon serves another config file
 * (the command then starts its own servers).
 */
export type BorrowHost = (config: LoadedConfig, hooks: LeaseHooks) => Promise<HostLease | undefined>;

export interface WarmHostOptions {
  config: LoadedConfig;
  /** The environment the config was resolved with; servers inherit its allow-listed variables. */
  env: NodeJS.ProcessEnv;
  /** Lines for the daemon's log: server stderr, restarts, reloads; the configs' secrets already replaced. */
  log: (line: string) => void;
}

/** One host and the config it runs. */
interface Generation {
  host: Host;
  config: LoadedConfig;
  fingerprint: string;
  env: NodeJS.ProcessEnv;
  borrowers: number;
  isRetired: boolean;
  started: Promise<Settled<number>[]>;
}

export class WarmHost {
  private current: Generation;
  private readonly retired = new Set<Generation>();
  private readonly closing = new Set<Promise<void>>();
  private readonly listeners = new Set<LeaseHooks>();
  /** The secrets of every config run so far: a retired generation's servers may still be writing. */
  private readonly secrets = new Set<string>();
  private redactor = new Redactor([]);
  private isClosed = false;

  constructor(private readonly options: WarmHostOptions) {
    this.current = this.createGeneration(options.config, options.env);
  }

  /** The config file the daemon serves. */
  get configPath(): string {
    return this.current.config.path;
  }

  /** Settles once every replica of every server of the current config has been started (or has failed to). */
  started(): Promise<Settled<number>[]> {
    return this.current.started;
  }

  /** Each server of the current config with its replicas' state. */
  stats(): { name: string; replicas: ReplicaStats[] }[] {
    const { host } = this.current;
    return host.serverNames().map((name) => ({ name, replicas: host.replicaStats(name) }));
  }

  /**
   * Lends the host for a command that loaded `config` with `env`. A config that differs from the running one
   * replaces it first (the last command's view wins, as it would have without a daemon).
   */
  borrow(config: LoadedConfig, env: NodeJS.ProcessEnv, hooks: LeaseHooks): HostLease | undefined {
    if (this.isClosed) throw new McpHostError('CANCELLED', 'The daemon is stopping');
    if (config.path !== this.current.config.path) return undefined;
    if (fingerprintOf(config, env) !== this.current.fingerprint) {
      this.replace(config, env, 'a command loaded another config, or runs in another environment');
    }
    const generation = this.current;
    generation.borrowers += 1;
    this.listeners.add(hooks);
    let isReleased = false;
    return {
      host: generation.host,
      daemonPid: process.pid,
      release: () => {
        if (isReleased) return;
        isReleased = true;
        this.listeners.delete(hooks);
        generation.borrowers -= 1;
        if (generation.isRetired && generation.borrowers === 0) this.end(generation);
      },
    };
  }

  /**
   * Reads the config file again (with the environment the current one was resolved with) and switches to it when it
   * changed. An invalid file is logged and the running servers are kept: each command reports the error itself.
   */
  reload(): void {
    const { config, env } = this.current;
    let next: LoadedConfig;
    try {
      next = loadConfig({ configPath: config.path, env, cwd: config.dir });
    } catch (error) {
      this.log(`config ${config.path} is not usable, keeping the running servers: ${errorText(error)}`);
      return;
    }
    if (this.isClosed || fingerprintOf(next, env) === this.current.fingerprint) return;
    this.replace(next, env, 'the config file changed');
  }

  /** Ends every server of every generation; resolves when all their processes are gone. Idempotent. */
  async closeAll(): Promise<void> {
    this.isClosed = true;
    for (const generation of [this.current, ...this.retired]) this.end(generation);
    await Promise.all(this.closing);
  }

  private replace(config: LoadedConfig, env: NodeJS.ProcessEnv, reason: string): void {
    const previous = this.current;
    this.log(`${reason}: starting its servers; the previous ones end when their last command returns`);
    this.current = this.createGeneration(config, env);
    previous.isRetired = true;
    if (previous.borrowers === 0) this.end(previous);
    else this.retired.add(previous);
  }

  private end(generation: Generation): void {
    this.retired.delete(generation);
    const closing = generation.host.closeAll();
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
  }

  private log(line: string): void {
    this.options.log(this.redactor.text(line));
  }

  private createGeneration(config: LoadedConfig, env: NodeJS.ProcessEnv): Generation {
    for (const server of config.servers) for (const secret of server.secretValues) this.secrets.add(secret);
    this.redactor = new Redactor(this.secrets);
    const log = (line: string): void => this.log(line);
    // Commands come from many directories and no terminal: the servers' root is the config's directory, and a
    // form a server asks for is declined, as a command without a terminal declines it.
    const root = path.dirname(config.path);
    const host = new Host({
      config,
      env,
      hooks: {
        roots: () => [{ uri: pathToFileURL(root).href, name: path.basename(root) || root }],
        elicitation: () => Promise.resolve({ action: 'decline' }),
      },
      onServerStderr: (server, line) => {
        log(`[${server}] ${line}`);
        for (const hooks of this.listeners) hooks.onServerStderr?.(server, line);
      },
      onInvalidMessage: (server, line) => {
        log(`[${server}] invalid line on stdout: ${line.reason}: ${line.preview}`);
        for (const hooks of this.listeners) hooks.onInvalidMessage?.(server, line);
      },
      onServerLog: (server, message) => {
        for (const hooks of this.listeners) hooks.onServerLog?.(server, message);
      },
      onReplicaRestart: (server, replica, reason) =>
        log(`[${server}] replica ${replica} restarting: ${reason.message}`),
    });
    // Every replica is started now, so the first command finds them running.
    const started = host.startAll().then((results) => {
      for (const result of results) {
        if (result.ok) log(`[${result.name}] ${result.value} replica(s) running`);
        else log(`[${result.name}] failed to start: ${result.error.message}`);
      }
      return results;
    });
    return { host, config, fingerprint: fingerprintOf(config, env), env, borrowers: 0, isRetired: false, started };
  }
}

/** Two configs run the same servers when their resolved server entries are equal. */
/**
 * What decides whether the running servers are the ones a command would start: each entry as configured, and for
 * a stdio server exactly what the stdio connector would spawn with the command's environment (its PATH, TZ, HOME,
 * LANG reach the server), by the connector's own function. A command from another environment gets servers of
 * its own environment, as it would without a daemon.
 */
function fingerprintOf(config: LoadedConfig, env: NodeJS.ProcessEnv): string {
  return JSON.stringify(
    config.servers.map((server) =>
      server.kind === 'stdio' && !server.disabled ? { server, spawn: serverSpawnSpec(server, env) } : { server },
    ),
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
