/**
 * The public view of an invoice: what anyone holding its (unguessable) id may see.
 */
import type { Invoice } from '../domain/invoice.js';
import { toInvoiceJSON, type InvoiceJSON } from '../domain/wire.js';

/** The fields of {@link InvoiceJSON} that a payer's browser may see. No metadata, no rate source, no indexes. */
export const PUBLIC_INVOICE_FIELDS = [
  'invoice_id',
  'status',
  'payment_hash',
  'payment_request',
  'amount_msat',
  'amount_sats',
  'amount_eur',
  'rate',
  'description',
  'is_hold',
  'expiry_time',
  'created_at',
  'settled_at',
  'closed_at',
] as const satisfies readonly (keyof InvoiceJSON)[];

/** The public view of an invoice, as `GET /invoices/:id` and the status stream send it. */
export type PublicInvoiceJSON = Pick<InvoiceJSON, (typeof PUBLIC_INVOICE_FIELDS)[number]>;

/**
 * The public view of an invoice: status, amounts (sat, msat, EUR), BOLT11, expiry. Leaves out metadata,
 * the idempotency key, rate source and LND indexes; never a preimage.
 */
export function toPublicInvoiceJSON(invoice: Invoice): PublicInvoiceJSON {
  const full = toInvoiceJSON(invoice);
  const view: Partial<Record<keyof InvoiceJSON, unknown>> = {};
  for (const field of PUBLIC_INVOICE_FIELDS) view[field] = full[field];
  return view as PublicInvoiceJSON;
}
