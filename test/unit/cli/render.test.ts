import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Redactor } from '../../../src/host/redact.js';
import {
  BinaryFiles,
  SAVED_FILES_MAX_AGE_MS,
  colorLevel,
  createChalk,
  extensionFor,
  prettyIfJson,
  renderContent,
  renderTable,
  savedFilesRoot,
  wrapWords,
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
  const noSecrets = new Redactor([]);
  /** Files saved in `outDir` (relative to `dir`), or by default in the cache under `dir`. */
  const filesIn = (outDir: string | undefined, redactor = noSecrets, prefix = 't'): BinaryFiles =>
    new BinaryFiles({ prefix, ...(outDir !== undefined && { outDir }), cwd: dir, env: { HOME: dir }, redactor });

  it('prints text as is and JSON text pretty', async () => {
    const files = filesIn(dir);
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
    const files = filesIn('out', noSecrets, 'srv-tool'); // relative to the command's cwd, not this process's
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
      `[image image/png, 4 bytes] saved to ${image}`,
      `[audio audio/wav, 4 bytes] saved to ${path.join(dir, 'out', 'srv-tool-2.wav')}`,
    ]);
    expect(fs.readFileSync(image)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  });

  it('lists resource links and shows embedded resources', async () => {
    const files = filesIn(dir);
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

  it('saves to a new owner-only directory in the user cache when no --out is given, never in the temp dir', async () => {
    const files = filesIn(undefined);
    const [line] = await renderContent([{ type: 'image', data: 'AA==', mimeType: 'image/gif' }], chalk, files);
    const saved = files.saved[0]!;
    expect(line).toBe(`[image image/gif, 1 byte] saved to ${saved}`);
    const root = path.join(dir, '.cache', 'mcp-host', 'files');
    expect(path.dirname(path.dirname(saved))).toBe(root);
    expect(path.basename(path.dirname(saved))).toMatch(/^\d{8}T\d{6}Z-[A-Za-z0-9]{6}$/);
    expect(fs.statSync(root).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.dirname(saved)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(saved).mode & 0o777).toBe(0o600);
  });

  it('finds the cache through $XDG_CACHE_HOME when it is absolute, else ~/.cache', () => {
    expect(savedFilesRoot({ XDG_CACHE_HOME: '/c', HOME: '/h' })).toBe('/c/mcp-host/files');
    expect(savedFilesRoot({ XDG_CACHE_HOME: 'relative', HOME: '/h' })).toBe('/h/.cache/mcp-host/files');
  });

  it('removes the runs older than the maximum age when it saves, and nothing else', async () => {
    const root = savedFilesRoot({ HOME: dir });
    fs.mkdirSync(root, { recursive: true });
    const old = path.join(root, '20200101T000000Z-abcDEF');
    const recent = path.join(root, '20200101T000000Z-ghiJKL');
    const other = path.join(root, 'mine');
    for (const made of [old, recent, other]) fs.mkdirSync(made, { recursive: true });
    fs.writeFileSync(path.join(old, 'a.png'), 'x');
    const longAgo = new Date(Date.now() - SAVED_FILES_MAX_AGE_MS - 60_000);
    fs.utimesSync(old, longAgo, longAgo);
    fs.utimesSync(other, longAgo, longAgo);
    await filesIn(undefined).save('AA==', 'image/png');
    expect(fs.existsSync(old)).toBe(false);
    expect(fs.existsSync(recent)).toBe(true);
    expect(fs.existsSync(other)).toBe(true);
  });

  it('replaces secrets in saved files and says so', async () => {
    const files = filesIn('secret-out', new Redactor(['hunter2-secret']));
    const blob = Buffer.concat([Buffer.from([0, 255]), Buffer.from('pw=hunter2-secret'), Buffer.from([1])]);
    const lines = await renderContent(
      [
        { type: 'image', data: blob.toString('base64'), mimeType: 'image/png' },
        { type: 'image', data: Buffer.from([1, 2]).toString('base64'), mimeType: 'image/png' },
      ],
      chalk,
      files,
    );
    expect(lines[0]).toMatch(/saved to .*-1\.png \(a secret in it was replaced with \*\*\*\)$/);
    expect(lines[1]).toMatch(/-2\.png$/);
    expect(fs.readFileSync(files.saved[0]!)).toEqual(
      Buffer.concat([Buffer.from([0, 255]), Buffer.from('pw=***'), Buffer.from([1])]),
    );
  });

  it('redacts JSON text as values, so a secret number stays valid JSON', async () => {
    const files = filesIn(dir, new Redactor(['12345678']));
    const [text] = await renderContent([{ type: 'text', text: '{"pin":12345678,"n":1}' }], chalk, files);
    expect(JSON.parse(text!)).toEqual({ pin: '***', n: 1 });
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

describe('renderTable on a terminal', () => {
  const rows = [
    ['weather.get_forecast', 'Daily forecast for a city: highs, lows, rain and wind, for up to sixteen days ahead'],
    ['weather.search_cities', 'Finds cities'],
  ];

  it('wraps the last column at word boundaries, indented to where it starts', () => {
    expect(renderTable(rows, '', 60)).toEqual([
      'weather.get_forecast   Daily forecast for a city: highs,',
      '                       lows, rain and wind, for up to',
      '                       sixteen days ahead',
      'weather.search_cities  Finds cities',
    ]);
    for (const line of renderTable(rows, '  ', 60)) expect(line.length).toBeLessThanOrEqual(60);
  });

  it('keeps one line per row without a width (a pipe), or when the column would be too narrow to read', () => {
    expect(renderTable(rows)).toEqual([
      'weather.get_forecast   Daily forecast for a city: highs, lows, rain and wind, for up to sixteen days ahead',
      'weather.search_cities  Finds cities',
    ]);
    expect(renderTable(rows, '', 30)).toEqual(renderTable(rows));
  });

  it('gives a word longer than the line a line of its own, and styles every wrapped line', () => {
    expect(wrapWords('a https://example.com/a/very/long/path b', 10)).toEqual([
      'a',
      'https://example.com/a/very/long/path',
      'b',
    ]);
    const styled = renderTable([['x', { text: 'one two three four five six', style: (text) => `<${text}>` }]], '', 25);
    expect(styled).toEqual(['x  <one two three four>', '   <five six>']);
  });
});
