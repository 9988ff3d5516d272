import { describe, expect, it } from 'vitest';
import { decimal } from './amount.js';
import { INVOICE_STATUSES, type Invoice } from './invoice.js';
import type { Payment, PaymentStatus } from './payment.js';
import { publicMetadata, toInvoiceJSON, toPaymentJSON } from './wire.js';

const PREIMAGE = 'cd'.repeat(32);

const invoice: Invoice = {
  id: 'inv_01jabcdefghjkmnpqrstvwxyz0',
  paymentHash: 'ab'.repeat(32),
  paymentRequest: 'lnbcrt228060n1…',
  amountMsat: 22_806_000n,
  amountEur: decimal('19.99'),
  rate: decimal('87654.32'),
  rateSource: 'kraken,bitstamp',
  rateFetchedAt: new Date('2026-01-01T09:59:30Z'),
  description: 'Order 42',
  metadata: { order_id: 42, _customer_email: 'a@example.com', items: [{ sku: 'tee', _cost_eur: '3.10' }] },
  status: 'open',
  isHold: false,
  addIndex: 7n,
  settleIndex: null,
  amountPaidMsat: null,
  idempotencyKey: 'order-42',
  createdAt: new Date('2026-01-01T10:00:00Z'),
  expiresAt: new Date('2026-01-01T11:00:00Z'),
  settledAt: null,
  closedAt: null,
};

const inState = (status: Invoice['status']): Invoice => ({
  ...invoice,
  status,
  ...(status === 'settled'
    ? { settleIndex: 9_007_199_254_740_993n, amountPaidMsat: 22_806_000n, settledAt: new Date('2026-01-01T10:05:00Z') }
    : {}),
  ...(status === 'cancelled' || status === 'expired' ? { closedAt: new Date('2026-01-01T11:00:00Z') } : {}),
});

const payment: Payment = {
  id: 'pay_01',
  direction: 'in',
  status: 'succeeded',
  paymentHash: invoice.paymentHash,
  paymentRequest: null,
  amountMsat: 22_806_000n,
  feeMsat: 0n,
  invoiceId: invoice.id,
  preimage: PREIMAGE,
  failureReason: null,
  idempotencyKey: null,
  settleIndex: 9n,
  feeLimitMsat: null,
  createdAt: new Date('2026-01-01T10:05:00Z'),
  updatedAt: new Date('2026-01-01T10:05:00Z'),
  completedAt: new Date('2026-01-01T10:05:00Z'),
};

describe('toInvoiceJSON', () => {
  it.each(INVOICE_STATUSES)('%s: JSON.stringify works and round-trips', (status) => {
    const json = toInvoiceJSON(inState(status));
    const text = JSON.stringify(json);
    expect(JSON.parse(text)).toEqual(json);
    expect(json.status).toBe(status);
    expect(text).not.toContain(PREIMAGE);
  });

  it('a sats-only invoice (no EUR, no rate) serializes with nulls', () => {
    const json = toInvoiceJSON({ ...invoice, amountEur: null, rate: null, rateSource: null, rateFetchedAt: null });
    expect(json).toMatchObject({ amount_eur: null, rate: null, rate_source: null, rate_fetched_at: null });
    expect(() => JSON.stringify(json)).not.toThrow();
  });

  it('gives the webhook wire shape: msat as strings, sats as numbers, EUR with two decimals, ISO dates', () => {
    expect(toInvoiceJSON(inState('settled'))).toEqual({
      invoice_id: invoice.id,
      status: 'settled',
      payment_hash: invoice.paymentHash,
      payment_request: 'lnbcrt228060n1…',
      amount_msat: '22806000',
      amount_sats: 22_806,
      amount_eur: '19.99',
      rate: '87654.32',
      rate_source: 'kraken,bitstamp',
      rate_fetched_at: '2026-01-01T09:59:30.000Z',
      description: 'Order 42',
      metadata: { order_id: 42, items: [{ sku: 'tee' }] },
      is_hold: false,
      expiry_time: '2026-01-01T11:00:00.000Z',
      created_at: '2026-01-01T10:00:00.000Z',
      settled_at: '2026-01-01T10:05:00.000Z',
      closed_at: null,
      amount_paid_msat: '22806000',
      amount_paid_sats: 22_806,
      settle_index: '9007199254740993',
    });
  });

  it('leaves out metadata keys marked private (leading _) at any depth, unless asked for them', () => {
    expect(JSON.stringify(toInvoiceJSON(invoice))).not.toMatch(/_customer_email|a@example\.com|_cost_eur|3\.10/);
    expect(toInvoiceJSON(invoice, { includePrivateMetadata: true }).metadata).toEqual(invoice.metadata);
  });

  it.each([
    [null, null],
    ['text', 'text'],
    [3, 3],
    [
      [{ _a: 1, b: 2 }, 'x'],
      [{ b: 2 }, 'x'],
    ],
    [{ _only: { deep: 1 } }, {}],
    [{ a: { _b: 1, c: { _d: 2, e: 3 } } }, { a: { c: { e: 3 } } }],
  ])('publicMetadata(%j) = %j', (input, expected) => {
    expect(publicMetadata(input)).toEqual(expected);
  });
});

describe('toPaymentJSON', () => {
  it.each<PaymentStatus>(['in_flight', 'succeeded', 'failed', 'unknown'])(
    '%s: JSON-safe and never the preimage',
    (status) => {
      const json = toPaymentJSON({ ...payment, status }, { invoice: inState('settled') });
      const text = JSON.stringify(json);
      expect(JSON.parse(text)).toEqual(json);
      expect(text).not.toContain(PREIMAGE);
      expect(Object.keys(json).some((key) => key.includes('preimage'))).toBe(false);
    },
  );

  it('incoming: EUR at the invoice rate, description and public metadata from the invoice', () => {
    expect(toPaymentJSON(payment, { invoice })).toMatchObject({
      invoice_id: invoice.id,
      amount_eur: '19.99',
      fee_eur: '0.00',
      rate: '87654.32',
      description: 'Order 42',
      metadata: { order_id: 42, items: [{ sku: 'tee' }] },
      payment_request: invoice.paymentRequest,
    });
  });

  it('outgoing: EUR at the given rate, or null without one', () => {
    const sent: Payment = { ...payment, direction: 'out', feeMsat: 12_345n, invoiceId: null };
    expect(toPaymentJSON(sent)).toMatchObject({ amount_eur: null, fee_eur: null, fee_msat: '12345', fee_sats: 12 });
    expect(toPaymentJSON(sent, { rate: decimal('100000') })).toMatchObject({ amount_eur: '22.81', fee_eur: '0.01' });
  });
});
