/**
 * The human-readable part: `ln` + network prefix + optional amount with multiplier.
 * Amounts are exact bigint msat; no floats anywhere.
 */
import { Bolt11Error } from '../errors.js';
import type { Bolt11Network } from './types.js';

/** msat in one bitcoin. */
const MSAT_PER_BTC = 100_000_000_000n;

/** 21 million BTC in msat: no amount may exceed it. */
export const MAX_AMOUNT_MSAT = 21_000_000n * MSAT_PER_BTC;

// Longest first, so that 'bcrt' wins over 'bc' and 'tbs' over 'tb'.
const NETWORKS: readonly Bolt11Network[] = ['bcrt', 'tbs', 'bc', 'tb'];

/** Multiplier → msat per unit, times 10 (so that pico, 0.1 msat, stays an integer). */
const TENTH_MSAT_PER_UNIT: Readonly<Record<string, bigint>> = {
  '': MSAT_PER_BTC * 10n,
  m: 100_000_000n * 10n,
  u: 100_000n * 10n,
  n: 100n * 10n,
  p: 1n,
};

/** Network and amount read from a human-readable part. */
export interface ParsedHrp {
  readonly network: Bolt11Network;
  readonly amountMsat: bigint | null;
}

/** Parses `ln<network><amount?>`; throws a {@link Bolt11Error} naming what is wrong. */
export function parseHrp(hrp: string): ParsedHrp {
  if (!hrp.startsWith('ln')) {
    throw new Bolt11Error('invalid_prefix', `expected a prefix starting with "ln", got "${hrp.slice(0, 12)}"`);
  }
  const rest = hrp.slice(2);
  const network = NETWORKS.find((n) => rest.startsWith(n) && !/^[a-z]/.test(rest.slice(n.length)));
  if (network === undefined) {
    throw new Bolt11Error('unknown_network', `expected one of lnbc, lntb, lntbs, lnbcrt, got "${hrp.slice(0, 12)}"`);
  }
  return { network, amountMsat: parseAmount(rest.slice(network.length)) };
}

/** Parses the amount part (`''` → `null`). */
export function parseAmount(text: string): bigint | null {
  if (text === '') return null;
  let digits = text;
  let multiplier = '';
  const last = text.charAt(text.length - 1);
  if (!/[0-9]/.test(last)) {
    if (!(last in TENTH_MSAT_PER_UNIT) || last === '') {
      throw new Bolt11Error('invalid_multiplier', `expected multiplier m, u, n or p, got "${last}"`);
    }
    multiplier = last;
    digits = text.slice(0, -1);
  }
  if (!/^[0-9]+$/.test(digits)) {
    throw new Bolt11Error('invalid_amount', `expected a decimal amount, got "${text.slice(0, 30)}"`);
  }
  if (digits.startsWith('0')) {
    throw new Bolt11Error(
      'invalid_amount',
      `expected a positive amount without leading zeros, got "${digits.slice(0, 30)}"`,
    );
  }
  // 21e6 BTC is 2.1e19 in pico-BTC (20 digits): anything longer is over the cap, and BigInt stays small.
  if (digits.length > 21) {
    throw new Bolt11Error('invalid_amount', `expected at most 21 million BTC, got ${digits.length} digits`);
  }
  const tenths = BigInt(digits) * (TENTH_MSAT_PER_UNIT[multiplier] as bigint);
  if (tenths % 10n !== 0n) {
    throw new Bolt11Error(
      'sub_msat_precision',
      `expected a whole number of msat, got ${digits}${multiplier} (last pico digit must be 0)`,
    );
  }
  const msat = tenths / 10n;
  if (msat > MAX_AMOUNT_MSAT) {
    throw new Bolt11Error('invalid_amount', `expected at most 21 million BTC, got ${msat} msat`);
  }
  return msat;
}

/** Formats msat with the largest multiplier that keeps it an integer (the spec's shortest form). */
export function formatAmount(msat: bigint): string {
  for (const m of ['', 'm', 'u', 'n'] as const) {
    const unit = (TENTH_MSAT_PER_UNIT[m] as bigint) / 10n;
    if (msat % unit === 0n) return `${msat / unit}${m}`;
  }
  return `${msat * 10n}p`;
}
