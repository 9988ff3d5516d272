/**
 * The configuration of `createRateProvider`, validated and with defaults applied.
 */
import { decimal, type Decimal, type DecimalInput } from '../domain/amount.js';
import { systemClock, type Clock } from '../domain/clock.js';
import { ValidationError, type RateSourceError } from '../errors.js';
import { MAX_FRESH_QUOTE_AGE_MS, MAX_QUOTE_AGE_MS, parseSaneRate } from './quote-bounds.js';
import type { RateSource } from './sources/rate-source.js';

/** Reported for each source that failed or was dropped as an outlier during a refresh. */
export interface SourceErrorEvent {
  /** The source's name. */
  readonly source: string;
  /** What went wrong, with the source and the reason. */
  readonly error: RateSourceError;
}

/** Reported each time the configured fallback rate is served. */
export interface FallbackUsedEvent {
  /** The fallback rate as a decimal string. */
  readonly rate: string;
  /** Why no fresh or stale rate could be served. */
  readonly reason: string;
  /** When it was served. */
  readonly at: Date;
}

/** Options of `createRateProvider`. Only `sources` is required. */
export interface RateProviderConfig {
  /** The sources, fetched in parallel; names must be unique and contain no ','. */
  readonly sources: readonly RateSource[];
  /** How long a fresh rate is served from the cache. Default is 60 000 ms; at most 600 000 (ten minutes). */
  readonly ttlMs?: number;
  /** Oldest a rate (since it was fetched) may be and still be served, marked stale, when a refresh fails. Default is 300 000 ms; at most 3 600 000 (one hour). */
  readonly maxStaleMs?: number;
  /** Agreeing sources needed for a fresh rate. Default is 1. */
  readonly minSources?: number;
  /** Largest relative distance from the median a quote may have (0.015 = 1.5 %). Default is 0.015. */
  readonly maxDeviation?: number | string;
  /** Bound on each source's answer. Default is 3 000 ms. */
  readonly timeoutMs?: number;
  /** Refresh in the background when a cached rate is this close to expiry. Default is ttlMs / 6. */
  readonly refreshAheadMs?: number;
  /** Consecutive failures that open a source's circuit breaker. Default is 3. */
  readonly breakerThreshold?: number;
  /** How long an open breaker skips its source before one probe. Default is 30 000 ms. */
  readonly halfOpenAfterMs?: number;
  /** Rate served (as `source: 'fallback'`) when neither a fresh nor a stale rate exists, 1..100,000,000 EUR per BTC. Default is none: fail closed. */
  readonly fallback?: DecimalInput;
  /** Time source for the cache. Default is the system clock. */
  readonly clock?: Clock;
  /** Called for each source failure or outlier (wire to metrics/logs). */
  readonly onSourceError?: (event: SourceErrorEvent) => void;
  /** Called each time the fallback rate is served (wire to the `rate.fallback_used` event). */
  readonly onFallbackUsed?: (event: FallbackUsedEvent) => void;
}

/** {@link RateProviderConfig} with defaults applied. */
export interface ResolvedRateProviderConfig {
  readonly sources: readonly RateSource[];
  readonly ttlMs: number;
  readonly maxStaleMs: number;
  readonly minSources: number;
  readonly maxDeviation: Decimal;
  readonly timeoutMs: number;
  readonly refreshAheadMs: number;
  readonly breakerThreshold: number;
  readonly halfOpenAfterMs: number;
  readonly fallback: Decimal | undefined;
  readonly clock: Clock;
  readonly onSourceError: ((event: SourceErrorEvent) => void) | undefined;
  readonly onFallbackUsed: ((event: FallbackUsedEvent) => void) | undefined;
}

function ms(value: unknown, field: string, fallback: number, min = 1, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `≥ ${min}` : `from ${min} to ${max}`;
    throw new ValidationError(field, `expected a number of milliseconds ${range}, got ${String(value)}`);
  }
  return value;
}

function count(value: unknown, field: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > max) {
    throw new ValidationError(field, `expected an integer from 1 to ${max}, got ${String(value)}`);
  }
  return value;
}

function deviation(value: unknown): Decimal {
  if (value === undefined) return decimal('0.015');
  const text =
    typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (!/^(?:0|[1-9]\d*)(?:\.\d+)?$/.test(text) || decimal(text).lte(0) || decimal(text).gte(1)) {
    throw new ValidationError(
      'maxDeviation',
      `expected a fraction between 0 and 1 (0.015 = 1.5 %), got ${String(value)}`,
    );
  }
  return decimal(text);
}

function checkSources(sources: unknown): readonly RateSource[] {
  if (!Array.isArray(sources) || sources.length === 0)
    throw new ValidationError('sources', 'expected at least one rate source');
  const names = new Set<string>();
  for (const s of sources as unknown[]) {
    const name = (s as RateSource | null)?.name;
    if (typeof name !== 'string' || !/^[^,\s]+$/.test(name) || typeof (s as RateSource).fetchQuote !== 'function') {
      throw new ValidationError(
        'sources',
        `expected sources with a name (no ',' or spaces) and fetchQuote(), got ${JSON.stringify(String(name))}`,
      );
    }
    if (names.has(name) || name === 'fallback')
      throw new ValidationError('sources', `expected unique source names, got ${name} twice or reserved`);
    names.add(name);
  }
  return Object.freeze([...(sources as RateSource[])]);
}

/**
 * Validates a {@link RateProviderConfig} and applies its defaults.
 * @throws {ValidationError} naming the first bad field
 */
export function resolveRateProviderConfig(config: RateProviderConfig): ResolvedRateProviderConfig {
  if (config === null || typeof config !== 'object')
    throw new ValidationError('config', 'expected an object with sources');
  const sources = checkSources(config.sources);
  // A quote is fresh for at most MAX_FRESH_QUOTE_AGE_MS and served at all for at most MAX_QUOTE_AGE_MS (the port's bounds).
  const ttlMs = ms(config.ttlMs, 'ttlMs', 60_000, 1, MAX_FRESH_QUOTE_AGE_MS);
  const maxStaleMs = ms(config.maxStaleMs, 'maxStaleMs', Math.max(300_000, ttlMs), ttlMs, MAX_QUOTE_AGE_MS);
  const refreshAheadMs = ms(config.refreshAheadMs, 'refreshAheadMs', Math.floor(ttlMs / 6), 0);
  if (refreshAheadMs >= ttlMs)
    throw new ValidationError('refreshAheadMs', `expected less than ttlMs (${ttlMs}), got ${refreshAheadMs}`);
  for (const [name, fn] of [
    ['onSourceError', config.onSourceError],
    ['onFallbackUsed', config.onFallbackUsed],
  ] as const) {
    if (fn !== undefined && typeof fn !== 'function') throw new ValidationError(name, 'expected a function');
  }
  return Object.freeze({
    sources,
    ttlMs,
    maxStaleMs,
    minSources: count(config.minSources, 'minSources', 1, sources.length),
    maxDeviation: deviation(config.maxDeviation),
    timeoutMs: ms(config.timeoutMs, 'timeoutMs', 3_000),
    refreshAheadMs,
    breakerThreshold: count(config.breakerThreshold, 'breakerThreshold', 3, 1000),
    halfOpenAfterMs: ms(config.halfOpenAfterMs, 'halfOpenAfterMs', 30_000),
    fallback: config.fallback === undefined ? undefined : parseSaneRate(config.fallback, 'fallback'),
    clock: config.clock ?? systemClock,
    onSourceError: config.onSourceError,
    onFallbackUsed: config.onFallbackUsed,
  });
}
