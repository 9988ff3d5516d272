/**
 * The bounds every RateQuote keeps, stated in the RateProvider port and checked by
 * `rateProviderConformanceCases`; lnkit's own providers and sources enforce them.
 */
import { parseRate, type Decimal } from '../domain/amount.js';
import { ValidationError } from '../errors.js';

/** Lowest BTC/EUR rate (EUR per BTC). A rate given the wrong way round (BTC per EUR, ~0.00001) is far below. */
export const MIN_SANE_RATE = '1';
/** Highest BTC/EUR rate (EUR per BTC). */
export const MAX_SANE_RATE = '100000000';
/** How far ahead of the local clock a timestamp may be (clock skew). */
export const MAX_CLOCK_SKEW_MS = 60_000;
/** The oldest a quote may be when `getRate` returns it, stale or not: one hour. */
export const MAX_QUOTE_AGE_MS = 3_600_000;
/** The oldest a quote not marked `isStale` may be: ten minutes. */
export const MAX_FRESH_QUOTE_AGE_MS = 600_000;

/**
 * Parses a configured BTC/EUR rate (a fixed rate, a fallback) and checks it is within
 * {@link MIN_SANE_RATE}..{@link MAX_SANE_RATE} EUR per BTC.
 * @throws {ValidationError} on a non-decimal, non-positive or out-of-range rate
 */
export function parseSaneRate(value: unknown, field = 'rate'): Decimal {
  const rate = parseRate(value, field);
  if (rate.lt(MIN_SANE_RATE) || rate.gt(MAX_SANE_RATE)) {
    throw new ValidationError(
      field,
      `expected a BTC/EUR rate from ${MIN_SANE_RATE} to ${MAX_SANE_RATE} EUR per BTC, got ${rate.toFixed()}`,
    );
  }
  return rate;
}
