/**
 * Median and outlier guard over source quotes, in exact decimals.
 */
import type { Decimal } from '../domain/amount.js';
import type { RateSourceQuote } from './sources/rate-source.js';

/**
 * Median of a non-empty list: the middle value, or the exact mean of the two middle values.
 * @example median([decimal('90000'), decimal('90100')]).toFixed() // '90050'
 */
export function median(values: readonly Decimal[]): Decimal {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a.cmp(b));
  const mid = Math.floor(sorted.length / 2);
  const upper = sorted[mid] as Decimal;
  return sorted.length % 2 === 1 ? upper : (sorted[mid - 1] as Decimal).plus(upper).times('0.5'); // times is exact; div would round at DP
}

/** A quote dropped for being too far from the median. */
export interface Outlier {
  readonly quote: RateSourceQuote;
  /** |rate − median| / median. */
  readonly deviation: Decimal;
  /** The median it was compared with. */
  readonly median: Decimal;
}

/** Quotes kept and dropped by {@link aggregateQuotes}. */
export interface Aggregate {
  /** Quotes within `maxDeviation` of the median of all quotes, in the order given. */
  readonly kept: readonly RateSourceQuote[];
  /** Quotes further than `maxDeviation` from that median. */
  readonly outliers: readonly Outlier[];
}

/** Splits quotes into those within `maxDeviation` (a fraction, 0.015 = 1.5 %) of their median and the outliers. */
export function aggregateQuotes(quotes: readonly RateSourceQuote[], maxDeviation: Decimal): Aggregate {
  if (quotes.length === 0) return { kept: [], outliers: [] };
  const mid = median(quotes.map((q) => q.rate));
  const kept: RateSourceQuote[] = [];
  const outliers: Outlier[] = [];
  for (const quote of quotes) {
    const deviation = quote.rate.minus(mid).abs().div(mid);
    if (deviation.gt(maxDeviation)) outliers.push({ quote, deviation, median: mid });
    else kept.push(quote);
  }
  return { kept, outliers };
}
