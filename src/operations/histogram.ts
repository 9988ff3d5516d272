/**
 * The pieces of lnkit's metrics that do not depend on which metrics exist: the LND latency
 * histogram (cumulative buckets, sum, count) and the label text of the Prometheus exposition format.
 */

/** Latency buckets in seconds. */
export const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** A latency histogram: cumulative buckets (seconds), sum and count. */
export interface HistogramSnapshot {
  /** Observations ≤ each bound `le` (seconds), cumulative. */
  readonly buckets: readonly { readonly le: number; readonly count: number }[];
  /** Sum of the observations, in seconds. */
  readonly sum: number;
  /** Number of observations. */
  readonly count: number;
}

/** Internal: a histogram being recorded, one count per bucket of {@link BUCKETS}. */
export interface Histogram {
  readonly bucketCounts: number[];
  sum: number;
  count: number;
}

/** An empty histogram. */
export function newHistogram(): Histogram {
  return { bucketCounts: BUCKETS.map(() => 0), sum: 0, count: 0 };
}

/** Records one observation of `seconds`. */
export function observe(histogram: Histogram, seconds: number): void {
  histogram.sum += seconds;
  histogram.count++;
  // Cumulative buckets: each bucket counts observations ≤ its bound.
  for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) histogram.bucketCounts[i]!++;
}

/** A copy of `h` in the public shape. */
export function histogramSnapshot(h: Histogram): HistogramSnapshot {
  return {
    buckets: BUCKETS.map((le, i) => ({ le, count: h.bucketCounts[i]! })),
    sum: h.sum,
    count: h.count,
  };
}

/** `{k="v",…}` with the exposition format's escapes, or '' without labels. */
export function labelText(labels?: Readonly<Record<string, string>>): string {
  const entries = Object.entries(labels ?? {});
  if (entries.length === 0) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`).join(',')}}`;
}
