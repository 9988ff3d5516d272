/**
 * The rounding rule, on the real function the invoice service uses: sats = ceil(eur × 1e8 / rate),
 * msat = sats × 1000. Expected values computed independently with exact fractions.
 */
import { describe, expect, it } from 'vitest';
import { decimal, eurToMsat, MAX_MSAT, parseEur, parseRate } from '../domain/amount.js';
import { ValidationError } from '../errors.js';
import { median } from './aggregate.js';

describe('eurToMsat rounding table', () => {
  it.each([
    // eur, rate (EUR/BTC), sats, why
    ['19.99', '87654.32', 22_806n, 'the reference case: 22,805.49… rounds up'],
    ['0.01', '87654.32', 12n, 'one cent: 11.41 sat rounds up to 12'],
    ['0.01', '100000000', 1n, 'one cent at 100 M EUR/BTC is 0.01 sat: never 0'],
    ['0.01', '1', 1_000_000n, 'one cent at 1 EUR/BTC, exact'],
    ['1000000', '87654.32', 1_140_845_084n, 'a million euros'],
    ['1000000', '1', 100_000_000_000_000n, 'a million euros at 1 EUR/BTC: 1 M BTC, below the cap'],
    ['87654.32', '87654.32', 100_000_000n, 'exactly 1 BTC: an exact result is not bumped'],
    ['43827.16', '87654.32', 50_000_000n, 'exactly 0.5 BTC'],
    ['1', '3', 33_333_334n, 'a repeating quotient rounds up'],
    ['10', '90050', 11_105n, 'the median of 90,000 and 90,100'],
    ['19.99', '87654.123456789012345678901234567891', 22_806n, 'a rate with 30 decimals'],
    ['100', '87654.3200000000000000000000001', 114_085n, 'a rate a hair above a round one'],
  ])('€%s at %s EUR/BTC → %s sat (%s)', (eur, rate, sats) => {
    expect(eurToMsat(eur, rate)).toBe(sats * 1000n);
  });

  it('gives the same answer for strings, numbers and decimals', () => {
    const expected = 22_806_000n;
    expect(eurToMsat(19.99, 87654.32)).toBe(expected);
    expect(eurToMsat(parseEur('19.99'), parseRate('87654.32'))).toBe(expected);
    expect(eurToMsat('19.99', median([decimal('87654.31'), decimal('87654.33')]))).toBe(expected);
  });

  it('never charges less than the price: sats × rate ≥ eur for many cases', () => {
    const rates = ['1', '87654.32', '90050', '12345.6789', '99999999.99'];
    for (const rate of rates) {
      for (const cents of [1n, 7n, 99n, 1999n, 123456n, 100000000n]) {
        const eur = `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
        const sats = eurToMsat(eur, rate) / 1000n;
        const paid = decimal(sats.toString()).times(rate);
        const price = decimal(eur).times(100_000_000);
        expect(paid.gte(price)).toBe(true);
        expect(
          decimal((sats - 1n).toString())
            .times(rate)
            .lt(price),
        ).toBe(true); // and not a sat more than needed
      }
    }
  });

  it('stays exact where a float would not', () => {
    // 0.1 + 0.2 style error would make this 30,000,001 sat
    expect(eurToMsat('0.3', '1')).toBe(30_000_000n * 1000n);
  });

  it.each([
    ['19.999', '87654.32', 'amountEur: expected at most 2 decimals'],
    ['0', '87654.32', 'amountEur: expected a positive EUR amount'],
    ['-1', '87654.32', 'amountEur: expected a positive EUR amount'],
    ['1e3', '87654.32', 'amountEur'],
    ['19.99', '0', 'rate: expected a positive rate'],
    ['19.99', '-87654.32', 'rate: expected a positive decimal rate'],
    ['19.99', 'NaN', 'rate'],
    ['19.99', Number.NaN, 'rate: expected a finite number'],
    ['999999999999999.99', '1', 'above 21 million BTC'],
  ])('rejects €%s at %s with a ValidationError', (eur, rate, message) => {
    expect(() => eurToMsat(eur, rate)).toThrow(ValidationError);
    expect(() => eurToMsat(eur, rate)).toThrow(message);
  });

  it.each([
    ['a zero EUR decimal', () => eurToMsat(decimal('0'), '90000')],
    ['a negative EUR decimal', () => eurToMsat(decimal('-1'), '90000')],
    ['an EUR decimal with 3 decimals', () => eurToMsat(decimal('1.999'), '90000')],
    ['a zero rate decimal', () => eurToMsat('1', decimal('0'))],
    ['a negative rate decimal', () => eurToMsat('1', decimal('-5'))],
  ])('rejects %s too (decimals are validated like strings)', (_name, call) => {
    expect(call).toThrow(ValidationError);
  });

  it('allows exactly 21 million BTC and not one sat more', () => {
    expect(eurToMsat('21000000', '1')).toBe(MAX_MSAT);
    expect(() => eurToMsat('21000000.01', '1')).toThrow('above 21 million BTC');
  });
});
