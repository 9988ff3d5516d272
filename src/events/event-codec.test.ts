import { describe, expect, it } from 'vitest';
import { decimal } from '../domain/amount.js';
import { decodeEventPayload, encodeEventPayload } from './event-codec.js';

describe('event payload codec', () => {
  it('round-trips bigint, Date, Decimal, nulls and metadata that looks like a tag', () => {
    const payload = {
      payment: { amountMsat: 2_099_999_999_999_999_999n, createdAt: new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)) },
      invoice: {
        amountEur: decimal('19.990000000001'),
        rate: null,
        metadata: { $t: 'n', v: '5', nested: [{ $t: 'o', v: { a: 1 } }, 'x', 2.5, true, null] },
      },
    };
    const decoded = decodeEventPayload(encodeEventPayload(payload)) as typeof payload;
    expect(decoded.payment.amountMsat).toBe(2_099_999_999_999_999_999n);
    expect(decoded.payment.createdAt).toEqual(payload.payment.createdAt);
    expect(decoded.invoice.amountEur.toFixed()).toBe('19.990000000001');
    expect(decoded.invoice.rate).toBeNull();
    expect(decoded.invoice.metadata).toEqual(payload.invoice.metadata);
  });

  it.each([
    ['not json', '{'],
    ['an unknown tag', '{"$t":"q","v":1}'],
    ['a tag of the wrong type', '{"$t":"n","v":5}'],
  ])('rejects %s with STORE_ERROR', (_label, text) => {
    expect(() => decodeEventPayload(text)).toThrow(expect.objectContaining({ code: 'STORE_ERROR' }));
  });
});
