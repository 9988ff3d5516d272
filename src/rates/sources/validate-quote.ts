/**
 * Checks shared by every source: what a provider sends becomes a quote only when it is a
 * positive decimal of sane magnitude with a fresh timestamp; anything else is a RateSourceError.
 */
import { decimal, type Decimal } from '../../domain/amount.js';
import { RateSourceError } from '../../errors.js';
import type { RateSourceQuote } from './rate-source.js';

import { MAX_CLOCK_SKEW_MS, MAX_SANE_RATE, MIN_SANE_RATE } from '../quote-bounds.js';

export { MAX_CLOCK_SKEW_MS, MAX_SANE_RATE, MIN_SANE_RATE } from '../quote-bounds.js';

/** Default oldest provider timestamp accepted: 10 minutes. */
export const DEFAULT_MAX_AGE_MS = 600_000;

const NUMBER_TEXT = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE]([+-]?\d+))?$/;

/** Short printable form of a provider value for an error reason. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') {
    const clean = value.replace(/[^\x20-\x7e]/g, '?');
    return JSON.stringify(clean.length > 40 ? `${clean.slice(0, 40)}…` : clean);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : String(value);
}

/** Reads `value[key]` when `value` is a plain object, else `undefined`. */
export function field(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return Object.prototype.hasOwnProperty.call(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Parses a provider's price text (a JSON string, or a number literal kept as text) into a rate.
 * @throws {RateSourceError} on non-decimal text, NaN, zero, negative or a rate outside 1..100,000,000
 */
export function parseRateText(source: string, value: unknown, what = 'rate'): Decimal {
  if (typeof value !== 'string')
    throw new RateSourceError(source, `expected ${what} as a decimal, got ${describeValue(value)}`);
  const text = value.trim();
  const match = NUMBER_TEXT.exec(text);
  if (!match) throw new RateSourceError(source, `expected ${what} as a decimal, got ${describeValue(value)}`);
  // A huge exponent ('1e400', '1e9999999') is out of range; reject it before big.js builds it.
  if (match[1] !== undefined && Math.abs(Number(match[1])) > 30) {
    throw new RateSourceError(
      source,
      `expected ${what} within ${MIN_SANE_RATE}..${MAX_SANE_RATE} EUR/BTC, got ${text}`,
    );
  }
  const rate = decimal(text);
  if (rate.lte(0)) throw new RateSourceError(source, `expected a positive ${what}, got ${text}`);
  if (rate.lt(MIN_SANE_RATE) || rate.gt(MAX_SANE_RATE)) {
    throw new RateSourceError(
      source,
      `expected ${what} within ${MIN_SANE_RATE}..${MAX_SANE_RATE} EUR/BTC, got ${text}`,
    );
  }
  return rate.round(30);
}

/**
 * Parses a Unix time in seconds (`'1767225600'` or its number literal kept as text).
 * @throws {RateSourceError} when it is not a plausible Unix time
 */
export function parseUnixSeconds(source: string, value: unknown, what = 'timestamp'): Date {
  if (typeof value !== 'string' || !/^\d{9,11}(?:\.\d+)?$/.test(value.trim())) {
    throw new RateSourceError(source, `expected ${what} as Unix seconds, got ${describeValue(value)}`);
  }
  return new Date(Math.round(Number(value.trim()) * 1000));
}

/**
 * Parses an ISO 8601 time (`'2026-01-01T00:00:00.000Z'`).
 * @throws {RateSourceError} when it is not an ISO date-time
 */
export function parseIsoTime(source: string, value: unknown, what = 'timestamp'): Date {
  const ms = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms))
    throw new RateSourceError(source, `expected ${what} as an ISO date-time, got ${describeValue(value)}`);
  return new Date(ms);
}

/** What {@link checkedQuote} needs besides the rate. */
export interface QuoteTimes {
  /** When the answer arrived (ms since the epoch). */
  readonly now: number;
  /** The provider's own timestamp, if it sends one. */
  readonly quotedAt?: Date;
  /** Oldest `quotedAt` accepted. Default is {@link DEFAULT_MAX_AGE_MS}. */
  readonly maxAgeMs?: number;
}

/**
 * Builds a quote after checking the provider timestamp is neither stale nor in the future.
 * @throws {RateSourceError} when `quotedAt` is older than `maxAgeMs` or more than a minute ahead
 */
export function checkedQuote(source: string, rate: Decimal, times: QuoteTimes): RateSourceQuote {
  const { now, quotedAt } = times;
  const maxAgeMs = times.maxAgeMs ?? DEFAULT_MAX_AGE_MS;
  if (quotedAt !== undefined) {
    const ageMs = now - quotedAt.getTime();
    if (ageMs > maxAgeMs) {
      throw new RateSourceError(
        source,
        `stale quote: expected a timestamp at most ${Math.round(maxAgeMs / 1000)} s old, got ${Math.round(ageMs / 1000)} s (${quotedAt.toISOString()})`,
      );
    }
    if (-ageMs > MAX_CLOCK_SKEW_MS) {
      throw new RateSourceError(source, `expected a timestamp not in the future, got ${quotedAt.toISOString()}`);
    }
  }
  const fetchedAt = new Date(now);
  return quotedAt === undefined ? { rate, source, fetchedAt } : { rate, source, fetchedAt, quotedAt };
}
