import { describe, expect, it } from 'vitest';
import { serverEnvironment } from '../../../src/host/environment.js';

describe('serverEnvironment', () => {
  const host = {
    PATH: '/usr/bin',
    HOME: '/home/ada',
    LANG: 'en_GB.UTF-8',
    LC_TIME: 'de_DE.UTF-8',
    TZ: 'Europe/Berlin',
    AWS_SECRET_ACCESS_KEY: 'secret',
    GITHUB_TOKEN: 'ghp_x',
    BASH_FUNC_x: '() { echo pwned; }',
    SHELL: '() { :; }; echo pwned',
  };

  it('passes only allow-listed host variables (and LC_*), then the config env', () => {
    expect(serverEnvironment(host, { API_KEY: 'k' }, 'linux')).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/ada',
      LANG: 'en_GB.UTF-8',
      LC_TIME: 'de_DE.UTF-8',
      TZ: 'Europe/Berlin',
      API_KEY: 'k',
    });
  });

  it('lets the config override an inherited variable', () => {
    expect(serverEnvironment(host, { PATH: '/opt/bin', HOME: '' }, 'linux')).toMatchObject({
      PATH: '/opt/bin',
      HOME: '',
    });
  });

  it('skips values that are exported shell functions', () => {
    expect(serverEnvironment(host, {}, 'linux').SHELL).toBeUndefined();
  });

  it('matches Windows variable names case-insensitively and lets the config spelling win', () => {
    const windowsHost = { Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', USERPROFILE: 'C:\\Users\\ada', SECRET: 's' };
    expect(serverEnvironment(windowsHost, {}, 'win32')).toEqual({
      Path: 'C:\\Windows',
      SystemRoot: 'C:\\Windows',
      USERPROFILE: 'C:\\Users\\ada',
    });
    expect(serverEnvironment(windowsHost, { PATH: 'D:\\bin' }, 'win32')).toEqual({
      PATH: 'D:\\bin',
      SystemRoot: 'C:\\Windows',
      USERPROFILE: 'C:\\Users\\ada',
    });
  });
});
