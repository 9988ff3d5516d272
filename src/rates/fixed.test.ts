import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors.js';
import { createManualClock } from '../testing/manual-clock.js';
import { rateProviderConformanceCases } from './conformance.js';
import { createFixedRates, createFixedSource } from './fixed.js';

describe('createFixedRates', () => {
  it('answers the rate, always fresh, stamped by the clock', async () => {
    const clock = createManualClock(Date.UTC(2026, 0, 1));
    const rates = createFixedRates('87654.32', { clock });
    const first = await rates.getRate('BTC', 'EUR');
    expect(first).toMatchObject({
      source: 'fixed',
      sources: ['fixed'],
      fetchedAt: new Date(Date.UTC(2026, 0, 1)),
      isStale: false,
    });
    expect(first.rate.toFixed()).toBe('87654.32');
    await clock.advance(3_600_000);
    expect((await rates.getRate('BTC', 'EUR')).fetchedAt).toEqual(new Date(Date.UTC(2026, 0, 1, 1)));
  });

  it('takes a source name', async () => {
    expect(await createFixedRates(90000, { source: 'demo' }).getRate('BTC', 'EUR')).toMatchObject({
      source: 'demo',
      sources: ['demo'],
    });
  });

  it.each(['0', '-1', 'NaN', '', Number.POSITIVE_INFINITY, '1e5', '0.0000114', '0.999', '100000000.01'])(
    'rejects %j',
    (rate) => {
      expect(() => createFixedRates(rate)).toThrow(ValidationError);
      expect(() => createFixedSource(rate)).toThrow(ValidationError);
    },
  );

  it('names the range when the rate is given the wrong way round', () => {
    expect(() => createFixedRates('0.0000114')).toThrow(
      'rate: expected a BTC/EUR rate from 1 to 100000000 EUR per BTC, got 0.0000114',
    );
    expect(createFixedRates('1')).toBeDefined();
    expect(createFixedRates('100000000')).toBeDefined();
  });

  it('rejects another pair', async () => {
    await expect(createFixedRates('1').getRate('BTC', 'USD' as 'EUR')).rejects.toThrow(ValidationError);
  });

  for (const c of rateProviderConformanceCases) {
    it(`conformance: ${c.name}`, () => c.run(() => createFixedRates('87654.32')));
  }

  it('passes the conformance cases on a manual clock when the cases are given that clock', async () => {
    const clock = createManualClock(Date.UTC(2020, 0, 1));
    const make = () => createFixedRates('87654.32', { clock });
    for (const c of rateProviderConformanceCases) await c.run(make, { clock });
    const fetchedAtCase = rateProviderConformanceCases.find((c) => c.name.startsWith('fetchedAt'))!;
    await expect(fetchedAtCase.run(make)).rejects.toThrow(/old \(limit 3600 s\)/);
  });
});

describe('createFixedSource', () => {
  it('answers a quote under its name', async () => {
    const quote = await createFixedSource('90000.5', { name: 'pinned' }).fetchQuote();
    expect(quote.rate.toFixed()).toBe('90000.5');
    expect(quote.source).toBe('pinned');
  });
});
