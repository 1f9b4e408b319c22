/**
 * The config writer (src/host/config-edit.ts, jsonc-edit.ts, atomic-write.ts) on real files in a temporary
 * directory: an edit changes the entry it is about and nothing else, byte for byte; it goes to the section the file
 * uses; an entry that would be invalid, or one that exists already, is refused with nothing written; and the file
 * is replaced atomically, keeping its permissions and its symbolic link.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { editConfigFile, literalSecrets, planConfigEdit } from '../../../src/host/config-edit.js';
import type { ConfigEdit } from '../../../src/host/config-edit.js';
import { FileChangedError, writeFileAtomically } from '../../../src/host/atomic-write.js';
import { SecretMarks } from '../../../src/host/secrets.js';
import { McpHostError } from '../../../src/protocol/errors.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-config-edit-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

let count = 0;
/** A new directory with `text` written as `name` in it; returns the file's path. */
function file(text: string | undefined, name = 'mcp.config.json'): string {
  const dir = path.join(root, `case-${(count += 1)}`);
  fs.mkdirSync(dir);
  const written = path.join(dir, name);
  if (text !== undefined) fs.writeFileSync(written, text);
  return written;
}

const env = { HOME: '/home/ada' };

function edit(target: string, change: ConfigEdit) {
  return editConfigFile(target, change, { env, displayPath: path.basename(target) });
}

/** The McpHostError an edit throws; the file must be as it was. */
function refusal(target: string, change: ConfigEdit): McpHostError {
  const before = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined;
  try {
    edit(target, change);
  } catch (error) {
    expect(error).toBeInstanceOf(McpHostError);
    expect(fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined).toBe(before);
    expect(fs.readdirSync(path.dirname(target)).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    return error as McpHostError;
  }
  throw new Error('expected the edit to be refused');
}

const read = (target: string): string => fs.readFileSync(target, 'utf8');

/** A file as people write them: comments everywhere, trailing commas, a one-line entry, other settings. */
const COMMENTED = `{
  // Servers for this project.
  "mcpServers": {
    "weather": { "command": "node", "args": ["dist/servers/weather/index.js"] }, // the bundled one
    /* the database, read-only */
    "database": {
      "command": "node",
      "args": ["dist/servers/database/index.js"],
      "env": { "DATABASE_READONLY": "true" }, // keep it so
    },
  },
  "theme": "dark", // not ours
}
`;

describe('config add: the new entry and nothing else', () => {
  it('adds an entry at the end of the section, formatted like the file, every other byte kept', () => {
    const target = file(COMMENTED);
    const result = edit(target, {
      add: [
        {
          name: 'github',
          entry: { command: 'npx', args: ['-y', 'server-github'], env: { GITHUB_TOKEN: '${GITHUB_TOKEN}' } },
        },
      ],
    });
    expect(result).toMatchObject({
      created: false,
      section: 'mcpServers',
      added: ['github'],
      replaced: [],
      removed: [],
    });
    expect(read(target)).toBe(
      COMMENTED.replace(
        '      "env": { "DATABASE_READONLY": "true" }, // keep it so\n    },\n',
        [
          '      "env": { "DATABASE_READONLY": "true" }, // keep it so',
          '    },',
          '    "github": {',
          '      "command": "npx",',
          '      "args": ["-y", "server-github"],',
          '      "env": {',
          '        "GITHUB_TOKEN": "${GITHUB_TOKEN}"',
          '      }',
          '    },',
          '',
        ].join('\n'),
      ),
    );
    expect(result.config.servers.map((server) => server.name)).toEqual(['weather', 'database', 'github']);
  });

  it('keeps strict JSON strict: a comma between entries, none after the last', () => {
    const strict = `{\n    "mcpServers": {\n        "a": {"command": "x"}\n    },\n    "globalShortcut": "Ctrl+Space"\n}`;
    const target = file(strict);
    edit(target, { add: [{ name: 'b', entry: { command: 'y' } }] });
    expect(read(target)).toBe(
      `{\n    "mcpServers": {\n        "a": {"command": "x"},\n        "b": {\n            "command": "y"\n        }\n    },\n    "globalShortcut": "Ctrl+Space"\n}`,
    );
    expect(() => JSON.parse(read(target)) as unknown).not.toThrow();
  });

  it('writes into VS Code’s servers section, with the type VS Code wants, in its tabs and CRLF line ends', () => {
    const vscode =
      '{\r\n\t"inputs": [],\r\n\t"servers": {\r\n\t\t"memory": {\r\n\t\t\t"type": "stdio",\r\n\t\t\t"command": "npx"\r\n\t\t}\r\n\t}\r\n}\r\n';
    const target = file(vscode, 'mcp.json');
    expect(edit(target, { add: [{ name: 'echo', entry: { command: 'node', args: ['echo.js'] } }] }).section).toBe(
      'servers',
    );
    expect(read(target)).toBe(
      '{\r\n\t"inputs": [],\r\n\t"servers": {\r\n\t\t"memory": {\r\n\t\t\t"type": "stdio",\r\n\t\t\t"command": "npx"\r\n\t\t},\r\n\t\t"echo": {\r\n\t\t\t"type": "stdio",\r\n\t\t\t"command": "node",\r\n\t\t\t"args": ["echo.js"]\r\n\t\t}\r\n\t}\r\n}\r\n',
    );
  });

  it('adds mcpServers to a file of other settings (Claude Desktop’s before any server)', () => {
    const target = file('{\n  "globalShortcut": "Alt+Space"\n}\n', 'claude_desktop_config.json');
    edit(target, { add: [{ name: 'files', entry: { command: 'npx', args: ['-y', 'server-filesystem', '/tmp'] } }] });
    expect(read(target)).toBe(
      '{\n  "globalShortcut": "Alt+Space",\n  "mcpServers": {\n    "files": {\n      "command": "npx",\n      "args": ["-y", "server-filesystem", "/tmp"]\n    }\n  }\n}\n',
    );
  });

  it('opens an empty section onto lines of its own, and joins a file written on one line', () => {
    const empty = file('{\n  "mcpServers": {}\n}\n');
    edit(empty, { add: [{ name: 'a', entry: { command: 'x' } }] });
    expect(read(empty)).toBe('{\n  "mcpServers": {\n    "a": {\n      "command": "x"\n    }\n  }\n}\n');
    const oneLine = file('{"mcpServers":{"a":{"command":"x"}}}');
    edit(oneLine, { add: [{ name: 'b', entry: { command: 'y', args: ['1'] } }] });
    expect(read(oneLine)).toBe('{"mcpServers":{"a":{"command":"x"}, "b": { "command": "y", "args": ["1"] }}}');
  });

  it('creates a missing file in the standard shape', () => {
    const target = file(undefined);
    const result = edit(target, { add: [{ name: 'remote', entry: { type: 'http', url: 'https://example.com/mcp' } }] });
    expect(result.created).toBe(true);
    expect(read(target)).toBe(
      '{\n  "mcpServers": {\n    "remote": {\n      "type": "http",\n      "url": "https://example.com/mcp"\n    }\n  }\n}\n',
    );
    expect(fs.statSync(target).mode & 0o777).toBe(0o666 & ~process.umask());
  });

  it('keeps a byte order mark', () => {
    const target = file('\uFEFF{\n  "mcpServers": {\n    "a": { "command": "x" }\n  }\n}\n');
    edit(target, { add: [{ name: 'b', entry: { command: 'y' } }] });
    expect(read(target)).toBe(
      '\uFEFF{\n  "mcpServers": {\n    "a": { "command": "x" },\n    "b": {\n      "command": "y"\n    }\n  }\n}\n',
    );
    edit(target, { remove: ['b'] });
    expect(read(target)).toBe('\uFEFF{\n  "mcpServers": {\n    "a": { "command": "x" }\n  }\n}\n');
  });

  it('adds several entries at once (import), in their order', () => {
    const target = file('{\n  "mcpServers": {\n    "a": { "command": "x" }\n  }\n}\n');
    edit(target, {
      add: [
        { name: 'b', entry: { command: 'y' } },
        { name: 'c', entry: { command: 'z' } },
      ],
    });
    expect(read(target)).toBe(
      '{\n  "mcpServers": {\n    "a": { "command": "x" },\n    "b": {\n      "command": "y"\n    },\n    "c": {\n      "command": "z"\n    }\n  }\n}\n',
    );
  });
});

describe('config add: refusals, with nothing written', () => {
  it('refuses a server that exists, naming where it is, unless forced', () => {
    const target = file(COMMENTED);
    const error = refusal(target, { add: [{ name: 'database', entry: { command: 'sqlite-server' } }] });
    expect(error.code).toBe('USAGE');
    expect(error.message).toBe(
      'mcp.config.json already has a server "database" (mcpServers, line 6); --force replaces it',
    );
  });

  it('with --force, replaces the value alone: the comments around it stay', () => {
    const target = file(COMMENTED);
    const result = edit(target, { add: [{ name: 'weather', entry: { command: 'weather-server' } }], force: true });
    expect(result).toMatchObject({ added: [], replaced: ['weather'] });
    expect(read(target)).toBe(
      COMMENTED.replace(
        '{ "command": "node", "args": ["dist/servers/weather/index.js"] }, // the bundled one',
        '{ "command": "weather-server" }, // the bundled one',
      ),
    );
  });

  it('refuses an entry the loader would refuse, naming the field', () => {
    const target = file(COMMENTED);
    const error = refusal(target, { add: [{ name: 'bad', entry: { command: 'x', args: 'server.js', cwd: '' } }] });
    expect(error.code).toBe('CONFIG_INVALID');
    expect(error.context.problems).toEqual([
      'mcpServers.bad.args: expected array, got string "server.js"',
      'mcpServers.bad.cwd: expected a non-empty string',
    ]);
    expect(error.message).toMatch(/^mcp\.config\.json: nothing was written: entries would be invalid:\n {2}mcpServers/);
    expect(refusal(target, { add: [{ name: 'a.b', entry: { command: 'x' } }] }).context.problems).toEqual([
      'mcpServers["a.b"]: server name "a.b" cannot contain "." (tools are addressed as <server>.<tool>)',
    ]);
  });

  it('accepts an entry whose ${VAR} is not set: it may be set when the server is used', () => {
    const target = file(undefined);
    const result = edit(target, { add: [{ name: 'a', entry: { command: 'x', env: { K: '${NOT_SET_HERE}' } } }] });
    expect(result.config.servers[0]).toMatchObject({
      kind: 'stdio',
      unresolved: [expect.stringContaining('NOT_SET_HERE')],
    });
  });

  it('refuses a file that is not JSON, with its line and column, and Codex’s TOML', () => {
    expect(
      refusal(file('{\n  "mcpServers": {\n    "a": \n}\n'), { add: [{ name: 'b', entry: { command: 'y' } }] }).message,
    ).toMatch(/^mcp\.config\.json:4:1: invalid JSON: /);
    const toml = refusal(file('[mcp_servers.a]\ncommand = "x"\n', 'config.toml'), {
      add: [{ name: 'b', entry: { command: 'y' } }],
    });
    expect(toml.code).toBe('CONFIG_INVALID');
    expect(toml.message).toMatch(/^config\.toml is TOML \(Codex's config\): mcp-host reads it but writes only JSON/);
    expect(refusal(file('{ "mcpServers": [] }'), { add: [{ name: 'b', entry: { command: 'y' } }] }).message).toBe(
      'mcp.config.json: mcpServers: expected an object of servers by name, got an array',
    );
  });
});

describe('config remove', () => {
  it('takes the entry’s lines and their comments; comments on lines of their own above it stay', () => {
    const target = file(COMMENTED);
    expect(edit(target, { remove: ['database'] }).removed).toEqual(['database']);
    expect(read(target)).toBe(
      COMMENTED.replace(
        [
          '    "database": {',
          '      "command": "node",',
          '      "args": ["dist/servers/database/index.js"],',
          '      "env": { "DATABASE_READONLY": "true" }, // keep it so',
          '    },',
          '',
        ].join('\n'),
        '',
      ),
    );
  });

  it('removes the comma before the last entry when the file has no trailing commas', () => {
    const strict = '{\n  "mcpServers": {\n    "a": { "command": "x" },\n    "b": { "command": "y" }\n  }\n}\n';
    const target = file(strict);
    edit(target, { remove: ['b'] });
    expect(read(target)).toBe('{\n  "mcpServers": {\n    "a": { "command": "x" }\n  }\n}\n');
    edit(target, { remove: ['a'] });
    expect(read(target)).toBe('{\n  "mcpServers": {\n  }\n}\n');
    const oneLine = file('{"mcpServers":{"a":{"command":"x"},"b":{"command":"y"}}}');
    edit(oneLine, { remove: ['b'] });
    expect(read(oneLine)).toBe('{"mcpServers":{"a":{"command":"x"}}}');
  });

  it('says which names there are when the one to remove is not there', () => {
    const error = refusal(file(COMMENTED), { remove: ['databse'] });
    expect(error.code).toBe('SERVER_NOT_FOUND');
    expect(error.message).toBe('No server named "databse" in mcp.config.json; did you mean "database"?');
  });
});

describe('writing atomically', () => {
  it('keeps the file’s permissions and leaves no temporary file', () => {
    const target = file(COMMENTED);
    fs.chmodSync(target, 0o600);
    edit(target, { remove: ['weather'] });
    expect(fs.statSync(target).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(path.dirname(target))).toEqual(['mcp.config.json']);
  });

  it('writes through a symbolic link: the link stays, its target changes', () => {
    const real = file(COMMENTED, 'real.json');
    const link = path.join(path.dirname(real), 'mcp.config.json');
    fs.symlinkSync(real, link);
    expect(edit(link, { remove: ['weather'] }).path).toBe(fs.realpathSync(real));
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(read(real)).not.toContain('"weather"');
  });

  it('writes nothing when the file changed after it was read', () => {
    const target = file(COMMENTED);
    const plan = planConfigEdit(read(target), target, { remove: ['weather'] }, { env });
    fs.appendFileSync(target, '\n');
    expect(() => writeFileAtomically(target, plan.text, { expected: COMMENTED })).toThrow(FileChangedError);
    expect(read(target)).toBe(`${COMMENTED}\n`);
    expect(fs.readdirSync(path.dirname(target))).toEqual(['mcp.config.json']);
  });
});

describe('literal secrets', () => {
  const marks = new SecretMarks();

  it('names each field whose value is a secret written as it is', () => {
    expect(
      literalSecrets(
        'gh',
        {
          command: 'server',
          args: ['--api-key', 'sk-live-123456', '--port', '8080'],
          env: { GITHUB_TOKEN: 'ghp_abcdefgh', FROM_ENV: '${GITHUB_TOKEN}', LOG_LEVEL: 'debug' },
          headers: { Authorization: 'Bearer abcdefgh', Accept: 'text/plain' },
        },
        marks,
      ),
    ).toEqual([
      { server: 'gh', field: 'args[1]' },
      { server: 'gh', field: 'env.GITHUB_TOKEN' },
      { server: 'gh', field: 'headers.Authorization' },
    ]);
  });

  it('sees none in ${VAR} references, short values, and names marked public', () => {
    expect(
      literalSecrets(
        'a',
        {
          command: 'x',
          env: { API_KEY: '${API_KEY}', PIN: '123', PRIMARY_KEY: 'customer_id' },
          headers: { Authorization: 'Bearer ${TOKEN}' },
          public: ['PRIMARY_KEY'],
        },
        marks,
      ),
    ).toEqual([]);
  });
});
