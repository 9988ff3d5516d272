/**
 * `createRateProvider`: several sources behind one RateProvider. Parallel fetch, per-source
 * timeout and circuit breaker, median with an outlier guard, TTL cache with single flight and
 * refresh ahead of expiry, bounded staleness, then fail closed (or an explicit fallback).
 */
import {
  circuitBreaker,
  ConsecutiveBreaker,
  handleAll,
  isBrokenCircuitError,
  timeout,
  TimeoutStrategy,
  wrap,
  type IPolicy,
} from 'cockatiel';
import { isLightningError, RateSourceError, RateUnavailableError, ValidationError } from '../errors.js';
import type { RateProvider, RateQuote } from './rate-provider.js';
import { aggregateQuotes, median } from './aggregate.js';
import { resolveRateProviderConfig, type RateProviderConfig } from './composite-config.js';
import { cleanText } from './sources/http-json.js';
import type { RateSource, RateSourceQuote } from './sources/rate-source.js';
import { parseRateText } from './sources/validate-quote.js';

export type { FallbackUsedEvent, RateProviderConfig, SourceErrorEvent } from './composite-config.js';

interface Member {
  readonly source: RateSource;
  readonly policy: IPolicy;
}

/**
 * cockatiel 3.2.1's `isTaskCancelledError` tests the wrong marker ('isBulkheadRejectedError'),
 * so the timeout's error is recognised by its own marker here.
 */
function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error as { isTaskCancelledError?: unknown }).isTaskCancelledError === true;
}

type Outcome = { readonly quote: RateSourceQuote } | { readonly error: RateSourceError };

/** Re-checks what a (possibly custom) source returned, so a bad source cannot poison the median. */
function checkSourceQuote(name: string, quote: RateSourceQuote, now: number): RateSourceQuote {
  const raw = quote as Partial<RateSourceQuote> | null;
  const rateText = raw?.rate && typeof raw.rate.toFixed === 'function' ? raw.rate.toFixed() : raw?.rate;
  const rate = parseRateText(name, rateText, 'rate');
  const fetchedAt =
    raw?.fetchedAt instanceof Date && Number.isFinite(raw.fetchedAt.getTime()) ? raw.fetchedAt : new Date(now);
  const quotedAt = raw?.quotedAt instanceof Date && Number.isFinite(raw.quotedAt.getTime()) ? raw.quotedAt : undefined;
  return quotedAt ? { rate, source: name, fetchedAt, quotedAt } : { rate, source: name, fetchedAt };
}

/**
 * Combines rate sources into one fail-closed RateProvider.
 * @param config sources and policy; see {@link RateProviderConfig} for each default
 * @throws {ValidationError} on a bad config (no sources, duplicate names, minSources above the source count…)
 * @example
 * const rates = createRateProvider({
 *   sources: [createKrakenSource(), createBitstampSource(), createCoinbaseSource()],
 *   minSources: 2,
 * });
 * const { rate, source } = await rates.getRate('BTC', 'EUR'); // source: 'kraken,bitstamp,coinbase'
 */
export function createRateProvider(config: RateProviderConfig): RateProvider {
  const c = resolveRateProviderConfig(config);
  const { clock } = c;
  const members: readonly Member[] = c.sources.map((source) => ({
    source,
    policy: wrap(
      circuitBreaker(handleAll, {
        halfOpenAfter: c.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(c.breakerThreshold),
      }),
      timeout(c.timeoutMs, TimeoutStrategy.Aggressive),
    ),
  }));
  let cache: RateQuote | undefined;
  let inflight: Promise<RateQuote> | undefined;

  function notify<E>(fn: ((event: E) => void) | undefined, event: E): void {
    try {
      fn?.(event);
    } catch {
      // a throwing listener must not break pricing
    }
  }

  function toSourceError(name: string, error: unknown): RateSourceError {
    if (isTimeout(error)) return new RateSourceError(name, `timed out after ${c.timeoutMs} ms`, { cause: error });
    if (isBrokenCircuitError(error)) {
      return new RateSourceError(name, `skipped: circuit open after ${c.breakerThreshold} consecutive failures`, {
        cause: error,
      });
    }
    if (error instanceof RateSourceError && error.source === name) return error;
    if (isLightningError(error) && error.code === 'RATE_SOURCE_ERROR') {
      return new RateSourceError(name, (error as RateSourceError).reason, { cause: error });
    }
    const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return new RateSourceError(name, `unexpected error: ${cleanText(detail)}`, { cause: error });
  }

  async function fetchOne({ source, policy }: Member): Promise<Outcome> {
    try {
      const quote = await policy.execute(async ({ signal }) =>
        checkSourceQuote(source.name, await source.fetchQuote(signal), clock.now()),
      );
      return { quote };
    } catch (error) {
      const sourceError = toSourceError(source.name, error);
      notify(c.onSourceError, { source: source.name, error: sourceError });
      return { error: sourceError };
    }
  }

  async function fetchFresh(): Promise<RateQuote> {
    const outcomes = await Promise.all(members.map(fetchOne));
    const quotes = outcomes.flatMap((o) => ('quote' in o ? [o.quote] : []));
    const reasons = outcomes.flatMap((o) => ('error' in o ? [o.error.message] : []));
    const { kept, outliers } = aggregateQuotes(quotes, c.maxDeviation);
    for (const { quote, deviation, median: mid } of outliers) {
      const pct = deviation.times(100).round(2).toFixed();
      const error = new RateSourceError(
        quote.source,
        `outlier: ${quote.rate.toFixed()} is ${pct}% from the median ${mid.toFixed()} (limit ${c.maxDeviation.times(100).toFixed()}%)`,
      );
      reasons.push(error.message);
      notify(c.onSourceError, { source: quote.source, error });
    }
    if (kept.length < c.minSources) {
      throw new RateUnavailableError(
        `no fresh BTC/EUR rate: ${kept.length} of ${members.length} sources usable, need ${c.minSources} (${reasons.join('; ')})`,
      );
    }
    const sources = kept.map((q) => q.source);
    const quotedTimes = kept.flatMap((q) => (q.quotedAt ? [q.quotedAt.getTime()] : []));
    const result: RateQuote = {
      // exact mean for an even count; rounded only past the 30th decimal, the most parseRate accepts
      rate: median(kept.map((q) => q.rate)).round(30),
      source: sources.join(','),
      sources: Object.freeze(sources),
      fetchedAt: new Date(clock.now()),
      ...(quotedTimes.length > 0 ? { quotedAt: new Date(Math.min(...quotedTimes)) } : {}),
      isStale: false,
    };
    return Object.freeze(result);
  }

  /** Single flight: every caller during a refresh shares its one fetch per source. */
  function refresh(): Promise<RateQuote> {
    if (!inflight) {
      inflight = fetchFresh()
        .then((quote) => {
          cache = quote;
          return quote;
        })
        .finally(() => {
          inflight = undefined;
        });
    }
    return inflight;
  }

  function staleOrFallback(error: unknown): RateQuote {
    const now = clock.now();
    if (cache && now - cache.fetchedAt.getTime() <= c.maxStaleMs) return Object.freeze({ ...cache, isStale: true });
    let reason = error instanceof Error ? error.message : String(error);
    if (cache)
      reason += `; last good rate is ${Math.round((now - cache.fetchedAt.getTime()) / 1000)} s old (limit ${Math.round(c.maxStaleMs / 1000)} s)`;
    if (c.fallback) {
      notify(c.onFallbackUsed, { rate: c.fallback.toFixed(), reason, at: new Date(now) });
      return Object.freeze({
        rate: c.fallback,
        source: 'fallback',
        sources: Object.freeze(['fallback']),
        fetchedAt: new Date(now),
        isStale: false,
      });
    }
    throw new RateUnavailableError(reason, { cause: error });
  }

  return Object.freeze({
    async getRate(base: 'BTC', quote: 'EUR'): Promise<RateQuote> {
      if (base !== 'BTC' || quote !== 'EUR')
        throw new ValidationError('pair', `expected BTC/EUR, got ${String(base)}/${String(quote)}`);
      if (cache) {
        const ageMs = clock.now() - cache.fetchedAt.getTime();
        if (ageMs < c.ttlMs) {
          if (ageMs >= c.ttlMs - c.refreshAheadMs) refresh().catch(() => undefined); // errors already reported per source
          return cache;
        }
      }
      try {
        return await refresh();
      } catch (error) {
        return staleOrFallback(error);
      }
    },
  });
}
