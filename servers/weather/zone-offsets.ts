/**
 * UTC offsets of the cities' time zones, worked out by `npm run build` (build-index.ts) for the years around the
 * build and written beside the compiled server. The first `Intl.DateTimeFormat` of a process costs ~10 ms (ICU
 * loads its calendar and number data), which was more than half of the weather server's first call; reading these
 * tables costs ~1 ms.
 *
 * The tables are Intl's own answers, kept: they are used only by a Node whose time-zone data (`process.versions.tz`)
 * and ICU are those of the build, so they answer exactly what Intl would, and outside their years, for a zone they
 * do not hold, or with other time-zone data, `localClock` asks Intl as before.
 */

import { readFileSync } from 'node:fs';

/** Where `npm run build` writes the tables, beside the compiled module. */
export const PREBUILT_OFFSETS_URL = new URL('./zone-offsets.json', import.meta.url);

const MS_PER_MINUTE = 60_000;
const MINUTES_PER_DAY = 1_440;

/** Marks the layout of the file; a file of another layout (left by an older build) is not read. */
const FORMAT = 'zone-offsets/1';

/**
 * The file. Times are whole minutes since the epoch (every offset change of the years covered falls on one). Each
 * zone's list is `[offset at fromMinute, change1, offset1, change2, offset2, …]`, offsets in minutes east of UTC.
 */
export interface ZoneOffsetFile {
  format: typeof FORMAT;
  /** `process.versions.tz` and `.icu` of the Node that computed the tables. */
  tz: string;
  icu: string;
  fromMinute: number;
  /** Exclusive. */
  toMinute: number;
  zones: Record<string, number[]>;
}

/** Offsets looked up in the tables; undefined where Intl must be asked instead. */
export class ZoneOffsets {
  constructor(private readonly file: ZoneOffsetFile) {}

  /** Minutes east of UTC in `timeZone` at `instantMs`, or undefined outside the tables. */
  offsetMinutes(timeZone: string, instantMs: number): number | undefined {
    const minute = Math.floor(instantMs / MS_PER_MINUTE);
    if (minute < this.file.fromMinute || minute >= this.file.toMinute) return undefined;
    const list = Object.hasOwn(this.file.zones, timeZone) ? this.file.zones[timeZone] : undefined;
    if (list === undefined) return undefined;
    let offset = list[0];
    for (let at = 1; at < list.length && list[at]! <= minute; at += 2) offset = list[at + 1];
    return offset;
  }
}

/**
 * The tables the build wrote, when this Node's time-zone data and ICU are the build's; otherwise (or when there is
 * no file: running from source) undefined.
 */
export function loadZoneOffsets(): ZoneOffsets | undefined {
  let file: ZoneOffsetFile;
  try {
    file = JSON.parse(readFileSync(PREBUILT_OFFSETS_URL, 'utf8')) as ZoneOffsetFile;
  } catch {
    return undefined;
  }
  const isSameData = file.format === FORMAT && file.tz === process.versions.tz && file.icu === process.versions.icu;
  return isSameData ? new ZoneOffsets(file) : undefined;
}

/**
 * Asks Intl for the offsets of `zones` from `fromMs` to `toMs` (whole days). Run by the build, where time does
 * not matter: ~1.2 s for the ~380 zones over 12 years. Each day's offset is sampled at midnight UTC, and where two
 * days differ the minute of the change is found by bisection; no zone changes its offset twice within a day.
 * Undefined when this Node has no time-zone data version to key the tables by.
 */
export function buildZoneOffsets(zones: Iterable<string>, fromMs: number, toMs: number): ZoneOffsetFile | undefined {
  const { tz, icu } = process.versions;
  if (tz === undefined || icu === undefined) return undefined;
  const fromMinute = Math.floor(fromMs / MS_PER_MINUTE / MINUTES_PER_DAY) * MINUTES_PER_DAY;
  const toMinute = Math.ceil(toMs / MS_PER_MINUTE / MINUTES_PER_DAY) * MINUTES_PER_DAY;
  const tables: Record<string, number[]> = {};
  for (const zone of [...new Set(zones)].sort()) {
    const offsetAt = intlOffset(zone);
    let offset = offsetAt(fromMinute);
    const list = [offset];
    for (let day = fromMinute + MINUTES_PER_DAY; day < toMinute; day += MINUTES_PER_DAY) {
      const next = offsetAt(day);
      if (next === offset) continue;
      // The first minute of (day - 1 day, day] with the new offset.
      let [before, after] = [day - MINUTES_PER_DAY, day];
      while (after - before > 1) {
        const middle = Math.floor((before + after) / 2);
        if (offsetAt(middle) === offset) before = middle;
        else after = middle;
      }
      list.push(after, next);
      offset = next;
    }
    tables[zone] = list;
  }
  return { format: FORMAT, tz, icu, fromMinute, toMinute, zones: tables };
}

/** `GMT+09:00`, `GMT-03:30`, and `GMT` alone for UTC in some ICU versions: the end of a `longOffset` date. */
const LONG_OFFSET = /GMT(?:([+-])(\d{2}):(\d{2}))?$/;

/** Minutes east of UTC in `zone` at a minute since the epoch, as Intl tells it. */
function intlOffset(zone: string): (minute: number) => number {
  // Formatting with the offset as the zone's name is ~4× faster than reading the wall clock's parts.
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  return (minute) => {
    const text = format.format(minute * MS_PER_MINUTE);
    const match = LONG_OFFSET.exec(text);
    if (!match) throw new Error(`${zone}: cannot read the UTC offset in ${JSON.stringify(text)}`);
    const [, sign, hours, minutes] = match;
    return sign === undefined ? 0 : (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes));
  };
}
