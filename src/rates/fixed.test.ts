import { describe, expect, it } from 'vitest';
import { decimal } from '../domain/amount.js';
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

  it.each(['0', '-1', 'NaN', '', Number.POSITIVE_INFINITY, '1e5'])('rejects %j', (rate) => {
    expect(() => createFixedRates(rate)).toThrow(ValidationError);
    expect(() => createFixedSource(rate)).toThrow(ValidationError);
  });

  it('rejects another pair', async () => {
    await expect(createFixedRates('1').getRate('BTC', 'USD' as 'EUR')).rejects.toThrow(ValidationError);
  });

  for (const c of rateProviderConformanceCases) {
    it(`conformance: ${c.name}`, () => c.run(() => createFixedRates('87654.32')));
  }
});

describe('createFixedSource', () => {
  it('answers a quote under its name', async () => {
    const quote = await createFixedSource('90000.5', { name: 'pinned' }).fetchQuote();
    expect(quote.rate.toFixed()).toBe('90000.5');
    expect(quote.source).toBe('pinned');
  });
});

describe('conformance cases catch broken providers', () => {
  const broken = (rate: unknown, extra: object = {}) => ({
    getRate: async () => ({ rate, source: 'x', fetchedAt: new Date(), ...extra }) as never,
  });
  it.each([
    ['a zero rate', broken({ toFixed: () => '0', gt: () => false })],
    ['a number rate', broken(90000)],
    ['an empty source', broken(decimal('1'), { source: '' })],
  ])('%s fails at least one case', async (_name, provider) => {
    let failures = 0;
    for (const c of rateProviderConformanceCases) {
      await c.run(() => provider).catch(() => failures++);
    }
    expect(failures).toBeGreaterThan(0);
  });
});
