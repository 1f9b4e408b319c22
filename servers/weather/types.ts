/**
 * The shapes every weather provider speaks: a city, current conditions and forecast days, in the units the caller
 * asked for. Tools, resources and prompts depend only on these and on `WeatherProvider`, never on a provider's API.
 */

/** The unit systems a caller can ask for. */
export const UNIT_SYSTEMS = ['metric', 'imperial'] as const;
export type Units = (typeof UNIT_SYSTEMS)[number];

/** The providers `WEATHER_PROVIDER` can name. */
export const PROVIDER_NAMES = ['offline', 'open-meteo'] as const;
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** A place weather can be given for. */
export interface City {
  name: string;
  country: string;
  /** ISO 3166-1 alpha-2, when the place has one. */
  countryCode?: string;
  /** State, province or other first-level region. */
  province?: string;
  latitude: number;
  longitude: number;
  /** IANA time zone, e.g. `Europe/Paris`; a geocoder may not know it (weather results then carry the zone). */
  timezone?: string;
  population?: number;
}

/** A search result: the place and a label that, passed back as `city`, resolves to exactly this place. */
export interface CityMatch {
  city: City;
  label: string;
}

/** Where a result comes from, named in every result so modelled data is never mistaken for an observation. */
export interface Source {
  provider: ProviderName;
  note: string;
  url?: string;
}

/** Labels of the units values are given in. */
export interface UnitLabels {
  temperature: '°C' | '°F';
  windSpeed: 'km/h' | 'mph';
  precipitation: 'mm' | 'in';
}

/** Conditions at one moment. A provider that has no value for a field gives null. */
export interface CurrentConditions {
  /** The observation (or model) time, ISO 8601 in UTC. */
  observedAt: string;
  /** The same moment on the city's wall clock, `YYYY-MM-DDTHH:mm`. */
  localTime: string;
  /** The IANA zone `localTime` is in. */
  timezone: string;
  temperature: number | null;
  feelsLike: number | null;
  /** Relative humidity, percent. */
  humidity: number | null;
  /** Precipitation over the last hour (or the provider's interval). */
  precipitation: number | null;
  windSpeed: number | null;
  /** Where the wind comes from, degrees clockwise from north. */
  windDirection: number | null;
  /** Percent of the sky covered, when the provider gives it. */
  cloudCover?: number;
  /** WMO weather interpretation code (0 clear … 99 thunderstorm with hail). */
  weatherCode: number | null;
  condition: string;
}

/** One day of a forecast, on the city's calendar. */
export interface ForecastDay {
  /** `YYYY-MM-DD` in the city's time zone. */
  date: string;
  temperatureMax: number | null;
  temperatureMin: number | null;
  precipitation: number | null;
  windSpeedMax: number | null;
  /** The most severe WMO weather code of the day. */
  weatherCode: number | null;
  condition: string;
}

export interface Forecast {
  /** The time the forecast starts from (the model hour, or the provider's current observation), ISO 8601 UTC. */
  observedAt: string;
  /** The same moment on the city's wall clock, `YYYY-MM-DDTHH:mm`. */
  localTime: string;
  /** The IANA zone of `localTime` and of the days' dates. */
  timezone: string;
  /** Consecutive days, today first. */
  days: ForecastDay[];
}

/**
 * A source of weather. Every method takes the caller's signal (cancellation by the client); a provider that talks to
 * the network adds its own timeout. Failures the model should read are thrown as `ToolError`s, unknown places as
 * `CityNotFoundError`.
 */
export interface WeatherProvider {
  readonly name: ProviderName;
  /** The source of weather results. */
  readonly source: Source;
  /** The source of city searches. */
  readonly citySource: Source;
  /** True when results depend on an outside service (the `openWorldHint` of the tools). */
  readonly isOpenWorld: boolean;
  /** Places matching a search, best first. An empty list when nothing matches. */
  findCities(query: string, limit: number, signal: AbortSignal): Promise<CityMatch[]>;
  /** The one place a name means (`Portland`, `Portland, Maine`, `Paris, FR`). @throws CityNotFoundError */
  resolveCity(query: string, signal: AbortSignal): Promise<City>;
  current(city: City, units: Units, signal: AbortSignal): Promise<CurrentConditions>;
  forecast(city: City, days: number, units: Units, signal: AbortSignal): Promise<Forecast>;
}
