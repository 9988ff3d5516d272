import { describe, expect, it } from 'vitest';
import type { Invoice } from '../../domain/invoice.js';
import type { Payment } from '../../domain/payment.js';
import { makeInvoice, makePayment } from '../../store/conformance/fixtures.js';
import { createMemoryStore } from '../../store/memory/index.js';
import { enqueueWebhookEvent, webhookEventId } from './enqueue.js';

const pubkey = `02${'11'.repeat(32)}`;
const paymentHash = '22'.repeat(32);
const payment: Payment = makePayment({ paymentHash });
const invoice: Invoice = makeInvoice({ paymentHash });
const at = new Date('2026-01-01T10:00:00Z');

describe('webhookEventId', () => {
  it('is msg_ + base32(sha256("pubkey:hash:type")), 32 characters (vectors from Python hashlib + base64.b32encode)', () => {
    expect(webhookEventId(pubkey, 'payment.received', { payment, invoice: null })).toBe(
      'msg_vfwsvxtaw3o5xxrpy6htkhnutjofqufg',
    );
    expect(webhookEventId(pubkey, 'invoice.settled', { invoice })).toBe('msg_idcnygwcrqffr7exhbtozv3yg2vd2ufp');
  });

  it('depends on the node, the payment hash and the type only (not on which store or invoice row)', () => {
    const a = webhookEventId(pubkey, 'payment.received', { payment, invoice });
    expect(webhookEventId(pubkey, 'payment.received', { payment: makePayment({ paymentHash }), invoice: null })).toBe(
      a,
    );
    expect(webhookEventId(`03${'11'.repeat(32)}`, 'payment.received', { payment, invoice })).not.toBe(a);
    expect(
      webhookEventId(pubkey, 'payment.received', { payment: makePayment({ paymentHash: '33'.repeat(32) }), invoice }),
    ).not.toBe(a);
  });

  it('payment.failed: one id per failed attempt of an outgoing payment (a retry can fail again)', () => {
    const first = makePayment({ paymentHash, direction: 'out', status: 'failed', updatedAt: new Date(1) });
    const retry = { ...first, updatedAt: new Date(2) };
    const failed = (p: Payment) => webhookEventId(pubkey, 'payment.failed', { payment: p, reason: 'no_route' });
    expect(failed(first)).toBe(failed({ ...first }));
    expect(failed(retry)).not.toBe(failed(first));
  });
});

describe('enqueueWebhookEvent with a deterministic id', () => {
  const endpoint = {
    id: 'whe_1',
    url: 'https://shop.example/hooks',
    secrets: ['whsec_' + Buffer.alloc(32, 1).toString('base64')],
    events: null,
    allowInsecure: false,
    allowPrivateNetwork: false,
    isEnabled: true,
    disabledReason: null,
    createdAt: at,
    updatedAt: at,
  };

  it('gives no id for an event about no payment (the caller draws a random one)', () => {
    expect(webhookEventId(pubkey, 'webhook.endpoint_disabled' as never, {} as never)).toBeUndefined();
  });

  it('a second enqueue of the same id writes nothing (a replay)', async () => {
    const store = createMemoryStore();
    await store.webhookEndpoints.insert(endpoint);
    const id = webhookEventId(pubkey, 'payment.received', { payment, invoice: null })!;
    const input = { type: 'payment.received' as const, data: { n: 1 }, occurredAt: at, id };
    expect(await store.transaction((tx) => enqueueWebhookEvent(tx, input))).toBe(id);
    expect(await store.transaction((tx) => enqueueWebhookEvent(tx, { ...input, data: { n: 2 } }))).toBe(id);
    expect((await store.webhookOutbox.getEvent(id))?.body).toContain('"n":1');
    expect((await store.webhookOutbox.listDeliveries({ eventId: id })).items).toHaveLength(1);
  });

  it.each([['msg_UPPER'], ['evt_abc'], ['msg_'], [`msg_${'a'.repeat(65)}`], ['msg_a b']])(
    'rejects the id %j with INVALID_INPUT and writes nothing',
    async (id) => {
      const store = createMemoryStore();
      await store.webhookEndpoints.insert(endpoint);
      await expect(
        store.transaction((tx) => enqueueWebhookEvent(tx, { type: 'payment.received', data: {}, occurredAt: at, id })),
      ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      expect(await store.webhookOutbox.countPending()).toBe(0);
    },
  );
});
