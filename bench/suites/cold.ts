/**
 * Cold start, timed from outside: a whole `node` process per sample, as a user or a script calling a CLI sees it.
 * Floors (`node -e 0`, a bare parent and child with one echo) beside the three stacks, and `mcp-host call` once the
 * CLI and the weather server exist: cold (it starts the server) and warm (through `mcp-host daemon`).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { alternate, record, timeNode } from '../measure.js';
import type { Plan } from '../options.js';
import { FLOOR_SCRIPT, HOST_CONFIG, MCP_HOST_BIN, WEATHER_SERVER, driverScript } from '../paths.js';
import { newSeries } from '../stats.js';
import type { Series } from '../stats.js';

export type ColdCaseId = 'node' | 'floor' | 'bare' | 'sdk' | 'ours' | 'mcp-host' | 'mcp-host-warm';

export interface ColdCase {
  id: ColdCaseId;
  label: string;
  args: string[];
  env?: Record<string, string>;
  series: Series;
}

export interface ColdResult {
  cases: ColdCase[];
  /** Cases not measured, and why. */
  skipped: string[];
}

const HOST_CALL = ['call', 'weather.get_current_weather', 'city=Tokyo'];

export function runColdSuite(plan: Plan): ColdResult {
  const stackCase = (id: 'bare' | 'sdk' | 'ours', label: string): ColdCase => ({
    id,
    label,
    args: [driverScript('cold'), id],
    series: newSeries(),
  });
  const cases: ColdCase[] = [
    { id: 'node', label: '`node -e 0`', args: ['-e', '0'], series: newSeries() },
    { id: 'floor', label: 'floor: bare parent + bare child, one JSON echo', args: [FLOOR_SCRIPT], series: newSeries() },
    stackCase('bare', 'bare client + bare server'),
    stackCase('sdk', 'SDK Client + SDK McpServer'),
    stackCase('ours', 'McpClient + our server'),
  ];
  const skipped: string[] = [];
  // A runtime directory of the bench's own, so its daemon never meets a user's.
  const runtimeDir = mkdtempSync(path.join(os.tmpdir(), 'mcp-host-bench-run-'));
  const hostEnv = { ...plan.env, MCP_HOST_CONFIG: HOST_CONFIG, XDG_RUNTIME_DIR: runtimeDir };
  const hasHost = existsSync(MCP_HOST_BIN) && existsSync(WEATHER_SERVER);
  if (hasHost) {
    cases.push(
      {
        id: 'mcp-host',
        label: `\`mcp-host ${HOST_CALL.join(' ')}\``,
        args: [MCP_HOST_BIN, ...HOST_CALL],
        // The bench's own config: the weather server with its offline provider, so no network time is measured.
        env: { ...hostEnv, MCP_HOST_NO_DAEMON: '1' },
        series: newSeries(),
      },
      {
        id: 'mcp-host-warm',
        label: `\`mcp-host ${HOST_CALL.join(' ')}\`, warm: through \`mcp-host daemon\``,
        args: [MCP_HOST_BIN, ...HOST_CALL],
        env: hostEnv,
        series: newSeries(),
      },
    );
    execFileSync(process.execPath, [MCP_HOST_BIN, 'daemon', 'start'], { env: hostEnv, stdio: 'ignore' });
  } else {
    skipped.push(
      `\`mcp-host ${HOST_CALL.join(' ')}\`: bin/mcp-host.js or dist/servers/weather/index.js does not exist yet`,
    );
  }
  try {
    alternate(
      'cold',
      plan.coldRounds,
      cases,
      (item) => item.series.failures.length > 0,
      (item) => record(item.series, timeNode(item.args, { ...plan.env, ...item.env })),
    );
  } finally {
    if (hasHost) execFileSync(process.execPath, [MCP_HOST_BIN, 'daemon', 'stop'], { env: hostEnv, stdio: 'ignore' });
    rmSync(runtimeDir, { recursive: true, force: true });
  }
  return { cases, skipped };
}
