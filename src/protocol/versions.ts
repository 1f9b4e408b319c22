/** MCP protocol revisions, newest first. */

/** The revision this implementation speaks natively and offers first. */
export const LATEST_PROTOCOL_VERSION = '2025-11-25';

/** Every revision we can negotiate down to, newest first. */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'];

/**
 * The server side of version negotiation: answer with the requested revision when we support it, otherwise with
 * our latest (the client then decides whether it can go on).
 */
export function negotiateProtocolVersion(requested: unknown): string {
  return typeof requested === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(requested)
    ? requested
    : LATEST_PROTOCOL_VERSION;
}

/** True when the revision is one we speak. */
export function isSupportedProtocolVersion(version: unknown): version is string {
  return typeof version === 'string' && SUPPORTED_PROTOCOL_VERSIONS.includes(version);
}
