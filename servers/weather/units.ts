/** Unit systems: labels, and conversion of the offline model's metric values. */

import type { UnitLabels, Units } from './types.js';

export const UNIT_LABELS: Record<Units, UnitLabels> = {
  metric: { temperature: '°C', windSpeed: 'km/h', precipitation: 'mm' },
  imperial: { temperature: '°F', windSpeed: 'mph', precipitation: 'in' },
};

const KM_PER_MILE = 1.609344;
const MM_PER_INCH = 25.4;

/** °C to the unit system, rounded to 0.1. */
export function convertTemperature(celsius: number, units: Units): number {
  return round(units === 'metric' ? celsius : (celsius * 9) / 5 + 32, 1);
}

/** km/h to the unit system, rounded to 0.1. */
export function convertWindSpeed(kmh: number, units: Units): number {
  return round(units === 'metric' ? kmh : kmh / KM_PER_MILE, 1);
}

/** mm to the unit system: 0.1 mm or 0.01 in. */
export function convertPrecipitation(mm: number, units: Units): number {
  return units === 'metric' ? round(mm, 1) : round(mm / MM_PER_INCH, 2);
}

export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  // `+ 0` turns -0 (from rounding -0.04) into 0, so results that print alike also compare alike.
  return Math.round(value * factor) / factor + 0;
}
