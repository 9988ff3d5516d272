import { describe, expect, it } from 'vitest';
import { isLightningError } from '../errors.js';
import { validateBudget, validatePolicy, validateRebalanceInput } from './validate-liquidity-input.js';

const GOOD = { outChannel: '877008154718978049', inPeer: `02${'ab'.repeat(32)}`, amountSat: 100_000n, maxFeeSat: 10n };

const field = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    if (isLightningError(error) && error.code === 'INVALID_INPUT') return (error as { field?: string }).field;
    throw error;
  }
  return undefined;
};

describe('validateRebalanceInput', () => {
  it('accepts sats as bigint, number or string, and either fee limit', () => {
    expect(validateRebalanceInput({ ...GOOD, amountSat: '100000' })).toMatchObject({ amountSat: 100_000n });
    expect(validateRebalanceInput({ ...GOOD, maxFeeSat: undefined, maxFeePpm: 0 })).toMatchObject({ maxFeePpm: 0 });
    expect(validateRebalanceInput({ ...GOOD, maxFeeSat: 0 })).toMatchObject({ maxFeeSat: 0n });
  });
  it.each([
    ['not an object', null, 'input'],
    ['chan id 0', { ...GOOD, outChannel: '0' }, 'outChannel'],
    ['chan id above 2^64', { ...GOOD, outChannel: '18446744073709551616' }, 'outChannel'],
    ['chan id as a number', { ...GOOD, outChannel: 877008154 }, 'outChannel'],
    ['a 32-byte pubkey', { ...GOOD, inPeer: 'ab'.repeat(32) }, 'inPeer'],
    ['amount -1', { ...GOOD, amountSat: -1n }, 'amountSat'],
    ['amount 1.5', { ...GOOD, amountSat: 1.5 }, 'amountSat'],
    ['maxFeeSat -1', { ...GOOD, maxFeeSat: -1n }, 'maxFeeSat'],
    ['ppm 1.5', { ...GOOD, maxFeePpm: 1.5 }, 'maxFeePpm'],
    ['ppm above 1e6', { ...GOOD, maxFeePpm: 1_000_001 }, 'maxFeePpm'],
    ['no fee limit', { ...GOOD, maxFeeSat: undefined }, 'maxFeeSat'],
    ['an empty idempotency key', { ...GOOD, idempotencyKey: '' }, 'idempotencyKey'],
  ])('refuses %s', (_label, input, expected) => {
    expect(field(() => validateRebalanceInput(input))).toBe(expected);
  });
});

describe('validatePolicy and validateBudget', () => {
  it.each([
    [{ minLocalRatio: -0.1 }, 'policy.minLocalRatio'],
    [{ maxLocalRatio: 1.5 }, 'policy.maxLocalRatio'],
    [{ minLocalRatio: 0.7, maxLocalRatio: 0.3 }, 'policy.minLocalRatio'],
    [{ target: 'middle' }, 'policy.target'],
    [{ channels: { abc: {} } }, 'policy.channels key'],
    [{ peers: { [`02${'ab'.repeat(32)}`]: { maxLocalRatio: 2 } } }, `policy.peers[02ababab…].maxLocalRatio`],
    [{ ignore: 'x' }, 'policy.ignore'],
  ])('refuses policy %j', (policy, expected) => {
    expect(field(() => validatePolicy(policy))).toBe(expected);
  });
  it('fills budget defaults and refuses a minimum above the maximum', () => {
    expect(validateBudget(undefined)).toEqual({
      maxFeePpm: 1000,
      maxFeeSatPerDay: 1000n,
      maxAmountSat: 1_000_000n,
      minAmountSat: 10_000n,
    });
    expect(field(() => validateBudget({ minAmountSat: 2n, maxAmountSat: 1n }))).toBe('budget.minAmountSat');
    expect(field(() => validateBudget({ maxFeeSatPerDay: -1n }))).toBe('budget.maxFeeSatPerDay');
  });
});
