/**
 * The Open-Meteo provider: real forecasts from Open-Meteo's public APIs (no key needed).
 *
 * - Geocoding: `GET {OPEN_METEO_GEOCODING_URL}/v1/search?name=…&count=…&language=en&format=json` answers
 *   `{ results?: [{ name, latitude, longitude, country, country_code, admin1, timezone, population, … }] }`; fields
 *   that are empty are left out (protobuf JSON), and so is `results` when nothing matched.
 * - Forecast: `GET {OPEN_METEO_URL}/v1/forecast?latitude=…&longitude=…&current=…&daily=…&timezone=auto&…` answers
 *   `{ timezone, utc_offset_seconds, current: { time: 'YYYY-MM-DDTHH:mm', <variable>: number }, daily: { time: [...],
 *   <variable>: [...] } }`, times on the local clock of `timezone`; missing data points are null.
 * - Errors: HTTP 400 with `{ "error": true, "reason": "…" }`.
 *
 * Every request has a timeout (`WEATHER_TIMEOUT_MS`) combined with the caller's signal and a size limit
 * (`WEATHER_MAX_RESPONSE_BYTES`, enforced while the body streams in), and every answer is checked before use: a change
 * on their side becomes an `isError` result that says what was unexpected, not a crash. The provider's own words (an
 * error reason, a status text) reach the model only cut short, cleaned and quoted (provider-text.ts).
 */

import * as z from 'zod';
import { cityLabel } from './cities.js';
import type { CityIndex } from './cities.js';
import { ResponseTooLargeError, readBoundedBody } from './bounded-body.js';
import { CityNotFoundError, ProviderError } from './errors.js';
import { compactName, readQuery } from './names.js';
import type { QueryReading } from './names.js';
import type { City, CityMatch, CurrentConditions, Forecast, Units, WeatherProvider } from './types.js';
import { quoteProviderText } from './provider-text.js';
import { describeWeatherCode } from './wmo.js';

export interface OpenMeteoOptions {
  /** Base URL of the forecast API (`/v1/forecast` is appended). */
  forecastUrl: string;
  /** Base URL of the geocoding API (`/v1/search` is appended). */
  geocodingUrl: string;
  /** Limit per HTTP request, in milliseconds, body included. */
  timeoutMs: number;
  /** Most bytes of one answer read, after decompression; a larger answer is refused. */
  maxResponseBytes: number;
  /** The built-in city list: suggestions for names Open-Meteo does not know, and country names → ISO codes. */
  cities: () => CityIndex;
}

/** Geocoding results to fetch when no qualifier narrows the name (Open-Meteo's own default). */
const GEOCODING_COUNT = 10;
/** A status text is a few words; anything past this is not one. */
const STATUS_TEXT_MAX_CHARS = 80;
/** Geocoding results to fetch when a province or country will filter them here. */
const QUALIFIED_GEOCODING_COUNT = 100;

const CURRENT_VARIABLES = [
  'temperature_2m',
  'relative_humidity_2m',
  'apparent_temperature',
  'precipitation',
  'weather_code',
  'wind_speed_10m',
  'wind_direction_10m',
] as const;
const DAILY_VARIABLES = [
  'weather_code',
  'temperature_2m_max',
  'temperature_2m_min',
  'precipitation_sum',
  'wind_speed_10m_max',
] as const;

const geocodingSchema = z.object({
  results: z
    .array(
      z.object({
        name: z.string(),
        latitude: z.number(),
        longitude: z.number(),
        country: z.string().optional(),
        country_code: z.string().optional(),
        admin1: z.string().optional(),
        timezone: z.string().optional(),
        population: z.number().optional(),
      }),
    )
    .optional(),
});

const reading = z.number().nullable();
const localTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/, 'expected local time as YYYY-MM-DDTHH:mm');

const forecastSchema = z.object({
  timezone: z.string(),
  utc_offset_seconds: z.number(),
  current: z.object({
    time: localTime,
    temperature_2m: reading,
    relative_humidity_2m: reading,
    apparent_temperature: reading,
    precipitation: reading,
    weather_code: reading,
    wind_speed_10m: reading,
    wind_direction_10m: reading,
  }),
  daily: z.object({
    time: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected dates as YYYY-MM-DD')),
    weather_code: z.array(reading),
    temperature_2m_max: z.array(reading),
    temperature_2m_min: z.array(reading),
    precipitation_sum: z.array(reading),
    wind_speed_10m_max: z.array(reading),
  }),
});
type ForecastResponse = z.output<typeof forecastSchema>;

/** Open-Meteo's documented error answer. */
const errorSchema = z.object({ error: z.literal(true), reason: z.string() });

export class OpenMeteoProvider implements WeatherProvider {
  readonly name = 'open-meteo';
  readonly isOpenWorld = true;
  readonly source = {
    provider: 'open-meteo',
    note: 'Weather data by Open-Meteo.com (CC BY 4.0)',
    url: 'https://open-meteo.com/',
  } as const;
  readonly citySource = {
    provider: 'open-meteo',
    note: 'Places from the Open-Meteo geocoding API (GeoNames)',
    url: 'https://open-meteo.com/en/docs/geocoding-api',
  } as const;

  constructor(private readonly options: OpenMeteoOptions) {}

  async findCities(query: string, limit: number, signal: AbortSignal): Promise<CityMatch[]> {
    const places = await this.geocode(query, limit, signal);
    // Always with province and country: the geocoder knows millions of places and many share a name.
    return places.slice(0, limit).map((city) => ({ city, label: cityLabel(city, true) }));
  }

  async resolveCity(query: string, signal: AbortSignal): Promise<City> {
    const places = await this.geocode(query, undefined, signal);
    const name = compactName(lastReading(query).name);
    // The most populous place of exactly that name; else Open-Meteo's own best match (an alternative name, or
    // `München` for Munich).
    const exact = places
      .filter((place) => compactName(place.name) === name)
      .sort((a, b) => (b.population ?? 0) - (a.population ?? 0));
    const best = exact[0] ?? places[0];
    if (best) return best;
    const known = this.options.cities().resolve(query);
    const suggestions = known.city ? [known.city.label] : known.suggestions.map((entry) => entry.label);
    throw new CityNotFoundError(
      query,
      suggestions,
      `Open-Meteo's geocoding found no place matching ${JSON.stringify(query)}.`,
    );
  }

  async current(city: City, units: Units, signal: AbortSignal): Promise<CurrentConditions> {
    const response = await this.fetchForecast(city, 1, units, signal);
    const now = response.current;
    return {
      ...observation(response),
      temperature: now.temperature_2m,
      feelsLike: now.apparent_temperature,
      humidity: now.relative_humidity_2m,
      precipitation: now.precipitation,
      windSpeed: now.wind_speed_10m,
      windDirection: now.wind_direction_10m,
      weatherCode: now.weather_code,
      condition: describeWeatherCode(now.weather_code),
    };
  }

  async forecast(city: City, days: number, units: Units, signal: AbortSignal): Promise<Forecast> {
    const response = await this.fetchForecast(city, days, units, signal);
    const daily = response.daily;
    return {
      ...observation(response),
      days: daily.time.slice(0, days).map((date, index) => {
        const weatherCode = daily.weather_code[index] ?? null;
        return {
          date,
          temperatureMax: daily.temperature_2m_max[index] ?? null,
          temperatureMin: daily.temperature_2m_min[index] ?? null,
          precipitation: daily.precipitation_sum[index] ?? null,
          windSpeedMax: daily.wind_speed_10m_max[index] ?? null,
          weatherCode,
          condition: describeWeatherCode(weatherCode),
        };
      }),
    };
  }

  /** Places for a query; qualifiers (`Portland, Maine`, `Paris, FR`) filter Open-Meteo's answer. */
  private async geocode(query: string, limit: number | undefined, signal: AbortSignal): Promise<City[]> {
    const { name, qualifiers } = lastReading(query);
    const index = this.options.cities();
    const countryCode = qualifiers.map((qualifier) => index.countryCodeOf(qualifier)).find(Boolean);
    const url = new URL(`${this.options.geocodingUrl}/v1/search`);
    url.searchParams.set('name', name);
    const count = qualifiers.length > 0 ? QUALIFIED_GEOCODING_COUNT : Math.max(limit ?? 0, GEOCODING_COUNT);
    url.searchParams.set('count', String(count));
    url.searchParams.set('language', 'en');
    url.searchParams.set('format', 'json');
    if (countryCode) url.searchParams.set('countryCode', countryCode);
    const answer = parseAnswer(geocodingSchema, await this.getJson(url, 'geocoding', signal), 'geocoding');
    return (answer.results ?? [])
      .map((result): City => ({
        name: result.name,
        country: result.country ?? result.country_code ?? '',
        ...(result.country_code && { countryCode: result.country_code }),
        ...(result.admin1 && { province: result.admin1 }),
        latitude: result.latitude,
        longitude: result.longitude,
        ...(result.timezone && { timezone: result.timezone }),
        ...(result.population !== undefined && { population: result.population }),
      }))
      .filter((place) => qualifiers.every((qualifier) => index.qualifies(place, qualifier)));
  }

  private async fetchForecast(city: City, days: number, units: Units, signal: AbortSignal): Promise<ForecastResponse> {
    const url = new URL(`${this.options.forecastUrl}/v1/forecast`);
    const isImperial = units === 'imperial';
    url.searchParams.set('latitude', String(city.latitude));
    url.searchParams.set('longitude', String(city.longitude));
    url.searchParams.set('current', CURRENT_VARIABLES.join(','));
    url.searchParams.set('daily', DAILY_VARIABLES.join(','));
    url.searchParams.set('timezone', 'auto');
    url.searchParams.set('forecast_days', String(days));
    url.searchParams.set('temperature_unit', isImperial ? 'fahrenheit' : 'celsius');
    url.searchParams.set('wind_speed_unit', isImperial ? 'mph' : 'kmh');
    url.searchParams.set('precipitation_unit', isImperial ? 'inch' : 'mm');
    return parseAnswer(forecastSchema, await this.getJson(url, 'forecast', signal), 'forecast');
  }

  /**
   * GETs JSON. The caller's signal cancels the request (the error is rethrown as is: nobody reads the answer);
   * the timeout, network failures, answers over the size limit, error answers and non-JSON become `ProviderError`s
   * naming what happened. The timeout covers the whole request, body included, so a body that never ends times out.
   */
  private async getJson(url: URL, api: 'geocoding' | 'forecast', signal: AbortSignal): Promise<unknown> {
    const { timeoutMs, maxResponseBytes } = this.options;
    const timeout = AbortSignal.timeout(timeoutMs);
    let status: number;
    let statusText: string;
    let body: string;
    try {
      const response = await fetch(url, {
        signal: AbortSignal.any([signal, timeout]),
        headers: { accept: 'application/json' },
      });
      status = response.status;
      statusText = response.statusText;
      body = (await readBoundedBody(response, maxResponseBytes)).toString('utf8');
    } catch (error) {
      if (signal.aborted) throw error;
      if (error instanceof ResponseTooLargeError) throw new ProviderError(tooLargeMessage(api, url, error));
      if (timeout.aborted) {
        throw new ProviderError(
          `open-meteo ${api} request to ${url.host} got no answer within ${timeoutMs} ms (WEATHER_TIMEOUT_MS); try again later`,
        );
      }
      throw new ProviderError(`open-meteo ${api} request to ${url.host} failed: ${networkReason(error)}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
    const failure = errorSchema.safeParse(json);
    if (failure.success) {
      throw new ProviderError(
        `open-meteo ${api} request was refused (HTTP ${status}); the provider's reason, quoted: ${quoteProviderText(failure.data.reason)}`,
      );
    }
    if (status < 200 || status > 299) {
      throw new ProviderError(`open-meteo ${api} request failed: HTTP ${status}${describeStatusText(statusText)}`);
    }
    if (json === undefined) {
      throw new ProviderError(`open-meteo ${api} answer was not JSON (HTTP ${status}, ${body.length} bytes)`);
    }
    return json;
  }
}

/**
 * The reading with the most qualifiers (`Portland` in `Maine`, `Tokyo` in `Japan`): Open-Meteo treats text after a
 * comma as a region, so the name sent is the bare name and the qualifiers filter its answer here.
 */
function lastReading(query: string): QueryReading {
  return readQuery(query).reduce<QueryReading>(
    (best, reading) => (reading.qualifiers.length > best.qualifiers.length ? reading : best),
    { name: query.trim(), qualifiers: [] },
  );
}

function parseAnswer<T extends z.ZodType>(schema: T, json: unknown, api: string): z.output<T> {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.map(String).join('.') || '(answer)'}: ${issue.message}`)
    .join('; ');
  throw new ProviderError(`open-meteo ${api} answer has an unexpected shape: ${problems}`);
}

/** The time of the current observation, in UTC and on the local clock, from `current.time` and the UTC offset. */
function observation(response: ForecastResponse): Pick<CurrentConditions, 'observedAt' | 'localTime' | 'timezone'> {
  const local = response.current.time;
  const asIfUtc = Date.UTC(
    Number(local.slice(0, 4)),
    Number(local.slice(5, 7)) - 1,
    Number(local.slice(8, 10)),
    Number(local.slice(11, 13)),
    Number(local.slice(14, 16)),
  );
  return {
    observedAt: new Date(asIfUtc - response.utc_offset_seconds * 1000).toISOString(),
    localTime: local,
    timezone: response.timezone,
  };
}

function tooLargeMessage(api: string, url: URL, error: ResponseTooLargeError): string {
  const from = `open-meteo ${api} answer from ${url.host}`;
  const limit = `the limit of ${error.limitBytes} bytes (WEATHER_MAX_RESPONSE_BYTES)`;
  if (error.announcedBytes !== undefined) {
    return `${from} announces ${error.announcedBytes} bytes (Content-Length), more than ${limit}; it was not read`;
  }
  const decoded = error.decodedCodings ? ` once decompressed (Content-Encoding: ${error.decodedCodings})` : '';
  return `${from} passed ${limit}${decoded}; the rest was not read`;
}

/** Status texts of a few plain words (`Service Unavailable`) as they are; any other is the provider's text, quoted. */
function describeStatusText(statusText: string): string {
  if (statusText === '') return '';
  if (/^[A-Za-z][A-Za-z '-]{0,39}$/.test(statusText)) return ` ${statusText}`;
  return ` with the provider's status text, quoted: ${quoteProviderText(statusText, STATUS_TEXT_MAX_CHARS)}`;
}

/** fetch rejects with `TypeError: fetch failed`; the useful part (`connect ECONNREFUSED …`) is its cause. */
function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause;
  if (cause instanceof Error && cause.message) return cause.message;
  return error.message;
}
