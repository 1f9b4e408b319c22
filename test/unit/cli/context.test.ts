/**
 * The CLI context's output paths: every write to stdout or stderr is redacted (results, JSON documents, progress
 * lines, commander's own output, error reports), and one error message, or a value in its details, is cut to
 * MAX_ERROR_MESSAGE_CHARS with a note of how much was left out. The secrets come from a real config with `${VAR}`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CliContext, MAX_ERROR_MESSAGE_CHARS, capMessage } from '../../../src/cli/context.js';
import type { GlobalOptions } from '../../../src/cli/context.js';
import { McpHostError } from '../../../src/protocol/errors.js';

const SECRET = 'tok"en\\with-quotes';
const PIN = '12345678';

let dir: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-context-'));
  fs.writeFileSync(
    path.join(dir, 'mcp.config.json'),
    JSON.stringify({ mcpServers: { s: { command: 'node', env: { KEY: '${E2E_KEY}', PIN: '${E2E_PIN}' } } } }),
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A context over collected streams, its secrets loaded from the config; stderr is a terminal when `isTTY`. */
async function context(options: Partial<GlobalOptions> = {}, isTTY = false) {
  const output = { stdout: '', stderr: '' };
  const ctx = new CliContext(
    {
      stdout: { write: (text: string) => (output.stdout += text) },
      stderr: { write: (text: string) => (output.stderr += text) },
      stdin: Readable.from([]),
      env: { HOME: dir, XDG_RUNTIME_DIR: path.join(dir, '.run'), E2E_KEY: SECRET, E2E_PIN: PIN },
      cwd: dir,
      isTTY: { stdout: false, stderr: isTTY },
    },
    { isJson: false, isQuiet: false, isVerbose: false, isColorDisabled: true, ...options },
  );
  await ctx.loadConfig();
  return { ctx, output };
}

describe('CliContext: one redaction for every write', () => {
  it('redacts print, printRaw, diagnostics and what commander writes', async () => {
    const { ctx, output } = await context();
    ctx.print(`a ${SECRET}`);
    ctx.printRaw(JSON.stringify({ key: SECRET }));
    ctx.writeOut(`\n${PIN}\n`);
    ctx.diagnostic(`d ${encodeURIComponent(SECRET)}`);
    ctx.writeErr(`e ${Buffer.from(SECRET).toString('base64')}\n`);
    expect(output.stdout).toBe('a ***\n{"key":"***"}\n***\n');
    expect(output.stderr).toBe('d ***\ne ***\n');
  });

  it('redacts a JSON document as values: a secret number becomes "***" and the JSON stays valid', async () => {
    const { ctx, output } = await context({ isJson: true });
    ctx.printJson({ pin: Number(PIN), text: `say ${SECRET}`, nested: [JSON.stringify({ k: SECRET })] });
    expect(JSON.parse(output.stdout)).toEqual({ pin: '***', text: 'say ***', nested: ['{"k":"***"}'] });
  });

  it('redacts a progress line before cutting it, so no part of a secret is left at the cut', async () => {
    const { ctx, output } = await context({}, true);
    const report = ctx.progressReporter('s.tool');
    expect(report).toBeDefined();
    // The secret straddles the 100th character, where the line is cut.
    report!({ progressToken: 1, progress: 1, total: 2, message: `${'m'.repeat(45)} ${SECRET} and ${PIN}` });
    report!({ progressToken: 1, progress: 2, total: 2, message: `pin ${PIN}` });
    ctx.clearProgress();
    expect(output.stderr).toContain('s.tool [##########----------] 50%');
    expect(output.stderr).toContain('pin ***');
    expect(output.stderr).not.toContain('tok');
    expect(output.stderr).not.toContain('1234');
  });

  it('redacts error messages and details, human and --json', async () => {
    const error = new McpHostError('SERVER_ERROR', `s: refused ${JSON.stringify(SECRET)}`, {
      server: 's',
      rpcData: { pin: Number(PIN), key: SECRET },
      stderrTail: [`using ${SECRET}`],
    });
    const human = await context();
    human.ctx.report(error);
    expect(human.output.stderr).toContain('error: s: refused "***"');
    expect(human.output.stderr).toContain('  using ***');
    const json = await context({ isJson: true });
    json.ctx.report(error);
    const document = JSON.parse(json.output.stdout) as { error: { message: string; details: unknown } };
    expect(document.error.message).toBe('s: refused "***"');
    expect(document.error.details).toEqual({
      server: 's',
      rpcData: { pin: '***', key: '***' },
      stderrTail: ['using ***'],
    });
    expect(JSON.parse(json.output.stderr)).toEqual(document.error);
  });
});

describe('CliContext: error messages are cut', () => {
  it('cuts a long message to MAX_ERROR_MESSAGE_CHARS and says how much more there was', () => {
    expect(capMessage('short')).toBe('short');
    const cut = capMessage('x'.repeat(MAX_ERROR_MESSAGE_CHARS + 12_345));
    expect(cut).toBe(`${'x'.repeat(MAX_ERROR_MESSAGE_CHARS)}… (12,345 more characters not shown)`);
  });

  it('never cuts a surrogate pair in half', () => {
    const cut = capMessage(`${'x'.repeat(MAX_ERROR_MESSAGE_CHARS - 1)}😀${'y'.repeat(10)}`);
    expect(cut).toBe(`${'x'.repeat(MAX_ERROR_MESSAGE_CHARS - 1)}… (12 more characters not shown)`);
  });

  it('cuts the message after redacting it, in human output and both --json documents', async () => {
    const huge = `${SECRET} ${'x'.repeat(10 * 1024 * 1024)}`;
    const error = new McpHostError('SERVER_ERROR', huge, { rpcData: { filler: huge }, list: [huge, 1] });
    const human = await context();
    human.ctx.report(error);
    expect(human.output.stderr.length).toBeLessThan(MAX_ERROR_MESSAGE_CHARS + 200);
    expect(human.output.stderr).toMatch(/^error: \*\*\* x+… \(10,481,\d{3} more characters not shown\)\n/);
    const json = await context({ isJson: true });
    json.ctx.report(error);
    const line = JSON.parse(json.output.stderr) as { message: string; details: Record<string, unknown> };
    expect(line.message).toMatch(/^\*\*\* x+… \(10,481,\d{3} more characters not shown\)$/);
    expect(line.details).toEqual({ rpcData: { filler: line.message }, list: [line.message, 1] });
    expect(json.output.stdout.length).toBeLessThan(4 * (MAX_ERROR_MESSAGE_CHARS + 200));
  });

  it('cuts details that are large without any long string, and a value nested too deeply to walk', async () => {
    let deep: unknown = 'bottom';
    for (let i = 0; i < 100_000; i++) deep = [deep];
    const error = new McpHostError('SERVER_ERROR', 'big data', {
      server: 's',
      rpcData: Array.from({ length: 50_000 }, (_, i) => i),
      nested: deep,
    });
    const { ctx, output } = await context({ isJson: true });
    ctx.report(error);
    const line = JSON.parse(output.stderr) as { details: Record<string, unknown> };
    expect(line.details.server).toBe('s');
    expect(line.details.rpcData).toMatch(/^\[0,1,2,.*… \(\d{3},\d{3} more characters not shown\)$/);
    expect(line.details.nested).toBe('(nested too deeply to show)');
  });
});
