/**
 * How invoices look in human output: one invoice as key/values, a page as a table.
 */
import type { Invoice } from '../../domain/invoice.js';
import { formatDate, formatKeyValues, formatMsat, formatTable, groupDigits, shorten } from '../output.js';

/** `5.00 EUR` or `-`. */
const eur = (invoice: Invoice): string => (invoice.amountEur ? `${invoice.amountEur.toFixed(2)} EUR` : '-');

/** One invoice, every field a human needs (the BOLT11 last, on its own line). */
export function formatInvoice(invoice: Invoice): string {
  const pairs: [string, string][] = [
    ['ID', invoice.id],
    ['Status', invoice.status],
    ['Amount', `${eur(invoice)} = ${formatMsat(invoice.amountMsat)}`],
    [
      'Rate',
      invoice.rate
        ? `${invoice.rate.toFixed()} EUR/BTC (${invoice.rateSource ?? 'unknown source'}, ${formatDate(invoice.rateFetchedAt)})`
        : '-',
    ],
    ['Description', invoice.description || '-'],
    ['Payment hash', invoice.paymentHash],
    ['Created', formatDate(invoice.createdAt)],
    ['Expires', formatDate(invoice.expiresAt)],
  ];
  if (invoice.settledAt)
    pairs.push(['Settled', `${formatDate(invoice.settledAt)}, paid ${formatMsat(invoice.amountPaidMsat ?? 0n)}`]);
  if (invoice.closedAt) pairs.push(['Closed', formatDate(invoice.closedAt)]);
  pairs.push(['Request', invoice.paymentRequest]);
  return formatKeyValues(pairs);
}

/** Invoices as a table (newest first, as listed). */
export function formatInvoiceTable(invoices: readonly Invoice[]): string {
  if (invoices.length === 0) return 'No invoices.\n';
  return formatTable(
    [
      { header: 'ID' },
      { header: 'STATUS' },
      { header: 'EUR', align: 'right' },
      { header: 'SAT', align: 'right' },
      { header: 'CREATED' },
      { header: 'EXPIRES' },
      { header: 'DESCRIPTION' },
    ],
    invoices.map((i) => [
      i.id,
      i.status,
      i.amountEur ? i.amountEur.toFixed(2) : '-',
      groupDigits(i.amountMsat / 1000n),
      formatDate(i.createdAt),
      formatDate(i.expiresAt),
      shorten(i.description, 40),
    ]),
  );
}
