import { describe, expect, it } from 'vitest';
import { readConfig } from '../../../../servers/weather/config.js';
import { SettingsError } from '../../../../src/server/index.js';

function configError(environment: Record<string, string>): string {
  try {
    readConfig(environment);
  } catch (error) {
    if (error instanceof SettingsError) return error.message;
    throw error;
  }
  throw new Error('expected readConfig to throw');
}

describe('readConfig', () => {
  it('defaults to the offline provider, the clock, a 10 s timeout and a 4 MiB answer limit', () => {
    expect(readConfig({})).toEqual({
      provider: 'offline',
      fixedNow: undefined,
      timeoutMs: 10_000,
      maxResponseBytes: 4_194_304,
      forecastUrl: 'https://api.open-meteo.com',
      geocodingUrl: 'https://geocoding-api.open-meteo.com',
    });
  });

  it('treats empty variables as unset', () => {
    expect(readConfig({ WEATHER_PROVIDER: '', WEATHER_NOW: '' }).provider).toBe('offline');
  });

  it('reads every variable', () => {
    const config = readConfig({
      WEATHER_PROVIDER: 'open-meteo',
      WEATHER_NOW: '2025-01-15T12:34:56+02:00',
      WEATHER_TIMEOUT_MS: '2500',
      WEATHER_MAX_RESPONSE_BYTES: '65536',
      OPEN_METEO_URL: 'http://127.0.0.1:8080/mock/',
      OPEN_METEO_GEOCODING_URL: 'http://127.0.0.1:8081',
    });
    expect(config).toEqual({
      provider: 'open-meteo',
      fixedNow: new Date('2025-01-15T10:34:56Z'),
      timeoutMs: 2500,
      maxResponseBytes: 65_536,
      forecastUrl: 'http://127.0.0.1:8080/mock',
      geocodingUrl: 'http://127.0.0.1:8081',
    });
  });

  it('names the variable and what it expects', () => {
    expect(configError({ WEATHER_PROVIDER: 'metoffice' })).toBe(
      'WEATHER_PROVIDER: expected "offline" or "open-meteo", got "metoffice"',
    );
    expect(configError({ WEATHER_NOW: 'yesterday' })).toContain('WEATHER_NOW: expected an ISO 8601 timestamp');
    // Without a zone the moment would depend on the machine's time zone.
    expect(configError({ WEATHER_NOW: '2025-01-15T12:00:00' })).toContain('WEATHER_NOW');
    expect(configError({ WEATHER_TIMEOUT_MS: '1.5' })).toContain('WEATHER_TIMEOUT_MS: expected milliseconds');
    expect(configError({ WEATHER_TIMEOUT_MS: 'soon' })).toContain('WEATHER_TIMEOUT_MS');
    expect(configError({ WEATHER_MAX_RESPONSE_BYTES: '4MiB' })).toBe(
      'WEATHER_MAX_RESPONSE_BYTES: expected a number of bytes as a whole number, got "4MiB"',
    );
    expect(configError({ WEATHER_MAX_RESPONSE_BYTES: '100' })).toBe(
      'WEATHER_MAX_RESPONSE_BYTES: expected at least 1024 bytes',
    );
    expect(configError({ WEATHER_MAX_RESPONSE_BYTES: String(2 ** 30) })).toBe(
      'WEATHER_MAX_RESPONSE_BYTES: expected at most 268435456 bytes (256 MiB)',
    );
    expect(configError({ OPEN_METEO_URL: 'ftp://example.com' })).toContain('OPEN_METEO_URL: expected an http(s) URL');
  });

  it('reports every bad variable at once', () => {
    const message = configError({ WEATHER_PROVIDER: 'x', WEATHER_TIMEOUT_MS: '0' });
    expect(message).toContain('WEATHER_PROVIDER');
    expect(message).toContain('WEATHER_TIMEOUT_MS: expected at least 1 ms');
  });
});
