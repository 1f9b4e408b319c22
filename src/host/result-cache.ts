/**
 * The result cache of `cache: { ttlMs }`: results of tools annotated `readOnlyHint: true`, and resource reads,
 * kept per canonical arguments for the TTL. Nothing else is ever cached. Notifications invalidate what they
 * concern: `tools/list_changed` every tool result of the server, `resources/updated` that resource.
 */

interface Entry {
  value: unknown;
  expiresAt: number;
}

/** Bound on entries per server, so a long-running host cannot grow without limit. */
const MAX_ENTRIES = 1_000;

export class ResultCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get<T>(key: string): T | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value as T;
  }

  set(key: string, value: unknown): void {
    if (this.entries.size >= MAX_ENTRIES) {
      // Maps iterate in insertion order: the first key is the oldest.
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: this.now() + this.ttlMs });
  }

  /** Forgets every entry whose key starts with `prefix`. */
  invalidate(prefix: string): void {
    for (const key of this.entries.keys()) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

export const toolKey = (tool: string, args: unknown): string => `tool:${tool}\u0000${canonicalJson(args)}`;
export const TOOL_PREFIX = 'tool:';
export const resourceKey = (uri: string): string => `resource:${uri}`;

/** JSON with object keys sorted at every depth, so `{a, b}` and `{b, a}` are the same arguments. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) return item;
    return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}
