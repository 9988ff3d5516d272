import { describe, expect, it } from 'vitest';
import { INVOICE_COLUMNS, invoiceRowOf } from './invoice-repository.js';
import { PAYMENT_COLUMNS, paymentRowOf } from './payment-repository.js';
import { DELIVERY_COLUMNS, deliveryRowOf } from './webhook-outbox-repository.js';

// The lists read rows as arrays in the column constants' order: each literal must put every
// value under its own column (a value given its column's name comes back under that name).
describe.each([
  ['invoices', INVOICE_COLUMNS, invoiceRowOf],
  ['payments', PAYMENT_COLUMNS, paymentRowOf],
  ['webhook_deliveries', DELIVERY_COLUMNS, deliveryRowOf],
] as const)('%s list rows', (_, columns, rowOf) => {
  it('maps position i to column i, every column', () => {
    const row = rowOf(columns) as unknown as Record<string, unknown>;
    expect(Object.keys(row)).toEqual([...columns]);
    for (const column of columns) expect(row[column]).toBe(column);
  });
});
