/**
 * Run by `npm run build`: writes beside the compiled server what its first call would otherwise work out.
 * - The city index: the city data cleaned, every name folded and the lookup tables built, so the first call reads
 *   only what it needs (~4 ms) instead of building the index (~100 ms).
 * - The UTC offsets of the cities' time zones for the years around now (see zone-offsets.ts), so the first call
 *   does not pay ~10 ms for Intl's first date format.
 */
import { writeFileSync } from 'node:fs';
import { buildCityIndex, readCityData } from './cities.js';
import { PREBUILT_INDEX_URL, serializeCityIndex } from './city-index-file.js';
import { PREBUILT_OFFSETS_URL, buildZoneOffsets } from './zone-offsets.js';

/** The years the offset tables cover, counted from this one: two back (fixed test dates) and ten ahead. */
const YEARS_BEFORE = 2;
const YEARS_AFTER = 10;

const index = buildCityIndex(readCityData());
writeFileSync(PREBUILT_INDEX_URL, serializeCityIndex(index.cities));
console.error(`weather: wrote ${index.size} cities to ${PREBUILT_INDEX_URL.pathname}`);

const year = new Date().getUTCFullYear();
const zones = ['UTC', ...index.cities.flatMap((entry) => entry.city.timezone ?? [])];
const offsets = buildZoneOffsets(zones, Date.UTC(year - YEARS_BEFORE, 0, 1), Date.UTC(year + YEARS_AFTER, 0, 1));
if (offsets) {
  writeFileSync(PREBUILT_OFFSETS_URL, JSON.stringify(offsets));
  const count = Object.keys(offsets.zones).length;
  console.error(`weather: wrote the offsets of ${count} time zones to ${PREBUILT_OFFSETS_URL.pathname}`);
} else {
  console.error('weather: this Node has no time-zone data version; the server will ask Intl for offsets');
}
