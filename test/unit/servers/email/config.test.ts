import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_SMTP_TIMEOUT_MS,
  loadConfig,
  redactSecrets,
  redactUrl,
} from '../../../../servers/email/config.js';
import { SettingsError } from '../../../../src/server/index.js';

const HOME = '/home/tester';

/** The message of the SettingsError that `env` must cause. */
function configProblem(env: NodeJS.ProcessEnv): string {
  try {
    loadConfig({ HOME, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(SettingsError);
    return (error as Error).message;
  }
  throw new Error('expected a SettingsError');
}

describe('loadConfig', () => {
  it('has working defaults: no SMTP, a local sender, 1 MiB, any domain, the XDG data directory', () => {
    expect(loadConfig({ HOME })).toEqual({
      storeDir: '/home/tester/.local/share/mcp-host/email',
      smtp: undefined,
      from: { name: '', address: 'mcp-host@localhost' },
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      allowedDomains: undefined,
      smtpTimeoutMs: DEFAULT_SMTP_TIMEOUT_MS,
    });
  });

  it('puts the store under XDG_DATA_HOME when it is absolute, and ignores a relative one', () => {
    expect(loadConfig({ HOME, XDG_DATA_HOME: '/data' }).storeDir).toBe('/data/mcp-host/email');
    expect(loadConfig({ HOME, XDG_DATA_HOME: 'relative' }).storeDir).toBe('/home/tester/.local/share/mcp-host/email');
  });

  it('takes EMAIL_STORE over the defaults and resolves it', () => {
    expect(loadConfig({ HOME, XDG_DATA_HOME: '/data', EMAIL_STORE: '/srv/mail' }).storeDir).toBe('/srv/mail');
    expect(loadConfig({ HOME, EMAIL_STORE: 'mail' }).storeDir).toBe(path.resolve('mail'));
    expect(configProblem({ EMAIL_STORE: ' ' })).toBe('EMAIL_STORE: expected a directory path, got an empty value');
  });

  it('reads SMTP_URL, percent-decoding the credentials', () => {
    expect(loadConfig({ HOME, SMTP_URL: 'smtps://me%40example.com:p%40ss%2Fw0rd@mail.example.com:465' }).smtp).toEqual({
      host: 'mail.example.com',
      port: 465,
      secure: true,
      user: 'me@example.com',
      pass: 'p@ss/w0rd',
      displayUrl: 'smtps://me%40example.com:***@mail.example.com:465',
    });
    expect(loadConfig({ HOME, SMTP_URL: 'smtp://[::1]:2525' }).smtp).toMatchObject({
      host: '::1',
      port: 2525,
      secure: false,
      user: undefined,
      pass: undefined,
    });
    expect(loadConfig({ HOME, SMTP_URL: 'smtp://mail.example.com' }).smtp?.port).toBeUndefined();
  });

  it.each([
    ['http://user:hunter2@mail.example.com', 'got the scheme "http:" in http://user:***@mail.example.com/'],
    ['not a url', 'got "not a url"'],
    ['smtp://user:hunter2@mail.example.com/path', 'with no path, query or fragment, got smtp://user:***@'],
    ['smtp://user:hunter2@mail.example.com?pool=true', 'with no path, query or fragment, got smtp://user:***@'],
  ])('refuses SMTP_URL %j, naming it', (url, detail) => {
    const problem = configProblem({ SMTP_URL: url });
    expect(problem).toMatch(/^SMTP_URL: expected smtp:\/\/\[user:pass@\]host\[:port\] or smtps:\/\//);
    expect(problem).toContain(detail);
  });

  it('never shows the SMTP password in an error, even when the URL does not parse', () => {
    for (const url of ['smtp://user:hunter2@', 'smtp://user:hun/ter2@host:x', 'ftp://user:hun@ter2@host']) {
      const problem = configProblem({ SMTP_URL: url });
      expect(problem).toContain('SMTP_URL');
      expect(problem).not.toMatch(/hunter2|hun\/ter2|ter2/);
    }
  });

  it('reads EMAIL_FROM as one mailbox', () => {
    expect(loadConfig({ HOME, EMAIL_FROM: 'Robot <robot@example.com>' }).from).toEqual({
      name: 'Robot',
      address: 'robot@example.com',
    });
    expect(configProblem({ EMAIL_FROM: 'robot' })).toMatch(/^EMAIL_FROM: expected an email address/);
  });

  it('reads EMAIL_ALLOWED_DOMAINS as lower-case domains', () => {
    expect(loadConfig({ HOME, EMAIL_ALLOWED_DOMAINS: 'Example.COM, example.org,,' }).allowedDomains).toEqual([
      'example.com',
      'example.org',
    ]);
    expect(configProblem({ EMAIL_ALLOWED_DOMAINS: 'example.com, *.evil' })).toBe(
      'EMAIL_ALLOWED_DOMAINS: expected comma-separated domain names like "example.com", got "*.evil"',
    );
  });

  it('reads the numeric limits, refusing what is not a whole number in range', () => {
    expect(loadConfig({ HOME, EMAIL_MAX_BYTES: '2048', SMTP_TIMEOUT_MS: '500' })).toMatchObject({
      maxBodyBytes: 2048,
      smtpTimeoutMs: 500,
    });
    expect(configProblem({ EMAIL_MAX_BYTES: '1e6' })).toBe(
      'EMAIL_MAX_BYTES: expected a whole number from 1 to 33554432, got "1e6"',
    );
    expect(configProblem({ SMTP_TIMEOUT_MS: '0' })).toMatch(/^SMTP_TIMEOUT_MS: expected a whole number/);
  });

  it('reports every bad variable at once, one per line', () => {
    const lines = configProblem({ SMTP_URL: 'http://x', EMAIL_MAX_BYTES: '-1', EMAIL_FROM: 'nobody' }).split('\n');
    expect(lines.map((line) => line.slice(0, line.indexOf(':')))).toEqual([
      'SMTP_URL',
      'EMAIL_FROM',
      'EMAIL_MAX_BYTES',
    ]);
  });
});

describe('redaction', () => {
  it('hides the password of a URL up to its last @', () => {
    expect(redactUrl('smtp://user:p@ss@host:25')).toBe('smtp://user:***@host:25');
    expect(redactUrl('smtp://host:25')).toBe('smtp://host:25');
  });

  it('hides the SMTP password wherever it appears, plain or percent-encoded', () => {
    const smtp = loadConfig({ HOME, SMTP_URL: 'smtp://u:s%2Fcret@host' }).smtp;
    expect(redactSecrets('auth failed for s/cret (s%2Fcret)', smtp)).toBe('auth failed for *** (***)');
    expect(redactSecrets('nothing to hide', undefined)).toBe('nothing to hide');
  });
});
