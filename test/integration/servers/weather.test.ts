/**
 * The weather server with its default offline provider, as a real child process over real stdio pipes, with a
 * fixed `WEATHER_NOW` so every answer is reproducible.
 */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WireError } from '../../../src/protocol/errors.js';
import type { CallToolResult } from '../../../src/protocol/types.js';
import { REPO_ROOT, resultText, startStdioServer } from '../../helpers/stdio-server.js';
import type { StdioServer } from '../../helpers/stdio-server.js';
import type { CurrentWeatherResult, ForecastResult, SearchCitiesResult } from '../../../servers/weather/tools.js';

const SERVER = 'dist/servers/weather/index.js';
/** 14:20 UTC: 07:20 in Portland, Oregon (PDT), 10:20 in Portland, Maine (EDT), 00:20 the next day in Sydney. */
const NOW = '2025-07-15T14:20:00Z';

let server: StdioServer;

beforeAll(async () => {
  server = await startStdioServer(SERVER, { WEATHER_NOW: NOW });
});

afterAll(async () => {
  await server?.close();
});

/** The structured result of a successful call (fails the test with the error text otherwise). */
async function call<T>(name: string, args: Record<string, unknown>): Promise<T> {
  const result = await server.callTool(name, args);
  expect(result.isError, resultText(result)).toBeFalsy();
  expect(JSON.parse(resultText(result))).toEqual(result.structuredContent);
  return result.structuredContent as T;
}

const getCurrent = (args: Record<string, unknown>) => call<CurrentWeatherResult>('get_current_weather', args);
const getForecast = (args: Record<string, unknown>) => call<ForecastResult>('get_forecast', args);
const searchCities = (args: Record<string, unknown>) => call<SearchCitiesResult>('search_cities', args);

/** The text of a failed call. */
async function failure(name: string, args: Record<string, unknown>): Promise<string> {
  const result: CallToolResult = await server.callTool(name, args);
  expect(result.isError).toBe(true);
  return resultText(result);
}

async function readResource(uri: string): Promise<string> {
  const { contents } = await server.connection.request('resources/read', { uri });
  const first = contents[0] as { uri: string; mimeType?: string; text?: string };
  expect(first.uri).toBe(uri);
  expect(first.mimeType).toBe('application/json');
  return first.text ?? '';
}

async function wireError(request: Promise<unknown>): Promise<WireError> {
  const error: unknown = await request.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(WireError);
  return error as WireError;
}

describe('weather server (offline provider)', () => {
  it('lists three read-only, closed-world tools with described inputs and output schemas', async () => {
    const { tools } = await server.connection.request('tools/list', {});
    expect(tools.map((tool) => tool.name).sort()).toEqual(['get_current_weather', 'get_forecast', 'search_cities']);
    for (const tool of tools) {
      expect(tool.description?.length).toBeGreaterThan(80);
      expect(tool.inputSchema.additionalProperties).toBe(false);
      for (const property of Object.values(tool.inputSchema.properties ?? {})) {
        expect((property as { description?: string }).description).toBeTruthy();
      }
      expect(tool.outputSchema?.type).toBe('object');
      expect(tool.annotations).toMatchObject({
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      });
    }
  });

  it('gives the current weather with the city, its coordinates, time zone, observation time and source', async () => {
    const weather = await getCurrent({ city: 'Portland' });
    expect(weather.city).toEqual({
      name: 'Portland',
      country: 'United States of America',
      countryCode: 'US',
      province: 'Oregon',
      latitude: 45.52002382,
      longitude: -122.6799901,
      timezone: 'America/Los_Angeles',
      population: 1_207_757,
    });
    expect(weather.observedAt).toBe('2025-07-15T14:00:00.000Z');
    expect(weather.localTime).toBe('2025-07-15T07:00');
    expect(weather.units).toEqual({ system: 'metric', temperature: '°C', windSpeed: 'km/h', precipitation: 'mm' });
    expect(weather.source).toEqual({ provider: 'offline', note: 'Modelled sample data, not an observation' });
    expect(weather.temperature).toBeGreaterThan(0);
    expect(weather.temperature).toBeLessThan(40);
    expect(weather.humidity).toBeGreaterThanOrEqual(0);
    expect(weather.humidity).toBeLessThanOrEqual(100);
    expect(typeof weather.condition).toBe('string');
    expect(weather.condition).not.toMatch(/unknown/i);
  });

  it('gives a forecast of consecutive days starting today on the city clock', async () => {
    const forecast = await getForecast({ city: 'Sydney', days: 3 });
    expect(forecast.city.timezone).toBe('Australia/Sydney');
    expect(forecast.localTime).toBe('2025-07-16T00:00');
    expect(forecast.days.map((day) => day.date)).toEqual(['2025-07-16', '2025-07-17', '2025-07-18']);
    for (const day of forecast.days) {
      expect(day.temperatureMin).toBeLessThanOrEqual(day.temperatureMax!);
      expect(day.precipitation).toBeGreaterThanOrEqual(0);
      expect(typeof day.condition).toBe('string');
    }
    expect(forecast.source.provider).toBe('offline');
  });

  it('forecasts 5 days by default and up to 16', async () => {
    expect((await getForecast({ city: 'Lima' })).days).toHaveLength(5);
    const long = await getForecast({ city: 'Lima', days: 16 });
    expect(long.days).toHaveLength(16);
    expect(long.days[15]!.date).toBe('2025-07-30');
  });

  it('gives the same answer for the same input at the same hour, even from another process', async () => {
    const args = { city: 'Reykjavik', units: 'imperial' };
    const first = await server.callTool('get_current_weather', args);
    const again = await server.callTool('get_current_weather', args);
    const other = await startStdioServer(SERVER, { WEATHER_NOW: '2025-07-15T14:59:59Z' });
    try {
      const fromOther = await other.callTool('get_current_weather', args);
      expect(again).toEqual(first);
      expect(fromOther).toEqual(first);
      const forecastArgs = { city: 'Nairobi', days: 7 };
      expect(await other.callTool('get_forecast', forecastArgs)).toEqual(
        await server.callTool('get_forecast', forecastArgs),
      );
    } finally {
      await other.close();
    }
  });

  it('converts every value to imperial units', async () => {
    const metric = await getCurrent({ city: 'Cairo' });
    const imperial = await getCurrent({ city: 'Cairo', units: 'imperial' });
    expect(imperial.units).toEqual({ system: 'imperial', temperature: '°F', windSpeed: 'mph', precipitation: 'in' });
    expect(imperial.temperature).toBeCloseTo((metric.temperature! * 9) / 5 + 32, 0);
    expect(imperial.feelsLike).toBeCloseTo((metric.feelsLike! * 9) / 5 + 32, 0);
    expect(imperial.windSpeed).toBeCloseTo(metric.windSpeed! / 1.609344, 0);
    expect(imperial.humidity).toBe(metric.humidity);
    expect(imperial.condition).toBe(metric.condition);

    const metricDays = (await getForecast({ city: 'Moscow', days: 16 })).days;
    const imperialDays = (await getForecast({ city: 'Moscow', days: 16, units: 'imperial' })).days;
    metricDays.forEach((day, index) => {
      const inImperial = imperialDays[index]!;
      expect(inImperial.temperatureMax).toBeCloseTo((day.temperatureMax! * 9) / 5 + 32, 0);
      expect(inImperial.temperatureMin).toBeCloseTo((day.temperatureMin! * 9) / 5 + 32, 0);
      expect(inImperial.precipitation).toBeCloseTo(day.precipitation! / 25.4, 1);
    });
  });

  it('refuses days outside 1..16 and fractional days, naming the argument', async () => {
    for (const days of [0, 17, 2.5, '3', -1]) {
      const text = await failure('get_forecast', { city: 'Paris', days });
      expect(text).toContain('days: expected a whole number of days from 1 to 16');
      expect(text).toContain(`got ${JSON.stringify(days)}`);
    }
  });

  it('refuses bad arguments naming the field and what it expects', async () => {
    expect(await failure('get_current_weather', {})).toContain('city: expected a city name');
    expect(await failure('get_current_weather', { city: '   ' })).toContain('city: expected a city name');
    expect(await failure('get_current_weather', { city: 'Paris', units: 'kelvin' })).toContain(
      'units: expected "metric" or "imperial", got "kelvin"',
    );
    expect(await failure('get_current_weather', { city: 'Paris', country: 'FR' })).toContain('"country"');
    expect(await failure('search_cities', { query: 'Par', limit: 0 })).toContain(
      'limit: expected a whole number from 1 to 50, got 0',
    );
  });

  it('suggests close matches for an unknown city', async () => {
    const text = await failure('get_current_weather', { city: 'Tokio' });
    expect(text).toContain('city: no known city matches "Tokio".');
    expect(text).toContain('Did you mean "Tokyo (Japan)"');
    // A suggestion, passed back as it is written, is understood.
    expect((await getCurrent({ city: 'Tokyo (Japan)' })).city.name).toBe('Tokyo');
    expect(await failure('get_forecast', { city: 'Xqzzyplox' })).toContain('city: no known city matches');
  });

  it('resolves ambiguous names to the most populous city unless a country or province is given', async () => {
    const place = async (city: string) => {
      const found = (await getCurrent({ city })).city;
      return `${found.name}, ${found.province}, ${found.countryCode}`;
    };
    expect(await place('Portland')).toBe('Portland, Oregon, US');
    expect(await place('portland, maine')).toBe('Portland, Maine, US');
    expect(await place('Portland, ME')).toBe('Portland, Maine, US');
    expect(await place('Portland, US')).toBe('Portland, Oregon, US');
    expect(await place('Portland, AUS')).toBe('Portland, Victoria, AU');
    expect(await place('PORTLAND, Australia')).toBe('Portland, Victoria, AU');
    expect(await place('Springfield')).toBe('Springfield, Massachusetts, US');
    expect(await place('Springfield, MO')).toBe('Springfield, Missouri, US');
    expect(await place('SÃO PAULO')).toBe('Sao Paulo, São Paulo, BR');
    expect(await place('zurich')).toBe('Zürich, Zürich, CH');
    const text = await failure('get_current_weather', { city: 'Portland, Narnia' });
    expect(text).toContain('no city named "Portland" is in "Narnia"');
    expect(text).toContain('Portland (Maine, United States of America)');
  });

  it('searches cities and gives labels that select exactly that city', async () => {
    const found = await searchCities({ query: 'springfield', limit: 3 });
    expect(found.count).toBe(3);
    expect(found.source.provider).toBe('offline');
    const populations = found.cities.map((city) => city.population ?? 0);
    expect(populations).toEqual([...populations].sort((a, b) => b - a));
    for (const city of found.cities) {
      expect(city.name).toBe('Springfield');
      const weather = await getCurrent({ city: city.label });
      expect(weather.city.province).toBe(city.province);
    }
    expect((await searchCities({ query: 'san fr' })).cities[0]!.name).toBe('San Francisco');
    expect(await searchCities({ query: 'qqqqqqqqqq' })).toMatchObject({ count: 0, cities: [] });
  });

  it('lists its resources and the current-weather template', async () => {
    const { resources } = await server.connection.request('resources/list', {});
    expect(resources.map((resource) => resource.uri).sort()).toEqual(['weather://alerts', 'weather://stations']);
    const { resourceTemplates } = await server.connection.request('resources/templates/list', {});
    expect(resourceTemplates).toEqual([expect.objectContaining({ uriTemplate: 'weather://current/{city}' })]);
  });

  it('serves the known cities as one JSON document', async () => {
    const stations = JSON.parse(await readResource('weather://stations'));
    expect(stations.count).toBe(stations.stations.length);
    expect(stations.count).toBeGreaterThan(7_000);
    expect(stations.stations[0]).toEqual({
      name: 'Tokyo',
      country: 'Japan',
      countryCode: 'JP',
      province: 'Tokyo',
      lat: 35.68501691,
      lon: 139.7514074,
      population: 22_006_300,
      timezone: 'Asia/Tokyo',
    });
  });

  it('derives the same alerts for the same hour, each naming a city the tools know', async () => {
    const text = await readResource('weather://alerts');
    expect(await readResource('weather://alerts')).toBe(text);
    const alerts = JSON.parse(text);
    expect(alerts.observedAt).toBe('2025-07-15T14:00:00.000Z');
    expect(alerts.source.note).toBe('Modelled sample data, not an observation');
    expect(alerts.citiesChecked).toBe(250);
    expect(alerts.alerts.length).toBeGreaterThan(0);
    for (const alert of alerts.alerts) {
      expect(['extreme_heat', 'extreme_cold', 'high_wind', 'heavy_precipitation', 'thunderstorm']).toContain(
        alert.type,
      );
      expect(['advisory', 'warning']).toContain(alert.severity);
    }
    // An alert agrees with what the tool reports for that city at that hour.
    const wind = alerts.alerts.find((alert: { type: string }) => alert.type === 'high_wind');
    expect(wind).toBeDefined();
    const weather = await getCurrent({ city: wind.city });
    expect(weather.windSpeed).toBe(wind.value);
    expect(weather.windSpeed).toBeGreaterThanOrEqual(50);
  });

  it('reads the current weather of a city through the template, like the tool', async () => {
    const report = JSON.parse(await readResource('weather://current/Portland%2C%20Maine'));
    expect(report).toEqual(await getCurrent({ city: 'Portland, Maine' }));
  });

  it('answers an unknown city in the template with "resource not found" and suggestions', async () => {
    const error = await wireError(server.connection.request('resources/read', { uri: 'weather://current/Tokio' }));
    expect(error.code).toBe(-32002);
    expect(error.message).toContain('Did you mean "Tokyo (Japan)"');
    expect(error.data).toMatchObject({
      uri: 'weather://current/Tokio',
      suggestions: expect.arrayContaining(['Tokyo (Japan)']),
    });
  });

  it('completes city names for the template and the prompt', async () => {
    const forTemplate = await server.connection.request('completion/complete', {
      ref: { type: 'ref/resource', uri: 'weather://current/{city}' },
      argument: { name: 'city', value: 'portl' },
    });
    expect(forTemplate.completion.values).toEqual(
      expect.arrayContaining(['Portland', 'Portland, Maine', 'Portland, Victoria']),
    );
    const forPrompt = await server.connection.request('completion/complete', {
      ref: { type: 'ref/prompt', name: 'weather_report' },
      argument: { name: 'city', value: 'Reykj' },
    });
    expect(forPrompt.completion.values).toEqual(['Reykjavík']);
  });

  it('offers a weather_report prompt for a city', async () => {
    const { prompts } = await server.connection.request('prompts/list', {});
    expect(prompts).toEqual([
      expect.objectContaining({
        name: 'weather_report',
        arguments: [expect.objectContaining({ name: 'city', required: true })],
      }),
    ]);
    const prompt = await server.connection.request('prompts/get', {
      name: 'weather_report',
      arguments: { city: 'lisbon' },
    });
    const message = prompt.messages[0]!;
    expect(message.role).toBe('user');
    const text = message.content.type === 'text' ? message.content.text : '';
    expect(text).toContain('Lisbon, Lisboa, Portugal');
    expect(text).toContain('get_current_weather');
    expect(text).toContain('modelled sample data');
    const error = await wireError(
      server.connection.request('prompts/get', { name: 'weather_report', arguments: { city: 'Tokio' } }),
    );
    expect(error.code).toBe(-32602);
    expect(error.message).toContain('Tokyo (Japan)');
  });

  it('is still up and answering after all the errors above', async () => {
    expect((await getCurrent({ city: 'Paris, FR' })).city.country).toBe('France');
    expect(server.child.exitCode).toBeNull();
  });
});

describe('weather server start-up', () => {
  /** Runs the server with an environment and returns how it ended (it must end on its own). */
  async function runWith(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, [path.resolve(REPO_ROOT, SERVER)], {
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const [code] = (await once(child, 'exit')) as [number | null];
    return { code, stderr };
  }

  it('refuses an unknown provider with a clear message and exit code 1', async () => {
    const { code, stderr } = await runWith({ WEATHER_PROVIDER: 'metoffice' });
    expect(code).toBe(1);
    expect(stderr).toContain('WEATHER_PROVIDER: expected "offline" or "open-meteo", got "metoffice"');
  });

  it('refuses a WEATHER_NOW that is not a timestamp', async () => {
    const { code, stderr } = await runWith({ WEATHER_NOW: 'tomorrow' });
    expect(code).toBe(1);
    expect(stderr).toContain('WEATHER_NOW: expected an ISO 8601 timestamp');
  });
});
