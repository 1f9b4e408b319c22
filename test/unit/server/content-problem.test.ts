import { describe, expect, it } from 'vitest';
import { contentProblem } from '../../../src/server/tool-definition.js';

describe('contentProblem: a handler-built result, checked before it goes out', () => {
  it('passes every kind of block the 2025-11-25 schema has', () => {
    expect(
      contentProblem([
        { type: 'text', text: 'hi', annotations: { audience: ['user'] } },
        { type: 'image', data: 'AAAA', mimeType: 'image/png' },
        { type: 'audio', data: 'AAAA', mimeType: 'audio/wav' },
        { type: 'resource_link', uri: 'file:///a', name: 'a' },
        { type: 'resource', resource: { uri: 'file:///a', text: 'x' } },
        { type: 'resource', resource: { uri: 'file:///b', blob: 'AAAA' } },
      ]),
    ).toBeUndefined();
  });

  it('names the first field that is wrong', () => {
    expect(
      contentProblem([
        { type: 'text', text: 'ok' },
        { type: 'image', data: 'AAAA' },
      ]),
    ).toBe('content[1].mimeType: expected a string');
    expect(contentProblem([{ type: 'text', text: 7 }])).toBe('content[0].text: expected a string');
    expect(contentProblem([{ type: 'video', data: '' }])).toBe(
      'content[0].type: expected one of text, image, audio, resource_link, resource, got "video"',
    );
    expect(contentProblem([{ type: 'resource', resource: { uri: 'file:///a' } }])).toBe(
      'content[0].resource: expected a string "text" or "blob"',
    );
    expect(contentProblem(['text'])).toBe('content[0]: expected a content block object');
  });
});
