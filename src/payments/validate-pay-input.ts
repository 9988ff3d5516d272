/**
 * Validation of `payments.pay` input, done locally before any RPC: the BOLT11 is decoded and
 * checked against the node (network, own invoice), the clock (expiry) and the configured maximum.
 * Pure: throws, changes nothing.
 */
import { parseSat } from '../domain/amount.js';
import { bolt11NetworkToLnd } from '../bolt11/networks.js';
import { decodeBolt11, isBolt11Expired } from '../bolt11/decode.js';
import type { DecodedBolt11 } from '../bolt11/types.js';
import { PaymentRejectedError, ValidationError, isLightningError } from '../errors.js';
import { validateIdempotencyKey } from '../invoices/validate-invoice-input.js';
import type { LndNetwork, LndNodeInfo } from '../lnd/lnd-client.js';
import { feeLimitMsat } from './fee-limit.js';

export { bolt11NetworkToLnd, isBolt11Expired };

/** Input of `payments.pay`. */
export interface PayInput {
  /** The BOLT11 payment request (a `lightning:` prefix is accepted). */
  readonly request: string;
  /** Amount in sats; required for a zero-amount invoice, must match (or be omitted) otherwise. */
  readonly amountSat?: bigint | number | string;
  /** Cap on the routing fee in sats (0 allows only fee-free routes). */
  readonly maxFeeSat?: bigint | number | string;
  /** Cap on the routing fee in millionths of the amount (0 to 1 000 000). */
  readonly maxFeePpm?: bigint | number;
  /** How long LND may look for a route. Default is 60; 1 to 3600. */
  readonly timeoutSeconds?: number;
  /** A second `pay` with the same key returns the first payment instead of sending again. */
  readonly idempotencyKey?: string;
  /**
   * With several nodes: the node to pay from, by its configured name. Default is the node with the
   * most spendable outbound among those that can send the amount. A payment already stored for this
   * hash or key stays with the node that sent it.
   */
  readonly node?: string;
}

/** Why a payment was refused before it was sent ({@link PaymentRejectedError.reason}). */
export type PaymentRejectionReason = 'wrong_network' | 'expired' | 'amount_required' | 'over_maximum' | 'own_invoice';

/** Validated pay input. */
export interface ValidPayInput {
  readonly decoded: DecodedBolt11;
  readonly paymentHash: string;
  /** What the payee receives. */
  readonly amountMsat: bigint;
  /** Sent to LND only for a zero-amount invoice. */
  readonly amountOverrideMsat: bigint | undefined;
  readonly feeLimitMsat: bigint;
  readonly timeoutSeconds: number;
  readonly idempotencyKey: string | null;
}

/** Facts the checks need. */
export interface PayCheckContext {
  readonly nowMs: number;
  readonly node: Pick<LndNodeInfo, 'pubkey' | 'network'>;
  readonly maxPaymentSat: bigint;
}

/** Longest pathfinding timeout accepted. */
export const MAX_PAY_TIMEOUT_SECONDS = 3600;

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}

/** Decodes a payment request, turning a codec failure into a ValidationError on `field`. */
export function decodeRequest(request: unknown, field = 'request'): DecodedBolt11 {
  if (typeof request !== 'string' || request.length === 0) {
    throw new ValidationError(field, `expected a BOLT11 payment request string, got ${describe(request)}`);
  }
  try {
    return decodeBolt11(request);
  } catch (error) {
    const reason = isLightningError(error)
      ? `${(error as { reason?: string }).reason ?? error.code}: ${error.message}`
      : String(error);
    throw new ValidationError(field, `expected a valid BOLT11 payment request (${reason})`, { cause: error });
  }
}

function nonNegativeSat(value: unknown, field: string): bigint | null {
  if (value === undefined || value === null) return null;
  if (value === 0 || value === 0n || value === '0') return 0n;
  return parseSat(value, field);
}

function ppm(value: unknown): bigint | null {
  if (value === undefined || value === null) return null;
  const n =
    typeof value === 'bigint' ? value : typeof value === 'number' && Number.isSafeInteger(value) ? BigInt(value) : null;
  if (n === null || n < 0n || n > 1_000_000n)
    throw new ValidationError('maxFeePpm', `expected a whole number from 0 to 1000000, got ${describe(value)}`);
  return n;
}

function timeout(value: unknown): number {
  if (value === undefined) return 60;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_PAY_TIMEOUT_SECONDS) {
    throw new ValidationError(
      'timeoutSeconds',
      `expected a whole number of seconds from 1 to ${MAX_PAY_TIMEOUT_SECONDS}, got ${describe(value)}`,
    );
  }
  return value;
}

/** True when a BOLT11 network prefix belongs to the node's network (testnet4 shares `tb`). */
export function isSameNetwork(invoiceNetwork: ReturnType<typeof bolt11NetworkToLnd>, nodeNetwork: LndNetwork): boolean {
  return invoiceNetwork === nodeNetwork || (invoiceNetwork === 'testnet' && nodeNetwork === 'testnet4');
}

/**
 * Validates `payments.pay` input: field types first (ValidationError), then the refusals
 * (PaymentRejectedError with a {@link PaymentRejectionReason}).
 * @throws {ValidationError} malformed request or a bad field
 * @throws {PaymentRejectedError} wrong network, expired, zero-amount without amountSat, over the maximum, own invoice
 */
export function validatePayInput(input: unknown, check: PayCheckContext): ValidPayInput {
  if (typeof input !== 'object' || input === null)
    throw new ValidationError('input', `expected an object, got ${describe(input)}`);
  const i = input as PayInput;
  const decoded = decodeRequest(i.request);
  const amountSat = i.amountSat === undefined ? null : parseSat(i.amountSat, 'amountSat');
  const maxFeeSat = nonNegativeSat(i.maxFeeSat, 'maxFeeSat');
  const maxFeePpm = ppm(i.maxFeePpm);
  const timeoutSeconds = timeout(i.timeoutSeconds);
  const idempotencyKey = validateIdempotencyKey(i.idempotencyKey);

  const network = bolt11NetworkToLnd(decoded.network);
  if (!isSameNetwork(network, check.node.network)) {
    throw new PaymentRejectedError(
      'wrong_network',
      `the invoice is for ${network}, but the node is on ${check.node.network}`,
    );
  }
  if (isBolt11Expired(decoded, check.nowMs)) {
    throw new PaymentRejectedError('expired', `the invoice expired at ${decoded.expiresAt.toISOString()}`);
  }
  let amountMsat: bigint;
  let amountOverrideMsat: bigint | undefined;
  if (decoded.amountMsat === null) {
    if (amountSat === null)
      throw new PaymentRejectedError('amount_required', 'the invoice has no amount: pass amountSat');
    amountMsat = amountSat * 1000n;
    amountOverrideMsat = amountMsat;
  } else {
    if (amountSat !== null && amountSat * 1000n !== decoded.amountMsat) {
      throw new ValidationError(
        'amountSat',
        `expected ${decoded.amountMsat / 1000n} (the invoice's amount) or nothing, got ${amountSat}`,
      );
    }
    amountMsat = decoded.amountMsat;
  }
  if (amountMsat > check.maxPaymentSat * 1000n) {
    throw new PaymentRejectedError(
      'over_maximum',
      `expected at most ${check.maxPaymentSat} sat (maxPaymentSat), got ${amountMsat / 1000n} sat`,
    );
  }
  if (decoded.payeeNodeKey.toLowerCase() === check.node.pubkey.toLowerCase()) {
    throw new PaymentRejectedError(
      'own_invoice',
      'the invoice was issued by this node; lnkit does not pay its own invoices',
    );
  }
  return {
    decoded,
    paymentHash: decoded.paymentHash,
    amountMsat,
    amountOverrideMsat,
    feeLimitMsat: feeLimitMsat(amountMsat, { maxFeeSat, maxFeePpm }),
    timeoutSeconds,
    idempotencyKey,
  };
}
