import { describe, expect, it } from 'vitest';
import { decimal } from '../../domain/amount.js';
import type { Invoice } from '../../domain/invoice.js';
import type { Payment } from '../../domain/payment.js';
import { webhookData } from './payloads.js';

const invoice: Invoice = {
  id: 'inv_01',
  paymentHash: 'ab'.repeat(32),
  paymentRequest: 'lnbcrt228060n1…',
  amountMsat: 22_806_000n,
  amountEur: decimal('19.99'),
  rate: decimal('87654.32'),
  rateSource: 'kraken,bitstamp',
  rateFetchedAt: new Date('2026-01-01T09:59:30Z'),
  description: 'Order 42',
  metadata: { order_id: 42 },
  status: 'settled',
  isHold: false,
  addIndex: 7n,
  settleIndex: 9_007_199_254_740_993n,
  amountPaidMsat: 22_806_000n,
  idempotencyKey: 'order-42',
  createdAt: new Date('2026-01-01T10:00:00Z'),
  expiresAt: new Date('2026-01-01T11:00:00Z'),
  settledAt: new Date('2026-01-01T10:05:00Z'),
  closedAt: null,
};

const payment: Payment = {
  id: 'pay_01',
  direction: 'in',
  status: 'succeeded',
  paymentHash: invoice.paymentHash,
  paymentRequest: null,
  amountMsat: 22_806_000n,
  feeMsat: 0n,
  invoiceId: 'inv_01',
  preimage: 'cd'.repeat(32),
  failureReason: null,
  idempotencyKey: null,
  settleIndex: 9n,
  feeLimitMsat: null,
  createdAt: new Date('2026-01-01T10:05:00Z'),
  updatedAt: new Date('2026-01-01T10:05:00Z'),
  completedAt: new Date('2026-01-01T10:05:00Z'),
};

describe('webhookData', () => {
  it('invoice events carry the original design fields, snake_case, JSON-safe', () => {
    const data = webhookData('invoice.settled', { invoice });
    expect(data).toMatchObject({
      invoice_id: 'inv_01',
      payment_hash: invoice.paymentHash,
      payment_request: 'lnbcrt228060n1…',
      amount_sats: 22_806,
      amount_msat: '22806000',
      amount_eur: '19.99',
      rate: '87654.32',
      rate_source: 'kraken,bitstamp',
      description: 'Order 42',
      metadata: { order_id: 42 },
      expiry_time: '2026-01-01T11:00:00.000Z',
      settled_at: '2026-01-01T10:05:00.000Z',
      settle_index: '9007199254740993',
      status: 'settled',
    });
    expect(JSON.parse(JSON.stringify(data))).toEqual(data);
  });

  it('payment.received prices at the invoice rate, with zero fees', () => {
    const data = webhookData('payment.received', { payment, invoice });
    expect(data).toMatchObject({
      payment_id: 'pay_01',
      invoice_id: 'inv_01',
      amount_sats: 22_806,
      amount_eur: '19.99',
      fee_sats: 0,
      fee_eur: '0.00',
      description: 'Order 42',
      metadata: { order_id: 42 },
      payment_request: 'lnbcrt228060n1…',
    });
  });

  it('payment.sent uses the given rate, or null EUR fields without one', () => {
    const sent: Payment = { ...payment, direction: 'out', feeMsat: 12_345n, invoiceId: null, paymentRequest: 'lnbc1…' };
    expect(webhookData('payment.sent', { payment: sent })).toMatchObject({
      amount_eur: null,
      fee_eur: null,
      fee_sats: 12,
      fee_msat: '12345',
    });
    expect(webhookData('payment.sent', { payment: sent }, { rate: decimal('100000') })).toMatchObject({
      amount_eur: '22.81',
      fee_eur: '0.01',
    });
  });

  it('payment.failed carries the reason', () => {
    const failed: Payment = {
      ...payment,
      direction: 'out',
      status: 'failed',
      failureReason: 'no_route',
      preimage: null,
    };
    expect(webhookData('payment.failed', { payment: failed, reason: 'no_route' })).toMatchObject({
      failure_reason: 'no_route',
      status: 'failed',
    });
  });

  it('never carries a preimage', () => {
    for (const data of [
      webhookData('payment.received', { payment, invoice }),
      webhookData('payment.sent', { payment }),
    ]) {
      expect(JSON.stringify(data)).not.toContain(payment.preimage!);
      expect(Object.keys(data).some((k) => k.includes('preimage'))).toBe(false);
    }
  });
});
