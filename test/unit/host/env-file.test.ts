import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvFileError, parseEnvFile, readEnvFile } from '../../../src/host/env-file.js';

describe('parseEnvFile', () => {
  it('reads NAME=value lines, export, comments, blank lines and a BOM', () => {
    const text =
      '\uFEFF# settings\n\nexport REGION=eu-west-1\nPLAIN = spaced value  \nURL=https://x/#anchor\nEMPTY=\nCUT=value # a comment\n';
    expect(parseEnvFile(text)).toEqual({
      REGION: 'eu-west-1',
      PLAIN: 'spaced value',
      URL: 'https://x/#anchor',
      EMPTY: '',
      CUT: 'value',
    });
  });

  it('keeps single quotes as written and reads escapes in double quotes, over several lines', () => {
    const text = `SINGLE='a \\n # b'\nDOUBLE="line 1\\nline \\"2\\""\nMULTI="first\nsecond"\nBACK=\`x # y\`\r\nCRLF=ok\r\n`;
    expect(parseEnvFile(text)).toEqual({
      SINGLE: 'a \\n # b',
      DOUBLE: 'line 1\nline "2"',
      MULTI: 'first\nsecond',
      BACK: 'x # y',
      CRLF: 'ok',
    });
  });

  it('lets a later definition win', () => {
    expect(parseEnvFile('A=1\nA=2\n')).toEqual({ A: '2' });
  });

  it('names the line of a malformed assignment or an unclosed quote', () => {
    expect(() => parseEnvFile('A=1\nnot an assignment\n')).toThrow(
      new EnvFileError('line 2: expected NAME=value, got "not an assignment"'),
    );
    expect(() => parseEnvFile('A="never closed\nB=2\n')).toThrow(
      new EnvFileError('line 1: the value\'s " is never closed'),
    );
  });
});

describe('readEnvFile', () => {
  it('says that a file is missing, or is a directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-env-'));
    try {
      expect(() => readEnvFile(path.join(dir, 'nope.env'))).toThrow(
        `cannot read ${path.join(dir, 'nope.env')}: not found`,
      );
      expect(() => readEnvFile(dir)).toThrow(`cannot read ${dir}: it is a directory`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
