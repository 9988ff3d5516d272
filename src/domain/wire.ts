/**
 * The wire form of invoices and payments: the one way to send lnkit objects over HTTP or in a
 * webhook. snake_case; msat and indexes are decimal strings (they can pass 2^53); sats are JSON
 * numbers (21M BTC in sats is below 2^53); EUR amounts and rates are decimal strings; dates are
 * ISO 8601. Never a preimage, never metadata marked private. Pure: no I/O.
 */
import { msatToEur, type Decimal } from './amount.js';
import type { Invoice, InvoiceStatus, JsonValue } from './invoice.js';
import type { Payment, PaymentDirection, PaymentFailureReason, PaymentStatus } from './payment.js';

/** An invoice on the wire: what {@link toInvoiceJSON} returns and `invoice.*` webhooks carry as `data`. */
export interface InvoiceJSON {
  readonly invoice_id: string;
  readonly status: InvoiceStatus;
  readonly payment_hash: string;
  readonly payment_request: string;
  readonly amount_msat: string;
  readonly amount_sats: number;
  /** The EUR price with two decimals, or null for invoices priced in sats. */
  readonly amount_eur: string | null;
  readonly rate: string | null;
  readonly rate_source: string | null;
  readonly rate_fetched_at: string | null;
  readonly description: string;
  /** The invoice's metadata without its private keys (see {@link toInvoiceJSON}). */
  readonly metadata: JsonValue | null;
  readonly is_hold: boolean;
  readonly expiry_time: string;
  readonly created_at: string;
  readonly settled_at: string | null;
  readonly closed_at: string | null;
  readonly amount_paid_msat: string | null;
  readonly amount_paid_sats: number | null;
  readonly settle_index: string | null;
}

/** A payment on the wire: what {@link toPaymentJSON} returns and `payment.*` webhooks carry as `data`. */
export interface PaymentJSON {
  readonly payment_id: string;
  readonly direction: PaymentDirection;
  readonly status: PaymentStatus;
  readonly invoice_id: string | null;
  readonly payment_hash: string;
  readonly payment_request: string | null;
  readonly amount_msat: string;
  readonly amount_sats: number;
  /** EUR at the invoice's rate (incoming) or at `options.rate` (outgoing); null without a rate. */
  readonly amount_eur: string | null;
  readonly fee_msat: string;
  readonly fee_sats: number;
  readonly fee_eur: string | null;
  readonly rate: string | null;
  readonly rate_source: string | null;
  readonly description: string | null;
  readonly metadata: JsonValue | null;
  readonly failure_reason: PaymentFailureReason | null;
  readonly created_at: string;
  readonly completed_at: string | null;
  readonly settle_index: string | null;
}

/** Options of {@link toInvoiceJSON}. */
export interface InvoiceJSONOptions {
  /**
   * Keep metadata keys that start with `_`. Only for your own servers (lnkit's signed webhooks set it);
   * never for a browser. Default is false.
   */
  readonly includePrivateMetadata?: boolean;
}

/** Options of {@link toPaymentJSON}. */
export interface PaymentJSONOptions extends InvoiceJSONOptions {
  /** The invoice the payment settled: gives rate, description and metadata to incoming payments. */
  readonly invoice?: Invoice | null;
  /** EUR per BTC to price an outgoing payment's `amount_eur` and `fee_eur` (e.g. the rate when it was sent). */
  readonly rate?: Decimal | null;
}

const iso = (date: Date | null): string | null => (date ? date.toISOString() : null);
const sats = (msat: bigint): number => Number(msat / 1000n);
const eurAt = (msat: bigint, rate: Decimal | null): string | null => (rate ? msatToEur(msat, rate).toFixed(2) : null);

/** True for a metadata key marked private: it starts with `_`. */
export const isPrivateMetadataKey = (key: string): boolean => key.startsWith('_');

/** Metadata without the keys marked private (`_`-prefixed, at any depth). */
export function publicMetadata(value: JsonValue | null): JsonValue | null {
  if (Array.isArray(value)) return value.map((item) => publicMetadata(item) as JsonValue);
  if (value === null || typeof value !== 'object') return value;
  const kept: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value)) {
    if (!isPrivateMetadataKey(key)) kept[key] = publicMetadata(item) as JsonValue;
  }
  return kept;
}

/**
 * The invoice in its wire form, safe for `JSON.stringify` in every state. Metadata keys that start with
 * `_` (at any depth) are private and left out, unless `options.includePrivateMetadata`.
 * @example res.json(toInvoiceJSON(await lightning.invoices.get(id)))
 */
export function toInvoiceJSON(invoice: Invoice, options: InvoiceJSONOptions = {}): InvoiceJSON {
  return {
    invoice_id: invoice.id,
    status: invoice.status,
    payment_hash: invoice.paymentHash,
    payment_request: invoice.paymentRequest,
    amount_msat: invoice.amountMsat.toString(),
    amount_sats: sats(invoice.amountMsat),
    amount_eur: invoice.amountEur ? invoice.amountEur.toFixed(2) : null,
    rate: invoice.rate ? invoice.rate.toFixed() : null,
    rate_source: invoice.rateSource,
    rate_fetched_at: iso(invoice.rateFetchedAt),
    description: invoice.description,
    metadata: options.includePrivateMetadata ? invoice.metadata : publicMetadata(invoice.metadata),
    is_hold: invoice.isHold,
    expiry_time: invoice.expiresAt.toISOString(),
    created_at: invoice.createdAt.toISOString(),
    settled_at: iso(invoice.settledAt),
    closed_at: iso(invoice.closedAt),
    amount_paid_msat: invoice.amountPaidMsat === null ? null : invoice.amountPaidMsat.toString(),
    amount_paid_sats: invoice.amountPaidMsat === null ? null : sats(invoice.amountPaidMsat),
    settle_index: invoice.settleIndex === null ? null : invoice.settleIndex.toString(),
  };
}

/**
 * The payment in its wire form, safe for `JSON.stringify`. Never the preimage. EUR fields use the
 * invoice's rate (incoming) or `options.rate` (outgoing).
 * @example res.json(toPaymentJSON(payment, { invoice }))
 */
export function toPaymentJSON(payment: Payment, options: PaymentJSONOptions = {}): PaymentJSON {
  const invoice = options.invoice ?? null;
  const rate = invoice?.rate ?? options.rate ?? null;
  const metadata = invoice?.metadata ?? null;
  return {
    payment_id: payment.id,
    direction: payment.direction,
    status: payment.status,
    invoice_id: payment.invoiceId ?? invoice?.id ?? null,
    payment_hash: payment.paymentHash,
    payment_request: payment.paymentRequest ?? invoice?.paymentRequest ?? null,
    amount_msat: payment.amountMsat.toString(),
    amount_sats: sats(payment.amountMsat),
    amount_eur: eurAt(payment.amountMsat, rate),
    fee_msat: payment.feeMsat.toString(),
    fee_sats: sats(payment.feeMsat),
    fee_eur: eurAt(payment.feeMsat, rate),
    rate: rate ? rate.toFixed() : null,
    rate_source: invoice?.rateSource ?? null,
    description: invoice?.description ?? null,
    metadata: options.includePrivateMetadata ? metadata : publicMetadata(metadata),
    failure_reason: payment.failureReason,
    created_at: payment.createdAt.toISOString(),
    completed_at: iso(payment.completedAt),
    settle_index: payment.settleIndex === null ? null : payment.settleIndex.toString(),
  };
}
