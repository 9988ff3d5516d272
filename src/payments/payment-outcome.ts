/**
 * Writes the outcome of an outgoing payment: LND's SUCCEEDED / FAILED update → one transaction
 * (row + outbox) → event after the commit. Conditional on the row still being in_flight/unknown,
 * so two writers (the send stream and a tracker) cannot both announce it.
 */
import type { Payment, PaymentFailureReason } from '../domain/payment.js';
import type { LndPayment, LndPaymentFailureReason } from '../lnd/lnd-client.js';
import type { ServiceContext } from '../service-context.js';

const FAILURE_REASONS: Readonly<Record<LndPaymentFailureReason, PaymentFailureReason>> = {
  NONE: 'error',
  TIMEOUT: 'timeout',
  NO_ROUTE: 'no_route',
  ERROR: 'error',
  INCORRECT_PAYMENT_DETAILS: 'incorrect_payment_details',
  INSUFFICIENT_BALANCE: 'insufficient_balance',
  CANCELED: 'canceled',
};

/** LND's failure_reason as lnkit's reason; NONE (and anything unknown) becomes `'error'`. */
export function mapFailureReason(reason: LndPaymentFailureReason | string): PaymentFailureReason {
  return FAILURE_REASONS[reason as LndPaymentFailureReason] ?? 'error';
}

/** The copy of a payment that events and webhooks carry: never the preimage. */
export function publicPayment(payment: Payment): Payment {
  return Object.freeze({ ...payment, preimage: null });
}

const OPEN_STATUSES = ['in_flight', 'unknown'] as const;

/** Fields every payment log line carries. */
function logFields(payment: Payment, startedAt: number, now: number): Record<string, unknown> {
  return {
    payment_id: payment.id,
    payment_hash: payment.paymentHash,
    amount_sat: (payment.amountMsat / 1000n).toString(),
    fee_sat: (payment.feeMsat / 1000n).toString(),
    duration_ms: now - startedAt,
  };
}

/**
 * Applies one LND update to the row. Returns the final Payment for SUCCEEDED/FAILED (the updated row,
 * or the row as another writer left it), or null while the payment is still in flight.
 */
export async function applyPaymentUpdate(
  ctx: ServiceContext,
  row: Payment,
  update: LndPayment,
  startedAt: number,
): Promise<Payment | null> {
  if (update.status === 'SUCCEEDED') return recordSucceeded(ctx, row, update, startedAt);
  if (update.status === 'FAILED') return recordFailed(ctx, row, mapFailureReason(update.failureReason), startedAt);
  return null;
}

async function recordSucceeded(
  ctx: ServiceContext,
  row: Payment,
  update: LndPayment,
  startedAt: number,
): Promise<Payment> {
  const now = new Date(ctx.clock.now());
  const updated = await ctx.store.transaction(async (tx) => {
    const next = await tx.payments.update(
      row.id,
      {
        status: 'succeeded',
        feeMsat: update.feeMsat,
        preimage: update.preimage,
        ...(update.valueMsat > 0n ? { amountMsat: update.valueMsat } : {}),
        completedAt: now,
        updatedAt: now,
      },
      { fromStatus: OPEN_STATUSES },
    );
    if (next) await ctx.recordEvent(tx, 'payment.sent', { payment: publicPayment(next) });
    return next;
  });
  if (!updated) return (await ctx.store.payments.get(row.id)) ?? row;
  ctx.metrics.increment('payments_sent');
  ctx.logger.info(logFields(updated, startedAt, now.getTime()), 'payment sent');
  ctx.bus.emit('payment.sent', { payment: publicPayment(updated) });
  return updated;
}

/** Marks the row failed with `reason` and announces `payment.failed`. */
export async function recordFailed(
  ctx: ServiceContext,
  row: Payment,
  reason: PaymentFailureReason,
  startedAt: number,
): Promise<Payment> {
  const now = new Date(ctx.clock.now());
  const updated = await ctx.store.transaction(async (tx) => {
    const next = await tx.payments.update(
      row.id,
      { status: 'failed', failureReason: reason, completedAt: now, updatedAt: now },
      { fromStatus: OPEN_STATUSES },
    );
    if (next) await ctx.recordEvent(tx, 'payment.failed', { payment: publicPayment(next), reason });
    return next;
  });
  if (!updated) return (await ctx.store.payments.get(row.id)) ?? row;
  ctx.metrics.increment('payments_failed');
  ctx.logger.info({ ...logFields(updated, startedAt, now.getTime()), reason }, 'payment failed');
  ctx.bus.emit('payment.failed', { payment: publicPayment(updated), reason });
  return updated;
}

/** Marks an in-flight row `unknown` (LND could not tell us the outcome); it is re-tracked at the next start. */
export async function recordUnknown(ctx: ServiceContext, row: Payment, cause: unknown): Promise<Payment> {
  const now = new Date(ctx.clock.now());
  const updated = await ctx.store.payments.update(
    row.id,
    { status: 'unknown', updatedAt: now },
    { fromStatus: ['in_flight'] },
  );
  ctx.logger.warn(
    { payment_id: row.id, payment_hash: row.paymentHash, amount_sat: (row.amountMsat / 1000n).toString(), err: cause },
    'payment outcome unknown: LND could not be asked; it is tracked again at the next start or pay()',
  );
  return updated ?? (await ctx.store.payments.get(row.id)) ?? row;
}
