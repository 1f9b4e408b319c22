/**
 * The email server's settings, read once from the environment at start. Every variable is checked here, so a
 * mistake stops the server with a message naming the variable, instead of surfacing later as a failed delivery.
 * The SMTP password never appears in any message: URLs are shown with it replaced by `***`.
 */

import os from 'node:os';
import path from 'node:path';
import { readSettings } from '../../src/server/index.js';
import { isValidDomain, parseMailbox } from './validate.js';
import type { Mailbox } from './validate.js';

/** Body plus HTML of one message, in bytes. @default 1 MiB */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
/** Upper bound of `EMAIL_MAX_BYTES`: the protocol layer refuses messages above 64 MiB anyway. */
const MAX_BODY_BYTES_LIMIT = 32 * 1024 * 1024;
/** Inactivity limit of one SMTP conversation. @default 30_000 */
export const DEFAULT_SMTP_TIMEOUT_MS = 30_000;
/** The sender when `EMAIL_FROM` is not set. */
export const DEFAULT_FROM = 'mcp-host@localhost';

/** Where and how to reach the SMTP server. */
export interface SmtpSettings {
  host: string;
  /** Unset: nodemailer's default (587, or 465 for smtps). */
  port: number | undefined;
  /** `smtps://`: TLS from the first byte. `smtp://` still upgrades with STARTTLS when the server offers it. */
  secure: boolean;
  user: string | undefined;
  pass: string | undefined;
  /** The URL with the password replaced, safe to print. */
  displayUrl: string;
}

export interface EmailConfig {
  /** Root of the Maildir-style store. */
  storeDir: string;
  /** Unset: messages are queued in `outbox/` and never delivered. */
  smtp: SmtpSettings | undefined;
  from: Mailbox;
  maxBodyBytes: number;
  /** Lower-case domains recipients must belong to; undefined means any domain. */
  allowedDomains: readonly string[] | undefined;
  smtpTimeoutMs: number;
}

/** Reads the configuration. @throws SettingsError naming each bad variable and what was expected. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EmailConfig {
  return readSettings((check): EmailConfig => ({
    storeDir: check(() => readStoreDir(env), ''),
    smtp: check(() => readSmtpUrl(env.SMTP_URL), undefined),
    from: check(() => readFrom(env.EMAIL_FROM), { name: '', address: DEFAULT_FROM }),
    maxBodyBytes: check(
      () => readInteger('EMAIL_MAX_BYTES', env.EMAIL_MAX_BYTES, DEFAULT_MAX_BODY_BYTES, 1, MAX_BODY_BYTES_LIMIT),
      0,
    ),
    allowedDomains: check(() => readAllowedDomains(env.EMAIL_ALLOWED_DOMAINS), undefined),
    smtpTimeoutMs: check(
      () => readInteger('SMTP_TIMEOUT_MS', env.SMTP_TIMEOUT_MS, DEFAULT_SMTP_TIMEOUT_MS, 100, 600_000),
      0,
    ),
  }));
}

/** `EMAIL_STORE`, else `$XDG_DATA_HOME/mcp-host/email`, else `~/.local/share/mcp-host/email`. */
function readStoreDir(env: NodeJS.ProcessEnv): string {
  if (env.EMAIL_STORE !== undefined) {
    if (env.EMAIL_STORE.trim() === '') throw new Error('EMAIL_STORE: expected a directory path, got an empty value');
    return path.resolve(env.EMAIL_STORE);
  }
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const dataHome =
    env.XDG_DATA_HOME && path.isAbsolute(env.XDG_DATA_HOME)
      ? env.XDG_DATA_HOME
      : path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(dataHome, 'mcp-host', 'email');
}

function readSmtpUrl(text: string | undefined): SmtpSettings | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const expected = 'SMTP_URL: expected smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port]';
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    throw new Error(`${expected}, got ${JSON.stringify(redactUrl(text))}`);
  }
  const displayUrl = redactUrl(url.href);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`${expected}, got the scheme ${JSON.stringify(url.protocol)} in ${displayUrl}`);
  }
  if (url.hostname === '') throw new Error(`${expected}, got no host in ${displayUrl}`);
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '') {
    throw new Error(`${expected}, with no path, query or fragment, got ${displayUrl}`);
  }
  let user: string | undefined;
  let pass: string | undefined;
  try {
    user = url.username === '' ? undefined : decodeURIComponent(url.username);
    pass = url.password === '' ? undefined : decodeURIComponent(url.password);
  } catch {
    throw new Error(`SMTP_URL: the user or password is not valid percent-encoding in ${displayUrl}`);
  }
  return {
    // WHATWG URL keeps the brackets of an IPv6 literal; sockets want the bare address.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port === '' ? undefined : Number(url.port),
    secure: url.protocol === 'smtps:',
    user,
    pass,
    displayUrl,
  };
}

function readFrom(text: string | undefined): Mailbox {
  if (text === undefined || text.trim() === '') return { name: '', address: DEFAULT_FROM };
  const parsed = parseMailbox(text);
  if ('problem' in parsed) throw new Error(`EMAIL_FROM: ${parsed.problem}`);
  return parsed.mailbox;
}

function readAllowedDomains(text: string | undefined): readonly string[] | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const domains = text
    .split(',')
    .map((part) => part.trim().toLowerCase())
    .filter((part) => part !== '');
  for (const domain of domains) {
    if (!isValidDomain(domain)) {
      throw new Error(
        `EMAIL_ALLOWED_DOMAINS: expected comma-separated domain names like "example.com", got ${JSON.stringify(domain)}`,
      );
    }
  }
  return [...new Set(domains)];
}

function readInteger(name: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined || text.trim() === '') return fallback;
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
    throw new Error(`${name}: expected a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

/**
 * The URL text with any password replaced by `***`, also when the text does not parse as a URL. The password runs
 * to the last `@`, since an unencoded `@` or `/` in it would otherwise leak its tail.
 */
export function redactUrl(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):.*@/i, '$1:***@');
}

/** `text` with every occurrence of the SMTP password (plain or percent-encoded) replaced by `***`. */
export function redactSecrets(text: string, smtp: SmtpSettings | undefined): string {
  const pass = smtp?.pass;
  if (!pass) return text;
  return text.split(pass).join('***').split(encodeURIComponent(pass)).join('***');
}
