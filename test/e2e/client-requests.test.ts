/**
 * What the CLI answers when a server asks it something from inside a tool (a server on the official SDK): its
 * roots, a form to fill in (on a terminal, without one, and with --yes), and sampling, refused until an LLM is
 * configured. And the protocol revision it offers, pinned with --protocol-version.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace, fixture, mcpHost, mcpHostOnTerminal } from './mcp-host.js';

let workspace: Workspace;
let cwd: string;

beforeAll(() => {
  workspace = new Workspace();
  cwd = workspace.dir;
  workspace.writeConfig({ mcpServers: { asker: { command: process.execPath, args: [fixture('sdk-asker')] } } });
});

afterAll(() => workspace.remove());

/** The tool's text result, parsed. */
function answerOf(stdout: unknown): unknown {
  return JSON.parse(String(stdout));
}

describe('roots', () => {
  it('are the working directory, and each --root', async () => {
    const result = await mcpHost(['--root', '/srv/data', '--root', 'sub', 'call', 'asker.my_roots'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(answerOf(result.stdout)).toEqual({
      roots: [
        { uri: pathToFileURL(cwd).href, name: path.basename(cwd) },
        { uri: 'file:///srv/data', name: 'data' },
        { uri: pathToFileURL(path.join(cwd, 'sub')).href, name: 'sub' },
      ],
    });
  });
});

describe('a form a server asks for', () => {
  it('is declined at once without a terminal, saying so on stderr', async () => {
    const result = await mcpHost(['call', 'asker.ask_trip'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(answerOf(result.stdout)).toEqual({ action: 'decline' });
    expect(result.stderr).toBe(
      'asker asked: Plan a trip; declined: no terminal to ask on (--yes accepts the defaults)\n',
    );
  });

  it('is answered with its defaults with --yes, or declined when a required field has none', async () => {
    const defaults = await mcpHost(['--yes', 'call', 'asker.ask_defaults'], { cwd });
    expect(defaults).toMatchObject({ exitCode: 0, stderr: '' });
    expect(answerOf(defaults.stdout)).toEqual({ action: 'accept', content: { units: 'imperial' } });
    const trip = await mcpHost(['--yes', 'call', 'asker.ask_trip'], { cwd });
    expect(answerOf(trip.stdout)).toEqual({ action: 'decline' });
    expect(trip.stderr).toContain('declined: --yes has no default for city');
  });

  it('is asked field by field on a terminal, typed by its schema, with defaults and re-asked until valid', async () => {
    // `script` gives the CLI a terminal; the answers are typed ahead: a city, Enter for the default units, a day
    // count out of range (asked again), then a valid one.
    const result = await mcpHostOnTerminal(['call', 'asker.ask_trip'], {
      cwd,
      env: { NO_COLOR: '1' },
      input: 'Oslo\n\n0\n5\n',
    });
    const terminal = String(result.stdout);
    expect(result.exitCode).toBe(0);
    expect(terminal).toContain('asker asks: Plan a trip');
    expect(terminal).toContain('city Where to (string, required): ');
    expect(terminal).toContain('units (metric/imperial, default metric): ');
    expect(terminal).toContain('expected at least 1');
    const json = terminal.slice(terminal.indexOf('{')).replaceAll('\r', '');
    expect(JSON.parse(json)).toEqual({ action: 'accept', content: { city: 'Oslo', units: 'metric', days: 5 } });
  });
});

describe('a form on a terminal, from a server that sends escape sequences', () => {
  it('shows them escaped, as all server text on a terminal is', async () => {
    const result = await mcpHostOnTerminal(['call', 'asker.ask_sneaky'], { cwd, env: { NO_COLOR: '1' }, input: '\n' });
    const terminal = String(result.stdout);
    expect(result.exitCode).toBe(0);
    expect(terminal).toContain('asker asks: Plan\\x1b]0;owned\\x07 a trip');
    expect(terminal).toContain('City\\x1b[2J');
    expect(terminal).not.toContain('\x1b]0;owned');
    expect(terminal).not.toContain('\x1b[2J');
  });
});

describe('sampling', () => {
  it('is refused with a message that says why', async () => {
    const result = await mcpHost(['call', 'asker.sample'], { cwd });
    expect(result.exitCode).toBe(5);
    expect(result.stderr).toContain('sampling/createMessage: this client has no LLM to sample from');
  });
});

describe('--protocol-version', () => {
  it('pins the revision offered, and discover reports the one negotiated', async () => {
    const pinned = await mcpHost(['--protocol-version', '2025-03-26', 'discover', 'asker'], { cwd });
    expect(pinned.exitCode).toBe(0);
    expect(pinned.stdout).toContain('protocol 2025-03-26');
    const refused = await mcpHost(['--protocol-version', '2023-01-01', 'discover'], { cwd });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain("option '--protocol-version <version>' argument '2023-01-01' is invalid");
  });
});
