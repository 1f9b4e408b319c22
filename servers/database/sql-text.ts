/**
 * The little lexing `query` needs before SQLite sees a statement: find its first keyword, past whitespace and
 * comments. SQLite itself decides what the statement does (`stmt.reader`, `stmt.readonly`); this only tells an empty
 * string apart and spots PRAGMA, whose setting form can return rows (so passes those checks) yet change the process,
 * e.g. `PRAGMA hard_heap_limit=1`.
 */

/** The first keyword of `sql`, upper-cased (`SELECT`), or undefined when there is nothing but space and comments. */
export function firstKeyword(sql: string): string | undefined {
  let index = 0;
  while (index < sql.length) {
    const char = sql[index]!;
    if (/\s/.test(char)) {
      index++;
    } else if (sql.startsWith('--', index)) {
      const end = sql.indexOf('\n', index);
      index = end === -1 ? sql.length : end + 1;
    } else if (sql.startsWith('/*', index)) {
      // An unterminated block comment runs to the end of the input, as in SQLite.
      const end = sql.indexOf('*/', index + 2);
      index = end === -1 ? sql.length : end + 2;
    } else {
      const word = /^[A-Za-z_]+/.exec(sql.slice(index, index + 64));
      return word ? word[0].toUpperCase() : char;
    }
  }
  return undefined;
}
