import { describe, expect, it } from 'vitest';
import { RateSourceError } from '../../errors.js';
import { checkedQuote, parseIsoTime, parseRateText, parseUnixSeconds } from './validate-quote.js';
import { decimal } from '../../domain/amount.js';

describe('parseRateText', () => {
  it.each([
    ['87654.32', '87654.32'],
    [' 87654.32000 ', '87654.32'],
    ['1', '1'],
    ['100000000', '100000000'],
    ['8.765432e4', '87654.32'],
    ['87654.1234567890123456789012345678901', '87654.12345678901234567890123456789'],
  ])('accepts %j as %s', (text, expected) => {
    expect(parseRateText('x', text).toFixed()).toBe(expected);
  });

  it.each([
    ['NaN', 'expected rate as a decimal, got "NaN"'],
    ['Infinity', 'as a decimal'],
    ['-87654.32', 'expected a positive rate, got -87654.32'],
    ['0', 'expected a positive rate, got 0'],
    ['0.000', 'expected a positive rate'],
    ['1e400', 'within 1..100000000 EUR/BTC, got 1e400'],
    ['1e-400', 'within 1..100000000'],
    ['1e9999999999', 'within'],
    ['0.5', 'within 1..100000000 EUR/BTC, got 0.5'],
    ['100000000.01', 'within'],
    ['', 'as a decimal'],
    ['0x10', 'as a decimal'],
    ['87,654.32', 'as a decimal'],
    [87654.32, 'expected rate as a decimal, got 87654.32'],
    [null, 'got null'],
    [undefined, 'got nothing'],
    [['1'], 'got an array'],
  ])('rejects %j with a typed error', (value, reason) => {
    const error = (() => {
      try {
        parseRateText('kraken', value);
      } catch (e) {
        return e;
      }
      throw new Error('did not throw');
    })();
    expect(error).toBeInstanceOf(RateSourceError);
    expect((error as RateSourceError).source).toBe('kraken');
    expect((error as RateSourceError).reason).toContain(reason);
  });
});

describe('timestamps', () => {
  it('parses Unix seconds and ISO times', () => {
    expect(parseUnixSeconds('x', '1767225600').toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(parseUnixSeconds('x', '1767225600.5').getTime()).toBe(1767225600500);
    expect(parseIsoTime('x', '2026-01-01T00:00:00.000Z').getTime()).toBe(Date.UTC(2026, 0, 1));
  });

  it.each([['-1'], ['abc'], [''], ['17672256001234'], [1767225600], [null]])('rejects Unix time %j', (v) => {
    expect(() => parseUnixSeconds('x', v)).toThrow(RateSourceError);
  });

  it.each([['yesterday'], ['2026-13-45T00:00:00Z'], [''], [0], [null]])('rejects ISO time %j', (v) => {
    expect(() => parseIsoTime('x', v)).toThrow(RateSourceError);
  });
});

describe('checkedQuote', () => {
  const now = Date.UTC(2026, 0, 1, 12);
  const rate = decimal('90000');

  it('builds a quote with fetchedAt = now and the provider time', () => {
    const quote = checkedQuote('x', rate, { now, quotedAt: new Date(now - 30_000) });
    expect(quote).toEqual({ rate, source: 'x', fetchedAt: new Date(now), quotedAt: new Date(now - 30_000) });
  });

  it('rejects a stale provider timestamp', () => {
    expect(() => checkedQuote('x', rate, { now, quotedAt: new Date(now - 600_001) })).toThrow(
      /stale quote: expected a timestamp at most 600 s old, got 600 s/,
    );
    expect(() => checkedQuote('x', rate, { now, quotedAt: new Date(now - 61_000), maxAgeMs: 60_000 })).toThrow(/stale/);
  });

  it('rejects a timestamp from the future beyond clock skew', () => {
    expect(() => checkedQuote('x', rate, { now, quotedAt: new Date(now + 120_000) })).toThrow(/not in the future/);
    expect(checkedQuote('x', rate, { now, quotedAt: new Date(now + 30_000) }).quotedAt).toEqual(new Date(now + 30_000));
  });
});
