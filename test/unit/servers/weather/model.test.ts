import { describe, expect, it } from 'vitest';
import { addDays } from '../../../../servers/weather/clock.js';
import {
  apparentTemperature,
  hashUnit,
  modelDay,
  modelHour,
  modelPlace,
  seasonalMean,
} from '../../../../servers/weather/model.js';
import type { ModelPlace } from '../../../../servers/weather/model.js';

const OSLO: ModelPlace = { seed: 'Oslo|Norway', latitude: 59.9 };
const MELBOURNE: ModelPlace = { seed: 'Melbourne|Australia', latitude: -37.8 };
const SINGAPORE: ModelPlace = { seed: 'Singapore|Singapore', latitude: 1.3 };

/** Every date of 2025, to compare averages instead of single noisy days. */
const YEAR_2025 = Array.from({ length: 365 }, (_, index) => addDays('2025-01-01', index));

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

function monthMean(place: ModelPlace, month: string): number {
  const days = YEAR_2025.filter((date) => date.slice(5, 7) === month);
  return mean(days.map((date) => (modelDay(place, date).temperatureMax + modelDay(place, date).temperatureMin) / 2));
}

describe('offline weather model', () => {
  it('gives the same weather for the same place, date and hour', () => {
    expect(modelHour(OSLO, '2025-03-14', 9)).toEqual(modelHour(OSLO, '2025-03-14', 9));
    expect(modelDay(MELBOURNE, '2025-08-01')).toEqual(modelDay(MELBOURNE, '2025-08-01'));
  });

  it('gives different places different weather on the same day', () => {
    const other: ModelPlace = { seed: 'Bergen|Norway', latitude: OSLO.latitude };
    const hours = Array.from({ length: 24 }, (_, hour) => hour);
    expect(hours.map((hour) => modelHour(OSLO, '2025-03-14', hour))).not.toEqual(
      hours.map((hour) => modelHour(other, '2025-03-14', hour)),
    );
  });

  it('makes July warmer than January in the north and the other way round in the south', () => {
    expect(monthMean(OSLO, '07') - monthMean(OSLO, '01')).toBeGreaterThan(15);
    expect(monthMean(MELBOURNE, '01') - monthMean(MELBOURNE, '07')).toBeGreaterThan(10);
  });

  it('keeps the tropics warm all year with a small seasonal swing', () => {
    const swing = Math.abs(monthMean(SINGAPORE, '07') - monthMean(SINGAPORE, '01'));
    expect(swing).toBeLessThan(3);
    expect(monthMean(SINGAPORE, '01')).toBeGreaterThan(22);
  });

  it('makes nights colder than afternoons', () => {
    const nightMinusAfternoon = YEAR_2025.map(
      (date) => modelHour(OSLO, date, 3).temperature - modelHour(OSLO, date, 15).temperature,
    );
    expect(mean(nightMinusAfternoon)).toBeLessThan(-4);
    // Each day on its own too: the daily swing is larger than the hourly noise.
    expect(nightMinusAfternoon.every((difference) => difference < 0)).toBe(true);
  });

  it('gets colder towards the poles', () => {
    expect(seasonalMean(0, '2025-04-15')).toBeGreaterThan(seasonalMean(45, '2025-04-15'));
    expect(seasonalMean(45, '2025-04-15')).toBeGreaterThan(seasonalMean(75, '2025-04-15'));
    expect(seasonalMean(-89, '2025-07-15')).toBeLessThan(-50);
  });

  it('aggregates a day from its 24 hours', () => {
    const date = '2025-10-03';
    const hours = Array.from({ length: 24 }, (_, hour) => modelHour(MELBOURNE, date, hour));
    const day = modelDay(MELBOURNE, date);
    expect(day.temperatureMax).toBe(Math.max(...hours.map((h) => h.temperature)));
    expect(day.temperatureMin).toBe(Math.min(...hours.map((h) => h.temperature)));
    expect(day.precipitation).toBeCloseTo(
      hours.reduce((sum, h) => sum + h.precipitation, 0),
      5,
    );
    expect(day.weatherCode).toBe(Math.max(...hours.map((h) => h.weatherCode)));
  });

  it('keeps every value in its physical range and every code in the WMO table', () => {
    const codes = new Set([0, 1, 2, 3, 45, 51, 61, 63, 65, 71, 73, 75, 95]);
    for (const date of YEAR_2025.filter((_, index) => index % 7 === 0)) {
      for (const hour of [0, 6, 12, 18]) {
        const weather = modelHour(modelPlace({ name: 'X', country: 'Y', latitude: 48, longitude: 2 }), date, hour);
        expect(weather.humidity).toBeGreaterThanOrEqual(5);
        expect(weather.humidity).toBeLessThanOrEqual(100);
        expect(weather.cloudCover).toBeGreaterThanOrEqual(0);
        expect(weather.cloudCover).toBeLessThanOrEqual(100);
        expect(weather.precipitation).toBeGreaterThanOrEqual(0);
        expect(weather.windSpeed).toBeGreaterThan(0);
        expect(weather.windDirection).toBeGreaterThanOrEqual(0);
        expect(weather.windDirection).toBeLessThan(360);
        expect(codes.has(weather.weatherCode)).toBe(true);
        // Rain and snow codes exactly when something falls.
        expect(weather.weatherCode >= 51).toBe(weather.precipitation > 0);
      }
    }
  });

  it('snows instead of raining below freezing', () => {
    const cold: ModelPlace = { seed: 'Cold|Place', latitude: 70 };
    const wetHours = YEAR_2025.filter((date) => date.slice(5, 7) === '01').flatMap((date) =>
      Array.from({ length: 24 }, (_, hour) => modelHour(cold, date, hour)).filter((h) => h.precipitation > 0),
    );
    expect(wetHours.length).toBeGreaterThan(0);
    for (const hour of wetHours.filter((h) => h.temperature <= 0.5)) expect([71, 73, 75]).toContain(hour.weatherCode);
  });
});

describe('apparentTemperature', () => {
  it('feels colder in wind and warmer in humid heat', () => {
    expect(apparentTemperature(0, 50, 40)).toBeLessThan(apparentTemperature(0, 50, 5));
    expect(apparentTemperature(32, 90, 5)).toBeGreaterThan(32);
  });
});

describe('hashUnit', () => {
  it('is fixed by its inputs and spread over [0, 1)', () => {
    expect(hashUnit('a', 1)).toBe(hashUnit('a', 1));
    const values = Array.from({ length: 10_000 }, (_, index) => hashUnit('seed', index));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    // Each tenth of the range gets roughly a tenth of the values.
    const buckets = new Array<number>(10).fill(0);
    for (const value of values) buckets[Math.floor(value * 10)]! += 1;
    for (const count of buckets) expect(count).toBeGreaterThan(850);
  });
});
