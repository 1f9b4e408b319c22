import { describe, expect, it } from 'vitest';
import { EXIT_CODE, exitCodeForError, exitCodeForServerFailures } from '../../../src/cli/exit-codes.js';
import { McpHostError } from '../../../src/cli/errors.js';
import type { CliErrorCode } from '../../../src/cli/errors.js';
import { McpHostError as AnyLocalError } from '../../../src/protocol/errors.js';

describe('exitCodeForError', () => {
  it.each<[CliErrorCode, number]>([
    ['USAGE', 1],
    ['CONFIG_INVALID', 2],
    ['SPAWN_FAILED', 3],
    ['SERVER_EXITED', 3],
    ['HANDSHAKE_FAILED', 3],
    ['CONNECTION_CLOSED', 3],
    ['PROTOCOL_VIOLATION', 3],
    ['MESSAGE_TOO_LARGE', 3],
    ['REQUEST_TIMEOUT', 4],
    ['TOOL_ERROR', 5],
    ['SERVER_NOT_FOUND', 6],
    ['NOT_FOUND', 6],
    ['CAPABILITY_MISSING', 6],
    ['DENIED', 7],
    ['CANCELLED', 130],
    ['INTERNAL', 70],
  ])('%s → %i', (code, exitCode) => {
    expect(exitCodeForError(new McpHostError(code, 'whatever the message says'))).toBe(exitCode);
  });

  it('maps a server error answer by its JSON-RPC code, not its message', () => {
    const answer = (rpcCode: number) => new McpHostError('SERVER_ERROR', 'Resource not found', { rpcCode });
    expect(exitCodeForError(answer(-32002))).toBe(EXIT_CODE.NOT_FOUND);
    expect(exitCodeForError(answer(-32601))).toBe(EXIT_CODE.NOT_FOUND);
    expect(exitCodeForError(answer(-32602))).toBe(EXIT_CODE.USAGE);
    expect(exitCodeForError(answer(-32603))).toBe(EXIT_CODE.SERVER_FAILED);
    expect(exitCodeForError(new McpHostError('SERVER_ERROR', 'not found'))).toBe(EXIT_CODE.SERVER_FAILED);
  });

  it("reports a code no layer declared as a bug of mcp-host (70), not as anyone else's failure", () => {
    expect(exitCodeForError(new AnyLocalError('SOMETHING_ELSE', 'made by a connector of our own'))).toBe(
      EXIT_CODE.INTERNAL,
    );
    // A code that is also a property of every object is not a code either.
    expect(exitCodeForError(new AnyLocalError('toString', 'x'))).toBe(EXIT_CODE.INTERNAL);
  });
});

describe('exitCodeForServerFailures', () => {
  it('is 0 with no failure, 3 for servers that failed, 70 when a failure is a bug of mcp-host', () => {
    expect(exitCodeForServerFailures([])).toBe(EXIT_CODE.OK);
    expect(exitCodeForServerFailures([{ code: 'SPAWN_FAILED' }, undefined])).toBe(EXIT_CODE.SERVER_FAILED);
    expect(exitCodeForServerFailures([{ code: 'SERVER_EXITED' }, { code: 'INTERNAL' }])).toBe(EXIT_CODE.INTERNAL);
    expect(exitCodeForServerFailures([{ code: 'INTERNAL_ERROR' }])).toBe(EXIT_CODE.INTERNAL);
  });

  it('is 2 when every failure is a server’s entry in the config, 3 when a server failed as well', () => {
    expect(exitCodeForServerFailures([{ code: 'CONFIG_INVALID' }])).toBe(EXIT_CODE.CONFIG);
    expect(exitCodeForServerFailures([{ code: 'CONFIG_INVALID' }, { code: 'SPAWN_FAILED' }])).toBe(
      EXIT_CODE.SERVER_FAILED,
    );
    expect(exitCodeForServerFailures([{ code: 'CONFIG_INVALID' }, undefined])).toBe(EXIT_CODE.SERVER_FAILED);
  });
});
