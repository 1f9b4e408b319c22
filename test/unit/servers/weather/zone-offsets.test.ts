import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { clockAtOffset, intlClock } from '../../../../servers/weather/clock.js';
import { ZoneOffsets, buildZoneOffsets } from '../../../../servers/weather/zone-offsets.js';
import type { ZoneOffsetFile } from '../../../../servers/weather/zone-offsets.js';
import { REPO_ROOT } from '../../../helpers/stdio-server.js';

/** Zones with daylight saving north and south, half and quarter hours, and the date line. */
const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/Santiago',
  'Australia/Sydney',
  'Australia/Adelaide',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'Pacific/Apia',
  'America/St_Johns',
];
const FROM = Date.UTC(2024, 0, 1);
const TO = Date.UTC(2027, 0, 1);
const MINUTE = 60_000;

function build(zones: string[] = ZONES): ZoneOffsetFile {
  const file = buildZoneOffsets(zones, FROM, TO);
  if (file === undefined) throw new Error('this Node has no time-zone data version');
  return file;
}

describe('zone offsets', () => {
  const file = build();
  const offsets = new ZoneOffsets(file);

  it('finds the minute of each daylight-saving change', () => {
    // 2025: Berlin moves to CEST on 30 March and back on 26 October, both at 01:00 UTC.
    const changes = file.zones['Europe/Berlin']!.filter((_, index) => index % 2 === 1).map((m) => m * MINUTE);
    expect(changes.map((ms) => new Date(ms).toISOString())).toContain('2025-03-30T01:00:00.000Z');
    expect(changes.map((ms) => new Date(ms).toISOString())).toContain('2025-10-26T01:00:00.000Z');
    expect(offsets.offsetMinutes('Europe/Berlin', Date.UTC(2025, 2, 30, 0, 59))).toBe(60);
    expect(offsets.offsetMinutes('Europe/Berlin', Date.UTC(2025, 2, 30, 1, 0))).toBe(120);
    expect(file.zones['Asia/Kathmandu']).toEqual([345]);
  });

  it('gives the wall clock Intl gives, every 97 minutes of three years and around every change', () => {
    const differences: string[] = [];
    let compared = 0;
    for (const zone of ZONES) {
      const changes = file.zones[zone]!.filter((_, index) => index % 2 === 1).map((m) => m * MINUTE);
      const instants = [...changes.flatMap((ms) => [ms - MINUTE, ms, ms + MINUTE])];
      for (let ms = FROM; ms < TO; ms += 97 * MINUTE) instants.push(ms);
      for (const ms of instants) {
        const instant = new Date(ms);
        const offset = offsets.offsetMinutes(zone, ms);
        const fromTable = offset === undefined ? 'no offset' : JSON.stringify(clockAtOffset(instant, offset));
        const fromIntl = JSON.stringify(intlClock(instant, zone));
        if (fromTable !== fromIntl) {
          differences.push(`${zone} at ${instant.toISOString()}: ${fromTable}, Intl ${fromIntl}`);
        }
        compared += 1;
      }
    }
    expect(differences).toEqual([]);
    expect(compared).toBeGreaterThan(ZONES.length * 16_000);
  });

  it('answers nothing outside its years or for a zone it does not hold, so Intl is asked', () => {
    expect(offsets.offsetMinutes('Europe/Berlin', FROM - 1)).toBeUndefined();
    expect(offsets.offsetMinutes('Europe/Berlin', TO)).toBeUndefined();
    expect(offsets.offsetMinutes('Asia/Tokyo', FROM)).toBeUndefined();
    expect(offsets.offsetMinutes('toString', FROM)).toBeUndefined();
  });

  it('is keyed by the time-zone data and ICU of the Node that built it', () => {
    expect(file).toMatchObject({ tz: process.versions.tz, icu: process.versions.icu });
  });

  it('is written by the build for every zone of the city list', () => {
    const built = path.join(REPO_ROOT, 'dist/servers/weather/zone-offsets.json');
    expect(existsSync(built)).toBe(true);
    const written = JSON.parse(readFileSync(built, 'utf8')) as ZoneOffsetFile;
    expect(written).toMatchObject({ format: file.format, tz: process.versions.tz, icu: process.versions.icu });
    expect(Object.keys(written.zones).length).toBeGreaterThan(300);
    expect(written.zones['Europe/Berlin']!.length).toBeGreaterThan(15);
    const now = Date.now();
    expect(new ZoneOffsets(written).offsetMinutes('Asia/Tokyo', now)).toBe(540);
  });
});
