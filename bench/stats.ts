/** Summaries of repeated measurements. Medians, because a noisy machine adds outliers on one side only. */

/** The samples of one case, and why its failed rounds failed. */
export interface Series {
  values: number[];
  failures: string[];
}

export function newSeries(): Series {
  return { values: [], failures: [] };
}

export interface Summary {
  median: number;
  p90: number;
  min: number;
  max: number;
  count: number;
}

/** Undefined when there is nothing to summarize (every round failed, or none ran). */
export function summarize(values: readonly number[]): Summary | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: quantile(sorted, 0.5),
    p90: quantile(sorted, 0.9),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
    count: sorted.length,
  };
}

/** Linear interpolation between the closest ranks of sorted values. */
export function quantile(sorted: readonly number[], q: number): number {
  const position = (sorted.length - 1) * q;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  return sorted[below]! + (sorted[above]! - sorted[below]!) * (position - below);
}

export function median(values: readonly number[]): number | undefined {
  return summarize(values)?.median;
}

/** `value / reference`, or undefined when either is missing. */
export function ratio(value: number | undefined, reference: number | undefined): number | undefined {
  if (value === undefined || reference === undefined || reference === 0) return undefined;
  return value / reference;
}
