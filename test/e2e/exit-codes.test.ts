/**
 * Every exit code the CLI produces, from the real binary against real servers, each with the message a person
 * needs (naming the field, the server, the path, or suggesting a name).
 */
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, Workspace, fixture, mcpHost } from './mcp-host.js';

let workspace: Workspace;
let cwd: string;

beforeAll(() => {
  workspace = new Workspace();
  cwd = workspace.dir;
  workspace.writeConfig({
    mcpServers: {
      kitchen: { command: process.execPath, args: [fixture('kitchen-sink')] },
      sdk: { command: process.execPath, args: [fixture('sdk-resources')] },
      hang: { command: process.execPath, args: [fixture('hang')] },
      crashy: { command: process.execPath, args: [fixture('crash-on-start')] },
      nowhere: { command: '/nonexistent/mcp-server' },
      mute: { command: process.execPath, args: ['-e', 'setInterval(() => {}, 1e9)'] },
      // Serves only after 600 ms, as an `npx -y` server does after its download.
      slowStart: {
        command: process.execPath,
        args: ['-e', `setTimeout(() => import(${JSON.stringify(pathToFileURL(fixture('echo')).href)}), 600)`],
      },
      midcall: { command: process.execPath, args: [fixture('crash-mid-call')] },
    },
  });
});

afterAll(() => workspace.remove());

describe('exit codes', () => {
  it('0: the call succeeded', async () => {
    const result = await mcpHost(['call', 'kitchen.add', 'a=2', 'b=40'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(String(result.stdout))).toEqual({ sum: 42 });
    expect(result.stderr).toBe('');
  });

  it('1: arguments that fail the schema, naming each field, without calling the tool', async () => {
    const result = await mcpHost(['call', 'kitchen.add', 'a=two', 'c=1'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(
      'Invalid arguments for kitchen.add:\n  a: expected a number, got "two"\n  b: required, but missing\n  c: unknown argument',
    );
    expect(result.stderr).toContain('see mcp-host schema kitchen.add');
  });

  it('1: every field whose text does not fit its type is named, not only the first', async () => {
    const result = await mcpHost(['--json', 'call', 'kitchen.add', 'a=abc', 'b=xyz'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(JSON.parse(String(result.stderr))).toMatchObject({
      code: 'USAGE',
      details: {
        problems: [
          { field: 'a', message: 'expected a number, got "abc"' },
          { field: 'b', message: 'expected a number, got "xyz"' },
        ],
      },
    });
  });

  it('1: a missing required argument and an unknown one are both listed', async () => {
    const result = await mcpHost(['call', 'kitchen.add', 'a=1', 'x=2'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(
      'Invalid arguments for kitchen.add:\n  b: required, but missing\n  x: unknown argument',
    );
  });

  it('1: a target without a dot is a usage error', async () => {
    const result = await mcpHost(['call', 'kitchen'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('"kitchen" is not a tool: expected SERVER.TOOL');
  });

  it('2: an invalid entry, naming the file and the JSON path, when its server is used', async () => {
    const bad = workspace.writeConfig({ mcpServers: { broken: { command: 'x', args: 'not-a-list' } } }, 'bad.json');
    const result = await mcpHost(['--config', bad, 'call', 'broken.anything'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('bad.json: mcpServers.broken.args: expected array');
    // Over every server, with it the only failure: still a config error, reported in the table.
    const ping = await mcpHost(['--config', bad, 'ping'], { cwd });
    expect(ping.exitCode).toBe(2);
    expect(ping.stdout).toContain('bad.json: mcpServers.broken.args: expected array');
  });

  it('2: a --config path that does not exist', async () => {
    const result = await mcpHost(['--config', 'nowhere.json', 'discover'], { cwd });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`Config file not found: ${cwd}/nowhere.json (from --config nowhere.json)`);
  });

  it('3: a server that exits on start, with its stderr', async () => {
    const result = await mcpHost(['ping', 'crashy'], { cwd });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toMatch(/crashy +failed +Server crashy exited with code 1/);
  });

  it('3: the hint to rerun with --verbose only when the server wrote to stderr', async () => {
    const crashed = await mcpHost(['call', 'crashy.anything'], { cwd });
    expect(crashed.exitCode).toBe(3);
    expect(crashed.stderr).toContain('fatal: missing API key');
    expect(crashed.stderr).toContain("run again with --verbose to see the server's stderr");
    const neverStarted = await mcpHost(['call', 'nowhere.anything'], { cwd });
    expect(neverStarted.exitCode).toBe(3);
    expect(neverStarted.stderr).toContain('Server nowhere could not start');
    expect(neverStarted.stderr).not.toContain('--verbose');
  });

  it('3: a server that dies during the call, with the tail of its stderr', async () => {
    const result = await mcpHost(['call', 'midcall.crash'], { cwd });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('error: ');
    expect(result.stderr).toContain('crash-mid-call: lost the database connection');
  });

  it('4: a server whose start-up outlives --startup-timeout, named, not a failed server (3)', async () => {
    const result = await mcpHost(['--startup-timeout', '300', 'call', 'mute.anything'], { cwd });
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toContain('Server mute did not answer initialize within 300 ms');
    expect(result.stderr).toContain('--startup-timeout MS');
  });

  it('0: a server slower to start than --timeout, since the start-up has a limit of its own', async () => {
    const result = await mcpHost(['--timeout', '300', 'call', 'slowStart.echo', 'text=late'], { cwd });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'late\n' });
  });

  it('4: a call that outlives --timeout', async () => {
    const result = await mcpHost(['--timeout', '400', 'call', 'hang.hang'], { cwd });
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/error: hang: tool "hang" timed out after \d+ ms/);
    expect(result.stderr).toContain('hint: allow more time with --timeout MS');
    // It was --timeout that ran out, not a default: the details name it.
    const json = await mcpHost(['--json', '--timeout', '400', 'call', 'hang.hang'], { cwd });
    expect(json.exitCode).toBe(4);
    expect(JSON.parse(String(json.stdout))).toMatchObject({
      error: { code: 'REQUEST_TIMEOUT', details: { timeoutMs: 400 } },
    });
  });

  it('5: the tool reported an error', async () => {
    const result = await mcpHost(['call', 'kitchen.fail'], { cwd });
    expect(result.exitCode).toBe(5);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: kitchen.fail failed: failing on purpose');
  });

  it('3: a message over the size limit, set by --max-message-size or the server’s maxMessageBytes', async () => {
    const text = 'a'.repeat(100_000);
    const small = workspace.writeConfig(
      {
        mcpServers: {
          echo: { command: process.execPath, args: [fixture('echo')] },
          small: { command: process.execPath, args: [fixture('echo')], maxMessageBytes: 65_536 },
        },
      },
      'sizes.json',
    );
    const fits = await mcpHost(['-c', small, 'call', 'echo.echo', `text=${text}`], { cwd });
    expect(fits).toMatchObject({ exitCode: 0, stdout: `${text}\n` });
    for (const args of [
      ['-c', small, '--max-message-size', '64KiB', 'call', 'echo.echo', `text=${text}`],
      ['-c', small, 'call', 'small.echo', `text=${text}`],
    ]) {
      const refused = await mcpHost(args, { cwd });
      expect(refused.exitCode).toBe(3);
      expect(refused.stderr).toContain('A message exceeded the maximum size of 65536 bytes (64 KiB)');
      expect(refused.stderr).toContain('hint: allow larger messages with --max-message-size SIZE');
    }
    const tiny = await mcpHost(['-c', small, '--max-message-size', '1KiB', 'call', 'echo.echo', 'text=x'], { cwd });
    expect(tiny.exitCode).toBe(1);
    expect(tiny.stderr).toContain('expected a size of at least 4096 bytes');
  });

  it('6: an unknown tool, with a suggestion, checked before calling', async () => {
    const result = await mcpHost(['call', 'kitchen.ad', 'a=1'], { cwd });
    expect(result.exitCode).toBe(6);
    expect(result.stderr).toContain('Server kitchen has no tool "ad"; did you mean "add"?');
  });

  it('6: a tool the server lacks is suggested from another server, even with servers here that never answer', async () => {
    // `mute` and `hang` never list their tools: the suggestion waits for them a bounded time, then goes without.
    const startedAt = Date.now();
    const result = await mcpHost(['call', 'sdk.add', 'a=1'], { cwd });
    expect(result.exitCode).toBe(6);
    expect(result.stderr).toContain('sdk does not support tools; did you mean "kitchen.add"?');
    // kitchen has tools, none close to echo; slowStart has it (and answers after 600 ms, within the wait).
    const elsewhere = await mcpHost(['call', 'kitchen.echo', 'text=hi'], { cwd });
    expect(elsewhere.exitCode).toBe(6);
    expect(elsewhere.stderr).toContain(
      'Server kitchen has no tool "echo"; did you mean "slowStart.echo" or "midcall.echo"?',
    );
    expect(Date.now() - startedAt).toBeLessThan(10_000);
  });

  it('6: an unknown server, with a suggestion, and nothing started', async () => {
    const result = await mcpHost(['call', 'kitchn.add'], { cwd });
    expect(result.exitCode).toBe(6);
    expect(result.stderr).toContain('No server named "kitchn"');
    expect(result.stderr).toContain('did you mean "kitchen"?');
  });

  it('6: an unknown resource (-32002 from the server) and an unknown prompt', async () => {
    const resource = await mcpHost(['read', 'kitchen', 'kitchen://menuu'], { cwd });
    expect(resource.exitCode).toBe(6);
    expect(resource.stderr).toContain(
      'Server kitchen has no resource kitchen://menuu; did you mean "kitchen://menu" or "kitchen://bytes"?',
    );
    const prompt = await mcpHost(['prompt', 'kitchen.ordr'], { cwd });
    expect(prompt.exitCode).toBe(6);
    expect(prompt.stderr).toContain('Server kitchen has no prompt "ordr"; did you mean "order"?');
  });

  it('6: an unknown resource on a server of the official SDK, which answers -32602, with a suggestion', async () => {
    const resource = await mcpHost(['read', 'sdk', 'demo://greting'], { cwd });
    expect(resource.exitCode).toBe(6);
    expect(resource.stderr).toContain('Server sdk has no resource demo://greting; did you mean "demo://greeting"?');
    // Suggested from the templates too.
    const item = await mcpHost(['--json', 'read', 'sdk', 'demo://items'], { cwd });
    expect(item.exitCode).toBe(6);
    expect(JSON.parse(String(item.stderr))).toMatchObject({ code: 'NOT_FOUND' });
    expect(String(item.stderr)).toContain('demo://items/{id}');
    expect((await mcpHost(['read', 'sdk', 'demo://items/7'], { cwd })).stdout).toBe('item 7');
  });
});

describe('an installation that was never built', () => {
  it('says to build it and exits 1, with no stack trace', async () => {
    // bin/ as it is in the repository, beside no dist/.
    const copy = new Workspace();
    try {
      fs.cpSync(path.dirname(BIN), path.join(copy.dir, 'bin'), { recursive: true });
      const result = await execa(process.execPath, [path.join(copy.dir, 'bin', 'mcp-host.js'), '--version'], {
        reject: false,
      });
      expect(result.exitCode).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toBe(
        `mcp-host is not built (${path.join(copy.dir, 'dist', 'cli', 'mcp-host.cjs')} is missing): run \`npm install\` or \`npm run build\``,
      );
    } finally {
      copy.remove();
    }
  });
});
