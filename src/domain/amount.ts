/**
 * Money. Sats and msat are `bigint`; EUR is a big.js decimal made by a private constructor
 * (the global `Big` is never configured). EUR → sats rounds **up** to the whole sat, so the
 * payer never pays less than the price: `sats = ceil(eur × 1e8 / rate)`, `msat = sats × 1000`.
 */
import { createRequire } from 'node:module';
import type { Big, BigConstructor } from 'big.js';
import { ValidationError } from '../errors.js';

let privateBig: BigConstructor | undefined;

/**
 * Private big.js constructor: 30 decimal places, half-up, plain notation. Made on first use (big.js
 * is loaded then, not with lnkit's root entry), never the global `Big`.
 */
function dec(): BigConstructor {
  if (privateBig) return privateBig;
  const Dec = (createRequire(import.meta.url)('big.js') as BigConstructor)();
  Dec.DP = 30;
  Dec.RM = 1; // roundHalfUp
  Dec.NE = -40;
  Dec.PE = 40;
  Dec.strict = false;
  return (privateBig = Dec);
}

/** A decimal from validated plain text. */
const toBig = (text: string | number): Big => new (dec())(text);

/** A decimal value (big.js instance) for EUR amounts and rates. */
export type Decimal = Big;

/** 21 million BTC in msat: no amount may exceed it. */
export const MAX_MSAT = 21_000_000n * 100_000_000n * 1000n;

/** LND's largest invoice (AddInvoice refuses more: "max payment allowed is 100000 BTC"), in msat. */
export const MAX_INVOICE_MSAT = 100_000n * 100_000_000n * 1000n;

const EUR_PATTERN = /^(?:0|[1-9]\d{0,14})(?:\.\d{1,2})?$/;
const DECIMAL_PATTERN = /^(?:0|[1-9]\d{0,20})(?:\.\d{1,30})?$/;

/** Input accepted for an EUR amount or a rate: a decimal string, a finite number, or a Big. */
export type DecimalInput = string | number | Big;

function toPlainString(value: DecimalInput, field: string): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ValidationError(field, `expected a finite number, got ${String(value)}`);
    // Shortest round-trip text of the double: 19.99 stays "19.99".
    const text = String(value);
    if (/e/i.test(text)) throw new ValidationError(field, `expected a plain decimal, got ${text}`);
    return text;
  }
  if (value !== null && typeof value === 'object' && typeof (value as Big).toFixed === 'function') {
    return (value as Big).toFixed();
  }
  throw new ValidationError(field, `expected a decimal string or number, got ${describe(value)}`);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value === null) return 'null';
  return typeof value === 'object' ? 'an object' : String(value);
}

/**
 * Parses a positive EUR amount with at most two decimals ("19.99", 19.99, Big).
 * @throws {ValidationError} on NaN, exponent notation, zero, negative, more than two decimals
 * @example parseEur('19.99').toFixed(2) // '19.99'
 */
export function parseEur(value: unknown, field = 'amountEur'): Decimal {
  const text = toPlainString(value as DecimalInput, field);
  if (!EUR_PATTERN.test(text)) {
    if (/^-/.test(text)) throw new ValidationError(field, `expected a positive EUR amount, got ${text}`);
    if (/^\d+\.\d{3,}$/.test(text)) throw new ValidationError(field, `expected at most 2 decimals, got ${text}`);
    throw new ValidationError(field, `expected a positive EUR amount like "19.99", got ${describe(value)}`);
  }
  const eur = toBig(text);
  if (eur.lte(0)) throw new ValidationError(field, `expected a positive EUR amount, got ${text}`);
  return eur;
}

/**
 * Parses a positive rate (EUR per BTC) with up to 30 decimals.
 * @throws {ValidationError} when it is not a positive plain decimal
 */
export function parseRate(value: unknown, field = 'rate'): Decimal {
  const text = toPlainString(value as DecimalInput, field);
  if (!DECIMAL_PATTERN.test(text))
    throw new ValidationError(field, `expected a positive decimal rate, got ${describe(value)}`);
  const rate = toBig(text);
  if (rate.lte(0)) throw new ValidationError(field, `expected a positive rate, got ${text}`);
  return rate;
}

/** Makes a decimal from trusted text (a stored column); use {@link parseEur} for user input. */
export function decimal(text: string | number): Decimal {
  return toBig(text);
}

/** Splits a non-negative decimal into an exact fraction `num / 10^scale` as bigints. */
function toFraction(value: Big): { num: bigint; den: bigint } {
  const text = value.toFixed();
  const [int = '0', frac = ''] = text.split('.');
  return { num: BigInt(int + frac), den: 10n ** BigInt(frac.length) };
}

/**
 * EUR → msat at `rate` EUR/BTC, rounded up to the whole sat (the payer never pays less).
 * Exact: computed on integers, never through a float.
 * @example eurToMsat('19.99', '87654.32') // 22806000n  (22,806 sat)
 * @throws {ValidationError} on a non-positive or over-2-decimal EUR amount, a non-positive rate, or a result above 21 million BTC
 */
export function eurToMsat(eur: DecimalInput, rate: DecimalInput): bigint {
  // Big inputs are validated too: a zero, negative or 3-decimal Big must not price an invoice.
  const e = toFraction(parseEur(eur));
  const r = toFraction(parseRate(rate));
  if (r.num === 0n) throw new ValidationError('rate', 'expected a positive rate, got 0');
  // sats = ceil( (e.num/e.den) * 1e8 / (r.num/r.den) ) = ceil(e.num * 1e8 * r.den / (e.den * r.num))
  const n = e.num * 100_000_000n * r.den;
  const d = e.den * r.num;
  const sats = (n + d - 1n) / d;
  const msat = sats * 1000n;
  if (msat > MAX_MSAT) throw new ValidationError('amountEur', 'amount is above 21 million BTC at this rate');
  return msat;
}

/**
 * msat → EUR at `rate`, rounded half-up to the cent (for display and fee_eur; never for pricing).
 * @example msatToEur(22806000n, '87654.32').toFixed(2) // '19.99'
 */
export function msatToEur(msat: bigint, rate: DecimalInput): Decimal {
  const r = rate instanceof Object ? (rate as Big) : parseRate(rate);
  return toBig(msat.toString()).times(r).div(100_000_000_000).round(2, 1);
}

/** Whole sats in `msat`, rounded down (LND's `value` field). */
export function msatToSat(msat: bigint): bigint {
  return msat / 1000n;
}

/** msat in `sat`. */
export function satToMsat(sat: bigint): bigint {
  return sat * 1000n;
}

/**
 * Validates a positive whole-sat amount given as bigint, integer number or digit string.
 * @throws {ValidationError} on zero, negative, fractions, NaN or above 21 million BTC
 */
export function parseSat(value: unknown, field = 'amountSat'): bigint {
  let sat: bigint;
  if (typeof value === 'bigint') sat = value;
  else if (typeof value === 'number' && Number.isSafeInteger(value)) sat = BigInt(value);
  else if (typeof value === 'string' && /^\d{1,16}$/.test(value.trim())) sat = BigInt(value.trim());
  else throw new ValidationError(field, `expected a positive whole number of sats, got ${describe(value)}`);
  if (sat <= 0n) throw new ValidationError(field, `expected a positive amount, got ${sat}`);
  if (sat * 1000n > MAX_MSAT) throw new ValidationError(field, `amount is above 21 million BTC, got ${sat}`);
  return sat;
}
