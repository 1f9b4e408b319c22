/**
 * The weather server with `WEATHER_PROVIDER=open-meteo`, as a real child process, against a local HTTP server on
 * 127.0.0.1 that answers in Open-Meteo's JSON shapes: geocoding results (with empty fields and an empty `results`
 * left out, as the real API does), forecasts with `current` and `daily` blocks on the local clock, the documented
 * `{"error": true, "reason": …}` answer with HTTP 400, a server error, a malformed answer and a request that hangs.
 */

import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { McpHostError } from '../../../src/protocol/errors.js';
import { resultText, startStdioServer } from '../../helpers/stdio-server.js';
import type { StdioServer } from '../../helpers/stdio-server.js';
import type { CurrentWeatherResult, ForecastResult, SearchCitiesResult } from '../../../servers/weather/tools.js';

const SERVER = 'dist/servers/weather/index.js';
/** Short, so the hanging request times out quickly; far above what a local answer takes. */
const TIMEOUT_MS = 800;

/** Geocoding records as Open-Meteo returns them (GeoNames ids and fields). */
const PORTLAND_OREGON = {
  id: 5746545,
  name: 'Portland',
  latitude: 45.52345,
  longitude: -122.67621,
  elevation: 15,
  feature_code: 'PPLA2',
  country_code: 'US',
  admin1_id: 5744337,
  timezone: 'America/Los_Angeles',
  population: 652503,
  country_id: 6252001,
  country: 'United States',
  admin1: 'Oregon',
  admin2: 'Multnomah',
};
const PORTLAND_MAINE = {
  ...PORTLAND_OREGON,
  id: 4975802,
  latitude: 43.65737,
  longitude: -70.2589,
  admin1: 'Maine',
  admin2: 'Cumberland',
  timezone: 'America/New_York',
  population: 68408,
};
const PORTLAND_VICTORIA = {
  id: 2152668,
  name: 'Portland',
  latitude: -38.34174,
  longitude: 141.60309,
  feature_code: 'PPL',
  country_code: 'AU',
  timezone: 'Australia/Melbourne',
  population: 9712,
  country: 'Australia',
  admin1: 'Victoria',
};
const MUNICH = {
  id: 2867714,
  name: 'Munich',
  latitude: 48.13743,
  longitude: 11.57549,
  country_code: 'DE',
  timezone: 'Europe/Berlin',
  population: 1260391,
  country: 'Germany',
  admin1: 'Bavaria',
};

/** Made-up places whose forecast requests misbehave, told apart by latitude. */
const ATLANTIS = { name: 'Atlantis', latitude: 91, longitude: 0, country_code: 'XX', country: 'Nowhere' };
const SLOWTOWN = { name: 'Slowtown', latitude: 10.5, longitude: 10.5, country_code: 'NG', country: 'Nigeria' };
const BROKENVILLE = { name: 'Brokenville', latitude: 11.5, longitude: 11.5, country_code: 'NG', country: 'Nigeria' };
const ODDTOWN = { name: 'Oddtown', latitude: 12.5, longitude: 12.5, country_code: 'NG', country: 'Nigeria' };
const GAPTON = { name: 'Gapton', latitude: 13.5, longitude: 13.5, country_code: 'NG', country: 'Nigeria' };

const GEOCODING: Record<string, object[]> = {
  portland: [PORTLAND_OREGON, PORTLAND_MAINE, PORTLAND_VICTORIA],
  münchen: [MUNICH],
  atlantis: [ATLANTIS],
  slowtown: [SLOWTOWN],
  brokenville: [BROKENVILLE],
  oddtown: [ODDTOWN],
  gapton: [GAPTON],
};

interface FakeOpenMeteo {
  origin: string;
  requests: URL[];
  /** Resolves when a hanging request's connection is closed by the client (timeout or cancellation). */
  nextHangClosed(): Promise<void>;
  close(): Promise<void>;
}

async function startFakeOpenMeteo(): Promise<FakeOpenMeteo> {
  const requests: URL[] = [];
  const hangClosedWaiters: Array<() => void> = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    requests.push(url);
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      response.end(JSON.stringify(body));
    };
    if (url.pathname === '/geo/v1/search') {
      const name = (url.searchParams.get('name') ?? '').toLowerCase();
      if (name === 'badcount') return send(400, { error: true, reason: 'Parameter count must be between 1 and 100.' });
      const countryCode = url.searchParams.get('countryCode');
      const results = (GEOCODING[name] ?? []).filter(
        (place) => !countryCode || (place as { country_code?: string }).country_code === countryCode,
      );
      // The real API leaves `results` out when nothing matched.
      return send(200, results.length > 0 ? { results, generationtime_ms: 0.4 } : { generationtime_ms: 0.4 });
    }
    if (url.pathname === '/api/v1/forecast') {
      const latitude = Number(url.searchParams.get('latitude'));
      if (latitude === ATLANTIS.latitude) {
        return send(400, { error: true, reason: 'Latitude must be in range of -90 to 90°. Given: 91.0.' });
      }
      if (latitude === SLOWTOWN.latitude) {
        response.on('close', () => hangClosedWaiters.shift()?.());
        return; // never answers
      }
      if (latitude === BROKENVILLE.latitude) {
        response.writeHead(503, { 'content-type': 'text/html' });
        return response.end('<html><body>503 Service Temporarily Unavailable</body></html>');
      }
      if (latitude === ODDTOWN.latitude) return send(200, { timezone: 'Africa/Lagos', current: {} });
      return send(200, forecastAnswer(url, latitude === GAPTON.latitude));
    }
    send(404, { error: true, reason: `No route ${url.pathname}` });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    nextHangClosed: () => new Promise((resolve) => hangClosedWaiters.push(resolve)),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

/**
 * A forecast as Open-Meteo answers `timezone=auto`: Portland, Oregon's clock (UTC-7 in July), values in the
 * requested units, `forecast_days` days. With `hasGaps`, some values are null as for missing model data.
 */
function forecastAnswer(url: URL, hasGaps: boolean): object {
  const isImperial = url.searchParams.get('temperature_unit') === 'fahrenheit';
  const days = Number(url.searchParams.get('forecast_days'));
  const temperature = (celsius: number) => (isImperial ? Math.round((celsius * 9) / 5 + 32) : celsius);
  const wind = (kmh: number) => (isImperial ? Math.round(kmh / 1.609) : kmh);
  const dates = Array.from({ length: days }, (_, index) => `2025-07-${String(15 + index).padStart(2, '0')}`);
  return {
    latitude: Number(url.searchParams.get('latitude')),
    longitude: Number(url.searchParams.get('longitude')),
    generationtime_ms: 0.07,
    utc_offset_seconds: -25200,
    timezone: 'America/Los_Angeles',
    timezone_abbreviation: 'GMT-7',
    elevation: 15,
    current_units: { time: 'iso8601', interval: 'seconds', temperature_2m: isImperial ? '°F' : '°C' },
    current: {
      time: '2025-07-15T07:15',
      interval: 900,
      temperature_2m: temperature(18),
      relative_humidity_2m: 71,
      apparent_temperature: temperature(17),
      precipitation: 0,
      weather_code: 3,
      wind_speed_10m: wind(8),
      wind_direction_10m: 290,
    },
    daily_units: { time: 'iso8601', temperature_2m_max: isImperial ? '°F' : '°C' },
    daily: {
      time: dates,
      weather_code: dates.map((_, index) => (hasGaps && index === 1 ? null : 61)),
      temperature_2m_max: dates.map((_, index) => temperature(25 + index)),
      temperature_2m_min: dates.map((_, index) => (hasGaps && index === 1 ? null : temperature(12 + index))),
      precipitation_sum: dates.map(() => 1.2),
      wind_speed_10m_max: dates.map(() => wind(16)),
    },
  };
}

let fake: FakeOpenMeteo;
let server: StdioServer;

function environment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    WEATHER_PROVIDER: 'open-meteo',
    OPEN_METEO_URL: `${fake.origin}/api`,
    OPEN_METEO_GEOCODING_URL: `${fake.origin}/geo/`,
    WEATHER_TIMEOUT_MS: String(TIMEOUT_MS),
    ...extra,
  };
}

beforeAll(async () => {
  fake = await startFakeOpenMeteo();
  server = await startStdioServer(SERVER, environment());
});

afterAll(async () => {
  await server?.close();
  await fake?.close();
});

async function call<T>(name: string, args: Record<string, unknown>): Promise<T> {
  const result = await server.callTool(name, args);
  expect(result.isError, resultText(result)).toBeFalsy();
  return result.structuredContent as T;
}

const getCurrent = (args: Record<string, unknown>) => call<CurrentWeatherResult>('get_current_weather', args);
const getForecast = (args: Record<string, unknown>) => call<ForecastResult>('get_forecast', args);
const searchCities = (args: Record<string, unknown>) => call<SearchCitiesResult>('search_cities', args);

async function failure(name: string, args: Record<string, unknown>): Promise<string> {
  const result = await server.callTool(name, args);
  expect(result.isError).toBe(true);
  return resultText(result);
}

/** The last request the fake received on a path. */
function lastRequest(pathname: string): URL {
  const found = fake.requests.filter((url) => url.pathname === pathname).at(-1);
  expect(found, `no request to ${pathname}`).toBeDefined();
  return found!;
}

describe('weather server (open-meteo provider)', () => {
  it('marks its tools as open-world', async () => {
    const { tools } = await server.connection.request('tools/list', {});
    for (const tool of tools) expect(tool.annotations?.openWorldHint).toBe(true);
  });

  it('geocodes the city, then asks for current weather and reports it with its source', async () => {
    const weather = await getCurrent({ city: 'Portland' });
    const geocoding = lastRequest('/geo/v1/search');
    expect(Object.fromEntries(geocoding.searchParams)).toEqual({
      name: 'Portland',
      count: '10',
      language: 'en',
      format: 'json',
    });
    const forecast = lastRequest('/api/v1/forecast');
    expect(Object.fromEntries(forecast.searchParams)).toEqual({
      latitude: '45.52345',
      longitude: '-122.67621',
      current:
        'temperature_2m,relative_humidity_2m,apparent_temperature,precipitation,weather_code,wind_speed_10m,wind_direction_10m',
      daily: 'weather_code,temperature_2m_max,temperature_2m_min,precipitation_sum,wind_speed_10m_max',
      timezone: 'auto',
      forecast_days: '1',
      temperature_unit: 'celsius',
      wind_speed_unit: 'kmh',
      precipitation_unit: 'mm',
    });
    expect(weather).toEqual({
      city: {
        name: 'Portland',
        country: 'United States',
        countryCode: 'US',
        province: 'Oregon',
        latitude: 45.52345,
        longitude: -122.67621,
        timezone: 'America/Los_Angeles',
        population: 652503,
      },
      observedAt: '2025-07-15T14:15:00.000Z',
      localTime: '2025-07-15T07:15',
      units: { system: 'metric', temperature: '°C', windSpeed: 'km/h', precipitation: 'mm' },
      temperature: 18,
      feelsLike: 17,
      humidity: 71,
      precipitation: 0,
      windSpeed: 8,
      windDirection: 290,
      weatherCode: 3,
      condition: 'Overcast',
      source: {
        provider: 'open-meteo',
        note: 'Weather data by Open-Meteo.com (CC BY 4.0)',
        url: 'https://open-meteo.com/',
      },
    });
  });

  it('asks Open-Meteo for imperial units rather than converting', async () => {
    const weather = await getCurrent({ city: 'Portland', units: 'imperial' });
    const forecast = lastRequest('/api/v1/forecast');
    expect(forecast.searchParams.get('temperature_unit')).toBe('fahrenheit');
    expect(forecast.searchParams.get('wind_speed_unit')).toBe('mph');
    expect(forecast.searchParams.get('precipitation_unit')).toBe('inch');
    expect(weather.units).toEqual({ system: 'imperial', temperature: '°F', windSpeed: 'mph', precipitation: 'in' });
    expect(weather.temperature).toBe(64);
    expect(weather.windSpeed).toBe(5);
  });

  it('maps the daily block to forecast days, in the number asked for', async () => {
    const forecast = await getForecast({ city: 'Portland', days: 3 });
    expect(lastRequest('/api/v1/forecast').searchParams.get('forecast_days')).toBe('3');
    expect(forecast.observedAt).toBe('2025-07-15T14:15:00.000Z');
    expect(forecast.days).toEqual([
      {
        date: '2025-07-15',
        temperatureMax: 25,
        temperatureMin: 12,
        precipitation: 1.2,
        windSpeedMax: 16,
        weatherCode: 61,
        condition: 'Slight rain',
      },
      expect.objectContaining({ date: '2025-07-16', temperatureMax: 26 }),
      expect.objectContaining({ date: '2025-07-17', temperatureMax: 27 }),
    ]);
  });

  it('keeps missing data points as null instead of inventing values', async () => {
    const forecast = await getForecast({ city: 'Gapton', days: 2 });
    expect(forecast.days[1]).toMatchObject({
      temperatureMin: null,
      weatherCode: null,
      condition: 'Unknown (no weather code reported)',
    });
  });

  it('narrows ambiguous names by province or country', async () => {
    const maine = await getCurrent({ city: 'Portland, Maine' });
    expect(maine.city.province).toBe('Maine');
    expect(lastRequest('/geo/v1/search').searchParams.get('count')).toBe('100');
    const australia = await getCurrent({ city: 'Portland, AUS' });
    expect(australia.city.province).toBe('Victoria');
    expect(lastRequest('/geo/v1/search').searchParams.get('countryCode')).toBe('AU');
    expect((await getCurrent({ city: 'Portland, ME' })).city.province).toBe('Maine');
  });

  it("accepts Open-Meteo's match for another spelling of the name", async () => {
    expect((await getCurrent({ city: 'München' })).city.name).toBe('Munich');
  });

  it('searches places and gives labels that select exactly that place', async () => {
    const found = await searchCities({ query: 'Portland', limit: 2 });
    expect(found.count).toBe(2);
    expect(found.source.provider).toBe('open-meteo');
    expect(found.cities.map((city: { label: string }) => city.label)).toEqual([
      'Portland (Oregon, United States)',
      'Portland (Maine, United States)',
    ]);
    const chosen = await getCurrent({ city: found.cities[1]!.label });
    expect(chosen.city.province).toBe('Maine');
    expect(await searchCities({ query: 'Nowhere at all' })).toMatchObject({ count: 0, cities: [] });
  });

  it('reports an unknown city with suggestions from the built-in list', async () => {
    const text = await failure('get_current_weather', { city: 'Tokio' });
    expect(text).toContain(`Open-Meteo's geocoding found no place matching "Tokio".`);
    expect(text).toContain('Did you mean "Tokyo (Japan)"');
  });

  it("reports Open-Meteo's error answer with its reason, quoted as the provider's words", async () => {
    expect(await failure('get_current_weather', { city: 'Atlantis' })).toBe(
      `open-meteo forecast request was refused (HTTP 400); the provider's reason, quoted: "Latitude must be in range of -90 to 90°. Given: 91.0."`,
    );
    expect(await failure('search_cities', { query: 'Badcount' })).toBe(
      `open-meteo geocoding request was refused (HTTP 400); the provider's reason, quoted: "Parameter count must be between 1 and 100."`,
    );
  });

  it('reports a server error and an answer of the wrong shape', async () => {
    expect(await failure('get_forecast', { city: 'Brokenville' })).toBe(
      'open-meteo forecast request failed: HTTP 503 Service Unavailable',
    );
    const odd = await failure('get_forecast', { city: 'Oddtown' });
    expect(odd).toContain('open-meteo forecast answer has an unexpected shape:');
    expect(odd).toContain('utc_offset_seconds');
  });

  it('gives up on a request that hangs, and keeps serving', async () => {
    const closed = fake.nextHangClosed();
    const started = performance.now();
    const text = await failure('get_current_weather', { city: 'Slowtown' });
    expect(text).toBe(
      `open-meteo forecast request to 127.0.0.1:${new URL(fake.origin).port} got no answer within ${TIMEOUT_MS} ms (WEATHER_TIMEOUT_MS); try again later`,
    );
    // A lower bound, on a monotonic clock: it holds however slow the machine is, and shows the server waited.
    expect(performance.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    await closed; // the request was aborted, not left open
    expect((await getCurrent({ city: 'Portland' })).city.name).toBe('Portland');
  });

  it('reads the current-weather template through the provider', async () => {
    const { contents } = await server.connection.request('resources/read', {
      uri: 'weather://current/Portland%2C%20Maine',
    });
    const report = JSON.parse((contents[0] as { text: string }).text);
    expect(report.city.province).toBe('Maine');
    expect(report.source.provider).toBe('open-meteo');
  });
});

describe('weather server (open-meteo provider) cancellation and network failure', () => {
  it('aborts the HTTP request when the client cancels the tool call', async () => {
    // A long timeout, so only the cancellation can end the request.
    const patient = await startStdioServer(SERVER, environment({ WEATHER_TIMEOUT_MS: '60000' }));
    try {
      const closed = fake.nextHangClosed();
      const controller = new AbortController();
      const forecastsBefore = fake.requests.filter((url) => url.pathname === '/api/v1/forecast').length;
      const call = patient.connection.request(
        'tools/call',
        { name: 'get_current_weather', arguments: { city: 'Slowtown' } },
        { signal: controller.signal },
      );
      const rejected = call.then(
        () => undefined,
        (error: unknown) => error,
      );
      // The fake records a request as it arrives; the limit only fails a server that never sends it.
      await expect
        .poll(() => fake.requests.filter((url) => url.pathname === '/api/v1/forecast').length, { timeout: 20_000 })
        .toBeGreaterThan(forecastsBefore);
      controller.abort();
      const error = await rejected;
      expect(error).toBeInstanceOf(McpHostError);
      expect((error as McpHostError).code).toBe('CANCELLED');
      await closed;
      expect(patient.child.exitCode).toBeNull();
    } finally {
      await patient.close();
    }
  });

  it('reports a service it cannot reach, naming the provider and the reason', async () => {
    const unused = http.createServer();
    unused.listen(0, '127.0.0.1');
    await once(unused, 'listening');
    const { port } = unused.address() as AddressInfo;
    unused.close();
    await once(unused, 'close');
    const unreachable = await startStdioServer(
      SERVER,
      environment({ OPEN_METEO_GEOCODING_URL: `http://127.0.0.1:${port}` }),
    );
    try {
      const result = await unreachable.callTool('get_current_weather', { city: 'Portland' });
      expect(result.isError).toBe(true);
      expect(resultText(result)).toBe(
        `open-meteo geocoding request to 127.0.0.1:${port} failed: connect ECONNREFUSED 127.0.0.1:${port}`,
      );
    } finally {
      await unreachable.close();
    }
  });
});
