/**
 * Strips what a public Invoice never carries (the HODL preimage) from a stored record.
 */
import type { Invoice } from '../domain/invoice.js';
import type { InvoiceRecord } from '../store/store.js';

/** The public view of an invoice row. */
export function toInvoice(record: InvoiceRecord): Invoice {
  const { preimage: _preimage, ...invoice } = record;
  return Object.freeze(invoice);
}
