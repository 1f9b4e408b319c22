/**
 * The protocol fuzzer turned around: a hostile server (test/fixtures/servers/hostile-peer.ts, raw stdout writes)
 * answers `initialize` properly and then sends the fuzzer's lines to (a) an `McpClient` in this process and (b) the
 * real CLI, `mcp-host call`. LSP `$/` notifications, unparsable lines, batches, requests with odd ids, answers to
 * ids never sent, and a request answered twice: a client must not crash, must use the first answer, must answer
 * the server's requests as JSON-RPC 2.0 says, and the CLI must exit with a documented code (src/cli/exit-codes.ts)
 * and a message, never a stack trace. Reproduce with FUZZ_SEED=<seed>, printed with every failure.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { TestContext } from 'vitest';
import { EXIT_CODE } from '../../../src/cli/exit-codes.js';
import { ClientFuzzer, HOSTILE_PEER } from '../../helpers/fuzz-client.js';
import type { AnswerMode } from '../../helpers/fuzz-client.js';
import { FUZZ_SEED, distinctSignatures, formatFailures, seedNote } from '../../helpers/fuzz-driver.js';
import {
  EMPTY_PEER,
  IdAllocator,
  Rng,
  deriveSeed,
  envelopeFamily,
  floodFamily,
  framingFamily,
  garbageFamily,
  idsFamily,
  lspFamily,
  notificationFamily,
  silent,
  truncatedFamily,
} from '../../helpers/fuzz-inputs.js';
import type { FuzzContext, FuzzInput } from '../../helpers/fuzz-inputs.js';
import { Workspace, mcpHost } from '../../e2e/mcp-host.js';

/** The McpClient cannot split writes through the fixture (it writes each input at once): those inputs are left out. */
const withoutSplitWrites = (inputs: FuzzInput[]) => inputs.filter((input) => input.family !== 'framing: split writes');

/** Inputs with no bytes of their own: the fixture's way of answering is the attack. */
function answerModeInput(mode: AnswerMode, label: string): FuzzInput {
  return { family: `answers: ${mode}`, label, chunks: [], keys: [], awaitKeys: [], judge: silent('stray answers') };
}

const ANSWER_MODES: [AnswerMode, string][] = [
  ['duplicate', 'the call answered twice with a result, then once more with an error'],
  ['unknown-ids', 'answers to ids never sent (string, integer, 2^53+1, object, null) before the real answer'],
  ['altered', 'an answer whose id is the request id as a string, before the real answer'],
];

async function fuzzClient(
  { expect, onTestFinished }: TestContext,
  test: string,
  build: (ctx: FuzzContext) => FuzzInput[],
  mode: AnswerMode = 'plain',
): Promise<void> {
  const fuzzer = new ClientFuzzer(test, FUZZ_SEED);
  onTestFinished(() => fuzzer.close());
  await fuzzer.start();
  await fuzzer.run(build(fuzzer.ctx), mode);
  await fuzzer.close();
  const { failures, inputsRun } = fuzzer.ledger;
  const header = `McpClient, ${test}: ${inputsRun} inputs, ${fuzzer.reconnects} reconnects, ${fuzzer.skipped} skipped after repeated failures; ${seedNote(fuzzer.seed, 'derived from FUZZ_SEED')}`;
  expect(inputsRun, header).toBeGreaterThan(0);
  expect(distinctSignatures(failures), formatFailures(failures, header)).toEqual([]);
}

// In sequence: an exception that escapes a client reaches the whole process, and must be pinned on one input.
describe('protocol fuzz: McpClient against a hostile server', () => {
  it('ignores LSP $/ notifications and refuses $/ requests with -32601', async (context) => {
    await fuzzClient(context, 'lsp', (ctx) => lspFamily(ctx));
  });

  it('survives unparsable lines, truncation, CRLF, blank lines and invalid UTF-8', async (context) => {
    await fuzzClient(context, 'framing', (ctx) =>
      withoutSplitWrites([...garbageFamily(ctx, 60), ...truncatedFamily(ctx, 60), ...framingFamily(ctx)]),
    );
  });

  it('answers invalid envelopes, batches and unknown methods as JSON-RPC requires, and ignores stray responses', async (context) => {
    await fuzzClient(context, 'envelope', (ctx) => [...envelopeFamily(ctx), ...notificationFamily(ctx)]);
  });

  it('echoes the ids of server requests exactly, and answers each once', async (context) => {
    await fuzzClient(context, 'ids', (ctx) => [...idsFamily(ctx, 80), ...floodFamily(ctx, { large: false })]);
  });

  it.for(ANSWER_MODES)('uses the first answer and reports the rest: %s', async ([mode, label], context) => {
    await fuzzClient(
      context,
      `answers ${mode}`,
      () => [answerModeInput(mode, label), answerModeInput(mode, label)],
      mode,
    );
  });
});

/** The hostile lines of one CLI scenario, from the same seeded families. */
interface CliScenario {
  name: string;
  lines: (ctx: FuzzContext) => FuzzInput[];
  answers?: AnswerMode;
}

const onlyNotifications = (inputs: FuzzInput[]) => inputs.filter((input) => input.keys.length === 0);

const CLI_SCENARIOS: CliScenario[] = [
  { name: 'LSP $/ notifications with every params shape', lines: (ctx) => onlyNotifications(lspFamily(ctx)) },
  { name: 'LSP $/ requests', lines: (ctx) => lspFamily(ctx).filter((input) => input.keys.length > 0) },
  {
    name: 'unparsable lines and invalid UTF-8',
    lines: (ctx) => withoutSplitWrites([...garbageFamily(ctx, 40), ...truncatedFamily(ctx, 40), ...framingFamily(ctx)]),
  },
  { name: 'invalid envelopes, batches and stray responses', lines: (ctx) => envelopeFamily(ctx) },
  { name: 'MCP notifications with broken params', lines: (ctx) => notificationFamily(ctx) },
  { name: 'requests with odd ids', lines: (ctx) => idsFamily(ctx, 60) },
  { name: 'a flood of 1000 pings', lines: (ctx) => floodFamily(ctx, { large: false }).slice(0, 1) },
  { name: 'the call answered twice, then with an error', lines: () => [], answers: 'duplicate' },
  { name: 'answers to ids never sent', lines: () => [], answers: 'unknown-ids' },
  { name: 'an answer with the id turned into a string', lines: () => [], answers: 'altered' },
];

const DOCUMENTED_EXIT_CODES: readonly number[] = Object.values(EXIT_CODE);
/** The texts of the answers the hostile fixture sends besides the first (see its comment). */
const LATER_ANSWERS = /second answer|a third answer|altered id|stray/;
/** A V8 stack frame, as an uncaught exception prints it. */
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;

describe.concurrent('protocol fuzz: mcp-host call against a hostile server', () => {
  let workspace: Workspace;

  beforeAll(() => {
    workspace = new Workspace();
  });

  afterAll(() => workspace.remove());

  it.for(CLI_SCENARIOS)('neither crashes nor prints a stack trace: $name', async (scenario, { expect }) => {
    const seed = deriveSeed(FUZZ_SEED, `cli/${scenario.name}`);
    const ctx: FuzzContext = {
      rng: new Rng(seed),
      ids: new IdAllocator(),
      role: 'client',
      phase: 'ready',
      peer: EMPTY_PEER,
    };
    const inputs = scenario.lines(ctx);
    const slug = scenario.name.replace(/[^a-z0-9]+/gi, '-');
    const linesFile = path.join(workspace.dir, `${slug}.json`);
    fs.writeFileSync(linesFile, JSON.stringify(inputs.map((input) => Buffer.concat(input.chunks).toString('base64'))));
    const config = workspace.writeConfig(
      {
        mcpServers: {
          hostile: {
            command: process.execPath,
            args: [HOSTILE_PEER],
            env: { HOSTILE_LINES: linesFile, HOSTILE_ANSWERS: scenario.answers ?? 'plain' },
          },
        },
      },
      `${slug}.config.json`,
    );
    const result = await mcpHost(['--config', config, 'call', 'hostile.echo', 'text=hi'], { cwd: workspace.dir });
    const stdout = String(result.stdout);
    const stderr = String(result.stderr);
    const what = `mcp-host call hostile.echo, the server sending ${inputs.length} inputs (${scenario.name}), ${seedNote(seed, 'derived from FUZZ_SEED')}; exit ${result.exitCode}\nstdout: ${stdout.slice(0, 300)}\nstderr: ${stderr.slice(0, 1200)}`;
    expect(stderr, `a stack trace: ${what}`).not.toMatch(STACK_FRAME);
    expect(DOCUMENTED_EXIT_CODES, `an undocumented exit code: ${what}`).toContain(result.exitCode);
    // A server that breaks the protocol may be given up on (3, with a message naming it); otherwise the first answer.
    expect([EXIT_CODE.OK, EXIT_CODE.SERVER_FAILED], `an exit code that misstates a server fault: ${what}`).toContain(
      result.exitCode,
    );
    // Whatever the outcome, it comes from the first answer: never from the later ones or from stray ids.
    expect(`${stdout}\n${stderr}`, `a later or stray answer was used: ${what}`).not.toMatch(LATER_ANSWERS);
    if (result.exitCode === EXIT_CODE.OK) {
      expect(stdout, `not the first answer: ${what}`).toContain('first answer');
    } else {
      expect(stderr, `no message naming the server: ${what}`).toContain('hostile');
    }
  });
});
