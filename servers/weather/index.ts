/**
 * The weather MCP server over stdio: `node dist/servers/weather/index.js`. Settings come from the environment (see
 * README.md); a bad setting stops it at once with a message on stderr and exit code 1.
 */

import { SettingsError, serveStdio } from '../../src/server/index.js';
import { loadCityIndex } from './city-index-file.js';
import type { CityIndex } from './cities.js';
import { readConfig } from './config.js';
import type { WeatherConfig } from './config.js';
import { createProvider } from './providers.js';
import { createWeatherServer } from './tools.js';

function start(): void {
  let config: WeatherConfig;
  try {
    config = readConfig(process.env);
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    console.error(`weather: invalid configuration: ${error.message}`);
    process.exitCode = 1;
    return;
  }
  // The city list takes about 100 ms to build: done on first use, so the handshake is answered at once.
  let index: CityIndex | undefined;
  const cities = (): CityIndex => (index ??= loadCityIndex());
  const { fixedNow } = config;
  const now = fixedNow ? () => fixedNow : () => new Date();
  const server = createWeatherServer({ provider: createProvider(config, cities, now), cities, now });
  serveStdio(server);
}

start();
