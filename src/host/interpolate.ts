/**
 * `${VAR}` interpolation for config values (command, args, env values, cwd).
 *
 * Grammar, the same in every field:
 * - `${NAME}`            the variable's value; an error when it is not set (an empty value is a value).
 * - `${NAME:-default}`   the variable's value, or `default` when it is unset or empty (POSIX `:-`).
 * - `${env:NAME}`        VS Code's spelling of `${NAME}`; `${env:NAME:-default}` works too.
 * - `$${`                a literal `${` (the only escape; any other `$` is literal, so `$HOME` and `$$` stay as written).
 *
 * NAME is `[A-Za-z_][A-Za-z0-9_]*`. Defaults are literal text: they end at the first `}` and cannot nest a reference.
 * VS Code's `${input:…}` prompts have no equivalent here and are reported as such.
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

/** One `${…}` reference that was resolved. */
export interface ResolvedReference {
  variable: string;
  /** What was substituted. */
  value: string;
  /** True when the value came from the environment, false when it was the written default. */
  isFromEnvironment: boolean;
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
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

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
    const fromEnvironment = env[reference.variable];
    if (reference.fallback !== undefined) {
      const isFromEnvironment = fromEnvironment !== undefined && fromEnvironment !== '';
      const value = isFromEnvironment ? fromEnvironment : reference.fallback;
      references.push({ variable: reference.variable, value, isFromEnvironment });
      output += value;
    } else if (fromEnvironment !== undefined) {
      references.push({ variable: reference.variable, value: fromEnvironment, isFromEnvironment: true });
      output += fromEnvironment;
    } else if (options.onUnset === 'keep') {
      output += written;
    } else {
      throw new InterpolationError(`${written} is not set`, reference.variable);
    }
    index = close + 1;
  }
  return { value: output, references };
}

interface Reference {
  variable: string;
  fallback: string | undefined;
}

function parseReference(inner: string, written: string): Reference {
  if (inner.startsWith('input:')) {
    throw new InterpolationError(
      `${written}: VS Code input variables are not supported; use \${NAME} from the environment`,
    );
  }
  const body = inner.startsWith('env:') ? inner.slice('env:'.length) : inner;
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
  return { variable, fallback };
}
