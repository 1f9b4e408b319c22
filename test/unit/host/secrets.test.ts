import { describe, expect, it } from 'vitest';
import { SecretCollector, SecretMarks, isSecretName } from '../../../src/host/secrets.js';

describe('isSecretName', () => {
  it.each([
    'API_KEY',
    'OPENAI_API_KEY',
    'apiKey',
    'X-API-Key',
    'APIKEY',
    'GITHUB_PERSONAL_ACCESS_TOKEN',
    'authToken',
    'SLACK_BOT_TOKEN',
    'CLIENT_SECRET',
    'clientSecret',
    'DB_PASSWORD',
    'PGPASSWORD',
    'DB_PWD',
    'GITHUB_PAT',
    'SENTRY_DSN',
    'Authorization',
    'AWS_SECRET_ACCESS_KEY',
    'GOOGLE_CREDENTIALS',
    'SESSION_COOKIE',
    'SSH_PASSPHRASE',
    'API_KEYS',
    'PIN',
  ])('%s looks secret', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    'PATH',
    'HOME',
    'PWD',
    'OLDPWD',
    'LOG_DIR',
    'DATABASE_URL',
    'MAX_TOKENS',
    'TOKENIZERS_PARALLELISM',
    'KEYBOARD_LAYOUT',
    'PRIVATE_KEY_PATH',
    'TOKEN_FILE',
    'API_KEY_HEADER',
    'TOKEN_TTL',
    'bearerTokenEnv',
    'AUTH_ENABLED',
    'AWS_ACCESS_KEY_ID',
    'SSH_AUTH_SOCK',
    'PING_INTERVAL',
    'MAPPING',
    'NODE_OPTIONS',
    '',
  ])('%s does not', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe('SecretMarks', () => {
  it('marks names secret or public, ignoring case, with globs; secret wins over public', () => {
    const marks = new SecretMarks({ secrets: ['db_url', 'BOTH'], public: ['*_KEY_ID', 'PRIMARY_KEY', 'BOTH'] });
    expect(marks.isSecret('DB_URL')).toBe(true);
    expect(marks.isSecret('AWS_ACCESS_KEY_ID', 'PRIMARY_KEY')).toBe(false);
    expect(marks.isSecret('PRIMARY_KEY', 'API_TOKEN')).toBe(true);
    expect(marks.isSecret('BOTH')).toBe(true);
    expect(marks.isPublic('BOTH')).toBe(false);
  });

  it('adds a server’s marks to the config’s', () => {
    const marks = new SecretMarks({ public: ['PRIMARY_KEY'] }).with({ secrets: ['REGION'] });
    expect(marks.isSecret('REGION')).toBe(true);
    expect(marks.isSecret('PRIMARY_KEY')).toBe(false);
  });
});

describe('SecretCollector', () => {
  const collect = (entry: unknown, env: NodeJS.ProcessEnv = {}): string[] => {
    const collector = new SecretCollector({ env, marks: new SecretMarks(), predefined: { workspaceFolder: '/w' } });
    collector.collectEntry(entry);
    return [...collector.values].sort();
  };

  it('never takes a VS Code variable or an inherited variable for a secret, even inside a secret value', () => {
    expect(collect({ env: { API_KEY: '${workspaceFolder}:${HOME}:k3y' } }, { HOME: '/home/ada' })).toEqual([
      '/w:/home/ada:k3y',
    ]);
  });

  it('skips values with an unset variable: they are never what a server gets', () => {
    expect(collect({ env: { API_KEY: 'sk-${UNSET}' }, headers: { Authorization: 'Bearer ${UNSET}' } })).toEqual([]);
  });

  it('reads lists of names as names, not as values', () => {
    expect(collect({ secrets: ['password123'], public: ['the-token'], tools: { deny: ['rotate_key'] } })).toEqual([]);
  });

  it('judges the values of an object by their own names', () => {
    expect(
      collect({ auth: { CLIENT_ID: 'client-1', CLIENT_SECRET: 's3cret-1' }, apiKeys: ['k-one', 'k-two'] }),
    ).toEqual(['k-one', 'k-two', 's3cret-1']);
  });

  it('takes secret numbers as their text', () => {
    expect(collect({ env: { PIN: 12345678, PORT: 8080 } })).toEqual(['12345678']);
  });
});
