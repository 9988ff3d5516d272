import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../store/memory/index.js';
import type { WebhookEndpointRecord } from '../../store/store.js';
import { enqueueWebhookEvent, serializeWebhookBody } from './enqueue.js';

const at = new Date('2026-01-01T10:00:00Z');
const endpoint = (id: string, patch: Partial<WebhookEndpointRecord> = {}): WebhookEndpointRecord => ({
  id,
  url: `https://${id}.example/`,
  secrets: ['whsec_' + Buffer.alloc(32, 1).toString('base64')],
  events: null,
  allowInsecure: false,
  allowPrivateNetwork: false,
  isEnabled: true,
  disabledReason: null,
  createdAt: at,
  updatedAt: at,
  ...patch,
});

describe('enqueueWebhookEvent', () => {
  it('writes one event and one due delivery per enabled, subscribed endpoint', async () => {
    const store = createMemoryStore();
    await store.webhookEndpoints.insert(endpoint('all'));
    await store.webhookEndpoints.insert(endpoint('settled', { events: ['invoice.settled'] }));
    await store.webhookEndpoints.insert(endpoint('created', { events: ['invoice.created'] }));
    await store.webhookEndpoints.insert(endpoint('off', { isEnabled: false }));
    const id = await store.transaction((tx) =>
      enqueueWebhookEvent(tx, {
        type: 'invoice.settled',
        data: { invoice_id: 'inv_1', big: 2n ** 64n },
        occurredAt: at,
      }),
    );
    expect(id).toMatch(/^msg_[0-9a-z]{26}$/);
    const event = await store.webhookOutbox.getEvent(id!);
    expect(event!.body).toBe(
      '{"type":"invoice.settled","timestamp":"2026-01-01T10:00:00.000Z","data":{"invoice_id":"inv_1","big":"18446744073709551616"}}',
    );
    const due = await store.webhookOutbox.listDue(at, 10);
    expect(due.map((d) => d.endpointId).sort()).toEqual(['all', 'settled']);
    expect(due.every((d) => d.eventId === id && d.status === 'pending' && d.attempts === 0)).toBe(true);
  });

  it('returns null and writes nothing when no endpoint wants the type', async () => {
    const store = createMemoryStore();
    await store.webhookEndpoints.insert(endpoint('created', { events: ['invoice.created'] }));
    expect(
      await store.transaction((tx) => enqueueWebhookEvent(tx, { type: 'payment.sent', data: {}, occurredAt: at })),
    ).toBeNull();
    expect(await store.webhookOutbox.countPending()).toBe(0);
  });

  it('rolls back with the transaction it joined', async () => {
    const store = createMemoryStore();
    await store.webhookEndpoints.insert(endpoint('all'));
    await expect(
      store.transaction(async (tx) => {
        await enqueueWebhookEvent(tx, { type: 'invoice.settled', data: {}, occurredAt: at });
        throw new Error('settlement failed');
      }),
    ).rejects.toThrow('settlement failed');
    expect(await store.webhookOutbox.countPending()).toBe(0);
  });

  it('rejects an invalid date', async () => {
    const store = createMemoryStore();
    await expect(
      store.transaction((tx) =>
        enqueueWebhookEvent(tx, { type: 'invoice.settled', data: {}, occurredAt: new Date(NaN) }),
      ),
    ).rejects.toMatchObject({
      code: 'INVALID_INPUT',
    });
  });

  it('serializes { type, timestamp, data } in that order', () => {
    expect(serializeWebhookBody('t', at, { a: 1 })).toBe(
      '{"type":"t","timestamp":"2026-01-01T10:00:00.000Z","data":{"a":1}}',
    );
  });
});
