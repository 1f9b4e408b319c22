/**
 * Tool policy from the config: `tools: { allow: [glob...], deny: [glob...] }`. A denied tool is hidden from
 * discovery and a call to it is refused before anything reaches the server.
 */

import { McpHostError } from './errors.js';

export interface ToolPolicyConfig {
  allow?: string[];
  deny?: string[];
}

/** Decides whether a tool may be seen and called. Deny wins over allow; no `allow` list means all are allowed. */
export class ToolPolicy {
  private readonly allow: RegExp[] | undefined;
  private readonly deny: RegExp[];

  constructor(config: ToolPolicyConfig = {}) {
    this.allow = config.allow?.map(globToRegExp);
    this.deny = (config.deny ?? []).map(globToRegExp);
  }

  isAllowed(tool: string): boolean {
    if (this.deny.some((pattern) => pattern.test(tool))) return false;
    return this.allow === undefined || this.allow.some((pattern) => pattern.test(tool));
  }

  /** @throws McpHostError `DENIED` naming the server, the tool and why. */
  assertAllowed(server: string, tool: string): void {
    if (!this.isAllowed(tool)) {
      throw new McpHostError(
        'DENIED',
        `Tool ${server}.${tool} is denied by the tools policy of server ${server} in the config`,
        {
          server,
          tool,
        },
      );
    }
  }
}

/** `*` matches any run of characters, `?` one character; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  let pattern = '';
  for (const char of glob) {
    if (char === '*') pattern += '.*';
    else if (char === '?') pattern += '.';
    else pattern += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${pattern}$`);
}
