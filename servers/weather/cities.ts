/**
 * The world's cities (about 7,300, from the `city-timezones` package) and how a name finds one: exact names and
 * aliases, `city, country` / `city, province` qualifiers, prefix search, and suggestions for misspellings.
 *
 * The raw data has quirks, cleaned once at load: a few entries have no time zone (derived from the nearest city of
 * the same country, else from the longitude), one sits at 0°, 0° (dropped), some Kosovo and Somaliland entries carry
 * `-99` as ISO code (treated as none), and a few cities are listed twice a few kilometres apart (the more populous
 * entry is kept).
 */

import { createRequire } from 'node:module';
import { editDistance } from '../../src/server/index.js';
import { compactName, foldName, readQuery, suggestionDistance } from './names.js';
import type { QueryReading } from './names.js';
import type { City } from './types.js';

/** A city as the index holds it: the public record plus the keys it is found by. */
export interface IndexedCity {
  city: City;
  /** ISO 3166-1 alpha-3 as the data spells it (`KOS` for Kosovo). */
  iso3: string;
  /** Compact keys of the names it answers to (the name, the ASCII spelling, `Washington` for `Washington, D.C.`). */
  keys: string[];
  /** Folded names with spaces, for word-prefix search (`york` finds New York). */
  folded: string[];
  /** Compact keys of everything that can qualify it: country names and codes, province, state code. */
  qualifiers: Set<string>;
  /** What suggestions and completions call it; passed back as `city`, it resolves to this city. */
  label: string;
  /** `Portland, Maine` style, unique within the index, for completion. */
  completion: string;
}

/** Entries of the same name, country and province closer than this (degrees) are one city listed twice. */
const DUPLICATE_DEGREES = 0.5;

/** Other names people use for countries in the data (keys are ISO 3166-1 alpha-3 as the data spells them). */
const COUNTRY_ALIASES: Record<string, string[]> = {
  USA: ['United States', 'America', 'U.S.', 'U.S.A.'],
  GBR: ['UK', 'U.K.', 'Great Britain', 'Britain', 'England', 'Scotland', 'Wales', 'Northern Ireland'],
  CZE: ['Czechia'],
  CIV: ["Côte d'Ivoire"],
  KOR: ['Korea', 'Republic of Korea'],
  PRK: ["Democratic People's Republic of Korea"],
  CPV: ['Cabo Verde'],
  TLS: ['Timor-Leste'],
  SWZ: ['Eswatini'],
  MKD: ['North Macedonia'],
  COD: ['DR Congo', 'DRC', 'Democratic Republic of the Congo'],
  COG: ['Republic of the Congo', 'Congo'],
  HKG: ['Hong Kong'],
  MAC: ['Macau', 'Macao'],
  VAT: ['Vatican', 'Vatican City', 'Holy See'],
  BHS: ['Bahamas'],
  GMB: ['Gambia'],
  MMR: ['Burma'],
  TUR: ['Türkiye'],
  KOS: ['XK'],
  NLD: ['Holland', 'The Netherlands'],
  RUS: ['Russian Federation'],
  ARE: ['UAE'],
};

/** US states by postal code, so `Portland, ME` works (the data carries the code for only some cities). */
const US_STATES: Record<string, string> = {
  AL: 'Alabama', AK: 'Alaska', AZ: 'Arizona', AR: 'Arkansas', CA: 'California', CO: 'Colorado', CT: 'Connecticut',
  DE: 'Delaware', DC: 'District of Columbia', FL: 'Florida', GA: 'Georgia', HI: 'Hawaii', ID: 'Idaho',
  IL: 'Illinois', IN: 'Indiana', IA: 'Iowa', KS: 'Kansas', KY: 'Kentucky', LA: 'Louisiana', ME: 'Maine',
  MD: 'Maryland', MA: 'Massachusetts', MI: 'Michigan', MN: 'Minnesota', MS: 'Mississippi', MO: 'Missouri',
  MT: 'Montana', NE: 'Nebraska', NV: 'Nevada', NH: 'New Hampshire', NJ: 'New Jersey', NM: 'New Mexico',
  NY: 'New York', NC: 'North Carolina', ND: 'North Dakota', OH: 'Ohio', OK: 'Oklahoma', OR: 'Oregon',
  PA: 'Pennsylvania', RI: 'Rhode Island', SC: 'South Carolina', SD: 'South Dakota', TN: 'Tennessee', TX: 'Texas',
  UT: 'Utah', VT: 'Vermont', VA: 'Virginia', WA: 'Washington', WV: 'West Virginia', WI: 'Wisconsin', WY: 'Wyoming',
}; // prettier-ignore

const US_STATE_CODES = new Map(Object.entries(US_STATES).map(([code, name]) => [compactName(name), code]));

/** How well a city matched a search; lower is better. */
const MATCH = { EXACT: 0, PREFIX: 1, WORD_PREFIX: 2, SUBSTRING: 3, FUZZY: 4 } as const;

/** The result of resolving a name: the city, or why none fits and what might. */
export type Resolution = { city: IndexedCity } | { city?: undefined; suggestions: IndexedCity[]; detail: string };

/**
 * Where a `CityIndex` gets its cities and lookup tables: a list built in memory, or the prebuilt file, which is
 * parsed one city at a time as cities are asked for (see `parseCityIndex`).
 */
export interface CitySource {
  /** How many cities there are. */
  readonly size: number;
  /** Compact names of every province and US state code, which a qualifier may mean instead of a country. */
  readonly regionKeys: ReadonlySet<string>;
  /**
   * Compact country qualifiers (names, aliases, ISO codes) by ISO alpha-2, in the order the countries' first
   * cities come, to filter places from other sources.
   */
  readonly countryKeysByCode: ReadonlyMap<string, ReadonlySet<string>>;
  /** The cities a compact key names: those it is the own name of first, then those it is another spelling of. */
  named(key: string): readonly IndexedCity[];
  /** The `count` most populous cities, most populous first, in a new array. */
  first(count: number): IndexedCity[];
  /** Every city, most populous first; the same array on every call. */
  all(): readonly IndexedCity[];
}

/** The cities, searchable by name. Lists are ordered by population, largest first, so ties resolve the same way. */
export class CityIndex {
  constructor(private readonly source: CitySource) {}

  /** Every city, most populous first. From the prebuilt file this parses them all (~30 ms): prefer `size`. */
  get cities(): readonly IndexedCity[] {
    return this.source.all();
  }

  /** How many cities the index holds. */
  get size(): number {
    return this.source.size;
  }

  /**
   * The city a query means. Among cities of the same name the most populous wins; qualifiers after commas (or in
   * parentheses) must each match the country (name, alpha-2 or alpha-3 code), the province or the state code.
   */
  resolve(query: string): Resolution {
    const readings = readQuery(query);
    let sameName: readonly IndexedCity[] = [];
    let rejected: QueryReading | undefined;
    for (const reading of readings) {
      const named = this.source.named(compactName(reading.name));
      const fitting = named.filter((entry) => reading.qualifiers.every((q) => entry.qualifiers.has(compactName(q))));
      if (fitting[0]) return { city: fitting[0] };
      if (named.length > 0 && sameName.length === 0) {
        sameName = named;
        rejected = reading;
      }
    }
    if (rejected) {
      return {
        suggestions: sameName.slice(0, 8),
        detail: `no city named ${JSON.stringify(rejected.name)} is in ${rejected.qualifiers.map((q) => JSON.stringify(q)).join(', ')} (qualifiers match a country name, ISO code, province or state).`,
      };
    }
    const last = readings[readings.length - 1];
    return {
      suggestions: last ? this.suggest(last) : [],
      detail: `no known city matches ${JSON.stringify(query)}.`,
    };
  }

  /** Cities matching a search: exact names, then name prefixes, word prefixes, substrings and near misspellings. */
  search(query: string, limit: number): IndexedCity[] {
    for (const reading of readQuery(query)) {
      const found = this.rank(reading);
      // Misspellings are offered only when nothing contains what was typed.
      const direct = found.filter((item) => item.score < MATCH.FUZZY);
      if (found.length > 0) return (direct.length > 0 ? direct : found).slice(0, limit).map((item) => item.entry);
    }
    return [];
  }

  /** Labels of cities whose name (or label, `Portland, Ma…`) starts with what was typed, most populous first. */
  complete(typed: string): string[] {
    const prefix = compactName(typed);
    return this.cities
      .filter(
        (entry) => compactName(entry.completion).startsWith(prefix) || entry.keys.some((key) => key.startsWith(prefix)),
      )
      .map((entry) => entry.completion);
  }

  /** The largest cities, most populous first. */
  largest(count: number): IndexedCity[] {
    return this.source.first(count);
  }

  /** Whether a qualifier (`US`, `USA`, `United States`, `Maine`, `ME`) names this place's country or region. */
  qualifies(place: City, qualifier: string): boolean {
    const key = compactName(qualifier);
    const keys = new Set([compactName(place.country)]);
    if (place.province) keys.add(compactName(place.province));
    const code = place.countryCode?.toUpperCase();
    if (code) {
      keys.add(code.toLowerCase());
      for (const countryKey of this.source.countryKeysByCode.get(code) ?? []) keys.add(countryKey);
      const stateCode = code === 'US' && place.province ? US_STATE_CODES.get(compactName(place.province)) : undefined;
      if (stateCode) keys.add(stateCode.toLowerCase());
    }
    return keys.has(key);
  }

  /**
   * The ISO alpha-2 code a qualifier can only mean as a country (`USA`, `Japan`, `jp`). A qualifier that could
   * also be a region (`ME` is Maine and Montenegro, `Georgia` a state and a country) gives undefined.
   */
  countryCodeOf(qualifier: string): string | undefined {
    const key = compactName(qualifier);
    if (this.source.regionKeys.has(key)) return undefined;
    for (const [code, keys] of this.source.countryKeysByCode) if (keys.has(key)) return code;
    return undefined;
  }

  /** Near matches for a name that matched nothing exactly, best first (at most five). */
  suggest(reading: QueryReading): IndexedCity[] {
    const qualified = this.rank(reading);
    const found = qualified.length > 0 ? qualified : this.rank({ name: reading.name, qualifiers: [] });
    return found.slice(0, 5).map((item) => item.entry);
  }

  /** Every city the reading could mean, scored (see `MATCH`), best first. */
  private rank(reading: QueryReading): Array<{ entry: IndexedCity; score: number }> {
    const folded = foldName(reading.name);
    const compact = folded.replace(/ /g, '');
    if (!compact) return [];
    const qualifiers = reading.qualifiers.map(compactName);
    const limit = suggestionDistance(compact);
    const scored: Array<{ entry: IndexedCity; score: number; order: number }> = [];
    this.cities.forEach((entry, order) => {
      if (!qualifiers.every((q) => entry.qualifiers.has(q))) return;
      let score = Infinity;
      for (const key of entry.keys) {
        if (key === compact) score = Math.min(score, MATCH.EXACT);
        else if (key.startsWith(compact)) score = Math.min(score, MATCH.PREFIX);
        else if (compact.length >= 3 && key.includes(compact)) score = Math.min(score, MATCH.SUBSTRING);
      }
      if (score > MATCH.WORD_PREFIX && entry.folded.some((name) => ` ${name}`.includes(` ${folded}`))) {
        score = MATCH.WORD_PREFIX;
      }
      if (score === Infinity && compact.length >= 3) {
        const distance = Math.min(...entry.keys.map((key) => editDistance(compact, key, limit)));
        if (distance <= limit) score = MATCH.FUZZY + distance;
      }
      if (score !== Infinity) scored.push({ entry, score, order });
    });
    scored.sort((a, b) => a.score - b.score || a.order - b.order);
    return scored;
  }
}

/** `Tokyo (Japan)`, or `Portland (Maine, United States of America)` when the name alone is ambiguous. */
export function cityLabel(city: City, isAmbiguous: boolean): string {
  const where = isAmbiguous && city.province ? `${city.province}, ${city.country}` : city.country;
  return `${city.name} (${where})`;
}

/** The raw `city-timezones` records. */
export function readCityData(): unknown[] {
  const require = createRequire(import.meta.url);
  const data = (require('city-timezones') as { cityMapping?: unknown }).cityMapping;
  if (!Array.isArray(data)) throw new Error('city-timezones: expected cityMapping to be an array');
  return data;
}

/** The lookup tables over a list of cities; `byKey` holds positions in the list. */
export function lookupTables(cities: readonly IndexedCity[]) {
  const byKey = new Map<string, number[]>();
  // Own names first, other spellings after: `Grand Prairie` is a city and also an alias of larger Arlington in
  // the data, and must mean the city.
  for (const isOwnName of [true, false]) {
    cities.forEach((entry, position) => {
      const keys = isOwnName ? entry.keys.slice(0, 1) : entry.keys.slice(1);
      for (const key of keys) {
        const list = byKey.get(key);
        if (list) list.push(position);
        else byKey.set(key, [position]);
      }
    });
  }
  const regionKeys = new Set<string>([...US_STATE_CODES.values()].map((code) => code.toLowerCase()));
  const countryKeysByCode = new Map<string, Set<string>>();
  for (const entry of cities) {
    if (entry.city.province) regionKeys.add(compactName(entry.city.province));
    const code = entry.city.countryCode;
    if (code && !countryKeysByCode.has(code)) {
      countryKeysByCode.set(code, new Set(countryQualifiers(entry.city.country, code, entry.iso3)));
    }
  }
  return { byKey, regionKeys, countryKeysByCode };
}

/** Cities held in memory, as `buildCityIndex` makes them. */
class MemoryCitySource implements CitySource {
  readonly size: number;
  readonly regionKeys: ReadonlySet<string>;
  readonly countryKeysByCode: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly byKey: ReadonlyMap<string, IndexedCity[]>;

  constructor(private readonly cities: readonly IndexedCity[]) {
    const tables = lookupTables(cities);
    this.size = cities.length;
    this.regionKeys = tables.regionKeys;
    this.countryKeysByCode = tables.countryKeysByCode;
    this.byKey = new Map(
      [...tables.byKey].map(([key, positions]) => [key, positions.map((position) => cities[position]!)]),
    );
  }

  named(key: string): readonly IndexedCity[] {
    return this.byKey.get(key) ?? [];
  }

  first(count: number): IndexedCity[] {
    return this.cities.slice(0, count);
  }

  all(): readonly IndexedCity[] {
    return this.cities;
  }
}

/** A raw `cityMapping` entry after its fields were checked. */
interface CleanRecord {
  name: string;
  asciiName: string;
  latitude: number;
  longitude: number;
  population: number;
  country: string;
  iso2: string | undefined;
  iso3: string;
  province: string;
  stateCode: string | undefined;
  timezone: string | undefined;
}

/** Builds the index from raw records (exported for tests, which feed it small hand-made lists). */
export function buildCityIndex(raw: readonly unknown[]): CityIndex {
  const records = dedupe(raw.map(cleanRecord).filter((record) => record !== undefined));
  fillTimezones(records);
  records.sort(
    (a, b) =>
      // Plain code-unit order, not localeCompare: it is deterministic everywhere and 20 times faster.
      b.population - a.population ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      a.latitude - b.latitude ||
      a.longitude - b.longitude,
  );
  const nameCounts = new Map<string, number>();
  for (const record of records) {
    const key = compactName(record.name);
    nameCounts.set(key, (nameCounts.get(key) ?? 0) + 1);
  }
  const completions = new Set<string>();
  const cities = records.map((record): IndexedCity => {
    const city: City = {
      name: record.name,
      country: record.country,
      ...(record.iso2 && { countryCode: record.iso2 }),
      ...(record.province && { province: record.province }),
      latitude: record.latitude,
      longitude: record.longitude,
      timezone: record.timezone!,
      population: record.population,
    };
    const names = [record.name, record.asciiName];
    // `Washington, D.C.` is also plain `Washington`.
    for (const name of [...names]) if (name.includes(',')) names.push(name.slice(0, name.indexOf(',')));
    const folded = [...new Set(names.map(foldName))];
    const keys = [...new Set(folded.map((name) => name.replace(/ /g, '')).filter(Boolean))];
    const qualifiers = new Set(countryQualifiers(record.country, record.iso2, record.iso3));
    if (record.province) qualifiers.add(compactName(record.province));
    const stateCode =
      record.stateCode ?? (record.iso3 === 'USA' ? US_STATE_CODES.get(compactName(record.province)) : undefined);
    if (stateCode) qualifiers.add(stateCode.toLowerCase());
    const isAmbiguous = (nameCounts.get(compactName(record.name)) ?? 0) > 1;
    return {
      city,
      iso3: record.iso3,
      keys,
      folded,
      qualifiers,
      label: cityLabel(city, isAmbiguous),
      completion: uniqueCompletion(record, completions),
    };
  });
  const index = new CityIndex(new MemoryCitySource(cities));
  // A short completion can mean a bigger namesake (`Beja, Beja` is in Portugal and, as `Béja`, in Tunisia):
  // those spell out the country.
  for (const entry of cities) {
    // A plain name is given only to the most populous city of that name, which is what it resolves to.
    if (!entry.completion.includes(',') || index.resolve(entry.completion).city === entry) continue;
    const { name, province, country } = entry.city;
    const full = [name, province, country].filter(Boolean).join(', ');
    entry.completion = index.resolve(full).city === entry ? full : entry.label;
  }
  return index;
}

/** The first city of a name completes as `Portland`; the others as `Portland, Maine` (or `…, Country`). */
function uniqueCompletion(record: CleanRecord, taken: Set<string>): string {
  const candidates = [
    record.name,
    record.province && `${record.name}, ${record.province}`,
    `${record.name}, ${record.country}`,
    record.province && `${record.name}, ${record.province}, ${record.country}`,
  ];
  for (const candidate of candidates) {
    if (candidate && !taken.has(compactName(candidate))) {
      taken.add(compactName(candidate));
      return candidate;
    }
  }
  return `${record.name} (${record.latitude.toFixed(2)}, ${record.longitude.toFixed(2)})`;
}

function countryQualifiers(country: string, iso2: string | undefined, iso3: string): string[] {
  const keys = [compactName(country), iso3.toLowerCase(), ...(COUNTRY_ALIASES[iso3] ?? []).map(compactName)];
  if (iso2) keys.push(iso2.toLowerCase());
  return keys.filter(Boolean);
}

function cleanRecord(raw: unknown): CleanRecord | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const r = raw as Record<string, unknown>;
  const name = text(r.city);
  const latitude = r.lat;
  const longitude = r.lng;
  const country = text(r.country);
  const iso3 = text(r.iso3);
  if (!name || !country || !iso3 || typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
  if (!(Math.abs(latitude) <= 90 && Math.abs(longitude) <= 180)) return undefined;
  if (latitude === 0 && longitude === 0) return undefined; // a placeholder position, not a place
  const iso2 = text(r.iso2);
  const timezone = text(r.timezone);
  return {
    name,
    asciiName: text(r.city_ascii) ?? name,
    latitude,
    longitude,
    population: typeof r.pop === 'number' && Number.isFinite(r.pop) && r.pop > 0 ? Math.round(r.pop) : 0,
    country,
    iso2: iso2 && /^[A-Z]{2}$/.test(iso2) ? iso2 : undefined,
    iso3,
    province: text(r.province) ?? '',
    stateCode: text(r.state_ansi),
    timezone: timezone && isTimeZone(timezone) ? timezone : undefined,
  };
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/**
 * Zones already checked. Building an `Intl.DateTimeFormat` costs about 75 µs, so the canonical list (one call) is
 * asked first and only the aliases it leaves out (`America/Montreal`) are tried.
 */
let checkedZones: Map<string, boolean> | undefined;

function isTimeZone(zone: string): boolean {
  checkedZones ??= new Map(Intl.supportedValuesOf('timeZone').map((name) => [name, true]));
  let isValid = checkedZones.get(zone);
  if (isValid === undefined) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: zone });
      isValid = true;
    } catch {
      isValid = false;
    }
    checkedZones.set(zone, isValid);
  }
  return isValid;
}

/** Keeps the most populous of entries that are the same city listed twice. */
function dedupe(records: CleanRecord[]): CleanRecord[] {
  const groups = new Map<string, CleanRecord[]>();
  for (const record of records) {
    const key = `${compactName(record.name)}|${record.iso3}|${compactName(record.province)}`;
    const group = groups.get(key);
    if (group) group.push(record);
    else groups.set(key, [record]);
  }
  const kept: CleanRecord[] = [];
  for (const group of groups.values()) {
    group.sort((a, b) => b.population - a.population);
    const groupKept: CleanRecord[] = [];
    for (const record of group) {
      const isDuplicate = groupKept.some(
        (other) =>
          Math.abs(other.latitude - record.latitude) < DUPLICATE_DEGREES &&
          Math.abs(other.longitude - record.longitude) < DUPLICATE_DEGREES,
      );
      if (!isDuplicate) groupKept.push(record);
    }
    kept.push(...groupKept);
  }
  return kept;
}

/**
 * Gives every record a time zone: the zone of the nearest city of the same country that has one, else (Antarctic
 * stations) the fixed offset of its longitude, `Etc/GMT-5` style (the sign of `Etc/` zones is inverted by POSIX).
 */
function fillTimezones(records: CleanRecord[]): void {
  const zoned = records.filter((record) => record.timezone);
  for (const record of records) {
    if (record.timezone) continue;
    let best: CleanRecord | undefined;
    let bestDistance = Infinity;
    for (const other of zoned) {
      if (other.iso3 !== record.iso3) continue;
      const distance = squaredDegrees(record, other);
      if (distance < bestDistance) {
        best = other;
        bestDistance = distance;
      }
    }
    if (best) {
      record.timezone = best.timezone;
    } else {
      const hours = Math.max(-12, Math.min(12, Math.round(record.longitude / 15)));
      record.timezone = hours === 0 ? 'Etc/GMT' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
    }
  }
}

/** Squared distance in degrees, longitude scaled by latitude: enough to rank neighbours. */
function squaredDegrees(a: CleanRecord, b: CleanRecord): number {
  const dLat = a.latitude - b.latitude;
  const dLon = (a.longitude - b.longitude) * Math.cos((((a.latitude + b.latitude) / 2) * Math.PI) / 180);
  return dLat * dLat + dLon * dLon;
}
