/**
 * `payments.recordIncoming` on SQLite (the two-statement settlement) against the generic path it
 * replaces (getByPaymentHash ×2, update, insert): the same rows and the same answer in every case.
 */
import { describe, expect, it } from 'vitest';
import type { InvoiceStatus } from '../../domain/invoice.js';
import { makeInvoice, makePayment } from '../conformance/fixtures.js';
import type { IncomingSettlementResult, InvoicePatch, Repositories } from '../store.js';
import { PAYMENT_COLUMNS, paymentValues, toRow } from './payment-repository.js';
import { createSqliteStore } from './sqlite-store.js';

const FROM: readonly InvoiceStatus[] = ['open', 'accepted', 'expired'];
const PATCH: InvoicePatch = { status: 'settled', settleIndex: 7n, amountPaidMsat: 5000n, settledAt: new Date(1e12) };

async function generic(tx: Repositories, payment: ReturnType<typeof makePayment>) {
  if (await tx.payments.getByPaymentHash(payment.paymentHash, 'in')) return null;
  const found = await tx.invoices.getByPaymentHash(payment.paymentHash);
  const updated = found && (await tx.invoices.update(found.id, PATCH, { fromStatus: FROM }));
  await tx.payments.insert({ ...payment, invoiceId: found?.id ?? null });
  return { invoice: updated ?? found, updated: updated !== undefined } satisfies IncomingSettlementResult;
}

/** What is in the store before the settlement (made once, written into both stores). */
interface Before {
  readonly invoice?: ReturnType<typeof makeInvoice>;
  readonly payment?: ReturnType<typeof makePayment>;
}
const HASH = 'ab'.repeat(32);
type Case = readonly [name: string, before: Before];
const settledInvoice = makeInvoice({ paymentHash: HASH, status: 'settled' });
const cases: readonly Case[] = [
  ['an open invoice', { invoice: makeInvoice({ paymentHash: HASH }) }],
  ['an expired invoice', { invoice: makeInvoice({ paymentHash: HASH, status: 'expired' }) }],
  ['a cancelled invoice (not settleable)', { invoice: makeInvoice({ paymentHash: HASH, status: 'cancelled' }) }],
  ['no invoice (external payment)', {}],
  [
    'a replay (payment recorded, invoice settled)',
    { invoice: settledInvoice, payment: makePayment({ paymentHash: HASH, invoiceId: settledInvoice.id }) },
  ],
  [
    'a payment recorded while the invoice is still open',
    { invoice: makeInvoice({ paymentHash: HASH }), payment: makePayment({ paymentHash: HASH, invoiceId: null }) },
  ],
];

describe('sqlite payments.recordIncoming', () => {
  it.each(cases)('matches the generic path: %s', async (_name, before) => {
    const results = [];
    for (const fast of [true, false]) {
      const store = createSqliteStore({ filename: ':memory:' });
      await store.migrate();
      const hash = HASH;
      if (before.invoice) await store.invoices.insert(before.invoice);
      if (before.payment) await store.payments.insert(before.payment);
      const payment = makePayment({ id: 'pay_same', paymentHash: hash, invoiceId: null, direction: 'in' });
      const outcome = await store.transaction((tx) =>
        fast ? tx.payments.recordIncoming!({ payment, invoicePatch: PATCH, fromStatus: FROM }) : generic(tx, payment),
      );
      const invoice = await store.invoices.getByPaymentHash(hash);
      const stored = await store.payments.getByPaymentHash(hash, 'in');
      results.push({ outcome, invoice, stored });
      await store.close();
    }
    expect(results[0]).toEqual(results[1]);
  });

  it('writes nothing when the payment was recorded already', async () => {
    const store = createSqliteStore({ filename: ':memory:' });
    await store.migrate();
    const hash = 'cd'.repeat(32);
    const invoice = makeInvoice({ paymentHash: hash });
    await store.invoices.insert(invoice);
    const first = makePayment({ paymentHash: hash, invoiceId: null });
    await store.payments.insert(first);
    const again = await store.transaction((tx) =>
      tx.payments.recordIncoming!({
        payment: makePayment({ paymentHash: hash }),
        invoicePatch: PATCH,
        fromStatus: FROM,
      }),
    );
    expect(again).toBeNull();
    expect((await store.invoices.get(invoice.id))?.status).toBe('open');
    expect((await store.payments.getByPaymentHash(hash, 'in'))?.id).toBe(first.id);
    await store.close();
  });
});

describe('paymentValues', () => {
  it('is toRow in PAYMENT_COLUMNS order, for every field set or null', () => {
    const full = makePayment({
      paymentRequest: 'lnbcrt1…',
      invoiceId: 'inv_1',
      preimage: 'cd'.repeat(32),
      failureReason: 'no_route',
      idempotencyKey: 'key',
      settleIndex: 9n,
      feeLimitMsat: 1000n,
      completedAt: new Date(2e12),
      nodePubkey: '02'.padEnd(66, 'a'),
    });
    const bare = makePayment({ paymentRequest: null, invoiceId: null, completedAt: null });
    for (const payment of [full, bare]) {
      const row = toRow(payment) as Record<string, unknown>;
      expect(paymentValues(payment)).toEqual(PAYMENT_COLUMNS.map((column) => row[column] ?? null));
    }
  });
});
