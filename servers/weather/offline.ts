/**
 * The offline provider: the built-in city list and the deterministic model. No network; "now" is the current hour
 * (or `WEATHER_NOW`), so the same input at the same hour always gives the same answer.
 */

import type { CityIndex } from './cities.js';
import { addDays, floorToHour, formatLocal, localClock } from './clock.js';
import { CityNotFoundError } from './errors.js';
import { modelDay, modelHour, modelPlace } from './model.js';
import type { City, CityMatch, CurrentConditions, Forecast, Units, WeatherProvider } from './types.js';
import { convertPrecipitation, convertTemperature, convertWindSpeed } from './units.js';
import { describeWeatherCode } from './wmo.js';

/** What every offline result says about itself. */
export const MODELLED_NOTE = 'Modelled sample data, not an observation';

export interface OfflineProviderOptions {
  /** The city index, built on first use (it takes about 100 ms). */
  cities: () => CityIndex;
  /** The current time; the model's time is this rounded down to the hour. */
  now: () => Date;
}

export class OfflineProvider implements WeatherProvider {
  readonly name = 'offline';
  readonly isOpenWorld = false;
  readonly source = { provider: 'offline', note: MODELLED_NOTE } as const;
  readonly citySource = {
    provider: 'offline',
    note: 'Built-in list of about 7,300 cities (city-timezones package)',
  } as const;

  constructor(private readonly options: OfflineProviderOptions) {}

  findCities(query: string, limit: number): Promise<CityMatch[]> {
    const found = this.options.cities().search(query, limit);
    return Promise.resolve(found.map((entry) => ({ city: entry.city, label: entry.label })));
  }

  resolveCity(query: string): Promise<City> {
    const resolution = this.options.cities().resolve(query);
    if (resolution.city) return Promise.resolve(resolution.city.city);
    const suggestions = resolution.suggestions.map((entry) => entry.label);
    return Promise.reject(new CityNotFoundError(query, suggestions, resolution.detail));
  }

  current(city: City, units: Units): Promise<CurrentConditions> {
    return Promise.resolve(modelCurrent(city, this.options.now(), units));
  }

  forecast(city: City, days: number, units: Units): Promise<Forecast> {
    return Promise.resolve(modelForecast(city, this.options.now(), days, units));
  }
}

/** The modelled conditions at `now` (rounded down to the hour) in the city. */
export function modelCurrent(city: City, now: Date, units: Units): CurrentConditions {
  const observed = floorToHour(now);
  const timezone = city.timezone ?? 'UTC';
  const clock = localClock(observed, timezone);
  const hour = modelHour(modelPlace(city), clock.date, clock.hour);
  return {
    observedAt: observed.toISOString(),
    localTime: formatLocal(clock),
    timezone,
    temperature: convertTemperature(hour.temperature, units),
    feelsLike: convertTemperature(hour.feelsLike, units),
    humidity: hour.humidity,
    precipitation: convertPrecipitation(hour.precipitation, units),
    windSpeed: convertWindSpeed(hour.windSpeed, units),
    windDirection: hour.windDirection,
    cloudCover: hour.cloudCover,
    weatherCode: hour.weatherCode,
    condition: describeWeatherCode(hour.weatherCode),
  };
}

/** `days` modelled days starting with today on the city's calendar. */
export function modelForecast(city: City, now: Date, days: number, units: Units): Forecast {
  const observed = floorToHour(now);
  const timezone = city.timezone ?? 'UTC';
  const clock = localClock(observed, timezone);
  const place = modelPlace(city);
  return {
    observedAt: observed.toISOString(),
    localTime: formatLocal(clock),
    timezone,
    days: Array.from({ length: days }, (_, index) => {
      const date = addDays(clock.date, index);
      const day = modelDay(place, date);
      return {
        date,
        temperatureMax: convertTemperature(day.temperatureMax, units),
        temperatureMin: convertTemperature(day.temperatureMin, units),
        precipitation: convertPrecipitation(day.precipitation, units),
        windSpeedMax: convertWindSpeed(day.windSpeedMax, units),
        weatherCode: day.weatherCode,
        condition: describeWeatherCode(day.weatherCode),
      };
    }),
  };
}
