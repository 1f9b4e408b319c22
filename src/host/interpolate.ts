/**
 * `${VAR}` interpolation for config values (command, args, env values, cwd).
 *
 * Grammar, the same in every field:
 * - `${NAME}`            the variable's value; an error when it is not set (an empty value is a value).
 * - `${NAME:-default}`   the variable's value, or `default` when it is unset or empty (POSIX `:-`).
 * - `${env:NAME}`        VS Code's spelling of `${NAME}`; `${env:NAME:-default}` works too.
 * - `${workspaceFolder}`, `${userHome}`, ... VS Code's predefined variables, given by the caller (`predefined`); they
 *                        win over an environment variable of the same name, as in VS Code.
 * - `${input:ID}`        a VS Code input: VS Code prompts for it, a CLI cannot, so its value is taken from the
 *                        environment variable `inputVariable(ID)` (`MCP_HOST_INPUT_<ID>`).
 * - `$${`                a literal `${` (the only escape; any other `$` is literal, so `$HOME` and `$$` stay as written).
 *
 * NAME is `[A-Za-z_][A-Za-z0-9_]*`. Defaults are literal text: they end at the first `}` and cannot nest a reference.
 * VS Code's variables about the editor's state (`${file}`, `${config:...}`, `${command:...}`, ...) have no meaning here
 * and are reported as such, unless the environment defines a variable of that name.
 */

/** Why a template could not be interpolated. `variable` is set when the problem is an unset variable. */
export class InterpolationError extends Error {
  override readonly name = 'InterpolationError';
  constructor(
    message: string,
    readonly variable?: string,
  ) {
    super(message);
  }
}

/** One `${...}` reference that was resolved. */
export interface ResolvedReference {
  /**
   * The variable read: NAME, the VS Code variable's name (`workspaceFolder`), or for `${input:ID}` the environment
   * variable that holds the input.
   */
  variable: string;
  /** What was substituted. */
  value: string;
  /** True when the value came from the environment, false for the written default or a VS Code variable. */
  isFromEnvironment: boolean;
  /** `env` for `${NAME}` and `${env:NAME}`, `predefined` for a VS Code variable, `input` for `${input:ID}`. */
  kind: 'env' | 'predefined' | 'input';
  /** The input's id, for `${input:ID}`. */
  input?: string;
}

export interface InterpolationResult {
  value: string;
  references: ResolvedReference[];
}

export interface InterpolateOptions {
  /**
   * What to do with `${NAME}` when NAME is unset: `error` throws `InterpolationError`, `keep` leaves the reference
   * as written (used for disabled servers, which are never started).
   * @default 'error'
   */
  onUnset?: 'error' | 'keep';
  /** VS Code's predefined variables by name (`workspaceFolder`, `userHome`, `/`, ...). @default none */
  predefined?: Readonly<Record<string, string>>;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const INPUT_ID = /^[A-Za-z0-9_.-]+$/;

/** Where `${input:ID}` is read from: `MCP_HOST_INPUT_` and the id in capitals, other characters as `_`. */
export function inputVariable(id: string): string {
  return `MCP_HOST_INPUT_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * VS Code variables that describe the editor's state (the open file, the selection, a setting, a command's result):
 * there is no editor here. `${cwd}` is one too: a config must mean the same wherever mcp-host runs (the daemon serves
 * commands from any directory), so `${workspaceFolder}` is the folder to use.
 */
const EDITOR_VARIABLES = new Set([
  'cwd',
  'defaultBuildTask',
  'execPath',
  'extensionInstallFolder',
  'file',
  'fileBasename',
  'fileBasenameNoExtension',
  'fileDirname',
  'fileDirnameBasename',
  'fileExtname',
  'fileWorkspaceFolder',
  'lineNumber',
  'relativeFile',
  'relativeFileDirname',
  'selectedText',
]);
const EDITOR_PREFIXES = ['config:', 'command:', 'workspaceFolder:', 'workspaceFolderBasename:', 'extension:'];

/**
 * Expands every reference in `template` from `env`.
 * @throws InterpolationError for an unset variable (unless `onUnset: 'keep'`), a malformed or unterminated reference.
 */
export function interpolate(
  template: string,
  env: NodeJS.ProcessEnv,
  options: InterpolateOptions = {},
): InterpolationResult {
  // Fast path: most strings contain no reference at all.
  if (!template.includes('${')) return { value: template, references: [] };
  const references: ResolvedReference[] = [];
  let output = '';
  let index = 0;
  while (index < template.length) {
    const dollar = template.indexOf('$', index);
    if (dollar === -1) {
      output += template.slice(index);
      break;
    }
    output += template.slice(index, dollar);
    if (template.startsWith('$${', dollar)) {
      output += '${';
      index = dollar + 3;
      continue;
    }
    if (!template.startsWith('${', dollar)) {
      output += '$';
      index = dollar + 1;
      continue;
    }
    const close = template.indexOf('}', dollar + 2);
    if (close === -1) {
      throw new InterpolationError(`unterminated "\${" at character ${dollar + 1} (write "$\${" for a literal "\${")`);
    }
    const written = template.slice(dollar, close + 1);
    const reference = parseReference(template.slice(dollar + 2, close), written);
    const resolved = resolve(reference, env, options.predefined);
    if (resolved) {
      references.push(resolved);
      output += resolved.value;
    } else if (options.onUnset === 'keep') {
      output += written;
    } else {
      throw new InterpolationError(unsetMessage(reference, written), reference.variable);
    }
    index = close + 1;
  }
  return { value: output, references };
}

interface Reference {
  /** The environment variable to read (for an input, the one that holds it), or the VS Code variable's name. */
  variable: string;
  fallback: string | undefined;
  /** Set for `${input:ID}`. */
  input?: string;
  /** Written `${env:NAME}`: only the environment is read. */
  isEnvOnly: boolean;
}

/** The value of a reference, or undefined when nothing defines it (and it has no default). */
function resolve(
  reference: Reference,
  env: NodeJS.ProcessEnv,
  predefined: Readonly<Record<string, string>> = {},
): ResolvedReference | undefined {
  const { variable, fallback, input } = reference;
  if (input === undefined && !reference.isEnvOnly && Object.hasOwn(predefined, variable)) {
    return { variable, value: predefined[variable]!, isFromEnvironment: false, kind: 'predefined' };
  }
  const kind = input === undefined ? 'env' : 'input';
  const fromEnvironment = env[variable];
  const withInput = input === undefined ? {} : { input };
  if (fallback !== undefined) {
    const isFromEnvironment = fromEnvironment !== undefined && fromEnvironment !== '';
    return { variable, value: isFromEnvironment ? fromEnvironment : fallback, isFromEnvironment, kind, ...withInput };
  }
  if (fromEnvironment === undefined) return undefined;
  return { variable, value: fromEnvironment, isFromEnvironment: true, kind, ...withInput };
}

function unsetMessage(reference: Reference, written: string): string {
  if (reference.input !== undefined) {
    return `${written} is not set: VS Code asks for this input, mcp-host reads it from $${reference.variable}`;
  }
  if (!reference.isEnvOnly && EDITOR_VARIABLES.has(reference.variable)) {
    return `${written} is a VS Code variable about the editor's state, which has no meaning outside the editor (use \${workspaceFolder} for the config's folder, or \${NAME} from the environment)`;
  }
  return `${written} is not set`;
}

function parseReference(inner: string, written: string): Reference {
  if (inner === '/') return { variable: '/', fallback: undefined, isEnvOnly: false };
  if (inner.startsWith('input:')) {
    const id = inner.slice('input:'.length);
    if (!INPUT_ID.test(id)) {
      throw new InterpolationError(`${written} is not a valid input reference: expected \${input:ID}`);
    }
    return { variable: inputVariable(id), fallback: undefined, input: id, isEnvOnly: false };
  }
  const prefix = EDITOR_PREFIXES.find((candidate) => inner.startsWith(candidate));
  if (prefix !== undefined) {
    throw new InterpolationError(
      `${written} is a VS Code variable about the editor's state, which has no meaning outside the editor`,
    );
  }
  const isEnvOnly = inner.startsWith('env:');
  const body = isEnvOnly ? inner.slice('env:'.length) : inner;
  const separator = body.indexOf(':-');
  const variable = separator === -1 ? body : body.slice(0, separator);
  const fallback = separator === -1 ? undefined : body.slice(separator + 2);
  if (!NAME.test(variable)) {
    throw new InterpolationError(
      `${written} is not a valid reference: expected \${NAME}, \${NAME:-default} or \${env:NAME}, where NAME is letters, digits and _`,
    );
  }
  if (fallback?.includes('${')) {
    throw new InterpolationError(`${written}: a default cannot contain another reference`);
  }
  return { variable, fallback, isEnvOnly };
}
