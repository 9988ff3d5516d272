/**
 * The `data` of each webhook: the event's fields in snake_case, JSON-safe.
 * msat and indexes are decimal strings (they can pass 2^53); sats are JSON numbers (21M BTC in sats
 * is below 2^53); EUR amounts and rates are decimal strings; dates are ISO 8601. Never a preimage.
 */
import { msatToEur, type Decimal } from '../../domain/amount.js';
import type { LightningEvents, WebhookEventType } from '../../domain/events.js';
import type { Invoice } from '../../domain/invoice.js';
import type { Payment } from '../../domain/payment.js';
import type { Rebalance } from '../../domain/rebalance.js';

/** Extra facts the event payload does not carry. */
export interface WebhookDataOptions {
  /** EUR per BTC to price an outgoing payment's amount_eur and fee_eur (e.g. the rate when it was sent). */
  readonly rate?: Decimal | null;
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);
const sats = (msat: bigint): number => Number(msat / 1000n);
const eur = (value: Decimal | null): string | null => (value ? value.toFixed(2) : null);
const eurAt = (msat: bigint, rate: Decimal | null | undefined): string | null =>
  rate ? msatToEur(msat, rate).toFixed(2) : null;

/** The `data` of an `invoice.*` webhook. */
export function invoiceData(invoice: Invoice): Record<string, unknown> {
  return {
    invoice_id: invoice.id,
    status: invoice.status,
    payment_hash: invoice.paymentHash,
    payment_request: invoice.paymentRequest,
    amount_msat: invoice.amountMsat.toString(),
    amount_sats: sats(invoice.amountMsat),
    amount_eur: eur(invoice.amountEur),
    rate: invoice.rate ? invoice.rate.toFixed() : null,
    rate_source: invoice.rateSource,
    rate_fetched_at: iso(invoice.rateFetchedAt),
    description: invoice.description,
    metadata: invoice.metadata,
    is_hold: invoice.isHold,
    expiry_time: iso(invoice.expiresAt),
    created_at: iso(invoice.createdAt),
    settled_at: iso(invoice.settledAt),
    closed_at: iso(invoice.closedAt),
    amount_paid_msat: invoice.amountPaidMsat === null ? null : invoice.amountPaidMsat.toString(),
    amount_paid_sats: invoice.amountPaidMsat === null ? null : sats(invoice.amountPaidMsat),
    settle_index: invoice.settleIndex === null ? null : invoice.settleIndex.toString(),
  };
}

/** The `data` of a `payment.*` webhook; EUR fields use the invoice's rate (incoming) or `rate` (outgoing). */
export function paymentData(payment: Payment, invoice: Invoice | null, rate?: Decimal | null): Record<string, unknown> {
  const eurRate = invoice?.rate ?? rate ?? null;
  return {
    payment_id: payment.id,
    direction: payment.direction,
    status: payment.status,
    invoice_id: payment.invoiceId ?? invoice?.id ?? null,
    payment_hash: payment.paymentHash,
    payment_request: payment.paymentRequest ?? invoice?.paymentRequest ?? null,
    amount_msat: payment.amountMsat.toString(),
    amount_sats: sats(payment.amountMsat),
    amount_eur: eurAt(payment.amountMsat, eurRate),
    fee_msat: payment.feeMsat.toString(),
    fee_sats: sats(payment.feeMsat),
    fee_eur: eurAt(payment.feeMsat, eurRate),
    rate: eurRate ? eurRate.toFixed() : null,
    rate_source: invoice?.rateSource ?? null,
    description: invoice?.description ?? null,
    metadata: invoice?.metadata ?? null,
    failure_reason: payment.failureReason,
    created_at: iso(payment.createdAt),
    completed_at: iso(payment.completedAt),
    settle_index: payment.settleIndex === null ? null : payment.settleIndex.toString(),
  };
}

/** The `data` of a `liquidity.rebalance*` webhook. */
export function rebalanceData(r: Rebalance): Record<string, unknown> {
  return {
    rebalance_id: r.id,
    status: r.status,
    out_chan_id: r.outChanId,
    in_peer: r.inPeer,
    in_chan_id: r.inChanId,
    amount_sats: Number(r.amountSat),
    fee_msat: r.feeMsat.toString(),
    max_fee_msat: r.maxFeeMsat.toString(),
    payment_hash: r.paymentHash,
    failure_reason: r.failureReason,
    failure_message: r.failureMessage,
    is_automatic: r.isAutomatic,
    created_at: iso(r.createdAt),
    completed_at: iso(r.completedAt),
  };
}

/**
 * Builds the snake_case `data` of a webhook from an event payload.
 * @example enqueueWebhookEvent(tx, { type: 'invoice.settled', data: webhookData('invoice.settled', { invoice }), occurredAt });
 */
export function webhookData<T extends WebhookEventType>(
  type: T,
  payload: LightningEvents[T],
  options: WebhookDataOptions = {},
): Record<string, unknown> {
  switch (type) {
    case 'invoice.created':
    case 'invoice.settled':
    case 'invoice.expired':
    case 'invoice.cancelled':
    case 'invoice.accepted':
      return invoiceData((payload as LightningEvents['invoice.created']).invoice);
    case 'payment.received': {
      const p = payload as LightningEvents['payment.received'];
      return paymentData(p.payment, p.invoice);
    }
    case 'payment.sent':
      return paymentData((payload as LightningEvents['payment.sent']).payment, null, options.rate);
    case 'payment.failed': {
      const p = payload as LightningEvents['payment.failed'];
      return { ...paymentData(p.payment, null, options.rate), failure_reason: p.reason };
    }
    case 'liquidity.rebalanced':
    case 'liquidity.rebalance_failed':
      return rebalanceData((payload as LightningEvents['liquidity.rebalanced']).rebalance);
    default:
      throw new TypeError(`not a webhook event type: ${String(type)}`);
  }
}
