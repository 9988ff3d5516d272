/**
 * The small adapter every rate source implements: one provider, one quote, validated.
 */
import type { Decimal } from '../../domain/amount.js';
import type { Clock } from '../../domain/clock.js';

/** One provider's BTC/EUR quote, already validated (positive, sane, fresh). */
export interface RateSourceQuote {
  /** EUR per BTC; positive, finite, within the sane range. */
  readonly rate: Decimal;
  /** The source's name, e.g. `'kraken'`. */
  readonly source: string;
  /** When lnkit received the answer. */
  readonly fetchedAt: Date;
  /** When the provider says it quoted the price, if it says. */
  readonly quotedAt?: Date;
}

/** A BTC/EUR rate source: `createKrakenSource()`, `createFixedSource('90000')` or your own. */
export interface RateSource {
  /** Unique, stable name used in quotes, errors and metrics (`'kraken'`). */
  readonly name: string;
  /**
   * Fetches one quote. Honours `signal` (aborts the request when it fires).
   * @throws {RateSourceError} on any failure: network, HTTP status, error body, malformed, insane or stale value
   */
  fetchQuote(signal?: AbortSignal): Promise<RateSourceQuote>;
}

/** Options shared by the HTTP sources. All optional. */
export interface RateSourceConfig {
  /** Origin (plus optional path prefix) to call instead of the provider's public API, e.g. a proxy or a test server. */
  readonly baseUrl?: string;
  /** The provider's API key (CoinGecko, CoinMarketCap); sent in a header, never in the URL or an error. */
  readonly apiKey?: string;
  /** Bound on one request including the body. Default is 5 000 ms. */
  readonly timeoutMs?: number;
  /** The fetch implementation. Default is the global `fetch`. */
  readonly fetch?: typeof globalThis.fetch;
  /** Oldest provider timestamp accepted. Default is 600 000 ms (10 min). */
  readonly maxAgeMs?: number;
  /** Time source for `fetchedAt` and freshness. Default is the system clock. */
  readonly clock?: Clock;
}
