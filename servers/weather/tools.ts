/**
 * The weather server's definition: tools, resources, the resource template and the prompt, all speaking through
 * one `WeatherProvider`.
 */

import * as z from 'zod';
import { defineServer, JSONRPC_ERROR, MCP_ERROR, WireError } from '../../src/server/index.js';
import type { McpServer } from '../../src/server/index.js';
import { deriveAlerts } from './alerts.js';
import type { CityIndex } from './cities.js';
import { CityNotFoundError } from './errors.js';
import { PROVIDER_NAMES, UNIT_SYSTEMS } from './types.js';
import type { City, Units, WeatherProvider } from './types.js';
import { UNIT_LABELS } from './units.js';

export interface WeatherServerOptions {
  provider: WeatherProvider;
  /** The built-in city list (stations, alerts, completion); built on first use. */
  cities: () => CityIndex;
  /** The current time (fixed by `WEATHER_NOW` in tests). */
  now: () => Date;
}

export const SERVER_NAME = 'weather';
export const SERVER_VERSION = '0.1.0';

/** Days a forecast can cover (Open-Meteo's limit). */
export const MAX_FORECAST_DAYS = 16;
export const DEFAULT_FORECAST_DAYS = 5;
export const MAX_SEARCH_RESULTS = 50;

// ---- input ----

const cityInput = z
  .string({ error: 'expected a city name as a string, e.g. "Paris" or "Portland, Maine"' })
  .trim()
  .min(1, { error: 'expected a city name, e.g. "Paris" or "Portland, Maine"' })
  .max(200, { error: 'expected at most 200 characters' })
  .describe(
    'City name, any case, accents optional. Ambiguous names mean the most populous city; add a country (name, ISO2 ' +
      'or ISO3) or a province/state after a comma to pick another: "Portland, Maine", "Paris, FR", "London, Canada".',
  );

const unitsInput = z
  .enum(UNIT_SYSTEMS, { error: (issue) => `expected "metric" or "imperial", got ${JSON.stringify(issue.input)}` })
  .default('metric')
  .describe('"metric" (°C, km/h, mm) or "imperial" (°F, mph, in). Default "metric".');

/** One message for every way a count can be wrong (type, fraction, range), with the value that came. */
const countError =
  (expected: string) =>
  (issue: { input?: unknown }): string =>
    `expected ${expected}, got ${JSON.stringify(issue.input)}`;

const daysError = countError(`a whole number of days from 1 to ${MAX_FORECAST_DAYS}`);
const limitError = countError(`a whole number from 1 to ${MAX_SEARCH_RESULTS}`);

const daysInput = z
  .number({ error: daysError })
  .int({ error: daysError })
  .min(1, { error: daysError })
  .max(MAX_FORECAST_DAYS, { error: daysError })
  .default(DEFAULT_FORECAST_DAYS)
  .describe(`Number of days, today first: 1 to ${MAX_FORECAST_DAYS}. Default ${DEFAULT_FORECAST_DAYS}.`);

// ---- output ----

const cityOutput = z.object({
  name: z.string(),
  country: z.string(),
  countryCode: z.string().optional().describe('ISO 3166-1 alpha-2'),
  province: z.string().optional().describe('State, province or region'),
  latitude: z.number(),
  longitude: z.number(),
  timezone: z.string().optional().describe('IANA time zone'),
  population: z.number().optional(),
});

const sourceOutput = z.object({
  provider: z.enum(PROVIDER_NAMES),
  note: z.string(),
  url: z.string().optional(),
});

const unitsOutput = z.object({
  system: z.enum(UNIT_SYSTEMS),
  temperature: z.enum(['°C', '°F']),
  windSpeed: z.enum(['km/h', 'mph']),
  precipitation: z.enum(['mm', 'in']),
});

const value = z.number().nullable();

const currentOutput = z.object({
  city: cityOutput,
  observedAt: z.string().describe('Time of the observation (or model hour), ISO 8601 UTC'),
  localTime: z.string().describe("The same time on the city's clock, YYYY-MM-DDTHH:mm"),
  units: unitsOutput,
  temperature: value,
  feelsLike: value.describe('Apparent temperature'),
  humidity: value.describe('Relative humidity, %'),
  precipitation: value.describe('Precipitation in the last hour'),
  windSpeed: value,
  windDirection: value.describe('Degrees, where the wind comes from (0 = north)'),
  cloudCover: z.number().optional().describe('% of the sky'),
  weatherCode: value.describe('WMO weather code'),
  condition: z.string(),
  source: sourceOutput,
});

const forecastOutput = z.object({
  city: cityOutput,
  observedAt: z.string().describe('Time the forecast starts from, ISO 8601 UTC'),
  localTime: z.string().describe("The same time on the city's clock, YYYY-MM-DDTHH:mm"),
  units: unitsOutput,
  days: z.array(
    z.object({
      date: z.string().describe("YYYY-MM-DD on the city's calendar"),
      temperatureMax: value,
      temperatureMin: value,
      precipitation: value.describe('Total for the day'),
      windSpeedMax: value,
      weatherCode: value.describe("WMO code, the day's most severe"),
      condition: z.string(),
    }),
  ),
  source: sourceOutput,
});

const searchOutput = z.object({
  query: z.string(),
  count: z.number(),
  cities: z.array(
    cityOutput.extend({
      label: z.string().describe('Pass this as `city` to the weather tools to get exactly this place'),
    }),
  ),
  source: sourceOutput,
});

type CurrentReport = z.input<typeof currentOutput>;

/** The structured results of the tools, as clients receive them. */
export type CurrentWeatherResult = z.output<typeof currentOutput>;
export type ForecastResult = z.output<typeof forecastOutput>;
export type SearchCitiesResult = z.output<typeof searchOutput>;

/** Defines the weather server on a provider. */
export function createWeatherServer(options: WeatherServerOptions): McpServer {
  const { provider, cities, now } = options;
  const isModelled = provider.name === 'offline';
  const dataNote = isModelled
    ? 'Values are modelled sample data (offline provider), not observations.'
    : 'Values come from Open-Meteo.';
  const annotations = {
    readOnlyHint: true,
    destructiveHint: false,
    idempotentHint: true,
    openWorldHint: provider.isOpenWorld,
  };

  const server = defineServer({
    name: SERVER_NAME,
    version: SERVER_VERSION,
    title: 'Weather',
    description: 'Current weather, forecasts and alerts for world cities',
    instructions:
      'Weather for cities worldwide. Use search_cities to find or disambiguate a city, get_current_weather for ' +
      `conditions now and get_forecast for up to ${MAX_FORECAST_DAYS} days. Every result names the city, its ` +
      `coordinates and time zone, the observation time and its source. ${dataNote}`,
  });

  async function currentReport(cityName: string, units: Units, signal: AbortSignal): Promise<CurrentReport> {
    const city = await provider.resolveCity(cityName, signal);
    const conditions = await provider.current(city, units, signal);
    return {
      city: { ...city, timezone: conditions.timezone },
      observedAt: conditions.observedAt,
      localTime: conditions.localTime,
      units: { system: units, ...UNIT_LABELS[units] },
      temperature: conditions.temperature,
      feelsLike: conditions.feelsLike,
      humidity: conditions.humidity,
      precipitation: conditions.precipitation,
      windSpeed: conditions.windSpeed,
      windDirection: conditions.windDirection,
      ...(conditions.cloudCover !== undefined && { cloudCover: conditions.cloudCover }),
      weatherCode: conditions.weatherCode,
      condition: conditions.condition,
      source: provider.source,
    };
  }

  server.tool(
    'get_current_weather',
    {
      title: 'Current weather',
      description:
        'Current weather in a city: temperature, feels-like temperature, humidity, precipitation, wind and ' +
        `conditions, with the city's country, coordinates and time zone, and the observation time. ${dataNote} ` +
        'An unknown city is an error that suggests close matches.',
      input: z.strictObject({ city: cityInput, units: unitsInput }),
      output: currentOutput,
      annotations: { title: 'Current weather', ...annotations },
    },
    ({ city, units }, ctx) => currentReport(city, units, ctx.signal),
  );

  server.tool(
    'get_forecast',
    {
      title: 'Daily forecast',
      description:
        `Daily forecast for a city, today first, for 1 to ${MAX_FORECAST_DAYS} days (default ` +
        `${DEFAULT_FORECAST_DAYS}): high and low temperature, total precipitation, strongest wind and conditions. ` +
        `${dataNote}`,
      input: z.strictObject({ city: cityInput, days: daysInput, units: unitsInput }),
      output: forecastOutput,
      annotations: { title: 'Daily forecast', ...annotations },
    },
    async ({ city: cityName, days, units }, ctx) => {
      const city = await provider.resolveCity(cityName, ctx.signal);
      const forecast = await provider.forecast(city, days, units, ctx.signal);
      return {
        city: { ...city, timezone: forecast.timezone },
        observedAt: forecast.observedAt,
        localTime: forecast.localTime,
        units: { system: units, ...UNIT_LABELS[units] },
        days: forecast.days,
        source: provider.source,
      };
    },
  );

  server.tool(
    'search_cities',
    {
      title: 'Search cities',
      description:
        'Find cities by name, prefix or near spelling ("san fr", "Springfield, US", "Zurich"), most relevant and ' +
        'most populous first, with country, province, coordinates, time zone and population. Each result has a ' +
        '`label` to pass as `city` to the weather tools. No match is an empty list, not an error.',
      input: z.strictObject({
        query: z
          .string({ error: 'expected the text to search for as a string' })
          .trim()
          .min(1, { error: 'expected at least one character to search for' })
          .max(200, { error: 'expected at most 200 characters' })
          .describe('Name or start of a name; optionally ", country" or ", province" to narrow it'),
        limit: z
          .number({ error: limitError })
          .int({ error: limitError })
          .min(1, { error: limitError })
          .max(MAX_SEARCH_RESULTS, { error: limitError })
          .default(10)
          .describe(`Most results to return, 1 to ${MAX_SEARCH_RESULTS}. Default 10.`),
      }),
      output: searchOutput,
      annotations: { title: 'Search cities', ...annotations },
    },
    async ({ query, limit }, ctx) => {
      const found = await provider.findCities(query, limit, ctx.signal);
      return {
        query,
        count: found.length,
        cities: found.map(({ city, label }) => ({ ...city, label })),
        source: provider.citySource,
      };
    },
  );

  let stationsJson: string | undefined;
  server.resource(
    {
      uri: 'weather://stations',
      name: 'stations',
      title: 'Known cities',
      description:
        'The built-in list of about 7,300 cities (name, country, ISO code, province, lat, lon, population, time ' +
        'zone), most populous first, as one JSON document.',
      mimeType: 'application/json',
    },
    () => {
      stationsJson ??= JSON.stringify(stationsDocument(cities()));
      return { text: stationsJson };
    },
  );

  server.resource(
    {
      uri: 'weather://alerts',
      name: 'alerts',
      title: 'Weather alerts',
      description:
        'Current alerts (extreme heat or cold, high wind, heavy precipitation, thunderstorms) for the largest ' +
        'cities at this hour, derived from the offline model with fixed thresholds: modelled, not official ' +
        'warnings, whatever the provider.',
      mimeType: 'application/json',
    },
    () => ({ text: JSON.stringify(deriveAlerts(cities(), now()), null, 2) }),
  );

  const completeCity = (typed: string) => cities().complete(typed);

  server.resourceTemplate(
    {
      uriTemplate: 'weather://current/{city}',
      name: 'current',
      title: 'Current weather in a city',
      description: `Current weather in a city (metric), as get_current_weather returns it. ${dataNote}`,
      mimeType: 'application/json',
      complete: { city: completeCity },
    },
    async (uri, variables, ctx) => {
      try {
        const report = await currentReport(variables.city ?? '', 'metric', ctx.signal);
        return { text: JSON.stringify(report, null, 2) };
      } catch (error) {
        if (error instanceof CityNotFoundError) {
          throw new WireError(MCP_ERROR.RESOURCE_NOT_FOUND, `Resource not found: ${uri}: ${error.message}`, {
            uri,
            suggestions: error.suggestions,
          });
        }
        throw error;
      }
    },
  );

  server.prompt(
    'weather_report',
    {
      title: 'Weather report',
      description: 'Asks for a short weather report for a city: conditions now and the next three days.',
      args: z.object({
        city: z.string().describe('City name, e.g. "Lisbon" or "Portland, Maine"'),
      }),
      complete: { city: completeCity },
    },
    async ({ city: cityName }, ctx) => {
      let city: City;
      try {
        city = await provider.resolveCity(cityName, ctx.signal);
      } catch (error) {
        if (error instanceof CityNotFoundError) {
          throw new WireError(JSONRPC_ERROR.INVALID_PARAMS, error.message, { suggestions: error.suggestions });
        }
        throw error;
      }
      const place = [city.name, city.province, city.country].filter(Boolean).join(', ');
      return (
        `Write a short weather report (at most five sentences) for ${place}. ` +
        `First call get_current_weather with city ${JSON.stringify(cityName)}, then get_forecast with the same ` +
        'city and days 3. Say what it is like now (temperature, feels-like, sky, wind), then how the next days ' +
        'develop (highs, lows, rain or snow), and point out anything notable such as heat, frost, storms or heavy ' +
        'rain. Give temperatures in the units the reader likely uses there. ' +
        (isModelled
          ? 'The data is modelled sample data, not real observations: say so in one short clause.'
          : 'Credit Open-Meteo as the source.')
      );
    },
  );

  return server;
}

/** The stations resource: every known city, compact enough to send as one document (about 1.3 MB). */
function stationsDocument(index: CityIndex) {
  return {
    source: 'city-timezones package (cleaned: duplicates merged, missing time zones derived)',
    count: index.cities.length,
    stations: index.cities.map(({ city }) => ({
      name: city.name,
      country: city.country,
      countryCode: city.countryCode ?? null,
      province: city.province ?? null,
      lat: city.latitude,
      lon: city.longitude,
      population: city.population ?? null,
      timezone: city.timezone ?? null,
    })),
  };
}
