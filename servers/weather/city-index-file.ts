/**
 * The prebuilt city index: the file `npm run build` writes beside the compiled server (build-index.ts), and an
 * index over it that parses only what a lookup needs. Building the index from the raw data takes ~100 ms; this
 * makes the weather server's first exact-name call cost ~4 ms of it.
 */

import { readFileSync } from 'node:fs';
import { CityIndex, buildCityIndex, lookupTables, readCityData } from './cities.js';
import type { CitySource, IndexedCity } from './cities.js';

/** Where `npm run build` writes the cleaned index (see `serializeCityIndex`), beside the compiled module. */
export const PREBUILT_INDEX_URL = new URL('./city-index.jsonl', import.meta.url);

/**
 * The city index: the one `npm run build` prepared when it is there (~4 ms to the first exact-name resolve, since
 * only the lookup tables and the cities asked for are parsed), otherwise built from the `city-timezones` data now
 * (~100 ms of cleaning and folding names). Synchronous; call once, on first use.
 */
export function loadCityIndex(): CityIndex {
  let bytes: Buffer | undefined;
  try {
    bytes = readFileSync(PREBUILT_INDEX_URL);
  } catch {
    // Not built (running from source): build it from the data.
  }
  return (bytes && parseCityIndex(bytes)) ?? buildCityIndex(readCityData());
}

/** Marks the layout of the prebuilt file; a file of another layout (left by an older build) is not read. */
const PREBUILT_FORMAT = 'city-index/2';

/**
 * Line 1 of the prebuilt file. The lookup table of names is one string, `|tokyo:0|portland:812,20417|…|`, where
 * each number is the byte offset of a city's line after the header: finding a key is one `indexOf` (~25 µs) with
 * nothing to parse first, where a JSON object of the ~7,100 keys would cost ~4 ms to parse and a list of line
 * offsets another ~1 ms. Keys are folded letters and digits, so they never hold `|`, `:` or `,`.
 */
interface PrebuiltHeader {
  format: typeof PREBUILT_FORMAT;
  size: number;
  names: string;
  regions: string[];
  countries: Array<[code: string, keys: string[]]>;
}

/** A city's line in the prebuilt file: `IndexedCity` with its set as an array. */
type PrebuiltCity = Omit<IndexedCity, 'qualifiers'> & { qualifiers: string[] };

/**
 * The prebuilt file's text: a header line (`PrebuiltHeader`) with the lookup tables the index would otherwise
 * build at start, then one JSON line per city, most populous first.
 */
export function serializeCityIndex(cities: readonly IndexedCity[]): string {
  const lines = cities.map((entry) => JSON.stringify({ ...entry, qualifiers: [...entry.qualifiers] }));
  const offsets: number[] = [];
  let offset = 0;
  for (const line of lines) {
    offsets.push(offset);
    offset += Buffer.byteLength(line) + 1;
  }
  const tables = lookupTables(cities);
  let names = '|';
  for (const [key, positions] of tables.byKey) {
    if (/[|:,]/.test(key)) throw new Error(`city index: key ${JSON.stringify(key)} holds a separator`);
    names += `${key}:${positions.map((position) => offsets[position]).join(',')}|`;
  }
  const header: PrebuiltHeader = {
    format: PREBUILT_FORMAT,
    size: cities.length,
    names,
    regions: [...tables.regionKeys],
    countries: [...tables.countryKeysByCode].map(([code, keys]) => [code, [...keys]]),
  };
  return `${[JSON.stringify(header), ...lines].join('\n')}\n`;
}

/**
 * An index over the prebuilt file's bytes (`serializeCityIndex`), which parses only the header now and each city
 * when first asked for. Undefined when the file has another layout.
 */
export function parseCityIndex(bytes: Buffer): CityIndex | undefined {
  const headerEnd = bytes.indexOf(0x0a);
  // The first layout was one JSON array on a single line: no need to parse it to know it is not this one.
  if (headerEnd < 0) return undefined;
  const header = JSON.parse(bytes.toString('utf8', 0, headerEnd)) as unknown;
  if ((header as Partial<PrebuiltHeader> | null)?.format !== PREBUILT_FORMAT) return undefined;
  return new CityIndex(new PrebuiltCitySource(bytes, headerEnd + 1, header as PrebuiltHeader));
}

/**
 * Cities read from the prebuilt file as they are asked for. Each is parsed once and kept, so every path hands out
 * the same object for a city (`resolve(label).city === entry` holds).
 */
class PrebuiltCitySource implements CitySource {
  readonly size: number;
  readonly regionKeys: ReadonlySet<string>;
  readonly countryKeysByCode: ReadonlyMap<string, ReadonlySet<string>>;
  private readonly names: string;
  /** Parsed cities by the byte offset of their line after the header. */
  private readonly parsed = new Map<number, IndexedCity>();
  private everyCity: IndexedCity[] | undefined;

  /** `bytes` is the whole file; city lines start at `bodyStart`. */
  constructor(
    private readonly bytes: Buffer,
    private readonly bodyStart: number,
    header: PrebuiltHeader,
  ) {
    this.size = header.size;
    this.names = header.names;
    this.regionKeys = new Set(header.regions);
    this.countryKeysByCode = new Map(header.countries.map(([code, keys]) => [code, new Set(keys)]));
  }

  named(key: string): readonly IndexedCity[] {
    if (!key) return [];
    const at = this.names.indexOf(`|${key}:`);
    if (at < 0) return [];
    const start = at + key.length + 2;
    return this.names
      .slice(start, this.names.indexOf('|', start))
      .split(',')
      .map((offset) => this.cityAt(Number(offset)));
  }

  first(count: number): IndexedCity[] {
    if (this.everyCity) return this.everyCity.slice(0, count);
    const cities: IndexedCity[] = [];
    for (let offset = 0; cities.length < Math.min(count, this.size);) {
      const end = this.lineEnd(offset);
      cities.push(this.cityAt(offset, end));
      offset = end + 1;
    }
    return cities;
  }

  all(): readonly IndexedCity[] {
    this.everyCity ??= this.first(this.size);
    return this.everyCity;
  }

  /** The city whose line starts at `offset`; `end` saves looking for the line's end when the caller knows it. */
  private cityAt(offset: number, end?: number): IndexedCity {
    let entry = this.parsed.get(offset);
    if (!entry) {
      const from = this.bodyStart + offset;
      const to = this.bodyStart + (end ?? this.lineEnd(offset));
      const line = JSON.parse(this.bytes.toString('utf8', from, to)) as PrebuiltCity;
      entry = { ...line, qualifiers: new Set(line.qualifiers) };
      this.parsed.set(offset, entry);
    }
    return entry;
  }

  /** The offset (after the header) of the newline ending the line at `offset`. */
  private lineEnd(offset: number): number {
    const end = this.bytes.indexOf(0x0a, this.bodyStart + offset);
    if (end < 0) throw new Error('city index: the prebuilt file ends inside a line');
    return end - this.bodyStart;
  }
}
