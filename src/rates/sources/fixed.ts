/**
 * A source that always answers the same rate: for tests, demos and as a last-resort member.
 */
import type { DecimalInput } from '../../domain/amount.js';
import { systemClock, type Clock } from '../../domain/clock.js';
import { parseSaneRate } from '../quote-bounds.js';
import type { RateSource, RateSourceQuote } from './rate-source.js';

/** Options of {@link createFixedSource}. */
export interface FixedSourceOptions {
  /** Source name. Default is `'fixed'`. */
  readonly name?: string;
  /** Time source for `fetchedAt`. Default is the system clock. */
  readonly clock?: Clock;
}

/**
 * A source answering `rate` EUR/BTC every time, stamped with the current time.
 * @throws {ValidationError} when `rate` is not a decimal from 1 to 100,000,000 EUR per BTC
 * @example createFixedSource('87654.32')
 */
export function createFixedSource(rate: DecimalInput, options: FixedSourceOptions = {}): RateSource {
  const value = parseSaneRate(rate);
  const name = options.name ?? 'fixed';
  const clock = options.clock ?? systemClock;
  return Object.freeze({
    name,
    fetchQuote: async (): Promise<RateSourceQuote> => ({ rate: value, source: name, fetchedAt: new Date(clock.now()) }),
  });
}
