/**
 * The offline weather model: plausible, deterministic sample weather for any place and local hour, with no network
 * and no randomness. It is not a forecast; every result that uses it says so.
 *
 * Temperature follows three curves: the annual mean falls with latitude; the season swings with latitude and is
 * inverted south of the equator (warmest near 19 July in the north, 19 January in the south); the day swings from a
 * low near 03:00 to a high near 15:00 local time, less under cloud. The "weather" (cloud, rain, wind, humidity) comes
 * from a hash of (place, date, hour), with a daily regime so that hours of one day agree with each other, and a
 * climate wetness that is high in the tropics and mid-latitudes and low in the subtropical deserts and polar regions.
 * All values are metric: °C, km/h, mm, percent.
 */

import { dayOfYear } from './clock.js';
import type { City } from './types.js';

export interface ModelHour {
  temperature: number;
  feelsLike: number;
  humidity: number;
  precipitation: number;
  windSpeed: number;
  windDirection: number;
  cloudCover: number;
  weatherCode: number;
}

export interface ModelDay {
  temperatureMax: number;
  temperatureMin: number;
  precipitation: number;
  windSpeedMax: number;
  /** The most severe code of the day's hours (codes grow with severity: clear 0 … thunderstorm 95). */
  weatherCode: number;
}

/** The place as the model sees it: a latitude and a seed that makes its weather its own. */
export interface ModelPlace {
  seed: string;
  latitude: number;
}

/** The day of the year when the northern hemisphere is warmest (19 July). */
const WARMEST_DAY = 200;
const DAYS_PER_YEAR = 365.25;
/** Local hour of the daily high; the low falls twelve hours earlier. */
const WARMEST_HOUR = 15;

export function modelPlace(city: City): ModelPlace {
  return {
    seed: `${city.name}|${city.country}|${city.latitude.toFixed(3)}|${city.longitude.toFixed(3)}`,
    latitude: city.latitude,
  };
}

/** The weather at a local hour (0..23) of a local date (`YYYY-MM-DD`). */
export function modelHour(place: ModelPlace, date: string, hour: number): ModelHour {
  const { seed, latitude } = place;
  const absLatitude = Math.abs(latitude);
  const wetness = 0.5 + 0.25 * Math.cos((Math.PI * absLatitude) / 30);

  const dayCloud = clamp(hashUnit(seed, date, 'cloud') + wetness - 0.5, 0, 1);
  const cloud = clamp(0.75 * dayCloud + 0.25 * hashUnit(seed, date, hour, 'cloud'), 0, 1);

  // +1 at the warmest hour, -1 twelve hours away.
  const diurnal = Math.cos((2 * Math.PI * (hour - WARMEST_HOUR)) / 24);
  const diurnalAmplitude = (5 + 3 * (1 - wetness)) * (1 - 0.6 * cloud);
  const precipitationChance = cloud > 0.7 ? (wetness * (cloud - 0.7)) / 0.3 : 0;
  const isWet = hashUnit(seed, date, hour, 'rain') < precipitationChance;
  const precipitation = isWet ? round1(0.1 + 6 * hashUnit(seed, date, hour, 'amount') ** 2) : 0;

  const temperature =
    seasonalMean(latitude, date) +
    (hashUnit(seed, date, 'anomaly') - 0.5) * 6 +
    diurnalAmplitude * diurnal +
    (hashUnit(seed, date, hour, 'jitter') - 0.5) * 0.8 -
    (isWet ? 1 : 0);

  const humidity = clamp(Math.round(35 + 35 * wetness + 20 * cloud - 8 * diurnal + (isWet ? 15 : 0)), 5, 100);

  const dayWind = hashUnit(seed, date, 'wind');
  const windBase = 6 + 10 * Math.min(1, absLatitude / 60);
  const isStormDay = dayWind > 0.97;
  const windSpeed =
    (windBase * (0.4 + 1.2 * dayWind) + 6 * hashUnit(seed, date, hour, 'gust') + (isStormDay ? 45 : 0)) *
    (1 + 0.15 * diurnal);
  const windDirection =
    Math.round(360 * hashUnit(seed, date, 'direction') + 60 * (hashUnit(seed, date, hour, 'veer') - 0.5) + 360) % 360;

  return {
    temperature: round1(temperature),
    feelsLike: round1(apparentTemperature(temperature, humidity, windSpeed)),
    humidity,
    precipitation,
    windSpeed: round1(windSpeed),
    windDirection,
    cloudCover: Math.round(cloud * 100),
    weatherCode: weatherCode({ temperature, precipitation, humidity, windSpeed, cloud, seed, date, hour }),
  };
}

/** The day's extremes and totals over its 24 local hours. */
export function modelDay(place: ModelPlace, date: string): ModelDay {
  const hours = Array.from({ length: 24 }, (_, hour) => modelHour(place, date, hour));
  return {
    temperatureMax: Math.max(...hours.map((h) => h.temperature)),
    temperatureMin: Math.min(...hours.map((h) => h.temperature)),
    precipitation: round1(hours.reduce((sum, h) => sum + h.precipitation, 0)),
    windSpeedMax: Math.max(...hours.map((h) => h.windSpeed)),
    weatherCode: Math.max(...hours.map((h) => h.weatherCode)),
  };
}

/**
 * The climatological temperature of a latitude on a date, before the day's swing and noise: an annual mean of
 * 27 °C at the equator falling to about -46 °C at the poles, plus a seasonal swing of ±1 °C at the equator to
 * ±19 °C at the poles, inverted in the southern hemisphere. It knows no coasts or continents: London comes out
 * colder in winter than it is.
 */
export function seasonalMean(latitude: number, date: string): number {
  const absLatitude = Math.abs(latitude);
  const annualMean = 27 - 0.006 * latitude ** 2 - 0.8 * Math.max(0, absLatitude - 60);
  const amplitude = 1 + 0.2 * absLatitude;
  const season = Math.cos((2 * Math.PI * (dayOfYear(date) - WARMEST_DAY)) / DAYS_PER_YEAR);
  return annualMean + amplitude * season * (latitude >= 0 ? 1 : -1);
}

/**
 * Steadman's apparent temperature (as used by the Australian Bureau of Meteorology), which covers both wind chill
 * and humid heat with one formula: AT = T + 0.33·e − 0.70·ws − 4.00, with e the water vapour pressure in hPa and
 * ws the wind speed in m/s.
 */
export function apparentTemperature(celsius: number, humidity: number, windKmh: number): number {
  const vapourPressure = (humidity / 100) * 6.105 * Math.exp((17.27 * celsius) / (237.7 + celsius));
  return celsius + 0.33 * vapourPressure - 0.7 * (windKmh / 3.6) - 4;
}

function weatherCode(hour: {
  temperature: number;
  precipitation: number;
  humidity: number;
  windSpeed: number;
  cloud: number;
  seed: string;
  date: string;
  hour: number;
}): number {
  const { temperature, precipitation, humidity, windSpeed, cloud } = hour;
  if (precipitation > 0) {
    if (temperature <= 0.5) return precipitation < 1 ? 71 : precipitation < 3 ? 73 : 75;
    if (precipitation >= 3 && temperature >= 18 && hashUnit(hour.seed, hour.date, hour.hour, 'thunder') < 0.4) {
      return 95;
    }
    if (precipitation < 0.3) return 51;
    return precipitation < 2 ? 61 : precipitation < 5 ? 63 : 65;
  }
  if (humidity >= 95 && windSpeed < 8) return 45;
  if (cloud < 0.15) return 0;
  if (cloud < 0.4) return 1;
  return cloud < 0.75 ? 2 : 3;
}

/**
 * A number in [0, 1) fixed by its inputs: FNV-1a over the joined parts, then MurmurHash3's finaliser so that
 * inputs differing in one character land far apart.
 */
export function hashUnit(...parts: Array<string | number>): number {
  const text = parts.join('|');
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 0x1_0000_0000;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function round1(value: number): number {
  return Math.round(value * 10) / 10 + 0;
}
