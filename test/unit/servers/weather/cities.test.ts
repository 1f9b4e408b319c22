import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCityIndex, readCityData } from '../../../../servers/weather/cities.js';
import {
  loadCityIndex,
  openCityIndex,
  parseCityIndex,
  serializeCityIndex,
} from '../../../../servers/weather/city-index-file.js';
import type { CityIndex } from '../../../../servers/weather/cities.js';

let index: CityIndex;

beforeAll(() => {
  index = loadCityIndex();
});

/** Where a query resolves to, as `name / province / country`, or `-` when it does not. */
function where(query: string): string {
  const { city } = index.resolve(query);
  return city ? `${city.city.name} / ${city.city.province ?? ''} / ${city.city.country}` : '-';
}

describe('city index over the city-timezones data', () => {
  it('holds the cleaned list, most populous first, every city with a valid time zone', () => {
    expect(index.cities.length).toBeGreaterThan(7_000);
    expect(index.cities[0]!.city.name).toBe('Tokyo');
    const populations = index.cities.map((entry) => entry.city.population ?? 0);
    expect(populations).toEqual([...populations].sort((a, b) => b - a));
    for (const { city } of index.cities) {
      expect(() => new Intl.DateTimeFormat('en-US', { timeZone: city.timezone })).not.toThrow();
    }
  });

  it('resolves an ambiguous name to the most populous city', () => {
    expect(where('Portland')).toBe('Portland / Oregon / United States of America');
    expect(where('Springfield')).toBe('Springfield / Massachusetts / United States of America');
  });

  it('narrows a name by country name, ISO code, province or state code', () => {
    expect(where('Portland, Maine')).toBe('Portland / Maine / United States of America');
    expect(where('Portland, ME')).toBe('Portland / Maine / United States of America');
    expect(where('Portland, US')).toBe('Portland / Oregon / United States of America');
    expect(where('Portland, USA')).toBe('Portland / Oregon / United States of America');
    expect(where('Portland, Australia')).toBe('Portland / Victoria / Australia');
    expect(where('Portland, AU')).toBe('Portland / Victoria / Australia');
    expect(where('Springfield, Illinois')).toBe('Springfield / Illinois / United States of America');
    expect(where('London, Canada')).toBe('London / Ontario / Canada');
    expect(where('London, UK')).toBe('London / Westminster / United Kingdom');
  });

  it('ignores case and accents, and knows the ASCII and local spellings', () => {
    expect(where('SÃO PAULO')).toBe(where('sao paulo'));
    expect(where('zurich')).toBe('Zürich / Zürich / Switzerland');
    expect(where('Aarhus')).toBe(where('Århus'));
  });

  it('finds a name that itself contains a comma, whole or by its first part', () => {
    expect(where('Washington, D.C.')).toBe('Washington, D.C. / District of Columbia / United States of America');
    expect(where('Washington')).toBe(where('Washington, D.C.'));
  });

  it('resolves every label it gives back to the same city', () => {
    for (const entry of [...index.largest(50), ...index.search('Portland', 10)]) {
      expect(index.resolve(entry.label).city).toBe(entry);
    }
  });

  it('suggests close spellings for an unknown name', () => {
    const resolution = index.resolve('Tokio');
    expect(resolution.city).toBeUndefined();
    if (resolution.city) return;
    expect(resolution.suggestions[0]!.label).toBe('Tokyo (Japan)');
    expect(resolution.detail).toContain('"Tokio"');
  });

  it('lists the cities of that name when a qualifier rules them all out', () => {
    const resolution = index.resolve('Portland, Narnia');
    expect(resolution.city).toBeUndefined();
    if (resolution.city) return;
    expect(resolution.suggestions.map((entry) => entry.label)).toEqual([
      'Portland (Oregon, United States of America)',
      'Portland (Maine, United States of America)',
      'Portland (Victoria, Australia)',
    ]);
    expect(resolution.detail).toContain('"Narnia"');
  });

  it('searches by prefix and word, and falls back to near spellings only when nothing contains the text', () => {
    expect(index.search('san fr', 3).map((entry) => entry.city.name)).toContain('San Francisco');
    expect(index.search('york', 20).map((entry) => entry.city.name)).toContain('New York');
    expect(index.search('york', 20).map((entry) => entry.city.name)).not.toContain('Cork');
    expect(index.search('Londno', 3)[0]!.city.name).toBe('London');
    expect(index.search('qqqqqqqq', 5)).toEqual([]);
  });

  it('completes names with labels that tell same-named cities apart', () => {
    const completions = index.complete('portl');
    expect(completions).toEqual(expect.arrayContaining(['Portland', 'Portland, Maine', 'Portland, Victoria']));
    expect(new Set(completions).size).toBe(completions.length);
    expect(index.complete('portland, m')).toEqual(['Portland, Maine']);
    for (const label of completions) expect(index.resolve(label).city).toBeDefined();
  });

  it('maps a country qualifier to its ISO alpha-2 code', () => {
    expect(index.countryCodeOf('United States')).toBe('US');
    expect(index.countryCodeOf('jpn')).toBe('JP');
    expect(index.countryCodeOf('Maine')).toBeUndefined();
    // Also regions: Maine's state code and the US state of Georgia.
    expect(index.countryCodeOf('ME')).toBeUndefined();
    expect(index.countryCodeOf('Georgia')).toBeUndefined();
  });
});

describe('cleaning the raw data', () => {
  const record = (fields: Record<string, unknown>) => ({
    city: 'Alpha',
    city_ascii: 'Alpha',
    lat: 10,
    lng: 20,
    pop: 1000,
    country: 'Testland',
    iso2: 'TL',
    iso3: 'TST',
    province: 'North',
    timezone: 'Europe/Paris',
    ...fields,
  });

  it('keeps the more populous of one city listed twice a few kilometres apart', () => {
    const cleaned = buildCityIndex([record({ pop: 10 }), record({ pop: 500, lat: 10.05 }), record({ lat: 40 })]);
    expect(cleaned.cities.map((entry) => [entry.city.latitude, entry.city.population])).toEqual([
      [40, 1000],
      [10.05, 500],
    ]);
  });

  it('gives a city without a time zone the zone of its nearest neighbour in the same country', () => {
    const cleaned = buildCityIndex([
      record({ city: 'Near', lat: 11, timezone: 'Asia/Tokyo' }),
      record({ city: 'Far', lat: 30, timezone: 'Europe/Paris' }),
      record({ city: 'Lost', lat: 10, timezone: null }),
    ]);
    expect(cleaned.resolve('Lost').city?.city.timezone).toBe('Asia/Tokyo');
  });

  it('falls back to the fixed offset of the longitude when the country has no zone at all', () => {
    const cleaned = buildCityIndex([
      record({ city: 'Station', country: 'Antarctica', iso3: 'ATA', lng: 166.7, timezone: null }),
    ]);
    expect(cleaned.resolve('Station').city?.city.timezone).toBe('Etc/GMT-11');
  });

  it('drops entries without a usable position and ignores placeholder ISO codes', () => {
    const cleaned = buildCityIndex([
      record({ city: 'Nowhere', lat: 0, lng: 0 }),
      record({ city: 'Broken', lat: 'north' }),
      record({ city: 'Pristina', iso2: -99 }),
      null,
    ]);
    expect(cleaned.cities.map((entry) => entry.city.name)).toEqual(['Pristina']);
    expect(cleaned.cities[0]!.city.countryCode).toBeUndefined();
    expect(cleaned.resolve('Pristina, TST').city).toBeDefined();
  });
});

describe('the prebuilt index written by npm run build', () => {
  let fresh: CityIndex;
  let text: string;
  /** A prebuilt index that has parsed nothing yet, as in a server's first call. */
  const cold = () => parseCityIndex(Buffer.from(text))!;

  beforeAll(() => {
    fresh = buildCityIndex(readCityData());
    text = serializeCityIndex(fresh.cities);
  });

  const names = [
    'Tokyo',
    'tokyo',
    'Portland',
    'Springfield',
    'São Paulo',
    'SÃO PAULO',
    'Sao Paulo, BR',
    'Zurich',
    'Aarhus',
    'Washington',
    'Washington, D.C.',
    'Grand Prairie',
    'Arlington',
    'New York',
    'London',
    'Kinshasa (Congo (Kinshasa))',
    'Beja',
    'Tbilisi',
    'Atlanta, Georgia',
    'Atlanta, GA',
  ];
  const qualified = [
    'Portland, Maine',
    'Portland, ME',
    'Portland, US',
    'Portland, USA',
    'Portland, United States',
    'Portland, Australia',
    'Portland, AU',
    'Portland (Maine, United States of America)',
    'Springfield, Illinois',
    'Springfield, IL, US',
    'springfield, US',
    'London, Canada',
    'London, UK',
    'London, England',
    'Paris, FR',
    'Paris, Texas',
    'Portland, Narnia',
    'Tokyo, Georgia',
  ];
  const misses = ['Tokio', 'Londno', 'Pourtland', 'Sprngfield, US', 'Zzyzx', 'qqqqqqqq', 'toky', 'san fr', 'york'];
  const odd = ['', '   ', '!!!', ',', 'constructor', '__proto__', 'Tokyo,', '(Japan)', 'Tokyo (Japan)', '|tokyo:'];
  const queries = [...names, ...qualified, ...misses, ...odd];
  const countries = ['USA', 'US', 'United States', 'America', 'Georgia', 'GA', 'ME', 'Maine', 'Montenegro', 'jpn'];
  const moreCountries = [
    'JP',
    'Japan',
    'France',
    'fra',
    'UK',
    'England',
    'Congo',
    'DRC',
    'XK',
    'Kosovo',
    'Ontario',
    'Narnia',
    '',
  ];

  it('resolves every query of a sample, and every 25th city by label and completion, like a fresh build', () => {
    for (const query of queries) expect(cold().resolve(query), query).toEqual(fresh.resolve(query));
    const labels = fresh.cities.filter((_, position) => position % 25 === 0).flatMap((e) => [e.label, e.completion]);
    const prebuilt = cold();
    for (const query of [...labels, ...queries]) expect(prebuilt.resolve(query), query).toEqual(fresh.resolve(query));
  });

  it('answers search, complete and largest like a fresh build', () => {
    const prebuilt = cold();
    expect(prebuilt.largest(20)).toEqual(fresh.largest(20));
    expect(cold().largest(20)).toEqual(fresh.largest(20));
    for (const query of queries) {
      expect(prebuilt.search(query, 10), query).toEqual(fresh.search(query, 10));
      expect(prebuilt.complete(query), query).toEqual(fresh.complete(query));
    }
    for (const typed of ['portl', 'portland, m', 'new', 'sprin', 'x']) {
      expect(prebuilt.complete(typed), typed).toEqual(fresh.complete(typed));
    }
    expect(prebuilt.size).toBe(fresh.size);
    expect(prebuilt.cities).toEqual(fresh.cities);
  });

  it('maps qualifiers to countries and regions like a fresh build', () => {
    const places = ['Portland, Maine', 'Tbilisi', 'Atlanta', 'London, UK', 'Pristina', 'Tokyo'].map(
      (query) => fresh.resolve(query).city!.city,
    );
    places.push({ name: 'Nowhere', country: 'Narnia', latitude: 1, longitude: 2 });
    const prebuilt = cold();
    for (const qualifier of [...countries, ...moreCountries]) {
      expect(cold().countryCodeOf(qualifier), qualifier).toBe(fresh.countryCodeOf(qualifier));
      for (const place of places) {
        expect(prebuilt.qualifies(place, qualifier), `${place.name}, ${qualifier}`).toBe(
          fresh.qualifies(place, qualifier),
        );
      }
    }
  });

  it('parses only the cities a name lookup needs', () => {
    // The least populous city's line is made unreadable (same length, so the offsets stay right).
    const lines = text.split('\n');
    const last = lines.length - 2;
    expect(JSON.parse(lines[last]!).city.name).not.toMatch(/^(Tokyo|Portland)$/);
    lines[last] = '#'.repeat(Buffer.byteLength(lines[last]!));
    const prebuilt = parseCityIndex(Buffer.from(lines.join('\n')))!;
    expect(prebuilt.resolve('Tokyo').city?.city.name).toBe('Tokyo');
    expect(prebuilt.resolve('Portland, Maine').city?.city.province).toBe('Maine');
    expect(prebuilt.countryCodeOf('USA')).toBe('US');
    expect(prebuilt.largest(3)).toHaveLength(3);
    expect(() => prebuilt.cities).toThrow(SyntaxError);
  });

  it('reads the same cities from the file, a window of it at a time', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mcp-host-cities-'));
    try {
      const file = path.join(dir, 'city-index.jsonl');
      writeFileSync(file, text);
      const fromFile = openCityIndex(file)!;
      expect(fromFile.resolve('Portland, Maine').city?.city.province).toBe('Maine');
      // Every line, through windows of 256 KiB over a file of ~2.7 MB.
      expect(fromFile.cities.map((entry) => entry.label)).toEqual(fresh.cities.map((entry) => entry.label));
      // Cut inside the last line: the cities before it still read, the last one is an error.
      writeFileSync(file, text.slice(0, -20));
      const cut = openCityIndex(file)!;
      expect(cut.resolve('Tokyo').city?.city.name).toBe('Tokyo');
      expect(() => cut.cities).toThrow(/ends inside a line/);
      expect(openCityIndex(path.join(dir, 'missing.jsonl'))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('ignores a file of the earlier one-array layout', () => {
    expect(parseCityIndex(Buffer.from(JSON.stringify(fresh.largest(2))))).toBeUndefined();
  });
});
