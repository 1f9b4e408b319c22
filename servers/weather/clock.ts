/**
 * Calendar arithmetic on the city's wall clock. Dates are `YYYY-MM-DD` strings and hours whole numbers, so the model
 * never meets daylight-saving gaps: a forecast day is the 24 hours 0..23 of a local date.
 */

import { loadZoneOffsets } from './zone-offsets.js';
import type { ZoneOffsets } from './zone-offsets.js';

/** A moment as read on a city's clock. */
export interface LocalClock {
  /** `YYYY-MM-DD` */
  date: string;
  hour: number;
  minute: number;
}

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MS_PER_DAY = 86_400_000;

/** One formatter per zone: constructing one costs far more than using it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** The build's offset tables (see zone-offsets.ts), read on first use; null when there are none for this Node. */
let prebuiltOffsets: ZoneOffsets | null | undefined;

/** The date and time on the wall clock of `timeZone` (an IANA name) at `instant`. */
export function localClock(instant: Date, timeZone: string): LocalClock {
  if (prebuiltOffsets === undefined) prebuiltOffsets = loadZoneOffsets() ?? null;
  const offset = prebuiltOffsets?.offsetMinutes(timeZone, instant.getTime());
  return offset === undefined ? intlClock(instant, timeZone) : clockAtOffset(instant, offset);
}

/** The wall clock `offsetMinutes` east of UTC at `instant`. */
export function clockAtOffset(instant: Date, offsetMinutes: number): LocalClock {
  const wall = new Date(instant.getTime() + offsetMinutes * MS_PER_MINUTE);
  return { date: wall.toISOString().slice(0, 10), hour: wall.getUTCHours(), minute: wall.getUTCMinutes() };
}

/** `localClock` as Intl tells it. */
export function intlClock(instant: Date, timeZone: string): LocalClock {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, formatter);
  }
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(instant)) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
  };
}

/** `2025-01-15T09:30`: the wall-clock form Open-Meteo also uses. */
export function formatLocal(clock: LocalClock): string {
  return `${clock.date}T${pad(clock.hour)}:${pad(clock.minute)}`;
}

/** The instant rounded down to the whole hour (UTC), the time step of the offline model. */
export function floorToHour(instant: Date): Date {
  return new Date(Math.floor(instant.getTime() / MS_PER_HOUR) * MS_PER_HOUR);
}

/** `2025-12-31` + 1 → `2026-01-01`. */
export function addDays(date: string, days: number): string {
  return new Date(dateToUtcMs(date) + days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** 1 for 1 January … 365 (366 in leap years) for 31 December. */
export function dayOfYear(date: string): number {
  const year = Number(date.slice(0, 4));
  return Math.round((dateToUtcMs(date) - Date.UTC(year, 0, 1)) / MS_PER_DAY) + 1;
}

function dateToUtcMs(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)));
}

function pad(value: number): string {
  return String(value).padStart(2, '0');
}
