/**
 * The Host over real server processes: parallel discovery where one server fails, routing, a crash mid-call, a
 * hang, a handshake that never comes, and a shutdown that leaves nothing behind.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/host/config.js';
import { Host } from '../../../src/host/host.js';
import { McpHostError } from '../../../src/protocol/errors.js';
import type { LoggingLevel } from '../../../src/protocol/types.js';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const fixture = (name: string) => path.join(REPO_ROOT, 'dist/test/fixtures/servers', `${name}.js`);
const node = (name: string, extra: Record<string, unknown> = {}) => ({
  command: process.execPath,
  args: [fixture(name)],
  ...extra,
});

const hosts: Host[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((host) => host.closeAll()));
});

function makeHost(servers: Record<string, unknown>, timeoutMs = 5_000): Host {
  const config = parseConfig(
    JSON.stringify({ mcpServers: servers }),
    path.join(REPO_ROOT, 'test-host.json'),
    process.env,
  );
  const host = new Host({ config, env: process.env, timeoutMs });
  hosts.push(host);
  return host;
}

function isGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

describe('Host', () => {
  it('discovers servers in parallel; a failing server is reported and hides nobody', async () => {
    const host = makeHost({ sink: node('kitchen-sink'), broken: node('crash-on-start'), echo: node('echo') });
    const results = await host.discover();
    expect(results.map((result) => [result.name, result.ok])).toEqual([
      ['sink', true],
      ['broken', false],
      ['echo', true],
    ]);
    const sink = results[0]!;
    if (!sink.ok) throw sink.error;
    expect(sink.value.tools.map((tool) => tool.name)).toEqual(['add', 'fail', 'count', 'log']);
    expect(sink.value.resourceTemplates).toHaveLength(1);
    expect(sink.value.prompts.map((prompt) => prompt.name)).toEqual(['order']);
    const broken = results[1]!;
    if (broken.ok) throw new Error('expected a failure');
    expect(broken.error.code).toBe('SERVER_EXITED');
    expect(broken.error.context).toMatchObject({ server: 'broken', exitCode: 1 });
    expect(broken.error.context.stderrTail).toContain('fatal: missing API key');
  });

  it('routes a call to the right server and starts only that one', async () => {
    const host = makeHost({ sink: node('kitchen-sink'), echo: node('echo') });
    const result = await host.callTool('echo.echo', { text: 'routed' });
    expect(result.content).toEqual([{ type: 'text', text: 'routed' }]);
    const pings = await host.ping(['echo']);
    expect(pings[0]).toMatchObject({ name: 'echo', ok: true });
  });

  it('names an unknown server with a suggestion', () => {
    const host = makeHost({ weather: node('echo') });
    expect(() => host.serverConfig('wether')).toThrow(/No server named "wether".*did you mean "weather"\?/);
  });

  it('names an unknown tool with a suggestion', async () => {
    const host = makeHost({ sink: node('kitchen-sink') });
    await expect(host.findTool('sink', 'ad')).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringContaining('did you mean "add"') as unknown,
    });
  });

  it('fails a call pending on a server that crashes with SERVER_EXITED, its exit code and stderr', async () => {
    const host = makeHost({ crashy: node('crash-mid-call') });
    const error = await host.callTool('crashy.crash', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpHostError);
    expect(error).toMatchObject({ code: 'SERVER_EXITED', context: { server: 'crashy', exitCode: 3 } });
    expect((error as McpHostError).context.stderrTail?.join('\n')).toContain('lost the database connection');
  });

  it('times out a hanging call using the server timeout from the config', async () => {
    const host = makeHost({ hang: node('hang', { timeoutMs: 200 }) });
    // The handshake first, with time to spare: on a loaded machine a start-up can take longer than 200 ms.
    await host.connect('hang', { timeoutMs: 20_000 });
    const error = await host.callTool('hang.hang', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'REQUEST_TIMEOUT', context: { server: 'hang', timeoutMs: 200 } });
  });

  it('reports a server that never answers initialize as a timeout naming it, and ends it', async () => {
    const mute = { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1e9)'], startupTimeoutMs: 300 };
    const host = makeHost({ mute });
    const error = await host.connect('mute').catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'REQUEST_TIMEOUT',
      message: 'Server mute did not answer initialize within 300 ms',
      context: { server: 'mute', timeoutMs: 300 },
    });
  });

  it('closes every server, grandchildren included, quickly', async () => {
    const host = makeHost({ family: node('grandchild'), sink: node('kitchen-sink') });
    const [family, sink] = await Promise.all([host.connect('family'), host.connect('sink')]);
    await expect.poll(() => family.stderrTail().join('\n'), { timeout: 20_000 }).toMatch(/grandchild pid \d+/);
    const grandchild = Number(/grandchild pid (\d+)/.exec(family.stderrTail().join('\n'))![1]);
    // Quickly: a grace and term that outlast the test, so only the servers' own exits (on stdin end) can end this,
    // not a wait for the grandchild that holds the family's pipes.
    const outlastingTheTestMs = 10 * 60_000;
    await host.closeAll({ graceMs: outlastingTheTestMs, termMs: outlastingTheTestMs });
    expect(isGone(family.pid!)).toBe(true);
    expect(isGone(sink.pid!)).toBe(true);
    // Killed at once, but a zombie until init reaps it, which some inits do only every second or two.
    await expect.poll(() => isGone(grandchild), { timeout: 20_000 }).toBe(true);
  });

  it('hides denied tools from discovery and refuses them before the server is started', async () => {
    const host = makeHost({ sink: node('kitchen-sink', { tools: { allow: ['add', 'co*'], deny: ['count'] } }) });
    await expect(host.callTool('sink.count', { to: 1 })).rejects.toMatchObject({
      code: 'DENIED',
      context: { server: 'sink', tool: 'count' },
    });
    await expect(host.findTool('sink', 'fail')).rejects.toMatchObject({ code: 'DENIED' });
    expect(host.replicaStats('sink').map((replica) => replica.state)).toEqual(['closed']); // nothing was started
    const [sink] = await host.discover(['sink']);
    if (!sink?.ok) throw new Error('discovery failed');
    expect(sink.value.tools.map((tool) => tool.name)).toEqual(['add']);
  });

  it('ends a server whose output passes the size limit, keeping the host bounded', async () => {
    const config = parseConfig(
      JSON.stringify({ mcpServers: { flood: node('flood-stdout') } }),
      path.join(REPO_ROOT, 'flood.json'),
      process.env,
    );
    const host = new Host({ config, env: process.env, timeoutMs: 10_000, maxMessageBytes: 1024 * 1024 });
    hosts.push(host);
    const error = await host.connect('flood').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'MESSAGE_TOO_LARGE', context: { limitBytes: 1024 * 1024 } });
    expect(host.replicaStats('flood')[0]).toMatchObject({ state: 'failed' });
  });

  it('ends and replaces a replica whose connection broke while it kept running', async () => {
    const host = makeHost({ sink: node('kitchen-sink') });
    const first = await host.connect('sink');
    // The client gives up on the connection (as after an oversized message); the process itself is still fine.
    first.client.close(new McpHostError('MESSAGE_TOO_LARGE', 'too large', { limitBytes: 1 }));
    await expect.poll(() => isGone(first.pid!), { timeout: 5_000 }).toBe(true);
    await expect.poll(() => host.replicaStats('sink')[0]?.restarts, { timeout: 5_000 }).toBe(1);
    expect(host.replicaStats('sink')[0]?.lastError).toBe('too large');
    const result = await host.callTool('sink.add', { a: 2, b: 3 });
    expect(result.structuredContent).toEqual({ sum: 5 });
  });

  it('fails a call to an HTTP server, which it has no connector for yet, naming it', async () => {
    const host = makeHost({ remote: { url: 'https://example.invalid/mcp' } });
    await expect(host.callTool('remote.tool', {})).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(
        /remote cannot be reached: it is a http entry .*no connector for http servers/,
      ) as unknown,
    });
  });
});

describe('server log messages', () => {
  function loggingHost(logLevel?: LoggingLevel): { host: Host; messages: string[] } {
    const config = parseConfig(
      JSON.stringify({ mcpServers: { kitchen: node('kitchen-sink') } }),
      path.join(REPO_ROOT, 'test-host.json'),
      process.env,
    );
    const messages: string[] = [];
    const host = new Host({
      config,
      env: process.env,
      ...(logLevel && { logLevel }),
      onServerLog: (server, { level, data }) => messages.push(`${server} ${level} ${String(data)}`),
    });
    hosts.push(host);
    return { host, messages };
  }

  it('are passed on with the server they came from', async () => {
    const { host, messages } = loggingHost();
    await host.callTool('kitchen.log', { level: 'info' });
    await host.callTool('kitchen.log', { level: 'error' });
    await expect.poll(() => messages).toEqual(['kitchen info a info message', 'kitchen error a error message']);
  });

  it('are asked for from logLevel up, as logging/setLevel to the server', async () => {
    const { host, messages } = loggingHost('error');
    await host.callTool('kitchen.log', { level: 'info' });
    await host.callTool('kitchen.log', { level: 'error' });
    // The server filters: the info message is never sent (the tool's answer comes after its messages).
    await expect.poll(() => messages).toEqual(['kitchen error a error message']);
  });
});
