/**
 * RateProvider mutants: a fixed-rate provider broken one guarantee at a time, each killed by the
 * `rateProviderConformanceCases` it names.
 */
import { decimal } from '../../src/domain/amount.js';
import type { RateProvider, RateQuote } from '../../src/rates/rate-provider.js';
import type { Mutant } from './harness.js';

const C = {
  decimal: 'getRate resolves a quote whose rate is a big.js decimal (not a JS number or a string)',
  range: 'the rate is EUR per BTC from 1 to 100000000 (a rate the wrong way round is far below)',
  source: 'the quote names its source (the sources joined by ",", when it lists them)',
  fetchedAt: 'fetchedAt is a valid Date, at most one hour before the clock and at most one minute after it',
  stale: 'a quote not marked isStale was fetched at most ten minutes ago (isStale agrees with its age)',
  optional:
    'optional fields are well-typed when present (quotedAt a valid Date not after fetchedAt, isStale a boolean)',
  concurrent: 'concurrent calls all resolve to the same rate',
  second: 'a second call after the first gives a usable rate too',
} as const;

const HOUR = 3_600_000;

/** A mutant that rewrites each quote; `call` counts getRate calls from 1. */
function quoteMutant(
  name: string,
  killedBy: readonly string[],
  rewrite: (quote: RateQuote, call: number) => Record<string, unknown>,
): Mutant<RateProvider> {
  return {
    name,
    killedBy,
    wrap(provider) {
      let calls = 0;
      return {
        async getRate(base, quote) {
          const call = ++calls;
          return rewrite(await provider.getRate(base, quote), call) as unknown as RateQuote;
        },
      };
    },
  };
}

const at = (ms: number): Date => new Date(Date.now() + ms);

/** The RateProvider mutants. */
export const rateMutants: readonly Mutant<RateProvider>[] = [
  quoteMutant('the rate as a JS number', [C.decimal], (q) => ({ ...q, rate: Number(q.rate.toFixed()) })),
  quoteMutant('the rate as a decimal string', [C.decimal], (q) => ({ ...q, rate: q.rate.toFixed() })),
  quoteMutant('the rate the wrong way round (BTC per EUR, 0.0000114…)', [C.range], (q) => ({
    ...q,
    rate: decimal('1').div(q.rate),
  })),
  quoteMutant('a zero rate', [C.range], (q) => ({ ...q, rate: decimal('0') })),
  quoteMutant('a negative rate', [C.range], (q) => ({ ...q, rate: q.rate.times(-1) })),
  quoteMutant('an empty source', [C.source], (q) => ({ ...q, source: '' })),
  quoteMutant('sources that disagree with source', [C.source], (q) => ({ ...q, sources: ['kraken', 'bitstamp'] })),
  quoteMutant('fetchedAt two hours old (marked stale)', [C.fetchedAt], (q) => ({
    ...q,
    fetchedAt: at(-2 * HOUR),
    isStale: true,
  })),
  quoteMutant('fetchedAt 24 hours in the future', [C.fetchedAt], (q) => ({ ...q, fetchedAt: at(24 * HOUR) })),
  quoteMutant('fetchedAt in Unix seconds read as milliseconds (1970)', [C.fetchedAt], (q) => ({
    ...q,
    fetchedAt: new Date(Math.floor(q.fetchedAt.getTime() / 1000)),
  })),
  quoteMutant('fetchedAt an invalid Date', [C.fetchedAt, C.stale], (q) => ({ ...q, fetchedAt: new Date(Number.NaN) })),
  quoteMutant('fetchedAt an ISO string', [C.fetchedAt, C.stale], (q) => ({
    ...q,
    fetchedAt: q.fetchedAt.toISOString(),
  })),
  quoteMutant('fetchedAt 24 hours old with isStale: false', [C.fetchedAt, C.stale], (q) => ({
    ...q,
    fetchedAt: at(-24 * HOUR),
    isStale: false,
  })),
  quoteMutant('fetchedAt 30 minutes old and not marked stale', [C.stale], (q) => {
    const { isStale: _isStale, ...rest } = q;
    return { ...rest, fetchedAt: at(-HOUR / 2) };
  }),
  quoteMutant('isStale as the string "false"', [C.optional], (q) => ({ ...q, isStale: 'false' })),
  quoteMutant('quotedAt an invalid Date', [C.optional], (q) => ({ ...q, quotedAt: new Date('garbage') })),
  quoteMutant('quotedAt an hour after fetchedAt', [C.optional], (q) => ({
    ...q,
    quotedAt: new Date(q.fetchedAt.getTime() + HOUR),
  })),
  quoteMutant('each call a slightly different rate (no shared fetch)', [C.concurrent], (q, call) => ({
    ...q,
    rate: q.rate.plus(decimal(call).div(100)),
  })),
  quoteMutant('the cached second answer has its rate as a string', [C.second], (q, call) =>
    call === 1 ? { ...q } : { ...q, rate: q.rate.toFixed() },
  ),
];
