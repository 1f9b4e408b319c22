/**
 * Weather alerts for the largest cities at the current hour, derived from the offline model with fixed thresholds.
 * They are as deterministic as the model: the same hour always raises the same alerts.
 */

import type { CityIndex } from './cities.js';
import { floorToHour } from './clock.js';
import { MODELLED_NOTE, modelCurrent } from './offline.js';
import type { CurrentConditions, Source } from './types.js';

/** How many of the most populous cities are checked. */
export const ALERT_CITY_COUNT = 250;

export type AlertType = 'extreme_heat' | 'extreme_cold' | 'high_wind' | 'heavy_precipitation' | 'thunderstorm';

export interface WeatherAlert {
  /** A label that resolves back to the city as the `city` argument of the tools. */
  city: string;
  country: string;
  latitude: number;
  longitude: number;
  localTime: string;
  type: AlertType;
  severity: 'advisory' | 'warning';
  headline: string;
  /** The measured quantity, in `unit`. */
  value: number;
  unit: string;
  /** The value at which this severity starts. */
  threshold: number;
}

export interface AlertsDocument {
  observedAt: string;
  source: Source;
  citiesChecked: number;
  rules: string[];
  alerts: WeatherAlert[];
}

interface Rule {
  type: AlertType;
  unit: string;
  /** The value the rule looks at; alerts fire when it reaches a threshold (downwards for cold). */
  measure: (now: CurrentConditions) => number | null;
  advisory: number;
  warning: number;
  isBelow?: boolean;
  headline: (city: string, value: number) => string;
  /** The rule in words, listed in the resource so readers know what an alert means. */
  description: string;
}

const RULES: Rule[] = [
  {
    type: 'extreme_heat',
    unit: '°C',
    measure: (now) => now.temperature,
    advisory: 35,
    warning: 40,
    headline: (city, value) => `Extreme heat in ${city}: ${value} °C`,
    description: 'extreme_heat: temperature ≥ 35 °C is an advisory, ≥ 40 °C a warning',
  },
  {
    type: 'extreme_cold',
    unit: '°C',
    measure: (now) => now.feelsLike,
    advisory: -20,
    warning: -30,
    isBelow: true,
    headline: (city, value) => `Extreme cold in ${city}: feels like ${value} °C`,
    description: 'extreme_cold: feels-like temperature ≤ -20 °C is an advisory, ≤ -30 °C a warning',
  },
  {
    type: 'high_wind',
    unit: 'km/h',
    measure: (now) => now.windSpeed,
    advisory: 50,
    warning: 75,
    headline: (city, value) => `High wind in ${city}: ${value} km/h`,
    description: 'high_wind: wind ≥ 50 km/h is an advisory, ≥ 75 km/h a warning',
  },
  {
    type: 'heavy_precipitation',
    unit: 'mm',
    measure: (now) => now.precipitation,
    advisory: 4,
    warning: 6,
    headline: (city, value) => `Heavy precipitation in ${city}: ${value} mm in the last hour`,
    description: 'heavy_precipitation: ≥ 4 mm in an hour is an advisory, ≥ 6 mm a warning',
  },
  {
    type: 'thunderstorm',
    unit: 'WMO code',
    measure: (now) => now.weatherCode,
    advisory: 95,
    warning: 96,
    headline: (city, value) => (value >= 96 ? `Thunderstorm with hail in ${city}` : `Thunderstorm in ${city}`),
    description: 'thunderstorm: WMO code 95 (thunderstorm) is an advisory, 96 to 99 (with hail) a warning',
  },
];

/** The alerts of the hour containing `now` for the most populous cities, warnings first. */
export function deriveAlerts(index: CityIndex, now: Date): AlertsDocument {
  const alerts: WeatherAlert[] = [];
  for (const entry of index.largest(ALERT_CITY_COUNT)) {
    const { city } = entry;
    const conditions = modelCurrent(city, now, 'metric');
    for (const rule of RULES) {
      const value = rule.measure(conditions);
      if (value === null) continue;
      const reaches = (threshold: number) => (rule.isBelow ? value <= threshold : value >= threshold);
      if (!reaches(rule.advisory)) continue;
      const severity = reaches(rule.warning) ? 'warning' : 'advisory';
      alerts.push({
        city: entry.label,
        country: city.country,
        latitude: city.latitude,
        longitude: city.longitude,
        localTime: conditions.localTime,
        type: rule.type,
        severity,
        headline: rule.headline(city.name, value),
        value,
        unit: rule.unit,
        threshold: severity === 'warning' ? rule.warning : rule.advisory,
      });
    }
  }
  // Stable: warnings before advisories, otherwise the cities' order (most populous first).
  alerts.sort((a, b) => Number(b.severity === 'warning') - Number(a.severity === 'warning'));
  return {
    observedAt: floorToHour(now).toISOString(),
    source: { provider: 'offline', note: MODELLED_NOTE },
    citiesChecked: Math.min(ALERT_CITY_COUNT, index.size),
    rules: RULES.map((rule) => rule.description),
    alerts,
  };
}
