/**
 * Every command example of the docs, run as written: the shell blocks of README.md and docs/*.md, and the
 * "Examples:" of each command's `--help`. They run through bash, with `mcp-host` on PATH, from the repository's root
 * against its mcp.config.json (the bundled servers), one after another in the order written, so the docs cannot
 * drift from what the commands do.
 *
 * What is an example: in a `sh`/`bash` block, each line that runs `mcp-host` (or `node bin/mcp-host.js`); in a block
 * without a language (output samples), the lines after `$ `. Lines that run npm are not examples (installing and
 * testing are what CI does). An example expected to fail says so in its comment, `# exit N`. A block that must not
 * run here follows `<!-- examples: not run: WHY -->`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/command-line.js';
import { BIN } from './mcp-host.js';
import { REPO_ROOT } from '../helpers/stdio-server.js';

interface Example {
  /** Where it is written: `docs/cli.md:9`, or `mcp-host call --help`. */
  source: string;
  command: string;
  exitCode: number;
}

const NOT_RUN = /<!--\s*examples:\s*not run:/;
const FENCE = /^\s*```(\S*)/;
const EXPECTED_EXIT = /#.*\bexit (\d+)\b/;

/** The examples of one markdown file, in order. */
function examplesOfMarkdown(file: string): Example[] {
  const lines = fs.readFileSync(path.join(REPO_ROOT, file), 'utf8').split('\n');
  const examples: Example[] = [];
  let block: { language: string; isSkipped: boolean } | undefined;
  let isNextSkipped = false;
  lines.forEach((line, index) => {
    const fence = FENCE.exec(line);
    if (fence) {
      block = block ? undefined : { language: fence[1]!, isSkipped: isNextSkipped };
      isNextSkipped = false;
      return;
    }
    if (!block) {
      if (NOT_RUN.test(line)) isNextSkipped = true;
      else if (line.trim() !== '') isNextSkipped = false;
      return;
    }
    if (block.isSkipped) return;
    let command: string | undefined;
    if (block.language === 'sh' || block.language === 'bash') command = line.trim();
    else if (block.language === '' && line.startsWith('$ ')) command = line.slice(2).trim();
    if (command === undefined || !/\bmcp-host(\.js)?\b/.test(command) || /^npm\b/.test(command)) return;
    examples.push({ source: `${file}:${index + 1}`, command, exitCode: expectedExit(command) });
  });
  return examples;
}

function expectedExit(command: string): number {
  const match = EXPECTED_EXIT.exec(command);
  return match ? Number(match[1]) : 0;
}

let home: string;
let binDir: string;
/** The repository's config with each server behind the schema proxy (test/fixtures/servers/schema-proxy.ts). */
let checkedConfig: string;
let violationsFile: string;

/** Runs one example through bash, as a user pasting it would, with `mcp-host` being this checkout's. */
function runExample(command: string) {
  return execa('bash', ['-o', 'pipefail', '-c', command], {
    cwd: REPO_ROOT,
    env: {
      PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
      // The user's own config and daemons are never reached: HOME and the runtime directory are the test's.
      HOME: home,
      // The repository's servers, each behind the schema proxy: what they send through the CLI is checked too.
      MCP_HOST_CONFIG: checkedConfig,
      XDG_RUNTIME_DIR: path.join(home, '.run'),
    },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: 60_000,
  });
}

/** The examples of each command's `--help`, as the help prints them. */
async function examplesOfHelp(): Promise<Example[]> {
  const examples: Example[] = [];
  for (const name of Object.keys(COMMANDS)) {
    const help = await runExample(`mcp-host ${name} --help`);
    expect(help.exitCode, `mcp-host ${name} --help`).toBe(0);
    const [, after] = String(help.stdout).split('\nExamples:\n');
    if (after === undefined) continue;
    for (const line of after.split('\n')) {
      if (!line.startsWith('  ')) break;
      const command = line.trim();
      examples.push({ source: `mcp-host ${name} --help`, command, exitCode: expectedExit(command) });
    }
  }
  return examples;
}

/** Runs the examples in order; those that did not exit as written, with what they printed on stderr. */
async function brokenExamples(examples: readonly Example[]) {
  const broken = [];
  for (const example of examples) {
    const result = await runExample(example.command);
    if (result.exitCode !== example.exitCode) {
      broken.push({ ...example, got: result.exitCode, stderr: String(result.stderr).slice(0, 500) });
    }
  }
  return broken;
}

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-doc-examples-'));
  binDir = path.join(home, 'bin');
  fs.mkdirSync(binDir);
  fs.writeFileSync(path.join(binDir, 'mcp-host'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`, {
    mode: 0o755,
  });
  violationsFile = path.join(home, 'schema-violations.jsonl');
  const proxy = path.join(REPO_ROOT, 'dist/test/fixtures/servers/schema-proxy.js');
  const config = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'mcp.config.json'), 'utf8')) as {
    mcpServers: Record<string, { command: string; args?: string[]; cwd?: string }>;
  };
  for (const server of Object.values(config.mcpServers)) {
    server.args = [proxy, violationsFile, server.command, ...(server.args ?? [])];
    server.command = process.execPath;
    // Its relative paths mean what they mean in the repository's config, beside which this one is not.
    server.cwd = path.resolve(REPO_ROOT, server.cwd ?? '.');
  }
  checkedConfig = path.join(home, 'mcp.config.json');
  fs.writeFileSync(checkedConfig, JSON.stringify(config));
});

afterAll(async () => {
  // An example may have left a daemon running (`daemon start`): it is ended with the test's home.
  await runExample('mcp-host daemon stop');
  fs.rmSync(home, { recursive: true, force: true });
});

describe('command examples in the docs', () => {
  const documents = [
    'README.md',
    ...fs
      .readdirSync(path.join(REPO_ROOT, 'docs'))
      .filter((name) => name.endsWith('.md'))
      .map((name) => `docs/${name}`),
  ];

  it('finds the examples (the reader of the docs is not broken)', () => {
    const found = documents.flatMap(examplesOfMarkdown);
    expect(found.map((example) => example.command)).toEqual(
      expect.arrayContaining([
        'node bin/mcp-host.js discover                                   # every server: tools, resources, templates, prompts',
        'mcp-host call weather.get_forecast city=Paris days=3',
      ]),
    );
  });

  for (const document of documents) {
    it(`runs every example of ${document} with the exit code it is written with`, async () => {
      expect(await brokenExamples(examplesOfMarkdown(document))).toEqual([]);
    }, 180_000);
  }

  it('runs every example of the commands’ --help with the exit code it is written with', async () => {
    expect(await brokenExamples(await examplesOfHelp())).toEqual([]);
  }, 180_000);

  it('sent nothing from the bundled servers that breaks the MCP 2025-11-25 schema', async () => {
    // The daemon an example started holds servers whose counts come when they end.
    await runExample('mcp-host daemon stop');
    const lines = fs.readFileSync(violationsFile, 'utf8').split('\n').filter(Boolean);
    const records = lines.map((line) => JSON.parse(line) as { violation?: string; server?: string; checked?: number });
    expect(records.filter((record) => record.violation !== undefined)).toEqual([]);
    // The proxy ran, and saw messages of every bundled server.
    for (const server of ['weather', 'email', 'database']) {
      const checked = records.filter((record) => record.server?.includes(`servers/${server}/`));
      expect(
        checked.reduce((sum, record) => sum + (record.checked ?? 0), 0),
        server,
      ).toBeGreaterThan(0);
    }
  }, 60_000);
});
