/** Picks the weather provider named by the configuration. */

import type { CityIndex } from './cities.js';
import type { WeatherConfig } from './config.js';
import { OfflineProvider } from './offline.js';
import { OpenMeteoProvider } from './open-meteo.js';
import type { WeatherProvider } from './types.js';

/** The provider of `config.provider`. `cities` builds the city index on first use and returns the same one after. */
export function createProvider(config: WeatherConfig, cities: () => CityIndex, now: () => Date): WeatherProvider {
  switch (config.provider) {
    case 'offline':
      return new OfflineProvider({ cities, now });
    case 'open-meteo':
      return new OpenMeteoProvider({
        forecastUrl: config.forecastUrl,
        geocodingUrl: config.geocodingUrl,
        timeoutMs: config.timeoutMs,
        maxResponseBytes: config.maxResponseBytes,
        cities,
      });
  }
}
