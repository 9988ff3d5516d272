/**
 * The RateProvider port: a BTC price in EUR. Types only.
 */
import type { Decimal } from '../domain/amount.js';

/**
 * A BTC/EUR rate and where it came from. Bounds every provider keeps (checked by
 * `rateProviderConformanceCases`; the numbers are `MIN_SANE_RATE`, `MAX_SANE_RATE`,
 * `MAX_CLOCK_SKEW_MS`, `MAX_QUOTE_AGE_MS` and `MAX_FRESH_QUOTE_AGE_MS` in lnkit/rates):
 * - `rate` is a big.js decimal of EUR per BTC from 1 to 100,000,000 (a rate the wrong way round,
 *   BTC per EUR, is far below);
 * - `fetchedAt` is at most one minute ahead of the local clock (skew) and at most one hour old;
 * - a quote not marked `isStale: true` is at most ten minutes old.
 */
export interface RateQuote {
  /** EUR per BTC, a big.js decimal (never a JS number), from 1 to 100,000,000. */
  readonly rate: Decimal;
  /** The source name, or several joined by ',' when combined (e.g. `'kraken,bitstamp'`), or `'fallback'`. */
  readonly source: string;
  /** Sources whose quotes made this rate. */
  readonly sources?: readonly string[];
  /** When the rate was fetched, by the local clock: at most one hour ago and at most one minute ahead. */
  readonly fetchedAt: Date;
  /** When the provider says it quoted the price, if it says; not after `fetchedAt` (give or take a minute). */
  readonly quotedAt?: Date;
  /** True when this is the last good rate served past its TTL. A quote older than ten minutes must say so. */
  readonly isStale?: boolean;
}

/**
 * Gives the current BTC/EUR rate. Implementations cache as they see fit.
 * Every implementation passes `rateProviderConformanceCases`.
 */
export interface RateProvider {
  /**
   * @throws {RateUnavailableError} when no usable rate exists; never returns 0, NaN or a negative rate
   */
  getRate(base: 'BTC', quote: 'EUR'): Promise<RateQuote>;
}
