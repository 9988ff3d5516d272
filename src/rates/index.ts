/**
 * BTC/EUR rate sources (Kraken, Bitstamp, Coinbase, CoinGecko, CoinMarketCap, fixed) and
 * `createRateProvider`, which combines them: TTL cache, single flight, median, outlier guard,
 * bounded staleness, fail closed or an explicit fallback.
 * @module lnkit/rates
 */
export type { RateProvider, RateQuote } from './rate-provider.js';
export type { RateSource, RateSourceConfig, RateSourceQuote } from './sources/rate-source.js';
export {
  createRateProvider,
  type FallbackUsedEvent,
  type RateProviderConfig,
  type SourceErrorEvent,
} from './composite.js';
export { createFixedRates, createFixedSource, type FixedRatesOptions, type FixedSourceOptions } from './fixed.js';
export { createKrakenSource } from './sources/kraken.js';
export { createBitstampSource } from './sources/bitstamp.js';
export { createCoinbaseSource } from './sources/coinbase.js';
export { createCoinGeckoSource, type CoinGeckoSourceConfig } from './sources/coingecko.js';
export { createCoinMarketCapSource } from './sources/coinmarketcap.js';
export { fetchJson, type FetchJsonOptions } from './sources/http-json.js';
export { parseJsonKeepingNumbers } from './sources/json-text.js';
export {
  checkedQuote,
  parseIsoTime,
  parseRateText,
  parseUnixSeconds,
  MAX_SANE_RATE,
  MIN_SANE_RATE,
  DEFAULT_MAX_AGE_MS,
  type QuoteTimes,
} from './sources/validate-quote.js';
export { MAX_CLOCK_SKEW_MS, MAX_FRESH_QUOTE_AGE_MS, MAX_QUOTE_AGE_MS } from './quote-bounds.js';
export { median } from './aggregate.js';
export {
  rateProviderConformanceCases,
  type RateProviderConformanceCase,
  type RateProviderConformanceOptions,
} from './conformance.js';
export { RateSourceError, RateUnavailableError } from '../errors.js';
