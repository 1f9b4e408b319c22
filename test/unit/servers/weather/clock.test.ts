import { describe, expect, it } from 'vitest';
import { addDays, dayOfYear, floorToHour, formatLocal, localClock } from '../../../../servers/weather/clock.js';

describe('clock', () => {
  it("reads a city's wall clock, daylight saving included", () => {
    const instant = new Date('2025-07-15T14:20:00Z');
    expect(localClock(instant, 'America/Los_Angeles')).toEqual({ date: '2025-07-15', hour: 7, minute: 20 });
    expect(localClock(instant, 'Australia/Sydney')).toEqual({ date: '2025-07-16', hour: 0, minute: 20 });
    expect(localClock(instant, 'Asia/Kolkata')).toEqual({ date: '2025-07-15', hour: 19, minute: 50 });
    expect(localClock(new Date('2025-01-15T14:20:00Z'), 'America/Los_Angeles').hour).toBe(6);
  });

  it('uses 0 for midnight, never 24', () => {
    expect(localClock(new Date('2025-03-01T00:00:00Z'), 'UTC')).toEqual({ date: '2025-03-01', hour: 0, minute: 0 });
  });

  it('formats the local time as Open-Meteo does', () => {
    expect(formatLocal({ date: '2025-01-05', hour: 9, minute: 5 })).toBe('2025-01-05T09:05');
  });

  it('rounds down to the hour', () => {
    expect(floorToHour(new Date('2025-07-15T14:59:59.999Z')).toISOString()).toBe('2025-07-15T14:00:00.000Z');
  });

  it('adds days across months, years and leap days', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-03-10', -10)).toBe('2025-02-28');
  });

  it('counts the day of the year from 1', () => {
    expect(dayOfYear('2025-01-01')).toBe(1);
    expect(dayOfYear('2025-12-31')).toBe(365);
    expect(dayOfYear('2024-12-31')).toBe(366);
  });
});
