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
    expect(serverEnvironment(host, { API_KEY: 'k' }, { platform: 'linux' })).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/ada',
      LANG: 'en_GB.UTF-8',
      LC_TIME: 'de_DE.UTF-8',
      TZ: 'Europe/Berlin',
      API_KEY: 'k',
    });
  });

  it('lets the config override an inherited variable', () => {
    expect(serverEnvironment(host, { PATH: '/opt/bin', HOME: '' }, { platform: 'linux' })).toMatchObject({
      PATH: '/opt/bin',
      HOME: '',
    });
  });

  it('skips values that are exported shell functions', () => {
    expect(serverEnvironment(host, {}, { platform: 'linux' }).SHELL).toBeUndefined();
  });

  it('matches Windows variable names case-insensitively and lets the config spelling win', () => {
    const windowsHost = { Path: 'C:\\Windows', SystemRoot: 'C:\\Windows', USERPROFILE: 'C:\\Users\\ada', SECRET: 's' };
    expect(serverEnvironment(windowsHost, {}, { platform: 'win32' })).toEqual({
      Path: 'C:\\Windows',
      SystemRoot: 'C:\\Windows',
      USERPROFILE: 'C:\\Users\\ada',
    });
    expect(serverEnvironment(windowsHost, { PATH: 'D:\\bin' }, { platform: 'win32' })).toEqual({
      PATH: 'D:\\bin',
      SystemRoot: 'C:\\Windows',
      USERPROFILE: 'C:\\Users\\ada',
    });
  });

  it('passes every host variable with passEnv, shell functions still excepted', () => {
    expect(serverEnvironment(host, { API_KEY: 'k' }, { platform: 'linux', passEnv: true })).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/ada',
      LANG: 'en_GB.UTF-8',
      LC_TIME: 'de_DE.UTF-8',
      TZ: 'Europe/Berlin',
      AWS_SECRET_ACCESS_KEY: 'secret',
      GITHUB_TOKEN: 'ghp_x',
      API_KEY: 'k',
    });
  });

  it('leaves out the variables the config unsets, inherited or passed', () => {
    const environment = serverEnvironment(
      host,
      {},
      { platform: 'linux', passEnv: true, unset: ['TZ', 'GITHUB_TOKEN'] },
    );
    expect(environment.TZ).toBeUndefined();
    expect(environment.GITHUB_TOKEN).toBeUndefined();
    expect(environment.PATH).toBe('/usr/bin');
    expect(serverEnvironment({ Path: 'C:\\x' }, {}, { platform: 'win32', unset: ['PATH'] })).toEqual({});
  });
});
