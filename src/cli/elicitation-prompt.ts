/**
 * What the CLI answers when a server asks the user for input (`elicitation/create`, form mode). On a terminal each
 * field of the form is asked on stderr, typed by its schema, with its default; without one (a pipe, a script, the
 * daemon) the request is declined at once, never left to hang; `--yes` accepts the defaults without asking.
 */

import type { Readable } from 'node:stream';
import type {
  ElicitRequestFormParams,
  ElicitResult,
  ElicitValue,
  PrimitiveSchemaDefinition,
} from '../protocol/types.js';

export interface ElicitationPromptOptions {
  /** Where the questions are read from: a terminal, or undefined when there is none. */
  terminal: { input: Readable; output: { write(text: string): unknown } } | undefined;
  /** `--yes`: the defaults are the answer. */
  isYes: boolean;
  /** A line on stderr (a decline without a terminal is said, not silent). */
  note: (text: string) => void;
  /** Before a question: the progress line is cleared. */
  beforeAsking: () => void;
  /** Ctrl-C at a question: the request is cancelled and so is the command. */
  onInterrupt: () => void;
  /** Text from the server made fit for the terminal: secrets replaced, control characters shown escaped. */
  shown: (text: string) => string;
}

type Field = PrimitiveSchemaDefinition & { title?: string; description?: string; default?: ElicitValue };

/**
 * The `elicitation` hook of each server's client (named, for the question): one form at a time, whichever server
 * asks, so two never share the terminal.
 */
export function createElicitationPrompt(
  options: ElicitationPromptOptions,
): (server: string) => (params: ElicitRequestFormParams) => Promise<ElicitResult> {
  let last: Promise<unknown> = Promise.resolve();
  return (server) => (params) => {
    const answer = last.then(() => ask(server, params, options));
    last = answer.catch(() => undefined);
    return answer;
  };
}

async function ask(
  server: string,
  params: ElicitRequestFormParams,
  options: ElicitationPromptOptions,
): Promise<ElicitResult> {
  const fields = Object.entries(params.requestedSchema.properties) as [string, Field][];
  const required = new Set(params.requestedSchema.required ?? []);
  if (options.isYes) {
    const missing = fields.filter(([name, field]) => required.has(name) && field.default === undefined);
    // The client fills in the defaults of an accepted form (McpClient's applyElicitationDefaults).
    if (missing.length === 0) return { action: 'accept', content: {} };
    options.note(
      `${server} asked: ${params.message}; declined: --yes has no default for ${missing.map(([name]) => name).join(', ')}`,
    );
    return { action: 'decline' };
  }
  if (!options.terminal) {
    options.note(`${server} asked: ${params.message}; declined: no terminal to ask on (--yes accepts the defaults)`);
    return { action: 'decline' };
  }
  options.beforeAsking();
  const { input, output } = options.terminal;
  // Loaded only when a form is asked on a terminal: no command pays for readline otherwise.
  const { createInterface } = await import('node:readline/promises');
  const lines = createInterface({ input, output: output as NodeJS.WritableStream, terminal: true });
  // Lines are read through the iterator, which keeps those typed (or pasted) ahead of their question.
  const typed = lines[Symbol.asyncIterator]();
  const answer = async (question: string): Promise<string> => {
    lines.setPrompt(question);
    lines.prompt();
    const next = await typed.next();
    if (next.done === true) throw new Error('the terminal closed');
    return next.value;
  };
  let isInterrupted = false;
  lines.on('SIGINT', () => {
    isInterrupted = true;
    lines.close();
    options.onInterrupt();
  });
  // Every question and message quotes the server (its message, titles, descriptions, choices).
  const say = (text: string): unknown => output.write(`${options.shown(text)}\n`);
  const askShown = (question: string): Promise<string> => answer(options.shown(question));
  try {
    say(`${server} asks: ${params.message}`);
    const content: Record<string, ElicitValue> = {};
    for (const [name, field] of fields) {
      const value = await askField(askShown, say, name, field, required.has(name));
      if (value !== undefined) content[name] = value;
    }
    return { action: 'accept', content };
  } catch {
    // Ctrl-C or Ctrl-D at a question: the user dismissed it.
    return { action: 'cancel' };
  } finally {
    if (!isInterrupted) lines.close();
  }
}

/** Asks one field until its answer fits the schema; empty takes the default, or leaves an optional field out. */
async function askField(
  answer: (question: string) => Promise<string>,
  say: (line: string) => unknown,
  name: string,
  field: Field,
  isRequired: boolean,
): Promise<ElicitValue | undefined> {
  const question = `  ${field.title ?? name}${describeField(field, isRequired)}: `;
  for (;;) {
    const text = (await answer(question)).trim();
    if (text === '') {
      if (field.default !== undefined) return field.default;
      if (!isRequired) return undefined;
      say('    required');
      continue;
    }
    const parsed = parseAnswer(text, field);
    if (typeof parsed === 'object' && parsed !== null && 'problem' in parsed) say(`    ${parsed.problem}`);
    else return parsed;
  }
}

function describeField(field: Field, isRequired: boolean): string {
  const parts: string[] = [];
  const choices = choicesOf(field);
  if (choices) parts.push(choices.join('/'));
  else parts.push(field.type === 'array' ? 'comma-separated' : field.type);
  if (field.default !== undefined) parts.push(`default ${String(field.default)}`);
  else if (isRequired) parts.push('required');
  const description = field.description ? ` ${field.description}` : '';
  return `${description} (${parts.join(', ')})`;
}

/** The values an enum field takes, from any of the revision's enum forms. */
function choicesOf(field: Field): string[] | undefined {
  const schema = field as {
    enum?: unknown;
    oneOf?: { const?: unknown }[];
    items?: { enum?: unknown; anyOf?: { const?: unknown }[] };
  };
  if (Array.isArray(schema.enum)) return schema.enum.map(String);
  if (Array.isArray(schema.oneOf)) return schema.oneOf.map((option) => String(option.const));
  if (schema.items && Array.isArray(schema.items.enum)) return schema.items.enum.map(String);
  if (schema.items && Array.isArray(schema.items.anyOf)) {
    return schema.items.anyOf.map((option) => String(option.const));
  }
  return undefined;
}

/** The typed answer, or what is wrong with the text. */
export function parseAnswer(text: string, field: Field): ElicitValue | { problem: string } {
  const choices = choicesOf(field);
  if (field.type === 'array') {
    const values = text
      .split(',')
      .map((value) => value.trim())
      .filter((value) => value !== '');
    const unknown = choices ? values.filter((value) => !choices.includes(value)) : [];
    return unknown.length > 0 ? { problem: `expected some of ${choices!.join(', ')}` } : values;
  }
  if (choices) return choices.includes(text) ? text : { problem: `expected one of ${choices.join(', ')}` };
  if (field.type === 'boolean') {
    if (/^(y|yes|true)$/i.test(text)) return true;
    if (/^(n|no|false)$/i.test(text)) return false;
    return { problem: 'expected yes or no' };
  }
  if (field.type === 'number' || field.type === 'integer') {
    const number = Number(text);
    if (!Number.isFinite(number) || (field.type === 'integer' && !Number.isInteger(number))) {
      return { problem: `expected ${field.type === 'integer' ? 'a whole number' : 'a number'}` };
    }
    const { minimum, maximum } = field as { minimum?: number; maximum?: number };
    if (minimum !== undefined && number < minimum) return { problem: `expected at least ${minimum}` };
    if (maximum !== undefined && number > maximum) return { problem: `expected at most ${maximum}` };
    return number;
  }
  const { minLength, maxLength } = field as { minLength?: number; maxLength?: number };
  if (minLength !== undefined && text.length < minLength) {
    return { problem: `expected at least ${minLength} characters` };
  }
  if (maxLength !== undefined && text.length > maxLength) {
    return { problem: `expected at most ${maxLength} characters` };
  }
  return text;
}
