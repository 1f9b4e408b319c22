/**
 * The contract between an HTTP transport and whoever holds its credentials. The transport asks for the
 * `Authorization` header of each request and reports each refusal (401, or 403 with `insufficient_scope`); the
 * provider (the OAuth client of this layer, or a user's own) decides what to do about it. The transport knows no
 * OAuth, and the provider knows no MCP.
 */

/** A refusal, as the transport saw it. */
export interface AuthChallenge {
  /** The URL that answered. */
  url: URL;
  /** 401: no usable token. 403: a token without the scope the request needs (step-up). */
  status: 401 | 403;
  /** The `WWW-Authenticate` header as received (several joined with `, `), or null when there was none. */
  wwwAuthenticate: string | null;
  signal?: AbortSignal;
}

/** Credentials for the requests of one HTTP transport. */
export interface HttpAuthProvider {
  /**
   * The `Authorization` header value for a request to `url` (`Bearer …`), or undefined to send none. A provider
   * refreshes an expired token here, before the request, rather than waiting for the 401.
   */
  authorization(url: URL, signal?: AbortSignal): Promise<string | undefined>;
  /**
   * The server refused a request. Resolves true when the provider obtained new credentials and the request should be
   * sent again (the transport retries a bounded number of times), false to fail the request with the server's
   * answer. Rejects with `McpHostError('AUTH_REQUIRED')` when a person must log in first, saying how.
   */
  onChallenge(challenge: AuthChallenge): Promise<boolean>;
}
