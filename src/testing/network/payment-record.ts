/**
 * The mutable payment record of the model and its immutable LND-shaped snapshot.
 */
import type { LndPaymentFailureReason, LndPaymentStatus, LndRoute } from '../../lnd/lnd-client.js';
import type { SimPayment } from './types.js';

/** One HTLC attempt. */
export interface AttemptRecord {
  readonly attemptId: bigint;
  status: 'IN_FLIGHT' | 'SUCCEEDED' | 'FAILED';
  readonly route: LndRoute;
  readonly attemptMs: number;
  resolveMs: number | null;
  failure: { readonly code: string; readonly failureSourceIndex: number } | null;
  preimage: string | null;
}

/** A payment as the model stores it. */
export interface PaymentRecord {
  readonly paymentHash: string;
  readonly paymentRequest: string;
  readonly valueMsat: bigint;
  status: LndPaymentStatus;
  failureReason: LndPaymentFailureReason;
  preimage: string | null;
  readonly creationMs: number;
  readonly paymentIndex: bigint;
  readonly attempts: AttemptRecord[];
  /** Clock time after which no new attempt is made and a pending failure becomes TIMEOUT. */
  readonly timeoutAt: number;
  isTimedOut: boolean;
}

/** An immutable snapshot of `record` as LND would report it. */
export function snapshotPayment(record: PaymentRecord): SimPayment {
  const succeeded = record.attempts.find((a) => a.status === 'SUCCEEDED');
  let feeMsat = 0n;
  for (const a of record.attempts) if (a.status !== 'FAILED') feeMsat += a.route.totalFeesMsat;
  return Object.freeze({
    paymentHash: record.paymentHash,
    status: record.status,
    valueMsat: record.valueMsat,
    feeMsat,
    preimage: record.status === 'SUCCEEDED' ? record.preimage : null,
    paymentRequest: record.paymentRequest,
    failureReason: record.failureReason,
    creationDate: new Date(record.creationMs),
    paymentIndex: record.paymentIndex,
    route: succeeded ? succeeded.route : null,
    htlcs: Object.freeze(
      record.attempts.map((a) =>
        Object.freeze({
          attemptId: a.attemptId,
          status: a.status,
          route: a.route,
          attemptTime: new Date(a.attemptMs),
          resolveTime: a.resolveMs === null ? null : new Date(a.resolveMs),
          failure: a.failure,
          preimage: a.preimage,
        }),
      ),
    ),
  });
}
