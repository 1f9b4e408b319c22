/**
 * The whole CLI in-process through `runCli`, with collected output streams: parsing, usage and config errors,
 * `--json` error shapes, colour rules and completion scripts. Servers are real (kitchen-sink from dist/).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.js';
import type { CliIo } from '../../../src/cli/main.js';
import { REPO_ROOT } from '../../helpers/stdio-server.js';

const KITCHEN_SINK = path.join(REPO_ROOT, 'dist/test/fixtures/servers/kitchen-sink.js');

interface Run {
  exitCode: number;
  stdout: string;
  stderr: string;
}

let dir: string;
let configPath: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-run-cli-'));
  configPath = path.join(dir, 'mcp.config.json');
  fs.writeFileSync(
    configPath,
    JSON.stringify({
      mcpServers: {
        kitchen: { command: process.execPath, args: [KITCHEN_SINK], description: 'The kitchen sink' },
        off: { command: 'nothing', disabled: true },
      },
    }),
  );
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs the CLI in-process; `onStderr` sees each write to stderr as it happens. */
async function run(args: string[], io: Partial<CliIo> = {}, onStderr?: (text: string) => void): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const exitCode = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: {
      write: (text: string) => {
        stderr += text;
        onStderr?.(text);
      },
    },
    stdin: Readable.from([]),
    // HOME points into the temp dir so a real user config is never picked up.
    env: { PATH: process.env.PATH, HOME: dir, XDG_RUNTIME_DIR: path.join(dir, '.run') },
    cwd: dir,
    isTTY: { stdout: false, stderr: false },
    ...io,
  });
  return { exitCode, stdout, stderr };
}

describe('runCli: help, version and usage errors', () => {
  it('prints help on stdout with --help and exits 0', async () => {
    const result = await run(['--help']);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(result.stdout).toContain('Usage: mcp-host [options] [command]');
    expect(result.stdout).toContain('Exit codes:');
  });

  it('prints the package version', async () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as {
      version: string;
    };
    expect(await run(['--version'])).toEqual({ exitCode: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('shows help on stderr and exits 1 without a command', async () => {
    const result = await run([]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: mcp-host');
  });

  it('suggests the command meant by a typo', async () => {
    const result = await run(['dicover']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("error: unknown command 'dicover'");
    expect(result.stderr).toContain('(Did you mean discover?)');
  });

  it('reports usage errors as one JSON document on stdout and one JSON line on stderr with --json', async () => {
    const result = await run(['--json', 'call', 'kitchen']);
    expect(result.exitCode).toBe(1);
    const line = { code: 'USAGE', message: expect.stringContaining('"kitchen" is not a tool'), details: {} };
    expect(JSON.parse(result.stdout)).toEqual({ error: line });
    expect(result.stderr.endsWith('\n')).toBe(true);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(result.stderr)).toEqual(line);
  });

  it('rejects a malformed argument before loading any config', async () => {
    const result = await run(['--config', 'missing.json', 'call', 'kitchen.add', 'oops']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('"oops" is not an argument: expected key=value');
  });

  it('rejects a --timeout that is not a number of milliseconds', async () => {
    const result = await run(['--timeout', 'soon', 'ping']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain("option '-t, --timeout <ms>' argument 'soon' is invalid");
  });

  it('rejects an unknown list kind, naming the choices', async () => {
    const result = await run(['list', 'toolz']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('Allowed choices are tools, resources, templates, prompts, servers');
  });
});

describe('runCli: config', () => {
  it('exits 2 naming every place it looked when there is no config', async () => {
    const empty = fs.mkdtempSync(path.join(dir, 'empty-'));
    const result = await run(['ping'], { cwd: empty });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`No config file found: looked for ${path.join(empty, 'mcp.config.json')}`);
  });

  it('lists configured servers without starting them', async () => {
    const result = await run(['list', 'servers']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.split('\n')[0]).toMatch(/^kitchen {2,}stdio {2,}.*kitchen-sink\.js {2}The kitchen sink$/);
    expect(result.stdout).toMatch(/off +disabled +nothing/);
  });

  it('prints only enabled server names with --names', async () => {
    expect(await run(['list', 'servers', '--names'])).toMatchObject({ exitCode: 0, stdout: 'kitchen\n' });
  });

  it('exits 6 with a suggestion for an unknown server, before starting anything', async () => {
    const result = await run(['ping', 'kitchn']);
    expect(result.exitCode).toBe(6);
    expect(result.stderr).toContain('No server named "kitchn"');
    expect(result.stderr).toContain('did you mean "kitchen"?');
  });
});

describe('runCli: entries of other hosts, invalid entries and secrets', () => {
  let mixed: string;
  const env = (): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: dir,
    XDG_RUNTIME_DIR: path.join(dir, '.run'),
    RUN_CLI_TOKEN: 'tok-run-cli-123',
  });
  beforeAll(() => {
    mixed = path.join(dir, 'mixed.config.json');
    fs.writeFileSync(
      mixed,
      JSON.stringify({
        mcpServers: {
          // As Cline writes it: a timeout in seconds, an approval list.
          kitchen: { command: process.execPath, args: [KITCHEN_SINK], timeout: 30, autoApprove: ['add'] },
          broken: { command: 'node', args: 'server.js' },
          files: { command: 'node', args: ['${HOME}/files', '--token', '${RUN_CLI_TOKEN}'] },
        },
      }),
    );
  });
  const inMixed = (args: string[]) => run(['--config', mixed, ...args], { env: env() });

  it('lists an invalid entry with its reason, and shows paths from the environment while hiding a token', async () => {
    const result = await inMixed(['list', 'servers']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(
      /^broken +invalid +mcpServers\.broken\.args: expected array, got string "server\.js"$/m,
    );
    expect(result.stdout).toMatch(new RegExp(`^files +stdio +node ${dir}/files --token \\*\\*\\*$`, 'm'));
    const json = await inMixed(['--json', 'list', 'servers']);
    const { servers } = JSON.parse(json.stdout) as { servers: Record<string, unknown>[] };
    expect(servers[1]).toEqual({
      name: 'broken',
      kind: 'invalid',
      disabled: false,
      problems: ['mcpServers.broken.args: expected array, got string "server.js"'],
    });
    expect(servers[2]).toMatchObject({ args: [`${dir}/files`, '--token', '***'] });
    expect((await inMixed(['list', 'servers', '--names'])).stdout).toBe('kitchen\nfiles\n');
  });

  it('exits 2 naming the field when the invalid server is used, while the others work', async () => {
    const broken = await inMixed(['call', 'broken.anything']);
    expect(broken.exitCode).toBe(2);
    expect(broken.stderr).toContain(`${mixed}: mcpServers.broken.args: expected array, got string "server.js"`);
    const fine = await inMixed(['call', 'kitchen.add', 'a=1', 'b=2']);
    expect(fine).toMatchObject({ exitCode: 0, stderr: '' });
    expect(JSON.parse(fine.stdout)).toEqual({ sum: 3 });
  });

  it('says what it ignores of other hosts’ fields with --verbose only', async () => {
    const quiet = await inMixed(['list', 'servers']);
    expect(quiet.stderr).not.toContain('autoApprove');
    const verbose = await inMixed(['--verbose', 'list', 'servers']);
    expect(verbose.stderr).toContain(
      'mixed.config.json: mcpServers.kitchen.autoApprove (Cline): ignored: mcp-host asks for no approval of tool calls',
    );
    expect(verbose.stderr).toContain('mcpServers.kitchen.timeout (Cline, Roo Code): the request timeout, in seconds');
  });

  it('warns of an unknown field, except with --quiet or --json', async () => {
    const odd = path.join(dir, 'odd.config.json');
    fs.writeFileSync(odd, JSON.stringify({ mcpServers: { k: { command: 'node', pluginMode: 'fast' } } }));
    const result = await run(['--config', odd, 'list', 'servers', '--names']);
    expect(result).toMatchObject({ exitCode: 0, stdout: 'k\n' });
    expect(result.stderr).toContain(
      'warning: odd.config.json: mcpServers.k.pluginMode: unknown field "pluginMode", ignored',
    );
    expect((await run(['--config', odd, '-q', 'list', 'servers', '--names'])).stderr).toBe('');
  });
});

describe('runCli: a bug of mcp-host', () => {
  // The daemon's lending hook is the one seam where the CLI calls code of ours that a test can make throw.
  const broken = (): Partial<CliIo> => ({
    borrowHost: () => Promise.reject(new TypeError("Cannot read properties of undefined (reading 'host')")),
  });

  it('reports an unexpected exception as INTERNAL_ERROR with exit code 70, not as a server or usage failure', async () => {
    const result = await run(['--config', configPath, '--json', 'call', 'kitchen.echo', 'text=hi'], broken());
    expect(result.exitCode).toBe(70);
    expect(JSON.parse(result.stderr)).toEqual({
      code: 'INTERNAL_ERROR',
      message: "Cannot read properties of undefined (reading 'host')",
      details: {},
    });
  });

  it('adds the stack trace with --verbose', async () => {
    const result = await run(['--config', configPath, '--verbose', 'call', 'kitchen.echo', 'text=hi'], broken());
    expect(result.exitCode).toBe(70);
    expect(result.stderr).toContain("error: Cannot read properties of undefined (reading 'host')");
    expect(result.stderr).toMatch(/TypeError: .*\n\s+at /);
  });
});

describe('runCli: colour', () => {
  const escape = new RegExp(`${String.fromCharCode(27)}\\[`);

  it('colours a terminal', async () => {
    expect((await run(['list', 'servers'], { isTTY: { stdout: true, stderr: true } })).stdout).toMatch(escape);
  });

  it('does not colour with --no-color, NO_COLOR or a pipe', async () => {
    const tty = { isTTY: { stdout: true, stderr: true } };
    expect((await run(['--no-color', 'list', 'servers'], tty)).stdout).not.toMatch(escape);
    expect(
      (
        await run(['list', 'servers'], {
          ...tty,
          env: { HOME: dir, XDG_RUNTIME_DIR: path.join(dir, '.run'), NO_COLOR: '1' },
        })
      ).stdout,
    ).not.toMatch(escape);
    expect((await run(['list', 'servers'])).stdout).not.toMatch(escape);
  });

  it('colours errors on a terminal stderr only', async () => {
    const coloured = await run(['ping', 'nope'], { isTTY: { stdout: false, stderr: true } });
    expect(coloured.stderr).toMatch(escape);
    expect((await run(['ping', 'nope'])).stderr).not.toMatch(escape);
  });
});

describe('runCli: long descriptions', () => {
  it('wrap to the terminal’s width, and stay on one line in a pipe', async () => {
    const onTerminal = await run(['--no-color', 'list', 'tools'], {
      isTTY: { stdout: true, stderr: false },
      columns: 40,
    });
    expect(onTerminal.exitCode).toBe(0);
    expect(onTerminal.stdout).toContain(
      'kitchen.count  Counts to `to`, one step\n               every `stepMs`, reporting',
    );
    for (const line of onTerminal.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(40);
    const piped = await run(['list', 'tools'], { columns: 40 });
    expect(piped.stdout).toContain(
      'kitchen.count  Counts to `to`, one step every `stepMs`, reporting progress; stops when cancelled\n',
    );
  });
});

describe('runCli: control characters from servers', () => {
  // A result that would set the terminal's title: escaped on a terminal, the bytes themselves on a pipe or with --raw.
  const title = '\x1b]0;owned\x07';
  const ECHO = path.join(REPO_ROOT, 'dist/test/fixtures/servers/echo.js');
  let echoConfig: string;
  beforeAll(() => {
    echoConfig = path.join(dir, 'echo.config.json');
    fs.writeFileSync(echoConfig, JSON.stringify({ mcpServers: { echo: { command: process.execPath, args: [ECHO] } } }));
  });
  const echo = (args: string[], io: Partial<CliIo> = {}) => run(['--config', echoConfig, ...args], io);

  it('shows them escaped on a terminal', async () => {
    const result = await echo(['call', 'echo.echo', `text=${title}hi`], { isTTY: { stdout: true, stderr: true } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('\\x1b]0;owned\\x07hi');
    expect(result.stdout).not.toContain(title);
  });

  it('passes them through to a pipe, and to a terminal with --raw', async () => {
    const piped = await echo(['call', 'echo.echo', `text=${title}hi`]);
    expect(piped).toMatchObject({ exitCode: 0, stdout: `${title}hi\n` });
    const raw = await echo(['--raw', 'call', 'echo.echo', `text=${title}hi`], {
      isTTY: { stdout: true, stderr: true },
    });
    expect(raw.exitCode).toBe(0);
    expect(raw.stdout).toContain(`${title}hi`);
  });

  it('escapes them in an error message on a terminal stderr', async () => {
    const result = await echo(['call', `echo.${title}`], { isTTY: { stdout: false, stderr: true } });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('\\x1b]0;owned\\x07');
    expect(result.stderr).not.toContain(title);
  });
});

describe('runCli: servers', () => {
  it('calls a tool and prints the result', async () => {
    const result = await run(['call', 'kitchen.add', 'a=2', 'b=3']);
    expect(result).toMatchObject({ exitCode: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual({ sum: 5 });
  });

  it('draws progress on a terminal stderr and clears it before the result', async () => {
    const result = await run(['call', 'kitchen.count', 'to=4', 'stepMs=1'], { isTTY: { stdout: false, stderr: true } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('counted to 4\n');
    const eraseLine = '\r\x1b[2K';
    expect(result.stderr).toContain(`${eraseLine}\x1b[36mkitchen.count [#####---------------] 25% step 1\x1b[39m`);
    expect(result.stderr).toContain('kitchen.count [####################] 100% step 4');
    expect(result.stderr.endsWith(eraseLine)).toBe(true);
  });

  it('draws no progress when stderr is not a terminal, or with --quiet', async () => {
    const piped = await run(['call', 'kitchen.count', 'to=2', 'stepMs=1']);
    expect(piped).toMatchObject({ exitCode: 0, stderr: '' });
    const quiet = await run(['-q', 'call', 'kitchen.count', 'to=2', 'stepMs=1'], {
      isTTY: { stdout: false, stderr: true },
    });
    expect(quiet).toMatchObject({ exitCode: 0, stderr: '' });
  });

  it('returns 130 when interrupted during a call, without waiting for the call to end', async () => {
    const controller = new AbortController();
    // Interrupted once the call is under way, as its first progress line (on a terminal stderr) shows.
    const result = await run(
      ['call', 'kitchen.count', 'to=100000', 'stepMs=5'],
      { signal: controller.signal, isTTY: { stdout: false, stderr: true } },
      (text) => {
        if (text.includes('step 1')) controller.abort();
      },
    );
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain('error: Interrupted');
    // The count would take 500 s: returning at all, within the test's timeout, shows the interrupt did not wait.
    expect(result.stdout).toBe('');
  });

  it('returns 130 at once when the signal is already aborted', async () => {
    const result = await run(['ping'], { signal: AbortSignal.abort() });
    expect(result.exitCode).toBe(130);
  });
});

describe('runCli: completion', () => {
  it('generates scripts that name every command and global option', async () => {
    for (const shell of ['bash', 'zsh', 'fish']) {
      const { exitCode, stdout } = await run(['completion', shell]);
      expect(exitCode).toBe(0);
      for (const word of ['discover', 'list', 'call', 'read', 'prompt', 'ping', 'schema', 'completion']) {
        expect(stdout).toContain(word);
      }
      expect(stdout).toContain('config');
      expect(stdout).toContain('--names');
    }
    expect((await run(['completion', 'bash'])).stdout).toContain('complete -F _mcp_host mcp-host');
    expect((await run(['completion', 'zsh'])).stdout.startsWith('#compdef mcp-host\n')).toBe(true);
    expect((await run(['completion', 'fish'])).stdout).toContain('complete -c mcp-host -s c -l config -r -F');
  });

  it('wraps the script in a JSON document with --json', async () => {
    const { stdout } = await run(['--json', 'completion', 'fish']);
    expect(JSON.parse(stdout)).toEqual({ shell: 'fish', script: expect.stringContaining('complete -c mcp-host') });
  });
});
