import { afterEach, describe, expect, it, vi } from 'vitest';
import { decimal } from '../domain/amount.js';
import { RateSourceError, RateUnavailableError, ValidationError } from '../errors.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createRateProvider } from './composite.js';
import type { RateProviderConfig, SourceErrorEvent } from './composite-config.js';
import { rateProviderConformanceCases } from './conformance.js';
import { createFixedSource } from './sources/fixed.js';
import type { RateSource, RateSourceQuote } from './sources/rate-source.js';

const T0 = Date.UTC(2026, 0, 1);

/** A source whose answer the test controls; counts its calls. */
function stub(name: string, answer: () => Promise<RateSourceQuote> | RateSourceQuote) {
  const source = {
    name,
    calls: 0,
    async fetchQuote(): Promise<RateSourceQuote> {
      source.calls++;
      return answer();
    },
  };
  return source;
}
const quote = (name: string, rate: string): RateSourceQuote => ({
  rate: decimal(rate),
  source: name,
  fetchedAt: new Date(T0),
});
const ok = (name: string, rate: string) => stub(name, () => quote(name, rate));
const failing = (name: string, reason = 'HTTP 502') =>
  stub(name, () => {
    throw new RateSourceError(name, reason);
  });
const hanging = (name: string): RateSource => ({
  name,
  fetchQuote: () => new Promise<RateSourceQuote>(() => undefined),
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => new Error('expected a rejection'),
    (e: unknown) => e as Error,
  );
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('createRateProvider: median and outliers', () => {
  it('drops 120,000 from 90,000 / 90,100 / 120,000: result 90,050 from a,b', async () => {
    const errors: SourceErrorEvent[] = [];
    const rates = createRateProvider({
      sources: [ok('a', '90000'), ok('b', '90100'), ok('c', '120000')],
      onSourceError: (e) => errors.push(e),
    });
    const result = await rates.getRate('BTC', 'EUR');
    expect(result.rate.toFixed()).toBe('90050');
    expect(result).toMatchObject({ source: 'a,b', sources: ['a', 'b'], isStale: false });
    expect(errors.map((e) => e.error.message)).toEqual([
      'c: outlier: 120000 is 33.19% from the median 90100 (limit 1.5%)',
    ]);
  });

  it('carries the oldest provider time as quotedAt', async () => {
    const at = (name: string, rate: string, ms: number) =>
      stub(name, () => ({ ...quote(name, rate), quotedAt: new Date(ms) }));
    const rates = createRateProvider({
      sources: [at('a', '90000', T0 - 5_000), at('b', '90000', T0 - 9_000), ok('c', '90000')],
    });
    expect((await rates.getRate('BTC', 'EUR')).quotedAt).toEqual(new Date(T0 - 9_000));
  });

  it('fails closed when fewer than minSources agree', async () => {
    const rates = createRateProvider({ sources: [ok('a', '90000'), ok('b', '120000'), failing('c')], minSources: 2 });
    const error = await rejection(rates.getRate('BTC', 'EUR'));
    expect(error).toBeInstanceOf(RateUnavailableError);
    expect(error.message).toMatch(
      /^no fresh BTC\/EUR rate: 0 of 3 sources usable, need 2 \(c: HTTP 502; a: outlier: .*; b: outlier: /,
    );
  });

  it('every source down and no fallback → RateUnavailableError', async () => {
    const rates = createRateProvider({
      sources: [failing('a'), failing('b', 'rate limited (HTTP 429), Retry-After: 30')],
    });
    const error = await rejection(rates.getRate('BTC', 'EUR'));
    expect(error).toBeInstanceOf(RateUnavailableError);
    expect((error as RateUnavailableError).code).toBe('RATE_UNAVAILABLE');
    expect(error.message).toContain('a: HTTP 502; b: rate limited (HTTP 429), Retry-After: 30');
  });

  it.each([
    ['a zero rate', () => ({ ...quote('x', '1'), rate: decimal('0') }), 'expected a positive rate, got 0'],
    ['an insane rate', () => quote('x', '1000000000'), 'within 1..100000000'],
    [
      'no rate at all',
      () => ({ source: 'x', fetchedAt: new Date() }) as unknown as RateSourceQuote,
      'expected rate as a decimal, got nothing',
    ],
    ['a plain Error', () => Promise.reject(new Error('boom')), 'unexpected error: Error: boom'],
    ['a RateSourceError under another name', () => Promise.reject(new RateSourceError('other', 'bad')), 'bad'],
  ])('excludes a custom source returning %s, with a typed error', async (_name, answer, reason) => {
    const errors: SourceErrorEvent[] = [];
    const rates = createRateProvider({
      sources: [stub('x', answer), ok('good', '90000')],
      onSourceError: (e) => errors.push(e),
    });
    expect(await rates.getRate('BTC', 'EUR')).toMatchObject({ source: 'good' });
    expect(errors).toHaveLength(1);
    expect(errors[0]?.error).toBeInstanceOf(RateSourceError);
    expect(errors[0]?.error.source).toBe('x');
    expect(errors[0]?.error.reason).toContain(reason);
  });
});

describe('createRateProvider: timeout and breaker', () => {
  it('answers within timeoutMs when a source hangs (even one ignoring its signal)', async () => {
    const errors: SourceErrorEvent[] = [];
    const rates = createRateProvider({
      sources: [hanging('slow'), ok('fast', '90000')],
      timeoutMs: 50,
      onSourceError: (e) => errors.push(e),
    });
    const started = Date.now();
    expect(await rates.getRate('BTC', 'EUR')).toMatchObject({ source: 'fast' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(errors.map((e) => e.error.message)).toEqual(['slow: timed out after 50 ms']);
  });

  it('skips a dead source after 3 consecutive failures, then probes it after halfOpenAfterMs', async () => {
    const clock = createManualClock(T0);
    let wall = 1_000_000;
    vi.spyOn(Date, 'now').mockImplementation(() => wall); // cockatiel's breaker reads Date.now
    const dead = failing('dead');
    const errors: string[] = [];
    const rates = createRateProvider({
      sources: [dead, ok('good', '90000')],
      ttlMs: 1_000,
      halfOpenAfterMs: 10_000,
      clock,
      onSourceError: (e) => errors.push(e.error.reason),
    });
    for (let i = 0; i < 5; i++) {
      await rates.getRate('BTC', 'EUR');
      await clock.advance(1_000);
    }
    expect(dead.calls).toBe(3);
    expect(errors.slice(3)).toEqual([
      'skipped: circuit open after 3 consecutive failures',
      'skipped: circuit open after 3 consecutive failures',
    ]);
    wall += 10_000;
    await rates.getRate('BTC', 'EUR');
    expect(dead.calls).toBe(4);
  });
});

describe('createRateProvider: cache, single flight, staleness, fallback', () => {
  it('1,000 concurrent calls share one fetch per source', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const a = stub('a', async () => (await gate, quote('a', '90000')));
    const b = stub('b', async () => (await gate, quote('b', '90010')));
    const rates = createRateProvider({ sources: [a, b] });
    const pending = Promise.all(Array.from({ length: 1_000 }, () => rates.getRate('BTC', 'EUR')));
    release();
    const results = await pending;
    expect([a.calls, b.calls]).toEqual([1, 1]);
    expect(new Set(results.map((r) => r.rate.toFixed()))).toEqual(new Set(['90005']));
  });

  it('serves from cache within ttlMs, refreshes ahead of expiry, refetches after', async () => {
    const clock = createManualClock(T0);
    let price = '90000';
    const a = stub('a', () => quote('a', price));
    const rates = createRateProvider({ sources: [a], ttlMs: 60_000, refreshAheadMs: 10_000, clock });
    expect((await rates.getRate('BTC', 'EUR')).fetchedAt).toEqual(new Date(T0));
    await clock.advance(49_999);
    price = '91000';
    expect((await rates.getRate('BTC', 'EUR')).rate.toFixed()).toBe('90000');
    expect(a.calls).toBe(1);
    await clock.advance(1); // 50 s: inside the refresh-ahead window
    expect((await rates.getRate('BTC', 'EUR')).rate.toFixed()).toBe('90000'); // answered from cache at once
    await clock.advance(0);
    expect(a.calls).toBe(2);
    expect((await rates.getRate('BTC', 'EUR')).rate.toFixed()).toBe('91000'); // the background refresh landed
    await clock.advance(60_000);
    await rates.getRate('BTC', 'EUR');
    expect(a.calls).toBe(3);
  });

  it('serves the last good rate marked stale up to maxStaleMs, then fails closed', async () => {
    const clock = createManualClock(T0);
    let up = true;
    const a = stub('a', () => {
      if (!up) throw new RateSourceError('a', 'HTTP 502');
      return quote('a', '90000');
    });
    const rates = createRateProvider({
      sources: [a],
      ttlMs: 60_000,
      maxStaleMs: 300_000,
      breakerThreshold: 1000,
      clock,
    });
    await rates.getRate('BTC', 'EUR');
    up = false;
    await clock.advance(60_000);
    expect(await rates.getRate('BTC', 'EUR')).toMatchObject({ source: 'a', isStale: true, fetchedAt: new Date(T0) });
    await clock.advance(240_000); // exactly 300 s old: still served
    expect((await rates.getRate('BTC', 'EUR')).isStale).toBe(true);
    await clock.advance(1);
    const error = await rejection(rates.getRate('BTC', 'EUR'));
    expect(error).toBeInstanceOf(RateUnavailableError);
    expect(error.message).toContain('last good rate is 300 s old (limit 300 s)');
    up = true;
    expect(await rates.getRate('BTC', 'EUR')).toMatchObject({ isStale: false, fetchedAt: new Date(T0 + 300_001) });
  });

  it('uses the fallback only when nothing fresh or stale exists, and reports it', async () => {
    const clock = createManualClock(T0);
    const events: unknown[] = [];
    let up = false;
    const a = stub('a', () => {
      if (!up) throw new RateSourceError('a', 'HTTP 502');
      return quote('a', '90000');
    });
    const rates = createRateProvider({
      sources: [a],
      fallback: '85000.5',
      breakerThreshold: 1000,
      clock,
      onFallbackUsed: (e) => events.push(e),
    });
    const first = await rates.getRate('BTC', 'EUR');
    expect(first).toMatchObject({ source: 'fallback', sources: ['fallback'], fetchedAt: new Date(T0), isStale: false });
    expect(first.rate.toFixed()).toBe('85000.5');
    expect(events).toEqual([{ rate: '85000.5', reason: expect.stringContaining('a: HTTP 502'), at: new Date(T0) }]);
    up = true;
    expect((await rates.getRate('BTC', 'EUR')).source).toBe('a'); // the fallback is never cached
    up = false;
    await clock.advance(61_000);
    expect((await rates.getRate('BTC', 'EUR')).isStale).toBe(true); // stale beats fallback
    expect(events).toHaveLength(1);
  });

  it('a throwing listener does not break pricing', async () => {
    const rates = createRateProvider({
      sources: [failing('a')],
      fallback: 90000,
      onFallbackUsed: () => {
        throw new Error('x');
      },
      onSourceError: () => {
        throw new Error('y');
      },
    });
    expect((await rates.getRate('BTC', 'EUR')).source).toBe('fallback');
  });

  it('rejects any pair but BTC/EUR', async () => {
    const rates = createRateProvider({ sources: [ok('a', '90000')] });
    await expect(rates.getRate('BTC', 'USD' as 'EUR')).rejects.toThrow(ValidationError);
  });
});

describe('createRateProvider: config', () => {
  const a = createFixedSource('90000', { name: 'a' });
  it.each<[string, Partial<RateProviderConfig>]>([
    ['sources', { sources: [] }],
    ['sources', { sources: [a, a] }],
    ['sources', { sources: [createFixedSource('1', { name: 'x,y' })] }],
    ['sources', { sources: [createFixedSource('1', { name: 'fallback' })] }],
    ['ttlMs', { ttlMs: 0 }],
    ['ttlMs', { ttlMs: 600_001 }],
    ['maxStaleMs', { ttlMs: 60_000, maxStaleMs: 1_000 }],
    ['maxStaleMs', { maxStaleMs: 3_600_001 }],
    ['minSources', { minSources: 2 }],
    ['minSources', { minSources: 0 }],
    ['maxDeviation', { maxDeviation: 0 }],
    ['maxDeviation', { maxDeviation: 1 }],
    ['maxDeviation', { maxDeviation: Number.NaN }],
    ['timeoutMs', { timeoutMs: -1 }],
    ['refreshAheadMs', { ttlMs: 1_000, refreshAheadMs: 1_000 }],
    ['fallback', { fallback: '0' }],
    ['fallback', { fallback: '0.0000114' }],
    ['fallback', { fallback: '100000001' }],
    ['fallback', { fallback: 'NaN' }],
  ])('rejects a bad %s', (field, patch) => {
    expect(() => createRateProvider({ sources: [a], ...patch })).toThrow(ValidationError);
    expect(() => createRateProvider({ sources: [a], ...patch })).toThrow(new RegExp(`^${field}:`));
  });
});

describe('createRateProvider: conformance', () => {
  for (const c of rateProviderConformanceCases) {
    it(c.name, () =>
      c.run(() =>
        createRateProvider({
          sources: [createFixedSource('90000', { name: 'a' }), createFixedSource('90100.5', { name: 'b' })],
        }),
      ),
    );
  }
});
