/**
 * Runner-agnostic conformance cases every RateProvider passes (ours and custom ones). They check
 * the bounds the port states (src/rates/rate-provider.ts): a big.js rate of 1..100,000,000 EUR
 * per BTC, `fetchedAt` within an hour before the clock and at most a minute after it, and
 * `isStale` consistent with the quote's age.
 * Use with any test runner: `for (const c of rateProviderConformanceCases) it(c.name, () => c.run(make))`.
 */
import assert from 'node:assert/strict';
import type { Decimal } from '../domain/amount.js';
import {
  MAX_CLOCK_SKEW_MS,
  MAX_FRESH_QUOTE_AGE_MS,
  MAX_QUOTE_AGE_MS,
  MAX_SANE_RATE,
  MIN_SANE_RATE,
} from './quote-bounds.js';
import type { RateProvider, RateQuote } from './rate-provider.js';

/** Options of a conformance run. */
export interface RateProviderConformanceOptions {
  /** The clock the provider stamps `fetchedAt` with. Default is the system clock (`Date.now`). */
  readonly clock?: {
    /** Milliseconds since the epoch, as `Date.now()`. */
    now(): number;
  };
}

/** One conformance case: `run` builds a provider with `make` and throws (node:assert) on a violation. */
export interface RateProviderConformanceCase {
  readonly name: string;
  /** Runs the case against the provider `make` returns; rejects when it breaks the rule. */
  run(make: () => Promise<RateProvider> | RateProvider, options?: RateProviderConformanceOptions): Promise<void>;
}

/**
 * A big.js decimal, checked by shape so that a second copy of big.js passes and a JS number or a
 * string (which both have a `toFixed`) does not.
 */
function assertDecimal(value: unknown, label: string): asserts value is Decimal {
  const d = value as { c?: unknown; e?: unknown; s?: unknown; eq?: unknown; gt?: unknown; toFixed?: unknown } | null;
  assert.ok(
    typeof d === 'object' &&
      d !== null &&
      Array.isArray(d.c) &&
      Number.isInteger(d.e) &&
      (d.s === 1 || d.s === -1) &&
      typeof d.eq === 'function' &&
      typeof d.gt === 'function' &&
      typeof d.toFixed === 'function',
    `${label}: expected a big.js decimal, got ${typeof value} ${String(value)}`,
  );
}

const isValidDate = (value: unknown): value is Date => value instanceof Date && Number.isFinite(value.getTime());

/** A quote with a decimal rate; returns it with the clock readings around the call. */
async function quoteOf(
  make: () => Promise<RateProvider> | RateProvider,
  options: RateProviderConformanceOptions = {},
): Promise<{ quote: RateQuote; before: number; after: number }> {
  const clock = options.clock ?? { now: () => Date.now() };
  const provider = await make();
  const before = clock.now();
  const quote = await provider.getRate('BTC', 'EUR');
  const after = clock.now();
  assert.ok(
    quote !== null && typeof quote === 'object',
    `getRate must resolve to a quote object, got ${String(quote)}`,
  );
  assertDecimal(quote.rate, 'rate');
  return { quote, before, after };
}

/** A usable quote: a decimal rate within the sane range. */
function assertUsable(quote: RateQuote, label: string): void {
  assertDecimal(quote.rate, `${label} rate`);
  const text = quote.rate.toFixed();
  assert.ok(
    quote.rate.gte(MIN_SANE_RATE) && quote.rate.lte(MAX_SANE_RATE),
    `${label}: expected EUR per BTC from ${MIN_SANE_RATE} to ${MAX_SANE_RATE}, got ${text}`,
  );
}

const ms = (n: number): string => `${Math.round(n / 1000)} s`;

/** The cases; each is independent and builds its own provider. */
export const rateProviderConformanceCases: readonly RateProviderConformanceCase[] = Object.freeze([
  {
    name: 'getRate resolves a quote whose rate is a big.js decimal (not a JS number or a string)',
    async run(make, options) {
      await quoteOf(make, options);
    },
  },
  {
    name: `the rate is EUR per BTC from ${MIN_SANE_RATE} to ${MAX_SANE_RATE} (a rate the wrong way round is far below)`,
    async run(make, options) {
      assertUsable((await quoteOf(make, options)).quote, 'quote');
    },
  },
  {
    name: 'the quote names its source (the sources joined by ",", when it lists them)',
    async run(make, options) {
      const { quote } = await quoteOf(make, options);
      assert.equal(typeof quote.source, 'string', 'source must be a string');
      assert.ok(quote.source.length > 0, 'source must not be empty');
      if (quote.sources !== undefined) {
        assert.ok(Array.isArray(quote.sources) && quote.sources.length > 0, 'sources, when given, must not be empty');
        assert.equal(quote.source, quote.sources.join(','), 'source must be the sources joined by ","');
      }
    },
  },
  {
    name: 'fetchedAt is a valid Date, at most one hour before the clock and at most one minute after it',
    async run(make, options) {
      const { quote, before, after } = await quoteOf(make, options);
      assert.ok(isValidDate(quote.fetchedAt), `fetchedAt must be a valid Date, got ${String(quote.fetchedAt)}`);
      const at = quote.fetchedAt.getTime();
      assert.ok(
        at <= after + MAX_CLOCK_SKEW_MS,
        `fetchedAt ${quote.fetchedAt.toISOString()} is ${ms(at - after)} ahead of the clock (limit ${ms(MAX_CLOCK_SKEW_MS)})`,
      );
      assert.ok(
        before - at <= MAX_QUOTE_AGE_MS,
        `fetchedAt ${quote.fetchedAt.toISOString()} is ${ms(before - at)} old (limit ${ms(MAX_QUOTE_AGE_MS)})`,
      );
    },
  },
  {
    name: 'a quote not marked isStale was fetched at most ten minutes ago (isStale agrees with its age)',
    async run(make, options) {
      const { quote, before } = await quoteOf(make, options);
      assert.ok(isValidDate(quote.fetchedAt), `fetchedAt must be a valid Date, got ${String(quote.fetchedAt)}`);
      const age = before - quote.fetchedAt.getTime();
      if (quote.isStale !== true)
        assert.ok(
          age <= MAX_FRESH_QUOTE_AGE_MS,
          `a quote ${ms(age)} old must be marked isStale: true (fresh quotes are at most ${ms(MAX_FRESH_QUOTE_AGE_MS)} old)`,
        );
    },
  },
  {
    name: 'optional fields are well-typed when present (quotedAt a valid Date not after fetchedAt, isStale a boolean)',
    async run(make, options) {
      const { quote } = await quoteOf(make, options);
      if (quote.isStale !== undefined)
        assert.equal(typeof quote.isStale, 'boolean', `isStale must be a boolean, got ${typeof quote.isStale}`);
      if (quote.quotedAt !== undefined) {
        assert.ok(isValidDate(quote.quotedAt), `quotedAt must be a valid Date, got ${String(quote.quotedAt)}`);
        assert.ok(
          isValidDate(quote.fetchedAt) && quote.quotedAt.getTime() <= quote.fetchedAt.getTime() + MAX_CLOCK_SKEW_MS,
          `quotedAt ${quote.quotedAt.toISOString()} must not be after fetchedAt ${String(quote.fetchedAt)}`,
        );
      }
    },
  },
  {
    name: 'concurrent calls all resolve to the same rate',
    async run(make) {
      const provider = await make();
      const quotes = await Promise.all(Array.from({ length: 50 }, () => provider.getRate('BTC', 'EUR')));
      quotes.forEach((q, i) => assertUsable(q, `call ${i}`));
      const rates = new Set(quotes.map((q) => q.rate.toFixed()));
      assert.equal(rates.size, 1, `expected one rate, got ${[...rates].join(', ')}`);
    },
  },
  {
    name: 'a second call after the first gives a usable rate too',
    async run(make) {
      const provider = await make();
      assertUsable(await provider.getRate('BTC', 'EUR'), 'first call');
      assertUsable(await provider.getRate('BTC', 'EUR'), 'second call');
    },
  },
]);
