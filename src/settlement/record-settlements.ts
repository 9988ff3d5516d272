/**
 * Commits a batch of LND settlements in one transaction: each invoice → settled, one incoming
 * Payment row, the outbox rows, and the new checkpoints. Returns what to emit after the commit.
 * Idempotent: a settlement whose payment row exists is skipped, so replays are harmless.
 */
import type { Invoice } from '../domain/invoice.js';
import type { Payment } from '../domain/payment.js';
import { newId } from '../ids.js';
import { toInvoice } from '../invoices/to-invoice.js';
import type { LndInvoice } from '../lnd/lnd-client.js';
import type { ServiceContext } from '../service-context.js';
import type { IncomingSettlementResult, InvoicePatch, Repositories } from '../store/store.js';
import type { InvoiceStatus } from '../domain/invoice.js';
import { LEGACY_CHECKPOINTS, type CheckpointNames } from './checkpoint-names.js';

/** Checkpoint names of a store that does not know its node: LND's add and settle indices, only increasing. */
export const ADD_INDEX = LEGACY_CHECKPOINTS.add;
/** See {@link ADD_INDEX}. */
export const SETTLE_INDEX = LEGACY_CHECKPOINTS.settle;
/** Every invoice at or below this add_index is final and recorded (reconcile starts after it). */
export const RECONCILE_INDEX = LEGACY_CHECKPOINTS.reconcile;

/** The checkpoint names of the node `ctx` is bound to (the legacy names without a binding). */
export function cursorNames(ctx: ServiceContext): CheckpointNames {
  return ctx.node?.names() ?? LEGACY_CHECKPOINTS;
}

/** A settlement that was newly recorded. */
export interface RecordedSettlement {
  readonly payment: Payment;
  readonly invoice: Invoice | null;
}

/**
 * Records `items` (any mix of states; only SETTLED ones count). With `fromStream` (items in the
 * order SubscribeInvoices delivers them) it also advances the add and settle checkpoints; other
 * callers (reconcile, HODL watchers) see settlements out of order and must not move them.
 */
export async function recordSettlements(
  ctx: ServiceContext,
  items: readonly LndInvoice[],
  options: {
    readonly fromStream?: boolean;
    /** With `fromStream`: an add index of OPEN events seen before `items`, saved with them. */
    readonly addIndex?: bigint;
  } = {},
): Promise<RecordedSettlement[]> {
  let maxAdd = options.addIndex ?? 0n;
  let maxSettle = 0n;
  const settled = new Map<string, LndInvoice>();
  for (const item of items) {
    if (item.state === 'OPEN' && item.addIndex > maxAdd) maxAdd = item.addIndex;
    if (item.state !== 'SETTLED') continue;
    if (item.settleIndex > maxSettle) maxSettle = item.settleIndex;
    settled.set(item.paymentHash, item);
  }
  if (settled.size === 0 && (maxAdd === 0n || !options.fromStream)) return [];
  // A node lnkit could not identify at start is bound by the first invoice it issued; another node's
  // invoice (a store meeting the wrong node) stops here, before anything is written.
  if (ctx.node) for (const item of items) if (item.paymentRequest) await ctx.node.observe(item.paymentRequest);
  const nodePubkey = ctx.node?.pubkey() ?? null;
  let anchor: LndInvoice | null = null;
  for (const item of settled.values()) if (anchor === null || item.addIndex > anchor.addIndex) anchor = item;
  const now = new Date(ctx.clock.now());
  return ctx.store.transaction(async (tx) => {
    const names = cursorNames(ctx);
    const recorded: RecordedSettlement[] = [];
    for (const item of settled.values()) {
      const payment = incomingPayment(item, now, nodePubkey, ctx);
      const settledAt = item.settleDate ?? now;
      const patch = {
        status: 'settled',
        settleIndex: item.settleIndex,
        amountPaidMsat: item.amountPaidMsat,
        settledAt,
      } as const;
      const outcome = tx.payments.recordIncoming
        ? await tx.payments.recordIncoming({ payment, invoicePatch: patch, fromStatus: SETTLEABLE })
        : await recordIncomingGeneric(tx, payment, patch);
      if (outcome === null) continue;
      const record = outcome.invoice;
      if (record && !outcome.updated) {
        ctx.logger.warn(
          { invoice_id: record.id, payment_hash: record.paymentHash, status: record.status },
          'LND settled an invoice that is not open locally; recording the payment',
        );
      }
      const invoice = record ? toInvoice(record) : null;
      const recordedPayment: Payment = record ? { ...payment, invoiceId: record.id } : payment;
      if (invoice) await ctx.recordEvent(tx, 'invoice.settled', { invoice });
      await ctx.recordEvent(tx, 'payment.received', { payment: recordedPayment, invoice });
      recorded.push({ payment: recordedPayment, invoice });
    }
    if (options.fromStream && maxSettle > 0n) await tx.checkpoints.advance(names.settle, maxSettle);
    if (options.fromStream && maxAdd > 0n) await tx.checkpoints.advance(names.add, maxAdd);
    if (anchor && nodePubkey !== null) await moveAnchor(tx, nodePubkey, anchor, now);
    return recorded;
  });
}

/** The statuses an invoice may be settled from (LND is the authority: an expired one was paid in time). */
const SETTLEABLE: readonly InvoiceStatus[] = ['open', 'accepted', 'expired'];

/** The incoming Payment row of a settlement (its `invoiceId` is set by whoever finds the invoice). */
function incomingPayment(item: LndInvoice, now: Date, nodePubkey: string | null, ctx: ServiceContext): Payment {
  return {
    id: newId('pay', now.getTime(), ctx.random),
    direction: 'in',
    status: 'succeeded',
    paymentHash: item.paymentHash,
    paymentRequest: item.paymentRequest || null,
    amountMsat: item.amountPaidMsat,
    feeMsat: 0n,
    invoiceId: null,
    preimage: null,
    failureReason: null,
    idempotencyKey: null,
    settleIndex: item.settleIndex,
    feeLimitMsat: null,
    createdAt: now,
    updatedAt: now,
    completedAt: item.settleDate ?? now,
    ...(nodePubkey !== null ? { nodePubkey } : {}),
  };
}

/**
 * `payments.recordIncoming` from the port's required members, for stores without the fast path:
 * skip when recorded, settle the invoice when it is in a settleable state, insert the payment.
 */
async function recordIncomingGeneric(
  tx: Repositories,
  payment: Payment,
  patch: InvoicePatch,
): Promise<IncomingSettlementResult | null> {
  if (await tx.payments.getByPaymentHash(payment.paymentHash, 'in')) return null;
  const found = await tx.invoices.getByPaymentHash(payment.paymentHash);
  const updated = found && (await tx.invoices.update(found.id, patch, { fromStatus: SETTLEABLE }));
  await tx.payments.insert({ ...payment, invoiceId: found?.id ?? null });
  return { invoice: updated ?? found, updated: updated !== undefined };
}

/**
 * Keeps the node's anchor on the settled invoice with the highest add index the store has seen: LND
 * never deletes a settled invoice, so the anchor missing later means another history.
 */
async function moveAnchor(tx: Repositories, pubkey: string, anchor: LndInvoice, now: Date): Promise<void> {
  const node = await tx.nodes.get(pubkey);
  if (!node || (node.anchorAddIndex !== null && node.anchorAddIndex >= anchor.addIndex)) return;
  await tx.nodes.update(pubkey, {
    anchorAddIndex: anchor.addIndex,
    anchorPaymentHash: anchor.paymentHash,
    updatedAt: now,
  });
}

/**
 * Emits the events of committed settlements, then logs them. Events come first and back to back:
 * a crash between the commit and the last emit is the only way an event can be missed, so that
 * window is kept as short as the host's listeners allow (webhooks, from the outbox, are durable).
 */
export function announceSettlements(ctx: ServiceContext, recorded: readonly RecordedSettlement[]): void {
  for (const { payment, invoice } of recorded) {
    if (invoice) ctx.bus.emit('invoice.settled', { invoice });
    ctx.bus.emit('payment.received', { payment, invoice });
  }
  for (const { payment, invoice } of recorded) {
    ctx.metrics.increment('payments_received');
    ctx.logger.info(
      {
        invoice_id: invoice?.id ?? null,
        payment_hash: payment.paymentHash,
        amount_sat: (payment.amountMsat / 1000n).toString(),
        external: invoice === null,
      },
      'payment received',
    );
  }
}
