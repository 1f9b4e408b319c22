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
/**
 * The most bytes of one answer from Open-Meteo this server reads (after decompression). Real answers are tens of KB
 * at most (a 16-day forecast is about 1.5 KB, 100 geocoding results about 37 KB): 4 MiB is two orders of magnitude of
 * headroom, while an answer held as bytes, text and parsed JSON stays at a few tens of MB.
 * @default 4_194_304
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** The largest `WEATHER_MAX_RESPONSE_BYTES` accepted: past this, a limit no longer bounds memory usefully. */
export const MAX_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
/** The smallest accepted: under 1 KiB even the smallest real answers (a one-day forecast, ~700 bytes) are refused. */
export const MIN_MAX_RESPONSE_BYTES = 1024;
export const DEFAULT_OPEN_METEO_URL = 'https://api.open-meteo.com';
export const DEFAULT_OPEN_METEO_GEOCODING_URL = 'https://geocoding-api.open-meteo.com';

export interface WeatherConfig {
  provider: ProviderName;
  /** A fixed "now" (`WEATHER_NOW`) for reproducible results; otherwise the clock. */
  fixedNow: Date | undefined;
  /** Per HTTP request to Open-Meteo. */
  timeoutMs: number;
  /** Most bytes of one answer read, after decompression (`WEATHER_MAX_RESPONSE_BYTES`). */
  maxResponseBytes: number;
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

/**
 * Digits only, as text: the message repeats what was given (`got "4MiB"`), which a coerced NaN could not, and `1e3`
 * or `0x10` are not taken for numbers.
 */
const wholeNumber = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { error: (issue) => `expected ${what} as a whole number, got ${JSON.stringify(issue.input)}` })
    .transform(Number);

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
    wholeNumber('milliseconds').pipe(
      z
        .number()
        .min(1, { error: 'expected at least 1 ms' })
        .max(600_000, { error: 'expected at most 600000 ms (10 minutes)' }),
    ),
  ),
  WEATHER_MAX_RESPONSE_BYTES: optional(
    wholeNumber('a number of bytes').pipe(
      z
        .number()
        .min(MIN_MAX_RESPONSE_BYTES, { error: `expected at least ${MIN_MAX_RESPONSE_BYTES} bytes` })
        .max(MAX_MAX_RESPONSE_BYTES, { error: `expected at most ${MAX_MAX_RESPONSE_BYTES} bytes (256 MiB)` }),
    ),
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
    maxResponseBytes: env.WEATHER_MAX_RESPONSE_BYTES ?? DEFAULT_MAX_RESPONSE_BYTES,
    forecastUrl: env.OPEN_METEO_URL ?? DEFAULT_OPEN_METEO_URL,
    geocodingUrl: env.OPEN_METEO_GEOCODING_URL ?? DEFAULT_OPEN_METEO_GEOCODING_URL,
  };
}
