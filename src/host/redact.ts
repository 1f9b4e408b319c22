/**
 * Secrets from the config (env values that came from interpolation) never reach output, logs or error messages:
 * every occurrence is replaced with `***` before text leaves the host.
 */

export const REDACTED = '***';

/** Secrets shorter than this are not redacted: replacing every "1" or "on" would garble all output. */
const MIN_SECRET_LENGTH = 4;

export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string>) {
    // Longest first, so a secret that contains another is replaced whole.
    this.secrets = [...new Set(secrets)]
      .filter((secret) => secret.length >= MIN_SECRET_LENGTH)
      .sort((a, b) => b.length - a.length);
  }

  get isEmpty(): boolean {
    return this.secrets.length === 0;
  }

  /** The text with every secret replaced. */
  text(text: string): string {
    let result = text;
    for (const secret of this.secrets) if (result.includes(secret)) result = result.split(secret).join(REDACTED);
    return result;
  }

  /** A deep copy of a JSON value with every secret replaced in its strings (keys included). */
  value<T>(value: T): T {
    if (this.isEmpty) return value;
    return this.walk(value) as T;
  }

  private walk(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.walk(item));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.text(key), this.walk(item)]));
    }
    return value;
  }
}
