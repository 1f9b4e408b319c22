/**
 * Text from servers made safe for a terminal. A tool's result, a log line or an error message can carry escape
 * sequences that set the window title, clear the screen, move the cursor or rewrite what was printed before; on a
 * terminal each control character is shown as `\xNN` instead (`--raw` prints them as they are). Line breaks, tabs
 * and colours (SGR sequences, `ESC [ … m`, which chalk writes too) pass. Output to a pipe or a file is never changed.
 */

/** An SGR sequence or CRLF, kept; any other C0 or C1 control character, or DEL, shown. */
// Matching control characters is the point here.
// eslint-disable-next-line no-control-regex
const CONTROL = /(\x1b\[[0-9;]*m|\r\n)|[\x00-\x08\x0b-\x1f\x7f-\x9f]/g;

export function escapeControls(text: string): string {
  return text.replace(CONTROL, (match, kept: string | undefined) =>
    kept !== undefined ? kept : `\\x${match.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
