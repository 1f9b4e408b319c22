import { describe, expect, it } from 'vitest';
import { splitCommandWords } from '../../../src/cli/command-words.js';

describe('splitCommandWords', () => {
  it('splits on blanks, as a shell does', () => {
    expect(splitCommandWords('  npx   -y\t@scope/server  ')).toEqual(['npx', '-y', '@scope/server']);
  });

  it('keeps quoted text, and empty quoted words', () => {
    expect(splitCommandWords(`node '/my files/s.js' "a \\"b\\" c" ''`)).toEqual([
      'node',
      '/my files/s.js',
      'a "b" c',
      '',
    ]);
    expect(splitCommandWords(`say it\\'s a\\ b`)).toEqual(['say', "it's", 'a b']);
    expect(splitCommandWords(`x"y"'z'`)).toEqual(['xyz']);
  });

  it('expands nothing', () => {
    expect(splitCommandWords('echo $HOME ~ *.js "$PATH"')).toEqual(['echo', '$HOME', '~', '*.js', '$PATH']);
  });

  it('refuses an unterminated quote', () => {
    expect(() => splitCommandWords(`node 'oops`)).toThrow('unterminated single quote');
    expect(() => splitCommandWords('node "oops')).toThrow('unterminated double quote');
  });
});
