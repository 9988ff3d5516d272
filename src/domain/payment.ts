/**
 * Payments, incoming and outgoing, and their state machine. Pure: no I/O.
 */
import { InvalidStateTransitionError } from '../errors.js';

/** `in` = received by our node, `out` = sent by our node. */
export type PaymentDirection = 'in' | 'out';

/** Lifecycle of a payment. `unknown` = LND could not tell us (kept for re-tracking). */
export type PaymentStatus = 'in_flight' | 'succeeded' | 'failed' | 'unknown';

/** Why an outgoing payment failed, mapped from LND's `failure_reason`. */
export type PaymentFailureReason =
  'timeout' | 'no_route' | 'error' | 'incorrect_payment_details' | 'insufficient_balance' | 'canceled';

/** A payment as lnkit stores it. */
export interface Payment {
  /** lnkit's id, `pay_` + 26 characters. */
  readonly id: string;
  readonly direction: PaymentDirection;
  readonly status: PaymentStatus;
  readonly paymentHash: string;
  readonly paymentRequest: string | null;
  /** Amount received, or amount delivered to the payee (excluding fees). */
  readonly amountMsat: bigint;
  /** Routing fee paid (outgoing); 0n for incoming. */
  readonly feeMsat: bigint;
  /** The lnkit invoice this payment settled (incoming); null for external payments. */
  readonly invoiceId: string | null;
  /** Hex preimage, the proof of payment (outgoing, once succeeded). Never logged or put in events. */
  readonly preimage: string | null;
  readonly failureReason: PaymentFailureReason | null;
  readonly idempotencyKey: string | null;
  /** LND's settle_index for incoming payments. */
  readonly settleIndex: bigint | null;
  /** Maximum fee allowed when sending (outgoing). */
  readonly feeLimitMsat: bigint | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** When it succeeded or failed. */
  readonly completedAt: Date | null;
  /** Pubkey of the node the payment went through; absent on rows written before the store knew its node. */
  readonly nodePubkey?: string;
  /** The configured name of that node (`createLightning({ lnd: { alice: … } })`), when it has one. */
  readonly nodeName?: string;
}

const ALLOWED: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = {
  in_flight: ['succeeded', 'failed', 'unknown'],
  unknown: ['in_flight', 'succeeded', 'failed'],
  succeeded: [],
  // A failed payment may be tried again (LND allows a new attempt for the same hash).
  failed: ['in_flight'],
};

/** True when `from → to` is a legal payment transition. */
export function canTransitionPayment(from: PaymentStatus, to: PaymentStatus): boolean {
  return ALLOWED[from].includes(to);
}

/**
 * Returns `to` when the move is legal.
 * @throws {InvalidStateTransitionError} e.g. succeeded → failed
 */
export function transitionPayment(from: PaymentStatus, to: PaymentStatus): PaymentStatus {
  if (!canTransitionPayment(from, to)) {
    throw new InvalidStateTransitionError(from, to, `payment is ${from} and cannot become ${to}`);
  }
  return to;
}
