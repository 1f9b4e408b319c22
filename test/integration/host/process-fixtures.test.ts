/**
 * The misbehaving fixture servers, driven through spawnServerProcess and a real MCP connection: each must show
 * the one behaviour it exists for, so host tests built on them fail for the right reason.
 */

import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { McpConnectionOptions } from '../../../src/protocol/connection.js';
import type { StdioTransportOptions } from '../../../src/protocol/stdio/stdio-transport.js';
import type { InvalidMessage } from '../../../src/protocol/connection.js';
import { serverEnvironment } from '../../../src/host/environment.js';
import { spawnServerProcess } from '../../../src/host/server-process.js';
import type { ServerProcess } from '../../../src/host/server-process.js';
import { takeSchemaViolations } from '../../helpers/mcp-schema.js';
import { REPO_ROOT, connectAndInitialize } from '../../helpers/stdio-server.js';

const fixture = (name: string): string => path.join(REPO_ROOT, 'dist/test/fixtures/servers', `${name}.js`);

const started: ServerProcess[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((server) => server.close({ graceMs: 500, termMs: 500 })));
});

function start(name: string, onStderrLine?: (line: string) => void): ServerProcess {
  const server = spawnServerProcess({
    name,
    command: process.execPath,
    args: [fixture(name)],
    env: serverEnvironment(process.env, {}),
    onStderrLine,
  });
  started.push(server);
  return server;
}

/** Connects the way the host does: a closed pipe is explained by the process's exit. */
function connect(server: ServerProcess, options: McpConnectionOptions & StdioTransportOptions = {}) {
  return connectAndInitialize(server.stdout, server.stdin, {
    closeReason: () => server.exited.then(() => server.exitError()),
    ...options,
  });
}

describe('fixture servers', () => {
  it('hang: the tool never answers, and the server sees the cancellation sent on timeout', async () => {
    let cancelled: (line: string) => void = () => undefined;
    const sawCancel = new Promise<string>((resolve) => (cancelled = resolve));
    const server = start('hang', (line) => line.includes('cancelled') && cancelled(line));
    const { connection } = await connect(server);

    const call = connection.request('tools/call', { name: 'hang', arguments: {} }, { timeoutMs: 200 });

    await expect(call).rejects.toMatchObject({ code: 'REQUEST_TIMEOUT' });
    expect(await sawCancel).toMatch(/^hang: request \S+ cancelled$/);
    connection.close();
  });

  it('crash-mid-call: answers until `crash`, then exits 3 with a message, failing the pending call', async () => {
    const server = start('crash-mid-call');
    const { connection } = await connect(server);
    const echoed = await connection.request('tools/call', { name: 'echo', arguments: { text: 'hi' } });
    expect(echoed.content[0]).toMatchObject({ type: 'text', text: 'hi' });

    const call = connection.request('tools/call', { name: 'crash', arguments: {} }, { timeoutMs: 10_000 });

    await expect(call).rejects.toMatchObject({ code: 'SERVER_EXITED', context: { exitCode: 3 } });
    expect(await server.exited).toEqual({ exitCode: 3, signal: null });
    expect(server.stderrTail()).toContain('crash-mid-call: lost the database connection');
  });

  it('noisy-stdout: non-protocol lines on stdout are skipped and every response still arrives', async () => {
    const invalid: InvalidMessage[] = [];
    const server = start('noisy-stdout');
    const { connection, initialize } = await connect(server, { onInvalidMessage: (problem) => invalid.push(problem) });
    expect(initialize.serverInfo.name).toBe('noisy-stdout');

    const first = await connection.request('tools/call', { name: 'echo', arguments: { text: 'one' } });
    const second = await connection.request('tools/call', { name: 'echo', arguments: { text: 'two' } });

    expect(first.content[0]).toMatchObject({ text: 'one' });
    expect(second.content[0]).toMatchObject({ text: 'two' });
    // The banner, then a plain-text and a JSON log line per call.
    expect(invalid.map((line) => line.kind)).toEqual(['parse', 'parse', 'envelope', 'parse', 'envelope']);
    // The JSON log lines are what the schema check sees too: the noise is this fixture's point.
    expect(await takeSchemaViolations()).toEqual([
      expect.stringContaining('"a log line that is JSON but not JSON-RPC"'),
      expect.stringContaining('"a log line that is JSON but not JSON-RPC"'),
    ]);
    connection.close();
  });

  it('flood-stdout: a reader with a size limit gives up with MESSAGE_TOO_LARGE instead of buffering forever', async () => {
    const server = start('flood-stdout');
    await expect(connect(server, { maxMessageBytes: 1024 * 1024 })).rejects.toMatchObject({
      code: 'MESSAGE_TOO_LARGE',
    });
  });
});
