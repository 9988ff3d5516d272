/**
 * Validation of `lightning.liquidity` input. Pure: throws ValidationError, changes nothing.
 */
import { parseSat } from '../domain/amount.js';
import type { LiquidityBounds, LiquidityPolicy } from '../domain/liquidity.js';
import { ValidationError } from '../errors.js';
import { validateIdempotencyKey } from '../invoices/validate-invoice-input.js';

/** Input of `liquidity.rebalance`. Give `maxFeeSat`, `maxFeePpm` or both: the smaller limit applies. */
export interface RebalanceInput {
  /** Chan id (decimal string) of the channel to leave by: it has too much local balance. */
  readonly outChannel: string;
  /** Hex pubkey of the peer to come back through: one of its channels with us has too little local balance. */
  readonly inPeer: string;
  /** Amount to move, in sat. */
  readonly amountSat: bigint | number | string;
  /** Most fee to pay, in sat. */
  readonly maxFeeSat?: bigint | number | string;
  /** Most fee to pay, in parts per million of the amount. */
  readonly maxFeePpm?: number;
  /** A second call with the same key returns (or rethrows) the first call's outcome and sends nothing. */
  readonly idempotencyKey?: string;
  /**
   * Several nodes (#16): the node to rebalance, by its configured name (the circular payment leaves
   * and comes back to that node). Default (also `undefined`, so that a plan's `nodeName` can be passed
   * as is, with one client too) is the primary (the first configured) node.
   */
  readonly node?: string | undefined;
}

/** Validated rebalance input. */
export interface ValidRebalanceInput {
  readonly outChannel: string;
  readonly inPeer: string;
  readonly amountSat: bigint;
  readonly maxFeeSat: bigint | undefined;
  readonly maxFeePpm: number | undefined;
  readonly idempotencyKey: string | null;
}

/** Fee and size limits of `plan()` and of the automatic mode. */
export interface RebalanceBudget {
  /** Most fee per rebalance, in ppm of its amount. Default is 1000 (0.1%). */
  readonly maxFeePpm?: number;
  /** Most fee per rebalance, in sat. Default: no absolute cap. */
  readonly maxFeeSat?: bigint;
  /** Most fees over a rolling day (automatic mode), in sat. Default is 1000. */
  readonly maxFeeSatPerDay?: bigint;
  /** Largest amount of one rebalance, in sat. Default is 1,000,000. */
  readonly maxAmountSat?: bigint;
  /** Smallest amount worth a rebalance, in sat. Default is 10,000. */
  readonly minAmountSat?: bigint;
}

/** A budget with its defaults. */
export type ValidRebalanceBudget = Required<Omit<RebalanceBudget, 'maxFeeSat'>> & { readonly maxFeeSat?: bigint };

const describe = (v: unknown): string =>
  typeof v === 'string' ? JSON.stringify(v.slice(0, 40)) : typeof v === 'bigint' ? `${v}n` : String(v);

/** Largest ppm accepted: 100% of the amount. */
const MAX_FEE_PPM = 1_000_000;

/** Validates a chan id: a decimal uint64 string. */
export function validateChanId(value: unknown, field = 'outChannel'): string {
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value) || BigInt(value) >= 1n << 64n || BigInt(value) === 0n)
    throw new ValidationError(field, `expected a chan id (a decimal uint64 string), got ${describe(value)}`);
  return value;
}

/** Validates a node pubkey: 33 bytes of lower-case hex. */
export function validatePubkey(value: unknown, field = 'inPeer'): string {
  if (typeof value !== 'string' || !/^0[23][0-9a-f]{64}$/.test(value))
    throw new ValidationError(field, `expected a 66-character lower-case hex pubkey, got ${describe(value)}`);
  return value;
}

/** Validates a fee rate in ppm. */
export function validateFeePpm(value: unknown, field = 'maxFeePpm'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_FEE_PPM)
    throw new ValidationError(field, `expected an integer from 0 to ${MAX_FEE_PPM} ppm, got ${describe(value)}`);
  return value;
}

/** Validates a fee in whole sats (0 allowed). */
export function validateFeeSat(value: unknown, field = 'maxFeeSat'): bigint {
  if (value === 0 || value === 0n || value === '0') return 0n;
  return parseSat(value, field);
}

/**
 * Validates `liquidity.rebalance` input.
 * @throws {ValidationError} naming the first bad field
 */
export function validateRebalanceInput(input: unknown): ValidRebalanceInput {
  if (typeof input !== 'object' || input === null)
    throw new ValidationError('input', `expected an object, got ${describe(input)}`);
  const i = input as RebalanceInput;
  const outChannel = validateChanId(i.outChannel);
  const inPeer = validatePubkey(i.inPeer);
  const amountSat = parseSat(i.amountSat, 'amountSat');
  const maxFeeSat = i.maxFeeSat === undefined ? undefined : validateFeeSat(i.maxFeeSat);
  const maxFeePpm = i.maxFeePpm === undefined ? undefined : validateFeePpm(i.maxFeePpm);
  if (maxFeeSat === undefined && maxFeePpm === undefined)
    throw new ValidationError(
      'maxFeeSat',
      'expected maxFeeSat or maxFeePpm: a rebalance never runs without a fee limit',
    );
  const idempotencyKey = validateIdempotencyKey(i.idempotencyKey);
  return { outChannel, inPeer, amountSat, maxFeeSat, maxFeePpm, idempotencyKey };
}

function validateRatio(value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1)
    throw new ValidationError(field, `expected a ratio from 0 to 1, got ${describe(value)}`);
}

function validateBounds(bounds: unknown, field: string): void {
  if (typeof bounds !== 'object' || bounds === null)
    throw new ValidationError(field, `expected an object, got ${describe(bounds)}`);
  const b = bounds as LiquidityBounds;
  validateRatio(b.minLocalRatio, `${field}.minLocalRatio`);
  validateRatio(b.maxLocalRatio, `${field}.maxLocalRatio`);
  if (b.minLocalRatio !== undefined && b.maxLocalRatio !== undefined && b.minLocalRatio > b.maxLocalRatio)
    throw new ValidationError(
      `${field}.minLocalRatio`,
      `expected at most maxLocalRatio (${b.maxLocalRatio}), got ${b.minLocalRatio}`,
    );
  if (b.target !== undefined && b.target !== 'midpoint' && b.target !== 'nodeCoefficient')
    validateRatio(b.target, `${field}.target`);
}

/**
 * Validates a liquidity policy (undefined is the default policy).
 * @throws {ValidationError} naming the first bad field
 */
export function validatePolicy(policy: unknown): LiquidityPolicy {
  if (policy === undefined) return {};
  validateBounds(policy, 'policy');
  const p = policy as LiquidityPolicy;
  for (const [id, b] of Object.entries(p.channels ?? {})) {
    validateChanId(id, `policy.channels key`);
    validateBounds(b, `policy.channels[${id}]`);
  }
  for (const [pubkey, b] of Object.entries(p.peers ?? {})) {
    validatePubkey(pubkey, 'policy.peers key');
    validateBounds(b, `policy.peers[${pubkey.slice(0, 8)}…]`);
  }
  if (p.ignore !== undefined && (!Array.isArray(p.ignore) || p.ignore.some((x) => typeof x !== 'string')))
    throw new ValidationError('policy.ignore', 'expected an array of chan ids or pubkeys');
  return p;
}

/**
 * Validates a budget and fills in its defaults.
 * @throws {ValidationError} naming the first bad field
 */
export function validateBudget(budget: unknown): ValidRebalanceBudget {
  if (budget === undefined) budget = {};
  if (typeof budget !== 'object' || budget === null)
    throw new ValidationError('budget', `expected an object, got ${describe(budget)}`);
  const b = budget as RebalanceBudget;
  const maxFeePpm = b.maxFeePpm === undefined ? 1000 : validateFeePpm(b.maxFeePpm, 'budget.maxFeePpm');
  const maxFeeSatPerDay =
    b.maxFeeSatPerDay === undefined ? 1000n : validateFeeSat(b.maxFeeSatPerDay, 'budget.maxFeeSatPerDay');
  const maxAmountSat = b.maxAmountSat === undefined ? 1_000_000n : parseSat(b.maxAmountSat, 'budget.maxAmountSat');
  const minAmountSat = b.minAmountSat === undefined ? 10_000n : parseSat(b.minAmountSat, 'budget.minAmountSat');
  if (minAmountSat > maxAmountSat)
    throw new ValidationError(
      'budget.minAmountSat',
      `expected at most maxAmountSat (${maxAmountSat}), got ${minAmountSat}`,
    );
  return {
    maxFeePpm,
    maxFeeSatPerDay,
    maxAmountSat,
    minAmountSat,
    ...(b.maxFeeSat === undefined ? {} : { maxFeeSat: validateFeeSat(b.maxFeeSat, 'budget.maxFeeSat') }),
  };
}
