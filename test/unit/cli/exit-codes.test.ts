import { describe, expect, it } from 'vitest';
import { EXIT_CODE, exitCodeForError } from '../../../src/cli/exit-codes.js';
import { McpHostError } from '../../../src/protocol/errors.js';
import type { McpHostErrorCode } from '../../../src/protocol/errors.js';

describe('exitCodeForError', () => {
  it.each<[McpHostErrorCode, number]>([
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
});
