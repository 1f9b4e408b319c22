/**
 * URI templates (RFC 6570) for resource templates: expressions `{name}` (one path segment, percent-decoded) and
 * `{+name}` (reserved expansion: may span `/`). That covers what MCP servers publish in practice; other operators
 * are refused when the template is declared, so a server never advertises a template it cannot match.
 */

const EXPRESSION = /\{(\+?)([A-Za-z0-9_]+)\}/g;

export interface UriTemplate {
  readonly template: string;
  readonly variables: readonly string[];
  /** The variables of a matching URI, or undefined when it does not match. */
  match(uri: string): Record<string, string> | undefined;
}

/** Compiles a template. @throws Error naming the unsupported expression. */
export function compileUriTemplate(template: string): UriTemplate {
  const variables: string[] = [];
  let pattern = '^';
  let last = 0;
  for (const found of template.matchAll(EXPRESSION)) {
    pattern += escapeRegExp(template.slice(last, found.index));
    const [, reserved, name] = found;
    variables.push(name!);
    pattern += reserved ? '(.+?)' : '([^/?#]+)';
    last = found.index + found[0].length;
  }
  const rest = template.slice(last);
  if (/[{}]/.test(rest) || /\{[^+A-Za-z0-9_]/.test(template)) {
    throw new Error(`Unsupported URI template ${JSON.stringify(template)}: only {name} and {+name} are supported`);
  }
  const regex = new RegExp(pattern + escapeRegExp(rest) + '$');
  return {
    template,
    variables,
    match(uri) {
      const found = regex.exec(uri);
      if (!found) return undefined;
      const values: Record<string, string> = {};
      for (let i = 0; i < variables.length; i++) {
        try {
          values[variables[i]!] = decodeURIComponent(found[i + 1]!);
        } catch {
          return undefined; // malformed percent-encoding: not a URI this template produces
        }
      }
      return values;
    },
  };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
