/**
 * The RateProvider port: a BTC price in EUR. Types only.
 */
import type { Decimal } from '../domain/amount.js';

/** A BTC/EUR rate and where it came from. */
export interface RateQuote {
  /** EUR per BTC; positive and finite. */
  readonly rate: Decimal;
  /** The source name, or several joined by ',' when combined (e.g. `'kraken,bitstamp'`), or `'fallback'`. */
  readonly source: string;
  /** Sources whose quotes made this rate. */
  readonly sources?: readonly string[];
  /** When the rate was fetched. */
  readonly fetchedAt: Date;
  /** When the provider says it quoted the price, if it says. */
  readonly quotedAt?: Date;
  /** True when this is the last good rate served past its TTL. */
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
