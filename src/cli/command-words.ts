/**
 * A command line written as one string (`--stdio "npx -y @scope/server --root '/my files'"`) split into words the
 * way a POSIX shell splits a simple command: blanks separate words; single quotes keep everything; double quotes keep
 * everything but `\` before `"`, `\`, `$` or a backquote; a backslash outside quotes keeps the next character. Nothing
 * is expanded (no variables, globs or `~`): the words go to the program as written, and no shell ever runs.
 */

export function splitCommandWords(text: string): string[] {
  const words: string[] = [];
  // `hasWord`: a word is under way, even an empty one (`''`).
  let word = '';
  let hasWord = false;
  let quote: "'" | '"' | undefined;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quote === "'") {
      if (char === "'") quote = undefined;
      else word += char;
    } else if (quote === '"') {
      if (char === '"') quote = undefined;
      else if (char === '\\' && '"\\$`'.includes(text[index + 1] ?? '')) word += text[++index]!;
      else word += char;
    } else if (char === ' ' || char === '\t' || char === '\n') {
      if (hasWord) words.push(word);
      word = '';
      hasWord = false;
    } else {
      hasWord = true;
      if (char === "'" || char === '"') quote = char;
      else if (char === '\\' && index + 1 < text.length) word += text[++index]!;
      else word += char;
    }
  }
  if (quote !== undefined) throw new Error(`unterminated ${quote === "'" ? 'single' : 'double'} quote`);
  if (hasWord) words.push(word);
  return words;
}
