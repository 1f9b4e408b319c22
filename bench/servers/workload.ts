/**
 * What every bench server does, whatever its stack: the same three tools with the same bodies, so that a difference
 * in the numbers is a difference of the stack and never of the work.
 *
 * - `echo {text}` answers with the text: the cost of one round trip and nothing else.
 * - `blob {bytes}` answers with a text of that many characters: large results.
 * - `stats {}` answers with the server process's own CPU time and peak memory, as JSON: the server's side of "CPU per
 *   call" without instrumenting the stack.
 */

/** Prose with quotes and a newline, so JSON escaping is exercised as with real tool output. */
const LINE = 'The quick brown fox said "hello" to the lazy dog, then went home to sleep.\n';

/** A text of exactly `length` characters (ASCII, so also bytes). */
export function makeText(length: number): string {
  return LINE.repeat(Math.ceil(length / LINE.length)).slice(0, length);
}

/** What `stats` reports. */
export interface ProcessStats {
  /** User plus system CPU time of the whole process so far, in microseconds. */
  cpuUs: number;
  /** Resident set size now, in bytes. */
  rssBytes: number;
  /** Peak resident set size so far, in bytes. */
  peakRssBytes: number;
}

export function processStats(): ProcessStats {
  const cpu = process.cpuUsage();
  return {
    cpuUs: cpu.user + cpu.system,
    rssBytes: process.memoryUsage.rss(),
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

export const TOOL_DESCRIPTIONS = {
  echo: 'Answers with the text it was given',
  blob: 'Answers with a text of the given number of characters',
  stats: "Answers with this process's CPU time (microseconds), RSS and peak RSS (bytes) as JSON",
} as const;
