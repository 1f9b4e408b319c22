/**
 * Secrets from the environment never leave the CLI, in any form: the real CLI runs against secret-echo, a server
 * that echoes its two secrets back as text, JSON-escaped text, URL-encoded and base64 text, structuredContent (a
 * string with `"` and `\`, and a number), progress messages, tool errors, JSON-RPC errors, stderr and blobs. Every
 * byte the CLI printed or wrote is searched for each form with a detector written here, independently of the
 * redactor. Also: saved blobs go to the user's cache directory, nothing is left in $TMPDIR, and one huge error
 * message is cut, while a huge result is not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Workspace, fixture, mcpHost, mcpHostOnTerminal, parseJson } from './mcp-host.js';

/** A space, quotes, a backslash and a non-ASCII letter: each is written differently by JSON, URLs and HTML. */
const SECRET = 's3cr3t "quoted" back\\slash café';
/** Digits: JSON carries them as a number, not a string. */
const PIN = '12345678';

let workspace: Workspace;
let cwd: string;
let tmp: string;
let env: Record<string, string>;

beforeAll(() => {
  workspace = new Workspace();
  cwd = workspace.dir;
  tmp = path.join(cwd, 'tmp');
  fs.mkdirSync(tmp);
  env = { E2E_SECRET: SECRET, E2E_PIN: PIN, TMPDIR: tmp };
  workspace.writeConfig({
    mcpServers: {
      secret: {
        command: process.execPath,
        args: [fixture('secret-echo')],
        env: { SECRET: '${E2E_SECRET}', PIN: '${E2E_PIN}' },
      },
    },
  });
});

afterAll(() => workspace.remove());

/** The forms of `secret` found in `text`: each spelling a program is likely to print, and base64 at any alignment. */
function leaksIn(text: string, secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  const spellings: Record<string, string> = {
    plain: secret,
    json,
    'json-ascii': json.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`),
    'json-in-json': JSON.stringify(json).slice(1, -1),
    url: encodeURIComponent(secret),
    form: new URLSearchParams({ k: secret }).toString().slice(2),
  };
  const found = Object.entries(spellings)
    .filter(([, spelling]) => text.includes(spelling))
    .map(([name]) => name);
  // Decode every run of base64 characters (both alphabets) from each of its first four characters.
  const bytes = Buffer.from(secret);
  for (const run of text.match(/[A-Za-z0-9+/_-]{6,}/g) ?? []) {
    for (let offset = 0; offset < 4; offset++) {
      if (Buffer.from(run.slice(offset), 'base64').includes(bytes)) found.push(`base64 (${run})`);
    }
  }
  return found;
}

/** Everything one run left: what it printed, and it is checked for both secrets. */
const outputs: { label: string; text: string }[] = [];

async function run(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const result = await mcpHost(args, { cwd, env });
  const stdout = String(result.stdout);
  const stderr = String(result.stderr);
  outputs.push({ label: `stdout of ${args.join(' ')}`, text: sample(stdout) });
  outputs.push({ label: `stderr of ${args.join(' ')}`, text: sample(stderr) });
  return { exitCode: result.exitCode ?? -1, stdout, stderr };
}

/** A huge output's first and last MiB (the secrets are at the start; the middle is filler). */
function sample(text: string): string {
  const MIB = 1024 * 1024;
  return text.length > 2 * MIB ? `${text.slice(0, MIB)}\n${text.slice(-MIB)}` : text;
}

/** Every file under `dir`, recursively. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name));
}

function expectNoLeaks(label: string, text: string): void {
  expect({ label, secret: leaksIn(text, SECRET), pin: leaksIn(text, PIN) }).toEqual({ label, secret: [], pin: [] });
}

describe('secrets in every form a server echoes them', () => {
  it('hides them in text, JSON text, URLs and base64, in human output', async () => {
    const result = await run(['call', 'secret.echo_forms']);
    expect(result.exitCode).toBe(0);
    // The forms are there, each replaced: proof that the server did echo them.
    expect(result.stdout).toContain('plain: ***\n');
    expect(result.stdout).toContain('json: {"key":"***"}');
    expect(result.stdout).toContain('json-ascii: "***"');
    expect(result.stdout).toContain('url: https://example.com/cb?key=***&form=k=***');
    expect(result.stdout).toContain('plain: ***\njson: {"key":"***"}');
    // The mirror of structuredContent, pretty-printed: the number is hidden as well.
    expect(result.stdout).toContain('"pin": "***"');
  });

  it('hides them in --json output, structuredContent numbers and JSON-escaped strings included', async () => {
    const result = await run(['--json', 'call', 'secret.echo_forms']);
    expect(result.exitCode).toBe(0);
    const { result: call } = parseJson(result.stdout) as { result: { structuredContent: unknown } };
    expect(call.structuredContent).toEqual({
      secret: '***',
      pin: '***',
      nested: { list: ['***', '***'], '***': 1 },
    });
  });

  it('hides them in structuredContent printed for a person', async () => {
    const result = await run(['call', 'secret.structured_only']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ secret: '***', pin: '***' });
  });

  it('hides them in --verbose lines of the server’s stderr', async () => {
    const result = await run(['--verbose', 'call', 'secret.structured_only']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('secret-echo: starting with SECRET=*** and PIN=***');
  });

  it('hides them in a tool error, human and --json', async () => {
    const human = await run(['call', 'secret.fail_tool']);
    expect(human.exitCode).toBe(5);
    expect(human.stderr).toContain('rejected key *** (as JSON "***", base64 ***');
    const json = await run(['--json', 'call', 'secret.fail_tool']);
    expect(json.exitCode).toBe(5);
    const line = JSON.parse(json.stderr) as { code: string; message: string };
    expect(line.code).toBe('TOOL_ERROR');
    expect(line.message).toContain('rejected key ***');
  });

  it('hides them in a JSON-RPC error and its data, human and --json', async () => {
    const human = await run(['call', 'secret.fail_rpc']);
    expect(human.stderr).toContain('upstream refused *** "***"');
    const json = await run(['--json', 'call', 'secret.fail_rpc']);
    const { error } = parseJson(json.stdout) as { error: { details: { rpcData: unknown } } };
    expect(error.details.rpcData).toEqual({ secret: '***', pin: '***', escaped: '{"secret":"***"}' });
    expect(JSON.parse(json.stderr)).toMatchObject({ details: { rpcData: { pin: '***' } } });
  });

  it('hides them in a text resource read byte for byte', async () => {
    const result = await run(['read', 'secret', 'secret://text']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('plain: ***\n');
  });

  it('hides them in progress lines drawn on a terminal', async () => {
    // On a terminal (stdout and stderr both), the CLI draws progress.
    const result = await mcpHostOnTerminal(['call', 'secret.progress'], { cwd, env });
    const text = String(result.stdout);
    outputs.push({ label: 'terminal of call secret.progress', text });
    expect(result.exitCode).toBe(0);
    expect(text).toContain('secret.progress');
    expect(text).toContain('using ***');
    expect(text).toContain('pin ***');
    expect(text).toContain('json "***"');
    expect(text).toContain('done');
  });
});

describe('saved blobs', () => {
  it('saves them to the user’s cache directory, owner-only, with the secrets hidden inside', async () => {
    const result = await run(['call', 'secret.blobs']);
    expect(result.exitCode).toBe(0);
    const saved = [...result.stdout.matchAll(/saved to (\S+)/g)].map((match) => match[1]!);
    expect(saved).toHaveLength(4);
    const root = path.join(cwd, '.cache', 'mcp-host', 'files');
    for (const file of saved) {
      expect(file.startsWith(`${root}${path.sep}`)).toBe(true);
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(fs.statSync(path.dirname(file)).mode & 0o777).toBe(0o700);
    }
    expect(fs.statSync(root).mode & 0o777).toBe(0o700);
    // The PNG keeps its header and its other bytes; the secret in it is replaced.
    const image = fs.readFileSync(saved[0]!);
    expect(image.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(image.includes(Buffer.from('tEXt key=*** pin=***'))).toBe(true);
    expect(fs.readFileSync(saved[3]!, 'utf8')).toBe('token: ***\n');
    // The text/plain blob is shown, not saved.
    expect(result.stdout).toContain('[resource secret://note.txt text/plain]\n***\n');
  });

  it('hides them in a resource blob written to --out FILE, to a directory, or to a pipe as its bytes', async () => {
    const toFile = await run(['read', 'secret', 'secret://blob', '--out', 'blob.bin']);
    expect(toFile.exitCode).toBe(0);
    expect(toFile.stderr).toContain('(a secret in it was replaced with ***)');
    expect(fs.readFileSync(path.join(cwd, 'blob.bin')).includes(Buffer.from('key=*** pin=***'))).toBe(true);
    const toDirectory = await run(['read', 'secret', 'secret://blob', '--out', 'exports/']);
    expect(toDirectory.exitCode).toBe(0);
    const [file] = filesUnder(path.join(cwd, 'exports'));
    expect(fs.readFileSync(file!).includes(Buffer.from('key=*** pin=***'))).toBe(true);
    const piped = await run(['read', 'secret', 'secret://blob']);
    expect(piped.exitCode).toBe(0);
    expect(piped.stdout).toContain('key=*** pin=***');
  });

  it('hides them inside base64 data in --json output, which stays valid base64', async () => {
    const result = await run(['--json', 'call', 'secret.blobs']);
    expect(result.exitCode).toBe(0);
    const { result: call } = parseJson(result.stdout) as { result: { content: { data?: string }[] } };
    const image = Buffer.from(call.content[0]!.data!, 'base64');
    expect(image.includes(Buffer.from('tEXt key=*** pin=***'))).toBe(true);
  });
});

describe('huge error messages', () => {
  const FIFTY_MIB = 50 * 1024 * 1024;

  it('prints at most 4 KiB of a 50 MiB JSON-RPC error, saying how much was cut, human and --json', async () => {
    const human = await run(['call', 'secret.huge_error', 'kind=rpc', `bytes=${FIFTY_MIB}`]);
    expect(human.exitCode).not.toBe(0);
    expect(human.stderr.length).toBeLessThan(6 * 1024);
    expect(human.stderr).toMatch(/\*\*\* x+… \(52,4\d\d,\d{3} more characters not shown\)/);
    const json = await run([
      '--json',
      'call',
      'secret.huge_error',
      'kind=rpc',
      `bytes=${FIFTY_MIB}`,
      'dataBytes=100000',
    ]);
    expect(json.stdout.length).toBeLessThan(12 * 1024);
    const line = JSON.parse(json.stderr) as { message: string; details: { rpcData: { filler: string } } };
    expect(line.message).toMatch(/more characters not shown\)$/);
    expect(line.details.rpcData.filler).toMatch(/^\*\*\* y+… \(\d{2},\d{3} more characters not shown\)$/);
  }, 60_000);

  it('cuts a 50 MiB tool error on stderr but prints the whole result with --json', async () => {
    const json = await run(['--json', 'call', 'secret.huge_error', 'kind=tool', `bytes=${FIFTY_MIB}`]);
    expect(json.exitCode).toBe(5);
    expect(json.stderr.length).toBeLessThan(6 * 1024);
    const { result } = parseJson(json.stdout) as { result: { content: { text: string }[] } };
    expect(result.content[0]!.text).toHaveLength(4 + FIFTY_MIB);
    expect(result.content[0]!.text.startsWith('*** x')).toBe(true);
  }, 60_000);
});

describe('what the runs left behind', () => {
  it('printed no secret in any form, on stdout, stderr or a terminal', () => {
    expect(outputs.length).toBeGreaterThan(20);
    for (const { label, text } of outputs) expectNoLeaks(label, text);
  });

  it('wrote no secret in any form to any file', () => {
    const files = filesUnder(cwd).filter((file) => !file.endsWith('mcp.config.json'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const bytes = fs.readFileSync(file);
      expect(bytes.includes(Buffer.from(SECRET))).toBe(false);
      expectNoLeaks(file, bytes.toString('utf8'));
    }
  });

  it('left nothing in $TMPDIR', () => {
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
