/**
 * The server's settings, read from the environment once at start. A bad value stops the server with a message that
 * names the variable and what it expects, rather than surfacing later as odd results.
 */

import * as z from 'zod';
import { SettingsError } from '../../src/server/index.js';
import { PROVIDER_NAMES } from './types.js';
import type { ProviderName } from './types.js';

/** @default 10_000 */
export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_OPEN_METEO_URL = 'https://api.open-meteo.com';
export const DEFAULT_OPEN_METEO_GEOCODING_URL = 'https://geocoding-api.open-meteo.com';

export interface WeatherConfig {
  provider: ProviderName;
  /** A fixed "now" (`WEATHER_NOW`) for reproducible results; otherwise the clock. */
  fixedNow: Date | undefined;
  /** Per HTTP request to Open-Meteo. */
  timeoutMs: number;
  /** Base of the forecast API; `/v1/forecast` is appended. */
  forecastUrl: string;
  /** Base of the geocoding API; `/v1/search` is appended. */
  geocodingUrl: string;
}

/** An unset variable and an empty one mean the same: the default. */
const optional = <T extends z.ZodType>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const baseUrl = z
  .string()
  .refine((text) => URL.canParse(text) && /^https?:$/.test(new URL(text).protocol), {
    error: (issue) => `expected an http(s) URL, got ${JSON.stringify(issue.input)}`,
  })
  .transform((text) => text.replace(/\/+$/, ''));

const environmentSchema = z.object({
  WEATHER_PROVIDER: optional(
    z.enum(PROVIDER_NAMES, {
      error: (issue) =>
        `expected ${PROVIDER_NAMES.map((name) => `"${name}"`).join(' or ')}, got ${JSON.stringify(issue.input)}`,
    }),
  ),
  WEATHER_NOW: optional(
    z.iso.datetime({
      offset: true,
      error: (issue) =>
        `expected an ISO 8601 timestamp with a zone, such as 2025-01-15T12:00:00Z, got ${JSON.stringify(issue.input)}`,
    }),
  ),
  WEATHER_TIMEOUT_MS: optional(
    z.coerce
      .number({ error: (issue) => `expected milliseconds as a whole number, got ${JSON.stringify(issue.input)}` })
      .int({ error: 'expected milliseconds as a whole number' })
      .min(1, { error: 'expected at least 1 ms' })
      .max(600_000, { error: 'expected at most 600000 ms (10 minutes)' }),
  ),
  OPEN_METEO_URL: optional(baseUrl),
  OPEN_METEO_GEOCODING_URL: optional(baseUrl),
});

/** Reads the settings. @throws SettingsError naming each bad variable and what it expects. */
export function readConfig(environment: Record<string, string | undefined>): WeatherConfig {
  const parsed = environmentSchema.safeParse(environment);
  if (!parsed.success) {
    throw new SettingsError(
      parsed.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`).join('; '),
    );
  }
  const env = parsed.data;
  return {
    provider: env.WEATHER_PROVIDER ?? 'offline',
    fixedNow: env.WEATHER_NOW === undefined ? undefined : new Date(env.WEATHER_NOW),
    timeoutMs: env.WEATHER_TIMEOUT_MS ?? DEFAULT_TIMEOUT_MS,
    forecastUrl: env.OPEN_METEO_URL ?? DEFAULT_OPEN_METEO_URL,
    geocodingUrl: env.OPEN_METEO_GEOCODING_URL ?? DEFAULT_OPEN_METEO_GEOCODING_URL,
  };
}
