/**
 * A RateProvider that always answers one rate: for tests and demos.
 */
import type { DecimalInput } from '../domain/amount.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { ValidationError } from '../errors.js';
import { parseSaneRate } from './quote-bounds.js';
import type { RateProvider, RateQuote } from './rate-provider.js';

export { createFixedSource, type FixedSourceOptions } from './sources/fixed.js';

/** Options of {@link createFixedRates}. */
export interface FixedRatesOptions {
  /** The quote's `source`. Default is `'fixed'`. */
  readonly source?: string;
  /** Time source for `fetchedAt`. Default is the system clock. */
  readonly clock?: Clock;
}

/**
 * A RateProvider answering `rate` EUR/BTC, always fresh (`fetchedAt` is the current time).
 * @throws {ValidationError} when `rate` is not a decimal from 1 to 100,000,000 EUR per BTC
 * @example const rates = createFixedRates('87654.32'); // eurToMsat('19.99', (await rates.getRate('BTC', 'EUR')).rate) → 22806000n
 */
export function createFixedRates(rate: DecimalInput, options: FixedRatesOptions = {}): RateProvider {
  const value = parseSaneRate(rate);
  const source = options.source ?? 'fixed';
  const clock = options.clock ?? systemClock;
  const sources = Object.freeze([source]);
  return Object.freeze({
    async getRate(base: 'BTC', quote: 'EUR'): Promise<RateQuote> {
      if (base !== 'BTC' || quote !== 'EUR')
        throw new ValidationError('pair', `expected BTC/EUR, got ${String(base)}/${String(quote)}`);
      return Object.freeze({ rate: value, source, sources, fetchedAt: new Date(clock.now()), isStale: false });
    },
  });
}
