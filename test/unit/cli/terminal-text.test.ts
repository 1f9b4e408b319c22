import { describe, expect, it } from 'vitest';
import { escapeControls } from '../../../src/cli/terminal-text.js';

describe('escapeControls', () => {
  it('shows a window-title sequence, a screen clear and a bare carriage return as \\xNN', () => {
    expect(escapeControls('\x1b]0;owned\x07done')).toBe('\\x1b]0;owned\\x07done');
    expect(escapeControls('\x1b[2J\x1b[H')).toBe('\\x1b[2J\\x1b[H');
    expect(escapeControls('progress 99%\rrewritten')).toBe('progress 99%\\x0drewritten');
  });

  it('shows C1 controls and DEL, which some terminals act on as well', () => {
    expect(escapeControls('a\x9bb\x7fc\x00')).toBe('a\\x9bb\\x7fc\\x00');
  });

  it('keeps line breaks, tabs, CRLF and colours', () => {
    const text = 'one\ttwo\nthree\r\n\x1b[31mred\x1b[39m \x1b[1;4mbold\x1b[0m';
    expect(escapeControls(text)).toBe(text);
  });

  it('keeps text without controls, unicode included, unchanged', () => {
    expect(escapeControls('Tōkyō 12 °C ☀')).toBe('Tōkyō 12 °C ☀');
  });
});
