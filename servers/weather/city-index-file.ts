/**
 * The prebuilt city index: the file `npm run build` writes beside the compiled server (build-index.ts), and an
 * index over it that reads and parses only what a lookup needs. Building the index from the raw data takes ~100 ms;
 * this makes the weather server's first exact-name call cost ~2 ms of it.
 */

import { openSync, readSync } from 'node:fs';
import { CityIndex, buildCityIndex, lookupTables, readCityData } from './cities.js';
import type { CitySource, IndexedCity } from './cities.js';

/** Where `npm run build` writes the cleaned index (see `serializeCityIndex`), beside the compiled module. */
export const PREBUILT_INDEX_URL = new URL('./city-index.jsonl', import.meta.url);

/**
 * The city index: the one `npm run build` prepared when it is there (~2 ms to the first exact-name resolve, since
 * only the lookup tables and the cities asked for are read and parsed), otherwise built from the `city-timezones`
 * data now (~100 ms of cleaning and folding names). Synchronous; call once, on first use.
 */
export function loadCityIndex(): CityIndex {
  return openCityIndex(PREBUILT_INDEX_URL) ?? buildCityIndex(readCityData());
}

/**
 * An index over a prebuilt file, read as lookups need it; undefined when there is no such file (running from
 * source) or it has another layout.
 */
export function openCityIndex(file: URL | string): CityIndex | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  return indexOverLines(new FileLines(fd));
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
  return indexOverLines(new BufferLines(bytes));
}

function indexOverLines(lines: Lines): CityIndex | undefined {
  // The first layout was one JSON array on a single line: no need to parse it to know it is not this one.
  const first = lines.lineAt(0);
  if (first === undefined) return undefined;
  const header = JSON.parse(first.text) as unknown;
  if ((header as Partial<PrebuiltHeader> | null)?.format !== PREBUILT_FORMAT) return undefined;
  return new CityIndex(new PrebuiltCitySource(lines, first.end + 1, header as PrebuiltHeader));
}

/** The lines of the prebuilt file. */
interface Lines {
  /** The line that starts at byte `start`, without its newline, and where that newline is; undefined without one. */
  lineAt(start: number): { text: string; end: number } | undefined;
}

/** Lines of a file held in memory. */
class BufferLines implements Lines {
  constructor(private readonly bytes: Buffer) {}

  lineAt(start: number): { text: string; end: number } | undefined {
    const end = this.bytes.indexOf(0x0a, start);
    return end < 0 ? undefined : { text: this.bytes.toString('utf8', start, end), end };
  }
}

/**
 * Lines read from the file as they are asked for, through a window of its bytes: a name lookup reads the header
 * and a city or two (~0.2 ms) instead of the whole 2.7 MB file (~1.9 ms), and reading every city goes through the
 * file once, a window at a time. The file stays open for the life of the process: should a build replace it
 * meanwhile, this still reads the file its header came from.
 */
class FileLines implements Lines {
  /** The header (~160 kB) and the most populous cities fit in the first window. */
  private static readonly WINDOW_BYTES = 256 * 1024;
  private window = Buffer.alloc(0);
  private windowStart = 0;

  constructor(private readonly fd: number) {}

  lineAt(start: number): { text: string; end: number } | undefined {
    let end = this.newlineFrom(start);
    // Not in the window: read one from `start`, larger until it holds the whole line or the file ends.
    for (let size = FileLines.WINDOW_BYTES; end < 0; size *= 2) {
      const window = Buffer.allocUnsafe(size);
      const length = readSync(this.fd, window, 0, size, start);
      [this.window, this.windowStart] = [window.subarray(0, length), start];
      end = this.newlineFrom(start);
      if (end < 0 && length < size) return undefined;
    }
    return { text: this.window.toString('utf8', start - this.windowStart, end - this.windowStart), end };
  }

  /** The position of the first newline at or after `start` within the window, or -1. */
  private newlineFrom(start: number): number {
    const at = start - this.windowStart;
    if (at < 0 || at >= this.window.length) return -1;
    const newline = this.window.indexOf(0x0a, at);
    return newline < 0 ? -1 : this.windowStart + newline;
  }
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
  /** Parsed cities, and where the next line starts, by the byte offset of their line after the header. */
  private readonly parsed = new Map<number, { city: IndexedCity; next: number }>();
  private everyCity: IndexedCity[] | undefined;

  /** City lines start at `bodyStart`. */
  constructor(
    private readonly lines: Lines,
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
      .map((offset) => this.cityAt(Number(offset)).city);
  }

  first(count: number): IndexedCity[] {
    if (this.everyCity) return this.everyCity.slice(0, count);
    const cities: IndexedCity[] = [];
    for (let offset = 0; cities.length < Math.min(count, this.size);) {
      const { city, next } = this.cityAt(offset);
      cities.push(city);
      offset = next;
    }
    return cities;
  }

  all(): readonly IndexedCity[] {
    this.everyCity ??= this.first(this.size);
    return this.everyCity;
  }

  /** The city whose line starts at `offset` (after the header), and the offset of the line after it. */
  private cityAt(offset: number): { city: IndexedCity; next: number } {
    let entry = this.parsed.get(offset);
    if (!entry) {
      const line = this.lines.lineAt(this.bodyStart + offset);
      if (!line) throw new Error('city index: the prebuilt file ends inside a line');
      const parsed = JSON.parse(line.text) as PrebuiltCity;
      entry = { city: { ...parsed, qualifiers: new Set(parsed.qualifiers) }, next: line.end + 1 - this.bodyStart };
      this.parsed.set(offset, entry);
    }
    return entry;
  }
}
