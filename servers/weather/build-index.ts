/**
 * Run by `npm run build`: cleans the city data and folds every name once, writing the result beside the compiled
 * server, so the weather server's first call reads it (~15 ms) instead of building it (~100 ms).
 */
import { writeFileSync } from 'node:fs';
import { PREBUILT_INDEX_URL, buildCityIndex, citiesToJson, readCityData } from './cities.js';

const index = buildCityIndex(readCityData());
writeFileSync(PREBUILT_INDEX_URL, citiesToJson(index.cities));
console.error(`weather: wrote ${index.cities.length} cities to ${PREBUILT_INDEX_URL.pathname}`);
