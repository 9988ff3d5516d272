/**
 * The `data` of each webhook: the event's fields in the wire form of `toInvoiceJSON` / `toPaymentJSON`
 * (snake_case, JSON-safe, never a preimage). Webhooks go to the shop's own server, signed, so they keep
 * the metadata keys marked private.
 */
import type { Decimal } from '../../domain/amount.js';
import type { LightningEvents, WebhookEventType } from '../../domain/events.js';
import type { Invoice } from '../../domain/invoice.js';
import type { Payment } from '../../domain/payment.js';
import type { Rebalance } from '../../domain/rebalance.js';
import { toInvoiceJSON, toPaymentJSON } from '../../domain/wire.js';

/** Extra facts the event payload does not carry. */
export interface WebhookDataOptions {
  /** EUR per BTC to price an outgoing payment's amount_eur and fee_eur (e.g. the rate when it was sent). */
  readonly rate?: Decimal | null;
}

/** The `data` of an `invoice.*` webhook. */
export function invoiceData(invoice: Invoice): Record<string, unknown> {
  return { ...toInvoiceJSON(invoice, { includePrivateMetadata: true }) };
}

/** The `data` of a `payment.*` webhook; EUR fields use the invoice's rate (incoming) or `rate` (outgoing). */
export function paymentData(payment: Payment, invoice: Invoice | null, rate?: Decimal | null): Record<string, unknown> {
  return { ...toPaymentJSON(payment, { invoice, rate: rate ?? null, includePrivateMetadata: true }) };
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);

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
