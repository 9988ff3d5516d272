/**
 * Runner-agnostic conformance cases every RateProvider passes (ours and custom ones).
 * Use with any test runner: `for (const c of rateProviderConformanceCases) it(c.name, () => c.run(make))`.
 */
import assert from 'node:assert/strict';
import type { RateProvider, RateQuote } from './rate-provider.js';

/** One conformance case: `run` builds a provider with `make` and throws (node:assert) on a violation. */
export interface RateProviderConformanceCase {
  readonly name: string;
  run(make: () => Promise<RateProvider> | RateProvider): Promise<void>;
}

const PLAIN_POSITIVE = /^(?:0|[1-9]\d*)(?:\.\d+)?$/;

function checkQuote(quote: RateQuote): void {
  assert.ok(quote && typeof quote === 'object', 'getRate must resolve to a quote object');
  assert.equal(typeof quote.rate?.toFixed, 'function', 'rate must be a decimal (big.js)');
  const text = quote.rate.toFixed();
  assert.match(text, PLAIN_POSITIVE, `rate must be a finite non-negative decimal, got ${text}`);
  assert.ok(quote.rate.gt(0), `rate must be positive, got ${text}`);
}

/** The cases; each is independent and builds its own provider. */
export const rateProviderConformanceCases: readonly RateProviderConformanceCase[] = Object.freeze([
  {
    name: 'getRate resolves a positive, finite decimal rate',
    async run(make) {
      checkQuote(await (await make()).getRate('BTC', 'EUR'));
    },
  },
  {
    name: 'the quote names its source and when it was fetched',
    async run(make) {
      const quote = await (await make()).getRate('BTC', 'EUR');
      assert.equal(typeof quote.source, 'string');
      assert.ok(quote.source.length > 0, 'source must not be empty');
      assert.ok(
        quote.fetchedAt instanceof Date && Number.isFinite(quote.fetchedAt.getTime()),
        'fetchedAt must be a valid Date',
      );
      if (quote.sources !== undefined) {
        assert.ok(quote.sources.length > 0, 'sources, when given, must not be empty');
        assert.equal(quote.source, quote.sources.join(','), 'source must be the sources joined by ","');
      }
    },
  },
  {
    name: 'optional fields are well-typed when present',
    async run(make) {
      const quote = await (await make()).getRate('BTC', 'EUR');
      if (quote.quotedAt !== undefined)
        assert.ok(
          quote.quotedAt instanceof Date && Number.isFinite(quote.quotedAt.getTime()),
          'quotedAt must be a valid Date',
        );
      if (quote.isStale !== undefined) assert.equal(typeof quote.isStale, 'boolean');
    },
  },
  {
    name: 'concurrent calls all resolve to the same rate',
    async run(make) {
      const provider = await make();
      const quotes = await Promise.all(Array.from({ length: 50 }, () => provider.getRate('BTC', 'EUR')));
      const rates = new Set(quotes.map((q) => q.rate.toFixed()));
      assert.equal(rates.size, 1, `expected one rate, got ${[...rates].join(', ')}`);
      quotes.forEach(checkQuote);
    },
  },
  {
    name: 'a second call after the first gives a usable rate too',
    async run(make) {
      const provider = await make();
      checkQuote(await provider.getRate('BTC', 'EUR'));
      checkQuote(await provider.getRate('BTC', 'EUR'));
    },
  },
]);
