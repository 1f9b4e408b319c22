/**
 * The early start: a command that needs one server (`call`, `read`, `prompt`, `schema`) starts it before the rest of
 * the CLI is loaded, so that the server boots while the CLI loads commander, zod, execa and the client, instead of
 * after. On a cold `mcp-host call` the two start-ups, each ~25-45 ms, then overlap.
 *
 * Only from a config text that this version of mcp-host validated before (config-stamp.ts), so nothing starts from a
 * file the CLI would refuse; the server entry is resolved by the same code as always (stdio-entry.ts), and the host
 * takes the process over only if it would have started exactly that one (same command, arguments, environment and
 * directory). Nothing starts for a command line the CLI would refuse before starting its server: a usage error found
 * by the grammar (command-line.ts), a target or `key=value` the command's own checks refuse (the same functions),
 * invalid `--args` JSON, or a tool the config's policy denies. `--args @file` and `--args -` are read by the CLI, so
 * such a line is not started early. A server started early that is not used is ended: see `EarlyServer.release`.
 *
 * Loaded by bin.ts before the CLI bundle: Node built-ins and zod-free modules only.
 */

import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isStamped } from './config-stamp.js';
import type { StdioEntry } from '../host/config.js';
import { parseJsonText } from '../host/jsonc.js';
import { ToolPolicy } from '../host/policy.js';
import { trackGroup } from '../host/live-groups.js';
import { createProcessTag, tagChild } from '../host/process-tag.js';
import { isSameSpawn, serverSpawnSpec, spawnOptions } from '../host/spawn-spec.js';
import type { SpawnSpec } from '../host/spawn-spec.js';
import { isEntryDisabled, isHttpEntry, resolveStdioServer } from '../host/stdio-entry.js';
import type { ResolveOptions } from '../host/stdio-entry.js';
import { findConfigPath } from '../host/config-location.js';
import { configFormatOf } from '../host/config-text.js';
import { argsObject, parseAssignments } from './args.js';
import type { PreParsed } from './command-line.js';
import { parseTarget } from './targets.js';

const SECTIONS = ['mcpServers', 'servers'] as const;

/** A server process started early, until the host takes it over or it is ended unused. */
export class EarlyServer {
  private isTaken = false;

  constructor(
    /** Its name in the config. */
    readonly server: string,
    readonly spec: SpawnSpec,
    private readonly child: ChildProcess,
    /** Set when starting it failed (no such command, …): then nothing is taken over. */
    private readonly failure: () => Error | undefined,
  ) {}

  /**
   * The process, for a host that would start `server` with `spec`: once, and only while it runs. Otherwise
   * undefined, and the host starts its own.
   */
  take(server: string, spec: SpawnSpec): ChildProcess | undefined {
    const isRunning = this.child.exitCode === null && this.child.signalCode === null && !this.failure();
    if (this.isTaken || server !== this.server || !isRunning || !isSameSpawn(spec, this.spec)) return undefined;
    this.isTaken = true;
    return this.child;
  }

  /** The process when nothing took it over: its owner ends it (as a host ends a server it started). */
  release(): ChildProcess | undefined {
    if (this.isTaken) return undefined;
    this.isTaken = true;
    return this.failure() ? undefined : this.child;
  }
}

/**
 * Starts the server of a command line (pre-parsed, see command-line.ts) early when it can; see the module comment. Never throws:
 * anything unexpected means no early start, and the CLI starts the server as usual.
 */
export function startEarly(
  line: PreParsed,
  env: NodeJS.ProcessEnv,
  cwd: string,
  platform: NodeJS.Platform = process.platform,
): EarlyServer | undefined {
  // POSIX only, as the daemon: the runtime directory that holds the config's stamp is a POSIX notion here.
  if (platform === 'win32') return undefined;
  try {
    // --stdio: no config, so nothing validated to start early from (the command's own path starts its server).
    if (line.options.stdio !== undefined) return undefined;
    const target = line.problem === undefined ? checkedTarget(line) : undefined;
    if (target === undefined) return undefined;
    const configPath = findConfigPath({ configPath: line.configOption, env, cwd });
    // A TOML config (Codex's) is read by the CLI alone: its parser is not worth loading twice for a head start.
    if (configPath === undefined || configFormatOf(configPath) !== 'json') return undefined;
    const text = readFileSync(configPath, 'utf8');
    if (!isStamped(configPath, text, env)) return undefined;
    const spec = resolveSpec(text, configPath, target, env, { passEnv: line.options.passEnv !== undefined });
    return spec && launch(target.server, spec);
  } catch {
    return undefined;
  }
}

/**
 * The server a one-server command talks to (and the tool, for `call` and `schema`, which the policy may deny),
 * after the checks the command itself makes before it starts a server; undefined for any other command.
 * @throws McpHostError `USAGE` where the command would (then nothing starts).
 */
function checkedTarget(line: PreParsed): { server: string; tool: string | undefined } | undefined {
  const [first, ...tokens] = line.operands;
  if (first === undefined) return undefined;
  const inlineArgs = line.options.args;
  if (typeof inlineArgs === 'string') {
    if (inlineArgs === '-' || inlineArgs.startsWith('@')) return undefined;
    argsObject(inlineArgs, '--args');
  }
  switch (line.command) {
    case 'read':
      return { server: first, tool: undefined };
    case 'prompt':
      parseAssignments(tokens);
      return { server: parseTarget(first, 'prompt').server, tool: undefined };
    case 'call':
      parseAssignments(tokens);
      return toolTarget(first);
    case 'schema':
      return toolTarget(first);
    default:
      return undefined;
  }
}

function toolTarget(text: string): { server: string; tool: string } {
  const { server, name } = parseTarget(text, 'tool');
  return { server, tool: name };
}

/** How the host would start `server` of a validated config text; undefined when it would start none at once. */
function resolveSpec(
  text: string,
  configPath: string,
  { server, tool }: { server: string; tool: string | undefined },
  env: NodeJS.ProcessEnv,
  options: ResolveOptions,
): SpawnSpec | undefined {
  const data = parseJsonText(text) as Partial<Record<(typeof SECTIONS)[number], Record<string, unknown>>>;
  const section = SECTIONS.find((name) => data[name] !== undefined && Object.hasOwn(data[name], server));
  if (section === undefined) return undefined;
  const entry = data[section]![server] as StdioEntry & { url?: unknown };
  // Not started here: remote servers, disabled ones, and pools of replicas (the host starts those together).
  if (isHttpEntry(entry) || isEntryDisabled(entry) || (entry.replicas ?? 1) !== 1) return undefined;
  const problems: string[] = [];
  const dir = path.dirname(configPath);
  const resolved = resolveStdioServer(server, entry, [section, server], dir, env, problems, options);
  if (resolved === undefined || problems.length > 0 || resolved.unresolved !== undefined) return undefined;
  // The host's own policy class decides, so the two paths cannot disagree on what is denied.
  if (tool !== undefined && !new ToolPolicy(resolved.tools).isAllowed(tool)) return undefined;
  return serverSpawnSpec(resolved, env);
}

function launch(server: string, spec: SpawnSpec): EarlyServer {
  const tag = createProcessTag();
  const child = spawn(spec.command, [...spec.args], { ...spawnOptions(spec, tag), stdio: 'pipe' });
  // The host that takes the process over finds what it started by this tag (see process-tag.ts).
  tagChild(child, tag);
  // The same registry as the host's (one per process): until the host that takes the process over, or whoever ends
  // it unused, closes it, a CLI that dies (even of SIGKILL) leaves no server behind.
  if (child.pid !== undefined) trackGroup(child.pid, tag);
  // A failure to start (ENOENT) comes as an event; with no listener it would crash the CLI before anyone took over.
  let failure: Error | undefined;
  child.once('error', (error) => (failure ??= error));
  return new EarlyServer(server, spec, child, () => failure);
}
