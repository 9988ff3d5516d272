import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Bolt11Error } from '../errors.js';
import { formatAmount, MAX_AMOUNT_MSAT, parseAmount, parseHrp } from './hrp.js';

function reasonOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof Bolt11Error) return err.reason;
    throw err;
  }
  return undefined;
}

describe('parseAmount', () => {
  it.each([
    ['', null],
    ['1', 100_000_000_000n],
    ['21000000', MAX_AMOUNT_MSAT],
    ['2500u', 250_000_000n],
    ['20m', 2_000_000_000n],
    ['1n', 100n],
    ['10p', 1n],
    ['9678785340p', 967_878_534n],
    ['2100000000000000000p', 210_000_000_000_000_000n],
  ])('%s → %s msat', (text, msat) => {
    expect(parseAmount(text)).toBe(msat);
  });

  it.each([
    ['2500x', 'invalid_multiplier'],
    ['25X', 'invalid_multiplier'],
    ['m', 'invalid_amount'],
    ['0', 'invalid_amount'],
    ['0m', 'invalid_amount'],
    ['025m', 'invalid_amount'],
    ['2.5m', 'invalid_amount'],
    ['-1m', 'invalid_amount'],
    ['1p', 'sub_msat_precision'],
    ['2500000001p', 'sub_msat_precision'],
    ['21000001', 'invalid_amount'],
    ['21000000001m', 'invalid_amount'],
    ['9'.repeat(500), 'invalid_amount'],
  ])('%s → %s', (text, reason) => {
    expect(reasonOf(() => parseAmount(text))).toBe(reason);
  });
});

describe('parseHrp', () => {
  it.each([
    ['lnbc', 'bc', null],
    ['lntb20m', 'tb', 2_000_000_000n],
    ['lntbs1u', 'tbs', 100_000n],
    ['lnbcrt2500u', 'bcrt', 250_000_000n],
  ])('%s → %s', (hrp, network, msat) => {
    expect(parseHrp(hrp)).toEqual({ network, amountMsat: msat });
  });

  it.each([
    ['bc20m', 'invalid_prefix'],
    ['lnsb20m', 'unknown_network'],
    ['lnltc20m', 'unknown_network'],
    ['lnbcx', 'unknown_network'],
    ['ln', 'unknown_network'],
  ])('%s → %s', (hrp, reason) => {
    expect(reasonOf(() => parseHrp(hrp))).toBe(reason);
  });
});

describe('formatAmount', () => {
  it.each([
    [100_000_000_000n, '1'],
    [250_000_000n, '2500u'],
    [2_000_000_000n, '20m'],
    [100n, '1n'],
    [1n, '10p'],
    [967_878_534n, '9678785340p'],
  ])('%s msat → %s', (msat, text) => {
    expect(formatAmount(msat)).toBe(text);
  });

  it('round-trips every amount 1..21M BTC exactly', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: MAX_AMOUNT_MSAT }), (msat) => parseAmount(formatAmount(msat)) === msat),
      { numRuns: 500 },
    );
  });
});
