/**
 * Test helper: every message a server sends to a test's client is validated against the official MCP 2025-11-25
 * JSON Schema (test/vendor/mcp-schema-2025-11-25.json), by mcp-schema-checker.ts.
 *
 * Wrap the client's transport with `checkedTransport(transport, name)`. A test file that imports this module gets
 * an `afterEach` (and an `afterAll`, for what a `beforeAll` server sent after the last test) that fails on any
 * violation seen since the last check, naming the message, the field and the schema path.
 */
import { afterAll, afterEach } from 'vitest';
import { MessageChecker } from './mcp-schema-checker.js';
import type { MessageTransport } from '../../src/protocol/transport.js';

const violations: string[] = [];
const pending = new Set<Promise<void>>();

/** The violations seen so far, once every message received has been checked; the list is emptied. */
export async function takeSchemaViolations(): Promise<string[]> {
  while (pending.size > 0) await Promise.all(pending);
  return violations.splice(0);
}

async function failOnViolations(): Promise<void> {
  const found = await takeSchemaViolations();
  if (found.length > 0) {
    throw new Error(`${found.length} message(s) broke the MCP 2025-11-25 schema:\n${found.join('\n')}`);
  }
}

afterEach(failOnViolations);
afterAll(failOnViolations);

/** A checker whose violations fail the test that is running (see the module comment). */
export function testChecker(peer: string): MessageChecker {
  return new MessageChecker(
    peer,
    (violation) => violations.push(violation),
    (check) => {
      pending.add(check);
      void check.finally(() => pending.delete(check));
    },
  );
}

/**
 * The transport with every message from the server validated (see the module comment). The wrapper changes
 * nothing of what passes: the same values reach the connection, in the same order.
 */
export function checkedTransport(transport: MessageTransport, peer: string): MessageTransport {
  const checker = testChecker(peer);
  return {
    // A proxy rather than a copy: the sink's other callbacks reach it as they are, whatever the contract adds.
    start: (sink) =>
      transport.start(
        new Proxy(sink, {
          get(target, property) {
            if (property === 'onMessage') {
              return (value: unknown) => {
                checker.received(value);
                target.onMessage(value);
              };
            }
            const member: unknown = Reflect.get(target, property);
            return typeof member === 'function' ? (member as (...args: unknown[]) => unknown).bind(target) : member;
          },
        }),
      ),
    send: (...args: Parameters<MessageTransport['send']>) => {
      checker.noteSent(args[0]);
      return transport.send(...args);
    },
    close: () => transport.close(),
  };
}
