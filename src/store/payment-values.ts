/**
 * A payment's column values in the order both SQL stores insert them (their `PAYMENT_COLUMNS`: id,
 * direction, status, …, completed_at, node_pubkey), for positional parameters.
 */
import type { Payment } from '../domain/payment.js';

/** The values of `p`; `time` gives each timestamp as the store writes it (ms for SQLite, a Date for PostgreSQL). */
export function paymentColumnValues(p: Payment, time: (date: Date) => unknown): unknown[] {
  return [
    p.id,
    p.direction,
    p.status,
    p.paymentHash,
    p.paymentRequest,
    p.amountMsat,
    p.feeMsat,
    p.invoiceId,
    p.preimage,
    p.failureReason,
    p.idempotencyKey,
    p.settleIndex,
    p.feeLimitMsat,
    time(p.createdAt),
    time(p.updatedAt),
    p.completedAt === null ? null : time(p.completedAt),
    p.nodePubkey ?? null,
  ];
}
