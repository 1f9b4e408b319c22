/**
 * The commands in human mode: output a person reads, argument forms, content rendering, and shell completion.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, EVERYTHING, Workspace, fixture, mcpHost, mcpHostOnTerminal } from './mcp-host.js';

let workspace: Workspace;
let cwd: string;

beforeAll(() => {
  workspace = new Workspace();
  cwd = workspace.dir;
  workspace.writeConfig({
    mcpServers: {
      kitchen: { command: process.execPath, args: [fixture('kitchen-sink')] },
      echo: { command: process.execPath, args: [fixture('echo')] },
      everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] },
      noisy: { command: process.execPath, args: [fixture('noisy-stdout')] },
      crashy: { command: process.execPath, args: [fixture('crash-on-start')] },
    },
  });
});

afterAll(() => workspace.remove());

describe('discover', () => {
  it('shows each server with its tools, resources, templates and prompts, and a failed one with its reason', async () => {
    const result = await mcpHost(['discover', 'kitchen', 'crashy'], { cwd });
    expect(result.exitCode).toBe(3);
    const lines = String(result.stdout).split('\n');
    expect(lines[0]).toBe('✔ kitchen  kitchen-sink 1.0.0  protocol 2025-11-25');
    expect(lines).toContain('  tools (4)');
    expect(lines).toContain('    add    Adds two numbers');
    expect(lines).toContain('    kitchen://dishes/{dish}  dish  application/json');
    expect(lines).toContain('    order  dish  Orders a dish');
    expect(lines).toContain('✖ crashy  failed (SERVER_EXITED)');
    expect(lines).toContain('    fatal: missing API key');
    expect(result.stderr).toContain('2 servers: 1 ok, 1 failed');
  });
});

describe('call', () => {
  it('types key=value by the schema: a string stays a string, an integer becomes a number', async () => {
    const echo = await mcpHost(['call', 'echo.echo', 'text=00123'], { cwd });
    expect(echo).toMatchObject({ exitCode: 0, stdout: '00123\n' });
    const count = await mcpHost(['call', 'kitchen.count', 'to=3', 'stepMs=1'], { cwd });
    expect(count).toMatchObject({ exitCode: 0, stdout: 'counted to 3\n' });
  });

  it('prints no Node warning when NO_COLOR and FORCE_COLOR are both set, and follows NO_COLOR when it is not empty', async () => {
    const emptyNoColor = await mcpHost(['call', 'echo.nope'], { cwd, env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(emptyNoColor.exitCode).toBe(6);
    expect(emptyNoColor.stderr).not.toContain('Warning');
    expect(emptyNoColor.stderr).toContain('\x1b[31merror:');
    const both = await mcpHost(['call', 'echo.nope'], { cwd, env: { NO_COLOR: '1', FORCE_COLOR: '1' } });
    expect(both.exitCode).toBe(6);
    expect(both.stderr).not.toContain('Warning');
    expect(both.stderr).not.toContain('\x1b[');
  });

  it('takes arguments from --args JSON, @file and stdin, with key=value on top', async () => {
    const inline = await mcpHost(['call', 'kitchen.add', '--args', '{"a": 1, "b": 1}', 'b=5'], { cwd });
    expect(JSON.parse(String(inline.stdout))).toEqual({ sum: 6 });
    fs.writeFileSync(path.join(cwd, 'args.json'), '{"a": 10, "b": 20}');
    const file = await mcpHost(['call', 'kitchen.add', '--args', '@args.json'], { cwd });
    expect(JSON.parse(String(file.stdout))).toEqual({ sum: 30 });
    const stdin = await mcpHost(['call', 'kitchen.add', '--args', '-', 'a:=100'], { cwd, input: '{"a": 1, "b": 2}' });
    expect(JSON.parse(String(stdin.stdout))).toEqual({ sum: 102 });
  });

  it('checks enums before calling', async () => {
    const result = await mcpHost(['call', 'kitchen.log', 'level=warn'], { cwd });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('level: expected one of debug, info, error, got string "warn"');
  });

  it("shows the server's log messages on stderr: warnings and worse, or from --log-level up", async () => {
    const error = await mcpHost(['call', 'kitchen.log', 'level=error'], { cwd });
    expect(error).toMatchObject({ exitCode: 0, stdout: 'logged\n' });
    expect(error.stderr).toContain('[kitchen] error (kitchen): a error message');
    const info = await mcpHost(['call', 'kitchen.log', 'level=info'], { cwd });
    expect(info.stderr).not.toContain('a info message');
    const asked = await mcpHost(['--log-level', 'info', 'call', 'kitchen.log', 'level=info'], { cwd });
    expect(asked.stderr).toContain('[kitchen] info (kitchen): a info message');
    // --json keeps stderr for the one error line, unless log messages are asked for.
    const json = await mcpHost(['--json', 'call', 'kitchen.log', 'level=error'], { cwd });
    expect(json.stderr).toBe('');
    const refused = await mcpHost(['--log-level', 'loud', 'call', 'kitchen.log', 'level=info'], { cwd });
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('loud');
  });

  it('saves an image to --out and prints its path', async () => {
    const out = path.join(cwd, 'images');
    const result = await mcpHost(['call', 'everything.get-tiny-image', '--out', out], { cwd });
    expect(result.exitCode).toBe(0);
    const file = path.join(out, 'everything-get-tiny-image-1.png');
    expect(result.stdout).toContain(`[image image/png, `);
    expect(result.stdout).toContain(`saved to ${file}`);
    expect(fs.readFileSync(file).subarray(1, 4).toString('latin1')).toBe('PNG');
  });

  it('lists resource links', async () => {
    const result = await mcpHost(['call', 'everything.get-resource-links', 'count=2'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^\[link\] demo:\/\/resource\/dynamic\/\w+\/1 /m);
  });

  it('reports invalid stdout lines and shows server stderr with --verbose', async () => {
    const result = await mcpHost(['--verbose', 'call', 'noisy.echo', 'text=hi'], { cwd });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'hi\n' });
    expect(result.stderr).toContain('[noisy] invalid line on stdout');
    expect(result.stderr).toContain('noisy-stdout: starting up (this line is not JSON)');
  });
});

describe('read, prompt, ping, schema, list', () => {
  it('reads a resource whose URI has colons, printing the text as is', async () => {
    const result = await mcpHost(['read', 'everything', 'demo://resource/dynamic/text/7'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Resource 7');
    // Byte for byte: the resource has no final newline, and none is added.
    const kitchen = await mcpHost(['read', 'kitchen', 'kitchen://dishes/salad:green:2'], { cwd });
    expect(kitchen).toMatchObject({ exitCode: 0, stdout: '{"dish":"salad:green:2"}' });
  });

  it('writes a blob to a pipe as its bytes, or to the file --out names, and nothing else', async () => {
    const everyByte = Buffer.from(Array.from({ length: 256 }, (_, index) => index));
    const piped = await mcpHost(['read', 'kitchen', 'kitchen://bytes'], { cwd, encoding: 'buffer' });
    expect({
      exitCode: piped.exitCode,
      stdout: Buffer.from(piped.stdout as Uint8Array),
      stderr: String(piped.stderr),
    }).toEqual({
      exitCode: 0,
      stdout: everyByte,
      stderr: '',
    });
    const toFile = await mcpHost(['read', 'kitchen', 'kitchen://bytes', '--out', 'bytes.bin'], { cwd });
    expect(toFile).toMatchObject({ exitCode: 0, stdout: '' });
    expect(toFile.stderr).toBe(`saved to ${path.join(cwd, 'bytes.bin')}\n`);
    expect(fs.readFileSync(path.join(cwd, 'bytes.bin'))).toEqual(everyByte);
    const text = await mcpHost(['-q', 'read', 'kitchen', 'kitchen://dishes/stew', '--out', 'stew.json'], { cwd });
    expect(text).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(fs.readFileSync(path.join(cwd, 'stew.json'), 'utf8')).toBe('{"dish":"stew"}');
  });

  it('saves into a directory when --out names one', async () => {
    const result = await mcpHost(['read', 'kitchen', 'kitchen://bytes', '--out', 'exports/'], { cwd });
    expect(result.exitCode).toBe(0);
    const [saved] = fs.readdirSync(path.join(cwd, 'exports'));
    expect(saved).toMatch(/^kitchen-resource-1\./);
    expect(result).toMatchObject({ stdout: '', stderr: `saved to ${path.join(cwd, 'exports', saved!)}\n` });
    expect(fs.readFileSync(path.join(cwd, 'exports', saved!))).toEqual(
      Buffer.from(Array.from({ length: 256 }, (_, index) => index)),
    );
  });

  it('ends text with a newline on a terminal, and saves a blob there rather than print it', async () => {
    // On a terminal, the CLI prints for a person.
    const onTerminal = (args: string[]) => mcpHostOnTerminal(args, { cwd, env: { NO_COLOR: '1' } });
    const text = await onTerminal(['read', 'kitchen', 'kitchen://dishes/stew']);
    expect(text.exitCode).toBe(0);
    expect(String(text.stdout)).toBe('{"dish":"stew"}\r\n');
    const blob = await onTerminal(['read', 'kitchen', 'kitchen://bytes']);
    expect(blob.exitCode).toBe(0);
    expect(String(blob.stdout)).toMatch(
      /^\[resource kitchen:\/\/bytes application\/octet-stream\] 256 bytes saved to \S+/,
    );
  });

  it('gets a prompt, and names a missing required argument', async () => {
    const result = await mcpHost(['prompt', 'kitchen.order', 'dish=stew'], { cwd });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'user:\nI would like the stew, please.\n' });
    const missing = await mcpHost(['prompt', 'everything.args-prompt', 'state=CA'], { cwd });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('Invalid arguments for everything.args-prompt:\n  city: required, but missing');
  });

  it('pings servers with their latency', async () => {
    const result = await mcpHost(['ping', 'kitchen', 'echo'], { cwd });
    expect(result.exitCode).toBe(0);
    expect(String(result.stdout).split('\n')).toEqual([
      expect.stringMatching(/^kitchen {2}ok {2}\d+(\.\d)? ms$/),
      expect.stringMatching(/^echo {5}ok {2}\d+(\.\d)? ms$/),
      '',
    ]);
  });

  it('shows a tool schema as a usage line, a table and the raw schema', async () => {
    const result = await mcpHost(['schema', 'kitchen.count'], { cwd });
    expect(result.exitCode).toBe(0);
    const lines = String(result.stdout).split('\n');
    expect(lines[0]).toBe('kitchen.count to=<integer >=1> [stepMs=<number>]');
    expect(lines).toContain('  to      <integer >=1>  required    Last number');
    expect(lines).toContain('  stepMs  <number>       default 20');
    expect(result.stdout).toContain('"minimum": 1');
  });

  it('lists names one per line for scripts and completion', async () => {
    const result = await mcpHost(['list', 'tools', 'kitchen', '--names'], { cwd });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'kitchen.add\nkitchen.fail\nkitchen.count\nkitchen.log\n' });
  });
});

describe('--stdio, a server without a config', () => {
  const echo = `'${process.execPath}' '${fixture('echo')}'`;

  it('calls a tool of the command line it is given, named by the tool alone or as stdio.TOOL', async () => {
    const empty = new Workspace();
    try {
      expect(await mcpHost(['call', '--stdio', echo, 'echo', 'text=hi'], { cwd: empty.dir })).toMatchObject({
        exitCode: 0,
        stdout: 'hi\n',
      });
      expect(await mcpHost(['--stdio', echo, 'call', 'stdio.echo', 'text=hi'], { cwd: empty.dir })).toMatchObject({
        exitCode: 0,
        stdout: 'hi\n',
      });
    } finally {
      empty.remove();
    }
  });

  it('uses no config even where there is one', async () => {
    // cwd has a config of five servers; with --stdio there is one, and nothing of the file is started.
    const result = await mcpHost(['--stdio', echo, 'list', 'servers', '--names'], { cwd });
    expect(result).toMatchObject({ exitCode: 0, stdout: 'stdio\n' });
    const discovered = await mcpHost(['--stdio', echo, 'discover'], { cwd });
    expect(discovered.exitCode).toBe(0);
    expect(discovered.stdout).toContain('✔ stdio  echo 1.0.0');
    expect(discovered.stdout).not.toContain('kitchen');
  });

  it('says what is wrong with a command line that cannot be split or started', async () => {
    const quote = await mcpHost(['--stdio', "node 'unclosed", 'call', 'echo'], { cwd });
    expect(quote.exitCode).toBe(1);
    expect(quote.stderr).toContain('--stdio: unterminated single quote');
    const missing = await mcpHost(['--stdio', 'no-such-server-binary --flag', 'call', 'echo'], { cwd });
    expect(missing.exitCode).toBe(3);
    expect(missing.stderr).toContain('Server stdio could not start: command "no-such-server-binary" not found');
  });
});

describe('complete', () => {
  it('completes a prompt’s argument and a resource template’s, one value per line', async () => {
    const prompt = await mcpHost(['complete', 'kitchen.order', 'dish=s'], { cwd });
    expect(prompt).toMatchObject({ exitCode: 0, stdout: 'soup\nsalad\nstew\n', stderr: '' });
    const template = await mcpHost(['complete', 'kitchen', '--resource', 'kitchen://dishes/{dish}', 'dish=st'], {
      cwd,
    });
    expect(template).toMatchObject({ exitCode: 0, stdout: 'stew\n' });
    const json = await mcpHost(['--json', 'complete', 'kitchen.order', 'dish=sa'], { cwd });
    expect(JSON.parse(String(json.stdout))).toEqual({
      server: 'kitchen',
      ref: { type: 'ref/prompt', name: 'order' },
      argument: { name: 'dish', value: 'sa' },
      completion: { values: ['salad'], total: 1, hasMore: false },
    });
  });

  it('says what is wrong with the line, and what a server without completions lacks', async () => {
    const missing = await mcpHost(['complete', 'kitchen.order'], { cwd });
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('expected the argument to complete, as NAME=PARTIAL');
    const unsupported = await mcpHost(['complete', 'echo.anything', 'x='], { cwd });
    expect(unsupported.exitCode).toBe(6);
    expect(unsupported.stderr).toContain('does not support completions');
  });
});

describe('list --names --cached, for completion', () => {
  it('starts the servers once, then answers from the names kept, until the config changes', async () => {
    const dir = new Workspace();
    try {
      // The server notes each start of its own in a file, then serves as the echo fixture.
      const starts = path.join(dir.dir, 'starts.log');
      const server = {
        command: process.execPath,
        args: [
          '-e',
          `require('node:fs').appendFileSync(${JSON.stringify(starts)}, 'x'); import(${JSON.stringify(pathToFileURL(fixture('echo')).href)})`,
        ],
      };
      dir.writeConfig({ mcpServers: { counted: server } });
      const list = () => mcpHost(['list', 'tools', '--names', '--cached'], { cwd: dir.dir });
      expect(await list()).toMatchObject({ exitCode: 0, stdout: 'counted.echo\n' });
      expect(await list()).toMatchObject({ exitCode: 0, stdout: 'counted.echo\n' });
      expect(fs.readFileSync(starts, 'utf8')).toBe('x');
      // Without --cached, a listing always asks the servers.
      expect(await mcpHost(['list', 'tools', '--names'], { cwd: dir.dir })).toMatchObject({ exitCode: 0 });
      expect(fs.readFileSync(starts, 'utf8')).toBe('xx');
      dir.writeConfig({ mcpServers: { counted: server, other: server } });
      expect(await list()).toMatchObject({ exitCode: 0, stdout: 'counted.echo\nother.echo\n' });
      expect(fs.readFileSync(starts, 'utf8')).toBe('xxxx');
    } finally {
      dir.remove();
    }
  });
});

/** Whether `shell` can be run here. */
function shellOnPath(shell: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => fs.existsSync(path.join(dir, shell)));
}

describe('completion', () => {
  /** Sources the bash script and asks it to complete `words`, with `mcp-host` resolving to this checkout. */
  async function complete(words: string[], line = words.join(' ')): Promise<string[]> {
    const script = String((await mcpHost(['completion', 'bash'], { cwd })).stdout);
    const probe = `
mcp-host() { ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} "$@"; }
${script}
COMP_WORDS=(${words.map((word) => JSON.stringify(word)).join(' ')})
COMP_CWORD=${words.length - 1}
COMP_LINE=${JSON.stringify(line)}
COMP_POINT=${line.length}
_mcp_host
printf '%s\\n' "\${COMPREPLY[@]}"`;
    const { stdout } = await execa('bash', ['--norc', '--noprofile', '-c', probe], {
      cwd,
      env: { PATH: process.env.PATH ?? '', HOME: cwd, XDG_RUNTIME_DIR: path.join(cwd, '.run') },
      extendEnv: false,
    });
    return stdout.split('\n').filter(Boolean);
  }

  it('prints a bash script that bash accepts', async () => {
    const result = await mcpHost(['completion', 'bash'], { cwd });
    expect(result.exitCode).toBe(0);
    await expect(execa('bash', ['-n'], { input: String(result.stdout) })).resolves.toMatchObject({ exitCode: 0 });
  });

  it('completes commands, options, list kinds and server.tool names from the config', async () => {
    expect(await complete(['mcp-host', 'di'])).toEqual(['discover']);
    expect(await complete(['mcp-host', 'call', 'kitchen.add', '--a'])).toEqual(['--args']);
    expect(await complete(['mcp-host', 'list', 'te'])).toEqual(['templates']);
    expect(await complete(['mcp-host', 'call', 'kitchen.c'])).toEqual(['kitchen.count']);
    expect(await complete(['mcp-host', '--config', 'mcp.config.json', 'ping', 'e'])).toEqual(['echo', 'everything']);
  });

  it('completes a prompt argument’s value from the server (bash splits the word at "=")', async () => {
    const line = 'mcp-host prompt kitchen.order dish=s';
    expect(await complete(['mcp-host', 'prompt', 'kitchen.order', 'dish', '=', 's'], line)).toEqual([
      'soup',
      'salad',
      'stew',
    ]);
    expect(
      await complete(['mcp-host', 'prompt', 'kitchen.order', 'dish', '='], 'mcp-host prompt kitchen.order dish='),
    ).toEqual(['soup', 'salad', 'stew']);
    // A word without "=" is not an argument value: nothing is asked.
    expect(await complete(['mcp-host', 'prompt', 'kitchen.order', 'di'])).toEqual([]);
  });

  it.skipIf(!shellOnPath('fish'))(
    'completes names and a prompt argument’s value in fish (skipped without fish)',
    async () => {
      const bin = path.join(cwd, 'bin');
      fs.mkdirSync(bin, { recursive: true });
      fs.writeFileSync(path.join(bin, 'mcp-host'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`, {
        mode: 0o755,
      });
      const script = path.join(cwd, 'mcp-host.fish');
      fs.writeFileSync(script, String((await mcpHost(['completion', 'fish'], { cwd })).stdout));
      const fish = (line: string) =>
        execa('fish', ['--no-config', '-c', `source ${script}; complete -C '${line}'`], {
          cwd,
          env: { PATH: `${bin}:${process.env.PATH ?? ''}`, HOME: cwd, XDG_RUNTIME_DIR: path.join(cwd, '.run') },
          extendEnv: false,
        });
      const values = await fish('mcp-host prompt kitchen.order dish=s');
      expect(String(values.stdout).split('\n').sort()).toEqual(['dish=salad', 'dish=soup', 'dish=stew']);
      const names = await fish('mcp-host call kitchen.c');
      expect(String(names.stdout)).toContain('kitchen.count');
    },
  );

  it.skipIf(!shellOnPath('zsh'))('prints a zsh script that zsh accepts (skipped without zsh)', async () => {
    const result = await mcpHost(['completion', 'zsh'], { cwd });
    await expect(execa('zsh', ['-n'], { input: String(result.stdout) })).resolves.toMatchObject({ exitCode: 0 });
  });
});
