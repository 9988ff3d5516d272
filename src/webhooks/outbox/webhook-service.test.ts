import { beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../store/memory/index.js';
import type { Store } from '../../store/store.js';
import { createManualClock } from '../../testing/manual-clock.js';
import { generateWebhookSecret } from '../webhook-secret.js';
import { enqueueWebhookEvent } from './enqueue.js';
import { createWebhookService, type WebhooksApi } from './webhook-service.js';

const S1 = generateWebhookSecret();
const S2 = generateWebhookSecret(24);
let store: Store;
let webhooks: WebhooksApi;
let notified: number;

beforeEach(() => {
  store = createMemoryStore();
  notified = 0;
  webhooks = createWebhookService({ store, clock: createManualClock(), dispatcher: { notify: () => notified++ } });
});

const enqueue = (type: 'invoice.settled' | 'payment.sent' = 'invoice.settled') =>
  store.transaction((tx) =>
    enqueueWebhookEvent(tx, { type, data: { invoice_id: 'inv_1' }, occurredAt: new Date(Date.UTC(2026, 0, 1)) }),
  );

describe('webhook service', () => {
  it('adds an endpoint with a generated secret shown once, and never lists secrets', async () => {
    const created = await webhooks.addEndpoint({ url: 'https://shop.example/hooks', events: ['invoice.settled'] });
    expect(created.secret).toMatch(/^whsec_/);
    expect(created).toMatchObject({
      url: 'https://shop.example/hooks',
      events: ['invoice.settled'],
      isEnabled: true,
      secretCount: 1,
      allowInsecure: false,
    });
    const listed = await webhooks.listEndpoints();
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    expect(listed[0]).not.toHaveProperty('secrets');
    expect((await store.webhookEndpoints.get(created.id))!.secrets).toEqual([created.secret]);
  });

  it.each([
    ['a relative URL', { url: '/hooks' }, 'url'],
    ['plain http', { url: 'http://shop.example/hooks' }, 'url'],
    ['ftp', { url: 'ftp://shop.example/hooks', allowInsecure: true }, 'url'],
    ['a secret without whsec_', { url: 'https://a.example', secret: 'abc' }, 'secret'],
    ['a short secret', { url: 'https://a.example', secret: 'whsec_' + Buffer.alloc(16).toString('base64') }, 'secret'],
    ['an empty secret', { url: 'https://a.example', secret: '' }, 'secret'],
    ['an unknown event type', { url: 'https://a.example', events: ['invoice.paid'] }, 'events'],
    ['an empty event list', { url: 'https://a.example', events: [] }, 'events'],
    ['a non-boolean flag', { url: 'https://a.example', allowInsecure: 'yes' }, 'allowInsecure'],
  ])('rejects %s with a ValidationError and stores nothing', async (_name, input, field) => {
    await expect(webhooks.addEndpoint(input as never)).rejects.toMatchObject({ code: 'INVALID_INPUT', field });
    expect(await webhooks.listEndpoints()).toEqual([]);
  });

  it('accepts http with allowInsecure and given secrets', async () => {
    const created = await webhooks.addEndpoint({
      url: 'http://127.0.0.1:8080/h',
      allowInsecure: true,
      allowPrivateNetwork: true,
      secrets: [S1, S2],
    });
    expect(created).toMatchObject({ secret: S1, secretCount: 2, allowPrivateNetwork: true });
  });

  it('unknown ids throw WebhookNotFoundError', async () => {
    await expect(webhooks.removeEndpoint('whe_nope')).rejects.toMatchObject({ code: 'WEBHOOK_NOT_FOUND' });
    await expect(webhooks.rotateSecret('whe_nope')).rejects.toMatchObject({ code: 'WEBHOOK_NOT_FOUND' });
    await expect(webhooks.redeliver('whd_nope')).rejects.toMatchObject({ code: 'WEBHOOK_NOT_FOUND' });
    await expect(webhooks.enableEndpoint('whe_nope')).rejects.toMatchObject({ code: 'WEBHOOK_NOT_FOUND' });
  });

  it('rotates: the new secret signs first and the previous one is kept until removed', async () => {
    const { id, secret } = await webhooks.addEndpoint({ url: 'https://a.example', secret: S1 });
    expect(secret).toBe(S1);
    const { secret: next } = await webhooks.rotateSecret(id);
    expect((await store.webhookEndpoints.get(id))!.secrets).toEqual([next, S1]);
    await webhooks.rotateSecret(id, { secret: S2 });
    expect((await store.webhookEndpoints.get(id))!.secrets).toEqual([S2, next]);
    expect(await webhooks.removeOldSecrets(id)).toMatchObject({ secretCount: 1 });
    expect((await store.webhookEndpoints.get(id))!.secrets).toEqual([S2]);
    await webhooks.rotateSecret(id, { secret: S1, keepOld: false });
    expect((await store.webhookEndpoints.get(id))!.secrets).toEqual([S1]);
    await expect(webhooks.rotateSecret(id, { secret: S1 })).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('lists deliveries with their attempts and redelivers the same event (same webhook-id)', async () => {
    const endpoint = await webhooks.addEndpoint({ url: 'https://a.example', events: ['invoice.settled'] });
    const eventId = await enqueue();
    expect(await enqueue('payment.sent')).toBeNull(); // not subscribed
    const [delivery] = (await webhooks.deliveries({ endpointId: endpoint.id })).items;
    expect(delivery).toMatchObject({ eventId, eventType: 'invoice.settled', status: 'pending', attemptLog: [] });
    const again = await webhooks.redeliver(delivery!.id);
    expect(again).toMatchObject({ eventId, endpointId: endpoint.id, status: 'pending', attempts: 0 });
    expect(again.id).not.toBe(delivery!.id);
    expect(notified).toBe(1);
    expect((await webhooks.deliveries()).items).toHaveLength(2);
  });

  it('removing an endpoint cancels its pending deliveries and keeps the log', async () => {
    const { id } = await webhooks.addEndpoint({ url: 'https://a.example' });
    await enqueue();
    await webhooks.removeEndpoint(id);
    expect(await webhooks.listEndpoints()).toEqual([]);
    expect((await webhooks.deliveries()).items.map((d) => d.status)).toEqual(['cancelled']);
  });

  it('re-enables a disabled endpoint', async () => {
    const { id } = await webhooks.addEndpoint({ url: 'https://a.example' });
    await store.webhookEndpoints.update(id, { isEnabled: false, disabledReason: 'endpoint answered 410 Gone' });
    expect(await webhooks.enableEndpoint(id)).toMatchObject({ isEnabled: true, disabledReason: null });
  });

  it('syncs configured endpoints by URL: inserts, updates, keeps runtime ones', async () => {
    const runtime = await webhooks.addEndpoint({ url: 'https://runtime.example' });
    await webhooks.syncConfiguredEndpoints([{ url: 'https://a.example/h', secret: S1 }]);
    await webhooks.syncConfiguredEndpoints([
      { url: 'https://a.example/h', secrets: [S2, S1], events: ['payment.received'] },
    ]);
    const endpoints = await store.webhookEndpoints.list();
    expect(endpoints.map((e) => e.url).sort()).toEqual(['https://a.example/h', 'https://runtime.example/']);
    expect(endpoints.find((e) => e.url === 'https://a.example/h')).toMatchObject({
      secrets: [S2, S1],
      events: ['payment.received'],
    });
    expect(endpoints.find((e) => e.url === 'https://runtime.example/')!.id).toBe(runtime.id);
    await expect(webhooks.syncConfiguredEndpoints([{ url: 'https://b.example' }])).rejects.toMatchObject({
      field: 'webhooks.endpoints[0].secret',
    });
    await expect(
      webhooks.syncConfiguredEndpoints([
        { url: 'https://c.example', secret: S1 },
        { url: 'https://c.example', secret: S2 },
      ]),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });
});
