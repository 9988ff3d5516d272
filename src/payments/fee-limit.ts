/**
 * The routing-fee limit of an outgoing payment. LND treats a limit of 0 as "zero-fee routes
 * only", so lnkit always sends one.
 */

/** Floor of the default limit: 10 sat, enough for a few hops at LND's default 1 sat base fee. */
export const DEFAULT_MIN_FEE_LIMIT_SAT = 10n;
/** Proportional part of the default limit: 10 000 ppm = 1 % of the amount. */
export const DEFAULT_FEE_LIMIT_PPM = 10_000n;

/** What the caller allowed; both optional. */
export interface FeeLimitOptions {
  /** Absolute cap in sats. */
  readonly maxFeeSat?: bigint | null;
  /** Cap in millionths of the amount. */
  readonly maxFeePpm?: bigint | null;
}

/**
 * The fee limit in msat for sending `amountMsat`: the tighter of `maxFeeSat` and `maxFeePpm` when
 * given, otherwise max(10 sat, 1 % of the amount). A ppm limit rounds down to whole msat.
 * @example feeLimitMsat(100_000_000n, {}) === 1_000_000n // 1 % of 100 000 sat = 1 000 sat
 */
export function feeLimitMsat(amountMsat: bigint, options: FeeLimitOptions = {}): bigint {
  const limits: bigint[] = [];
  if (options.maxFeeSat !== undefined && options.maxFeeSat !== null) limits.push(options.maxFeeSat * 1000n);
  if (options.maxFeePpm !== undefined && options.maxFeePpm !== null)
    limits.push((amountMsat * options.maxFeePpm) / 1_000_000n);
  if (limits.length === 0) {
    const proportional = (amountMsat * DEFAULT_FEE_LIMIT_PPM) / 1_000_000n;
    const floor = DEFAULT_MIN_FEE_LIMIT_SAT * 1000n;
    return proportional > floor ? proportional : floor;
  }
  return limits.reduce((a, b) => (b < a ? b : a));
}
