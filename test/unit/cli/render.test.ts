import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BinaryFiles,
  colorLevel,
  createChalk,
  extensionFor,
  prettyIfJson,
  renderContent,
  renderTable,
} from '../../../src/cli/render.js';

describe('colorLevel', () => {
  const tty = { isTTY: true, env: {}, isColorDisabled: false };

  it('colours a terminal', () => {
    expect(colorLevel(tty)).toBe(1);
  });

  it('is off when the stream is not a terminal', () => {
    expect(colorLevel({ ...tty, isTTY: false })).toBe(0);
  });

  it('is off with --no-color, even when FORCE_COLOR is set', () => {
    expect(colorLevel({ ...tty, isColorDisabled: true })).toBe(0);
    expect(colorLevel({ ...tty, isColorDisabled: true, env: { FORCE_COLOR: '1' } })).toBe(0);
  });

  it('is off with NO_COLOR set to anything but the empty string', () => {
    expect(colorLevel({ ...tty, env: { NO_COLOR: '1' } })).toBe(0);
    expect(colorLevel({ ...tty, env: { NO_COLOR: '' } })).toBe(1);
    expect(colorLevel({ ...tty, env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).toBe(0);
  });

  it('is off for TERM=dumb and on for a pipe with FORCE_COLOR', () => {
    expect(colorLevel({ ...tty, env: { TERM: 'dumb' } })).toBe(0);
    expect(colorLevel({ ...tty, isTTY: false, env: { FORCE_COLOR: '1' } })).toBe(1);
    expect(colorLevel({ ...tty, isTTY: false, env: { FORCE_COLOR: '3' } })).toBe(3);
    expect(colorLevel({ ...tty, env: { FORCE_COLOR: '0' } })).toBe(0);
  });

  it('gives chalk instances that do or do not emit escape codes', () => {
    expect(createChalk(0).red('x')).toBe('x');
    expect(createChalk(1).red('x')).toBe('\x1b[31mx\x1b[39m');
  });
});

/** An SGR colour sequence; built from a string because a control character in a regex literal is easy to miss. */
const ANSI = new RegExp(`${String.fromCharCode(27)}\\[\\d+m`, 'g');

describe('renderTable', () => {
  it('aligns columns by visible width, ignoring colour codes', () => {
    const chalk = createChalk(1);
    const lines = renderTable([
      [{ text: 'a', style: chalk.bold }, 'first'],
      [{ text: 'longer', style: chalk.bold }, 'second'],
    ]);
    const plain = lines.map((line) => line.replace(ANSI, ''));
    expect(plain).toEqual(['a       first', 'longer  second']);
  });

  it('does not pad the last column or leave trailing spaces', () => {
    expect(
      renderTable(
        [
          ['x', ''],
          ['yy', 'z'],
        ],
        '  ',
      ),
    ).toEqual(['  x', '  yy  z']);
  });
});

describe('content', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-host-render-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const chalk = createChalk(0);

  it('prints text as is and JSON text pretty', async () => {
    const files = new BinaryFiles('t', dir, dir);
    expect(
      await renderContent(
        [
          { type: 'text', text: 'hello' },
          { type: 'text', text: '{"a":1}' },
        ],
        chalk,
        files,
      ),
    ).toEqual(['hello', '{\n  "a": 1\n}']);
  });

  it('saves images and audio to files named after the call and prints the path', async () => {
    const files = new BinaryFiles('srv-tool', 'out', dir); // relative to the command's cwd, not this process's
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47]).toString('base64');
    const lines = await renderContent(
      [
        { type: 'image', data: png, mimeType: 'image/png' },
        { type: 'audio', data: png, mimeType: 'audio/wav' },
      ],
      chalk,
      files,
    );
    const image = path.join(dir, 'out', 'srv-tool-1.png');
    expect(lines).toEqual([
      `[image image/png, 4 B] saved to ${image}`,
      `[audio audio/wav, 4 B] saved to ${path.join(dir, 'out', 'srv-tool-2.wav')}`,
    ]);
    expect(fs.readFileSync(image)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  });

  it('lists resource links and shows embedded resources', async () => {
    const files = new BinaryFiles('t', dir, dir);
    const lines = await renderContent(
      [
        { type: 'resource_link', uri: 'file:///a.txt', name: 'a', mimeType: 'text/plain', description: 'The A' },
        { type: 'resource', resource: { uri: 'mem://note', mimeType: 'text/plain', text: 'note text' } },
        {
          type: 'resource',
          resource: { uri: 'mem://hello', mimeType: 'text/plain', blob: Buffer.from('hi').toString('base64') },
        },
      ],
      chalk,
      files,
    );
    expect(lines).toEqual([
      '[link] file:///a.txt (a, text/plain) - The A',
      '[resource mem://note text/plain]',
      'note text',
      '[resource mem://hello text/plain]',
      'hi',
    ]);
  });

  it('saves to a fresh temp directory when no --out is given', async () => {
    const files = new BinaryFiles('tmp-test', undefined, process.cwd());
    const [line] = await renderContent([{ type: 'image', data: 'AA==', mimeType: 'image/gif' }], chalk, files);
    const saved = files.saved[0]!;
    try {
      expect(line).toContain(saved);
      expect(path.dirname(saved).startsWith(path.join(os.tmpdir(), 'mcp-host-'))).toBe(true);
    } finally {
      fs.rmSync(path.dirname(saved), { recursive: true, force: true });
    }
  });

  it('picks file extensions from MIME types', () => {
    expect(extensionFor('image/jpeg')).toBe('jpg');
    expect(extensionFor('audio/mpeg; rate=44100')).toBe('mp3');
    expect(extensionFor('image/x-icon')).toBe('bin');
    expect(extensionFor('video/mp4')).toBe('mp4');
    expect(extensionFor(undefined)).toBe('bin');
  });

  it('leaves text that only looks like JSON alone', () => {
    expect(prettyIfJson('{not json')).toBe('{not json');
  });
});
