/**
 * The revision table and the shaping of what a server sends: pure functions, checked against what the schemas of
 * each revision (schema/<revision>/schema.ts in modelcontextprotocol/modelcontextprotocol) have.
 */
import { describe, expect, it } from 'vitest';
import { McpHostError } from '../../../src/protocol/errors.js';
import type { CreateMessageRequestParams } from '../../../src/protocol/types.js';
import { SUPPORTED_PROTOCOL_VERSIONS } from '../../../src/protocol/versions.js';
import { assertCanElicit, assertCanSample, elicitationModes } from '../../../src/server/client-requests.js';
import { REVISION_FEATURES, hasFeature } from '../../../src/server/revisions.js';
import { shapeElicitRequest, shapeResult, shapeSamplingRequest } from '../../../src/server/shape.js';

describe('the revision table', () => {
  it('names only revisions we speak', () => {
    for (const span of Object.values(REVISION_FEATURES)) {
      expect(SUPPORTED_PROTOCOL_VERSIONS).toContain(span.since);
      if ('until' in span) expect(SUPPORTED_PROTOCOL_VERSIONS).toContain(span.until);
    }
  });

  it('has batches in 2025-03-26 only', () => {
    expect(SUPPORTED_PROTOCOL_VERSIONS.filter((version) => hasFeature(version, 'batches'))).toEqual(['2025-03-26']);
  });

  it('gives the newest revision every feature but batches', () => {
    const missing = Object.keys(REVISION_FEATURES).filter(
      (feature) => !hasFeature('2025-11-25', feature as keyof typeof REVISION_FEATURES),
    );
    expect(missing).toEqual(['batches']);
  });
});

describe('shapeResult', () => {
  it('returns the very object for the newest revision: nothing is copied on the hot path', () => {
    const result = { tools: [{ name: 'a', inputSchema: { type: 'object' as const }, icons: [] }] };
    expect(shapeResult('tools/list', result, '2025-11-25')).toBe(result);
  });

  it('never changes what the handler returned', () => {
    const tool = { name: 'a', title: 'A', inputSchema: { type: 'object' as const }, _meta: { x: 1 } };
    const result = { tools: [tool] };
    expect(shapeResult('tools/list', result, '2024-11-05')).toEqual({
      tools: [{ name: 'a', inputSchema: { type: 'object' } }],
    });
    expect(tool).toEqual({ name: 'a', title: 'A', inputSchema: { type: 'object' }, _meta: { x: 1 } });
  });

  it('leaves results of methods it does not know alone', () => {
    const result = { completion: { values: ['a'] } };
    expect(shapeResult('completion/complete', result, '2024-11-05')).toBe(result);
  });

  it('drops prompt argument titles before 2025-06-18', () => {
    const result = { prompts: [{ name: 'p', arguments: [{ name: 'x', title: 'X', required: true }] }] };
    expect(shapeResult('prompts/list', result, '2025-03-26')).toEqual({
      prompts: [{ name: 'p', arguments: [{ name: 'x', required: true }] }],
    });
  });
});

const ask = (content: CreateMessageRequestParams['messages'][number]['content']): CreateMessageRequestParams => ({
  messages: [{ role: 'user', content }],
  maxTokens: 10,
});

describe('shapeSamplingRequest', () => {
  it('unwraps a one-block array and drops _meta the revision lacks', () => {
    const params = ask([{ type: 'text', text: 'hi', _meta: { a: 1 } }]);
    params.messages[0]!._meta = { b: 2 };
    expect(shapeSamplingRequest(params, '2025-03-26').messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'hi' } },
    ]);
    expect(shapeSamplingRequest(params, '2025-06-18').messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'hi', _meta: { a: 1 } } },
    ]);
  });

  it.each([
    ['tools', { ...ask({ type: 'text', text: 'x' }), tools: [] }, 'tools in sampling'],
    [
      'two blocks',
      ask([
        { type: 'text', text: 'a' },
        { type: 'text', text: 'b' },
      ]),
      'messages of several',
    ],
    ['tool use', ask({ type: 'tool_use', id: '1', name: 't', input: {} }), 'tool_use content'],
  ])('refuses %s before 2025-11-25, naming the revision', (_name, params, what) => {
    const error = (() => {
      try {
        return shapeSamplingRequest(params, '2025-06-18');
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(McpHostError);
    expect(error).toMatchObject({ code: 'CAPABILITY_MISSING', context: { protocolVersion: '2025-06-18' } });
    expect((error as Error).message).toContain(what);
    expect((error as Error).message).toContain('it came in 2025-11-25');
  });

  it('refuses audio to 2024-11-05 only', () => {
    const params = ask({ type: 'audio', data: 'AA', mimeType: 'audio/wav' });
    expect(() => shapeSamplingRequest(params, '2024-11-05')).toThrow(/no audio content; it came in 2025-03-26/);
    expect(shapeSamplingRequest(params, '2025-03-26').messages[0]?.content).toMatchObject({ type: 'audio' });
  });
});

describe('elicitation', () => {
  it('reads the modes as 2025-11-25 says: an empty capability is form only', () => {
    expect(elicitationModes(undefined)).toEqual({ form: false, url: false });
    expect(elicitationModes({})).toEqual({ form: true, url: false });
    expect(elicitationModes({ url: {} })).toEqual({ form: false, url: true });
    expect(elicitationModes({ form: {}, url: {} })).toEqual({ form: true, url: true });
  });

  it('sends no `mode` to 2025-06-18, which has none', () => {
    const params = {
      mode: 'form' as const,
      message: 'm',
      requestedSchema: { type: 'object' as const, properties: {} },
    };
    expect(shapeElicitRequest(params, '2025-06-18')).toEqual({ message: 'm', requestedSchema: params.requestedSchema });
    expect(shapeElicitRequest(params, '2025-11-25')).toBe(params);
  });

  it('refuses what the client or the revision lacks', () => {
    const form = { message: 'm', requestedSchema: { type: 'object' as const, properties: {} } };
    const url = { mode: 'url' as const, message: 'm', url: 'https://x', elicitationId: '1' };
    expect(() => assertCanElicit(form, { elicitation: {} }, '2025-03-26')).toThrow(
      /no elicitation; it came in 2025-06-18/,
    );
    expect(() => assertCanElicit(url, { elicitation: { url: {} } }, '2025-06-18')).toThrow(/no URL-mode elicitation/);
    expect(() => assertCanElicit(url, { elicitation: {} }, '2025-11-25')).toThrow(/elicitation\.url capability/);
    expect(() => assertCanElicit(form, { elicitation: { url: {} } }, '2025-11-25')).toThrow(/elicitation\.form/);
    expect(() => assertCanElicit(form, { elicitation: {} }, '2025-06-18')).not.toThrow();
  });
});

describe('sampling capabilities', () => {
  it('needs sampling.tools for tools, and sampling.context for includeContext where the revision has it', () => {
    const plain = ask({ type: 'text', text: 'x' });
    expect(() => assertCanSample(plain, {}, '2025-11-25')).toThrow(/did not declare the sampling capability/);
    expect(() => assertCanSample({ ...plain, tools: [] }, { sampling: {} }, '2025-11-25')).toThrow(/sampling\.tools/);
    expect(() => assertCanSample({ ...plain, tools: [] }, { sampling: { tools: {} } }, '2025-11-25')).not.toThrow();
    const withContext = { ...plain, includeContext: 'thisServer' as const };
    expect(() => assertCanSample(withContext, { sampling: {} }, '2025-11-25')).toThrow(/sampling\.context/);
    expect(() => assertCanSample(withContext, { sampling: {} }, '2025-06-18')).not.toThrow();
  });
});
