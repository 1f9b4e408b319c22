/**
 * `fetch` for MCP over HTTP and for OAuth: undici's own fetch, with a dispatcher that never ends a silent body and
 * that honours the proxy variables users set.
 *
 * Why not the global fetch: Node 20's built-in fetch ends a response body after 300 s without a byte (undici's
 * default `bodyTimeout`, `UND_ERR_BODY_TIMEOUT`), and an MCP event stream may be silent for hours; it has no way to
 * change that but a dispatcher from the undici package, and a dispatcher of one undici version handed to the fetch of
 * another (Node 22 and 24 bundle undici 6 and 7) is not a combination undici supports. So fetch and dispatcher both
 * come from the pinned package. Only the three modules used are loaded (~17 ms more than the global fetch's first
 * use, measured on Node 20; the whole package would cost ~45 ms more), and only by the code paths that speak HTTP.
 * The deep paths are why `undici` is pinned to one version in package.json.
 *
 * Proxies: `HTTPS_PROXY` / `https_proxy` for https URLs, `HTTP_PROXY` / `http_proxy` for http URLs, and `NO_PROXY` /
 * `no_proxy` (comma- or space-separated hosts, `.suffix` or `*.suffix` domains, `host:port`, `*` for all) as curl reads
 * them. Loopback is never proxied. undici's `EnvHttpProxyAgent` does the same, but warns on stderr that it is
 * experimental on every first use, so the choice is made here and `ProxyAgent` (stable) does the tunnelling.
 */

import { createRequire } from 'node:module';
import type { Agent as AgentType, Dispatcher, ProxyAgent as ProxyAgentType, fetch as fetchType } from 'undici';

/** undici's fetch: the global `fetch` signature plus undici's `dispatcher` option. */
export type HttpFetch = typeof fetchType;

const require = createRequire(import.meta.url);

interface Loaded {
  fetch: HttpFetch;
  direct: Dispatcher;
  ProxyAgent: typeof ProxyAgentType;
  proxies: Map<string, Dispatcher>;
}

let loaded: Loaded | undefined;

function load(): Loaded {
  if (loaded) return loaded;
  // Deep paths of the pinned undici: see the file comment.
  const { fetch } = require('undici/lib/web/fetch/index.js') as { fetch: HttpFetch };
  const Agent = require('undici/lib/dispatcher/agent.js') as typeof AgentType;
  const ProxyAgent = require('undici/lib/dispatcher/proxy-agent.js') as typeof ProxyAgentType;
  // bodyTimeout 0: a silent event stream stays open; the transport's own timeouts bound each request instead.
  loaded = { fetch, direct: new Agent({ bodyTimeout: 0 }), ProxyAgent, proxies: new Map() };
  return loaded;
}

/** The environment the proxy choice reads; `process.env` unless a test gives its own. */
export type ProxyEnvironment = Readonly<Record<string, string | undefined>>;

/**
 * `fetch(url, init)` through the dispatcher for `url`: direct, or through the proxy the environment names.
 * `init.dispatcher`, when given, wins.
 */
export function httpFetch(
  url: string | URL,
  init: Parameters<HttpFetch>[1] = {},
  env: ProxyEnvironment = process.env,
): ReturnType<HttpFetch> {
  const { fetch } = load();
  const target = typeof url === 'string' ? new URL(url) : url;
  return fetch(target, { ...init, dispatcher: init.dispatcher ?? dispatcherFor(target, env) });
}

/** The dispatcher a request to `url` goes through. */
export function dispatcherFor(url: URL, env: ProxyEnvironment = process.env): Dispatcher {
  const state = load();
  const proxy = proxyFor(url, env);
  if (proxy === undefined) return state.direct;
  let dispatcher = state.proxies.get(proxy);
  if (!dispatcher) {
    dispatcher = new state.ProxyAgent({ uri: proxy, bodyTimeout: 0 });
    state.proxies.set(proxy, dispatcher);
  }
  return dispatcher;
}

/** The proxy URL for `url`, or undefined to go direct. Exported for tests. */
export function proxyFor(url: URL, env: ProxyEnvironment = process.env): string | undefined {
  const proxy =
    url.protocol === 'https:'
      ? (env.HTTPS_PROXY ?? env.https_proxy)
      : url.protocol === 'http:'
        ? (env.HTTP_PROXY ?? env.http_proxy)
        : undefined;
  if (!proxy) return undefined;
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1' || host.startsWith('127.')) return undefined;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const noProxy = env.NO_PROXY ?? env.no_proxy ?? '';
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return undefined;
    const [pattern = '', entryPort] = splitHostPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    const domain = pattern.replace(/^\*?\./, '');
    if (host === domain || host.endsWith(`.${domain}`)) return undefined;
  }
  return proxy;
}

function splitHostPort(entry: string): [string, string | undefined] {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [bracketed[1] ?? '', bracketed[2]];
  const colons = entry.split(':').length - 1;
  if (colons === 1) {
    const [host = '', port] = entry.split(':');
    return [host, port];
  }
  return [entry, undefined];
}
