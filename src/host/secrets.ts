/**
 * Which values of a config are secrets, to be hidden from all output (see redact.ts). Not every interpolated value:
 * a path from `${HOME}` or `${workspaceFolder}` is not a secret, and hiding it garbles every path a server prints.
 *
 * A value is a secret when a name attached to it is secret:
 * - the variable it was read from (`${GITHUB_TOKEN}`, a variable of an `envFile`, one passed with `passEnv`), the
 *   `env` key it is assigned to, or a field of the entry (`apiKey`, `bearerToken`, `auth.CLIENT_SECRET`);
 * - a name is secret when the config marks it so (`secrets`), or when it looks secret (`isSecretName`) and the
 *   config does not mark it `public`.
 * Also secret, whatever their names: every value of a `headers` object but a few standard headers that never carry
 * credentials (and those marked `public`), the credentials of `Authorization: Bearer ...`, the password of a URL
 * (`postgres://user:password@host`), a URL's query parameters whose names look secret (`?api_key=...`), and the value
 * of a command-line flag whose name looks secret (`--api-key VALUE`, `--token=VALUE`).
 *
 * Node built-ins and zod-free modules only: the CLI's early start loads stdio-entry.ts, which uses this.
 */

import { POSIX_INHERITED_VARIABLES, WINDOWS_INHERITED_VARIABLES } from './environment.js';
import { globToRegExp } from './policy.js';
import { interpolate } from './interpolate.js';
import type { InterpolateOptions, ResolvedReference } from './interpolate.js';

/** Whole words of a name that make it secret: `GITHUB_PAT`, `DB_PWD`, `SENTRY_DSN` (not `PATH`, `PING`). */
const SECRET_WORDS = new Set(['authorization', 'bearer', 'dsn', 'jwt', 'pat', 'pin', 'pwd']);

/** Words that make a name secret, alone or at the end of a compound word (`apikey`, `clientsecret`, `authtoken`). */
const SECRET_WORD_ENDINGS = [
  'token',
  'secret',
  'secrets',
  'password',
  'passwords',
  'passwd',
  'passphrase',
  'key',
  'keys',
  'credential',
  'credentials',
  'cookie',
  'cookies',
];

/**
 * A name that ends in one of these is about a secret, not one: `TOKEN_FILE` and `PRIVATE_KEY_PATH` hold paths,
 * `API_KEY_HEADER` a header's name, `TOKEN_TTL` a number, `bearerTokenEnv` a variable's name, `AUTH_ENABLED` a flag.
 */
const DESCRIPTOR_WORDS = new Set([
  'count',
  'dir',
  'directory',
  'disabled',
  'enabled',
  'endpoint',
  'env',
  'expires',
  'expiry',
  'file',
  'filename',
  'files',
  'folder',
  'format',
  'header',
  'host',
  'id',
  'kind',
  'length',
  'limit',
  'mode',
  'name',
  'path',
  'prefix',
  'required',
  'size',
  'sock',
  'socket',
  'timeout',
  'ttl',
  'type',
  'uri',
  'url',
  'var',
  'version',
]);

/** Names that look secret by the words above but never are: the working directory. */
const NEVER_SECRET_NAMES = new Set(['PWD', 'OLDPWD']);

/**
 * The variables every server inherits (PATH, HOME, ...): their values are never secrets by where they are used (a
 * `${HOME}` inside a secret value), only when the config marks them.
 */
const INHERITED_NAMES = new Set([...POSIX_INHERITED_VARIABLES, ...WINDOWS_INHERITED_VARIABLES]);

/** Headers whose values describe the request, never credentials (names in lower case). */
const PLAIN_HEADERS = new Set([
  'accept',
  'accept-encoding',
  'accept-language',
  'cache-control',
  'content-type',
  'mcp-protocol-version',
  'user-agent',
]);

/**
 * True when a name looks like it holds a secret. The name is split into words at `_`, `-`, `.` and camelCase
 * (`apiKey`, `X-API-Key`, `GITHUB_PERSONAL_ACCESS_TOKEN`); it looks secret when a word is one of SECRET_WORDS or
 * ends in one of SECRET_WORD_ENDINGS, unless its last word is one of DESCRIPTOR_WORDS. `MAX_TOKENS` and
 * `TOKENIZERS_PARALLELISM` are not secret (`tokens` counts them), nor is `KEYBOARD`; `MONKEY` is, by its ending.
 */
export function isSecretName(name: string): boolean {
  if (NEVER_SECRET_NAMES.has(name.toUpperCase())) return false;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word !== '')
    .map((word) => word.toLowerCase());
  if (words.length === 0) return false;
  if (words.length > 1 && DESCRIPTOR_WORDS.has(words.at(-1)!)) return false;
  return words.some(
    (word) => SECRET_WORDS.has(word) || SECRET_WORD_ENDINGS.some((ending) => word === ending || word.endsWith(ending)),
  );
}

/**
 * What a config says about names: `secrets` (always secret) and `public` (never secret by its looks). Each is a list
 * of names or globs (`*_KEY_ID`), matched without regard to case, as header names are.
 */
export class SecretMarks {
  private readonly secret: RegExp[];
  private readonly plain: RegExp[];

  constructor(marks: { secrets?: readonly string[]; public?: readonly string[] } = {}) {
    this.secret = (marks.secrets ?? []).map(caseless);
    this.plain = (marks.public ?? []).map(caseless);
  }

  /** These marks, with `more` (a server's own) added. */
  with(more: { secrets?: readonly string[]; public?: readonly string[] }): SecretMarks {
    const marks = new SecretMarks(more);
    marks.secret.push(...this.secret);
    marks.plain.push(...this.plain);
    return marks;
  }

  /** True when any of the names is secret: marked so, or looking secret and not marked public. */
  isSecret(...names: readonly (string | undefined)[]): boolean {
    return names.some(
      (name) =>
        name !== undefined &&
        (this.secret.some((pattern) => pattern.test(name)) ||
          (isSecretName(name) && !this.plain.some((pattern) => pattern.test(name)))),
    );
  }

  /** True when the config marks the name secret. */
  isMarkedSecret(name: string): boolean {
    return this.secret.some((pattern) => pattern.test(name));
  }

  /** True when the name is marked public. */
  isPublic(name: string): boolean {
    return this.plain.some((pattern) => pattern.test(name)) && !this.secret.some((pattern) => pattern.test(name));
  }
}

function caseless(glob: string): RegExp {
  return new RegExp(globToRegExp(glob).source, 'i');
}

/** How to read the `${...}` references of an entry's strings. */
export interface SecretContext {
  env: NodeJS.ProcessEnv;
  marks: SecretMarks;
  predefined?: InterpolateOptions['predefined'];
}

/**
 * Collects the secret values of one entry (see the module comment). `values` holds them, each once; empty strings
 * are never added.
 */
export class SecretCollector {
  readonly values = new Set<string>();

  constructor(private readonly context: SecretContext) {}

  /**
   * Walks a raw entry (as written, before validation): every string is interpolated (unset references kept) and
   * judged by the names it is reached through. Lists of names (`secrets`, `public`, `tools`) are not values.
   */
  collectEntry(entry: unknown): void {
    this.walk(entry, [], false);
  }

  /** A value of `name` (a variable of an env file, one passed from the caller's environment). */
  addNamed(name: string, value: string): void {
    if (this.context.marks.isSecret(name)) this.add(value);
    this.addEmbedded(value);
  }

  /** A value that is secret whatever its name. */
  add(value: string): void {
    if (value !== '') this.values.add(value);
  }

  /** The secrets inside a value: a URL's password and its secret-named query parameters. */
  addEmbedded(value: string): void {
    if (!value.includes('://')) return;
    for (const match of value.matchAll(/[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:([^\s/?#@]+)@/gi)) this.addEncoded(match[1]!);
    for (const match of value.matchAll(/[?&]([A-Za-z0-9_.-]+)=([^&#\s"']+)/g)) {
      if (this.context.marks.isSecret(decoded(match[1]!))) this.addEncoded(match[2]!);
    }
  }

  /** A URL-encoded secret, as it is and decoded. */
  private addEncoded(value: string): void {
    this.add(value);
    this.add(decoded(value));
  }

  private walk(value: unknown, path: readonly string[], isSecret: boolean): void {
    const key = path.at(-1);
    if (typeof value === 'string') {
      this.addString(value, isSecret);
    } else if (typeof value === 'number') {
      if (isSecret || this.context.marks.isSecret(key)) this.add(String(value));
    } else if (Array.isArray(value)) {
      if (key === 'secrets' || key === 'public' || path[0] === 'tools') return;
      if (key === 'args' || key === 'command') this.addFlagValues(value);
      for (const item of value) this.walk(item, path, isSecret);
    } else if (typeof value === 'object' && value !== null) {
      // The values of an object are judged by their own names: `auth: { CLIENT_ID, CLIENT_SECRET }` has one secret.
      for (const [name, item] of Object.entries(value)) {
        // Codex writes a remote server's headers as `http_headers`.
        const inHeaders = (key === 'headers' || key === 'http_headers') && path.length === 1;
        const isHeaderSecret =
          inHeaders && !PLAIN_HEADERS.has(name.toLowerCase()) && !this.context.marks.isPublic(name);
        // An env value is secret by its variable's name, a field's by the field's (`apiKey`, `auth.CLIENT_SECRET`).
        this.walk(item, [...path, name], isHeaderSecret || this.context.marks.isSecret(name));
        if (isHeaderSecret && typeof item === 'string') this.addCredentials(item);
      }
    }
  }

  /**
   * A string of the entry: a secret whole when its context is; each `${...}` value when its variable's name is, or when
   * the whole is a secret (then a written default is one too). VS Code variables (paths) never are.
   */
  private addString(text: string, isSecret: boolean): void {
    const { value, references, isComplete } = this.interpolated(text);
    if (isSecret && isComplete) this.add(value);
    const { marks } = this.context;
    for (const { kind, variable, input, value: part } of references) {
      if (kind === 'predefined') continue;
      const isInherited = kind === 'env' && (INHERITED_NAMES.has(variable.toUpperCase()) || variable.startsWith('LC_'));
      if (isInherited ? marks.isMarkedSecret(variable) : isSecret || marks.isSecret(variable, input)) this.add(part);
    }
    this.addEmbedded(value);
  }

  /** `Bearer abc` and `Basic abc`: the credentials alone are a secret too (a server may echo them without the scheme). */
  private addCredentials(text: string): void {
    const { value, isComplete } = this.interpolated(text);
    const match = isComplete ? /^[A-Za-z][\w-]*\s+(\S+)$/.exec(value) : null;
    if (match) this.add(match[1]!);
  }

  /** `--api-key VALUE` and `--token=VALUE` in a command line: the value is a secret. */
  private addFlagValues(words: readonly unknown[]): void {
    const texts = words.map((word) => {
      const text = typeof word === 'string' ? this.interpolated(word) : undefined;
      return text?.isComplete ? text.value : undefined;
    });
    for (const [index, text] of texts.entries()) {
      const flag = text === undefined ? null : /^--?([A-Za-z][\w.-]*)(?:=(.*))?$/s.exec(text);
      if (!flag || !this.context.marks.isSecret(flag[1])) continue;
      const next = texts[index + 1];
      if (flag[2] !== undefined) this.add(flag[2]);
      else if (next !== undefined && !next.startsWith('-')) this.add(next);
    }
  }

  /**
   * The text interpolated, and whether completely: with an unset variable, the text as a whole is not what a server
   * gets (it is not started), only its references that are set count.
   */
  private interpolated(text: string): { value: string; references: ResolvedReference[]; isComplete: boolean } {
    const { env, predefined } = this.context;
    try {
      return { ...interpolate(text, env, { predefined }), isComplete: true };
    } catch {
      try {
        return { ...interpolate(text, env, { onUnset: 'keep', predefined }), isComplete: false };
      } catch {
        // A malformed reference is the entry's problem, reported where it is used; its text is no secret.
        return { value: text, references: [], isComplete: false };
      }
    }
  }
}

function decoded(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}
