/**
 * ListInvoices paging (`channeldb/invoices.go QueryInvoices`, `channeldb/paginate.go`).
 */
import { unknownError } from './rpc-error.js';
import { snapshotInvoice, type InvoiceRecord } from './invoice-record.js';
import type { SimInvoicePage, SimListInvoicesInput } from './types.js';

/**
 * One page over add_index with an exclusive `indexOffset`: forward returns the oldest invoices
 * after the offset; reversed returns the newest before it (offset 0 = from the newest), still in
 * ascending order. `pendingOnly` keeps OPEN and ACCEPTED.
 */
export function listInvoicePage(ordered: readonly InvoiceRecord[], input: SimListInvoicesInput): SimInvoicePage {
  const max = input.maxInvoices === undefined || input.maxInvoices === 0 ? 100 : input.maxInvoices;
  const offset = input.indexOffset ?? 0n;
  const start = input.creationDateStart ?? 0;
  const end = input.creationDateEnd ?? 0;
  if (start !== 0 && end !== 0 && start >= end)
    throw unknownError(`start date(${start}) must be before end date(${end})`);

  const keep = (r: InvoiceRecord): boolean => {
    if (input.pendingOnly && r.state !== 'OPEN' && r.state !== 'ACCEPTED') return false;
    const created = r.creationMs / 1000;
    if (start !== 0 && created < start) return false;
    if (end !== 0 && created > end) return false;
    return true;
  };

  const picked: InvoiceRecord[] = [];
  if (input.reversed) {
    for (let i = ordered.length - 1; i >= 0 && picked.length < max; i--) {
      const r = ordered[i]!;
      if ((offset === 0n || r.addIndex < offset) && keep(r)) picked.push(r);
    }
    picked.reverse();
  } else {
    for (const r of ordered) {
      if (picked.length >= max) break;
      if (r.addIndex > offset && keep(r)) picked.push(r);
    }
  }
  return {
    invoices: picked.map(snapshotInvoice),
    firstIndexOffset: picked[0]?.addIndex ?? 0n,
    lastIndexOffset: picked[picked.length - 1]?.addIndex ?? 0n,
  };
}
