/**
 * Webhook dispatch spread over replicas: two dispatchers, each on its own store (own pool) on one
 * PostgreSQL schema, drain one outbox together. Each delivery is attempted by exactly one of them,
 * and a delivery claimed by a dispatcher that dies is sent by the other once the claim lapses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import type { Store, WebhookEndpointRecord } from '../../src/store/store.js';
import { createManualClock } from '../../src/testing/manual-clock.js';
import { createWebhookDispatcher } from '../../src/webhooks/outbox/dispatcher.js';
import { enqueueWebhookEvent } from '../../src/webhooks/outbox/enqueue.js';
import { startTestReceiver, type TestReceiver } from '../../src/webhooks/outbox/test-receiver.js';
import { generateWebhookSecret } from '../../src/webhooks/webhook-secret.js';
import { postgresForTests } from '../helpers/postgres.js';

const server = await postgresForTests('dispatch');
let receiver: TestReceiver;
beforeAll(async () => {
  receiver = await startTestReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await server.cleanup();
});

async function replicas(count: number): Promise<Store[]> {
  const schema = server.newSchema();
  const stores = Array.from({ length: count }, () =>
    createPostgresStore({ connectionString: server.url, max: 4 }, { schema }),
  );
  await Promise.all(stores.map((s) => s.migrate()));
  return stores;
}

async function addEndpoint(store: Store, now: number): Promise<WebhookEndpointRecord> {
  const endpoint: WebhookEndpointRecord = {
    id: `whe_${Math.random().toString(36).slice(2)}`,
    url: receiver.url,
    secrets: [generateWebhookSecret()],
    events: null,
    allowInsecure: true,
    allowPrivateNetwork: true,
    isEnabled: true,
    disabledReason: null,
    createdAt: new Date(now),
    updatedAt: new Date(now),
  };
  await store.webhookEndpoints.insert(endpoint);
  return endpoint;
}

async function enqueueMany(store: Store, count: number, now: number): Promise<string[]> {
  const ids: string[] = [];
  await store.transaction(async (tx) => {
    for (let i = 0; i < count; i++) {
      const id = await enqueueWebhookEvent(tx, {
        type: 'payment.received',
        data: { n: i },
        occurredAt: new Date(now),
      });
      ids.push(id!);
    }
  });
  return ids;
}

describe.skipIf(server.skip)('webhook dispatch over replicas on PostgreSQL', () => {
  it('two dispatchers draining one outbox at once attempt each delivery exactly once', async () => {
    const [a, b] = await replicas(2);
    const clock = createManualClock(Date.now());
    await addEndpoint(a!, clock.now());
    const eventIds = await enqueueMany(a!, 300, clock.now());
    receiver.requests.length = 0;
    // A slow receiver keeps both dispatchers busy at the same time.
    receiver.respond((_req, res) => setTimeout(() => res.end('ok'), 3));
    const make = (store: Store) => createWebhookDispatcher({ store: store, clock, concurrency: 4 });
    const started = performance.now();
    const [sentByA, sentByB] = await Promise.all([make(a!).runOnce(), make(b!).runOnce()]);
    console.log(
      `300 deliveries over two replicas in ${Math.round(performance.now() - started)} ms: ${sentByA} sent by A, ${sentByB} by B`,
    );
    expect(sentByA + sentByB).toBe(300);
    expect(sentByA).toBeGreaterThan(0);
    expect(sentByB).toBeGreaterThan(0);
    const received = receiver.requests.map((r) => r.headers['webhook-id'] as string);
    expect(received.length).toBe(300);
    expect(new Set(received)).toEqual(new Set(eventIds));
    const page = await b!.webhookOutbox.listDeliveries({ limit: 1000 });
    expect(page.items.every((d) => d.status === 'delivered' && d.attempts === 1)).toBe(true);
    expect(await a!.webhookOutbox.countPending()).toBe(0);
    await Promise.all([a!.close(), b!.close()]);
  });

  it('a delivery claimed by a dispatcher that died is sent by another once the claim lapses', async () => {
    const [a, b] = await replicas(2);
    const clock = createManualClock(Date.now());
    await addEndpoint(a!, clock.now());
    const [eventId] = await enqueueMany(a!, 1, clock.now());
    receiver.requests.length = 0;
    receiver.respond((_req, res) => res.end('ok'));
    // Replica A claims the row, then dies before its attempt.
    const claimed = await a!.webhookOutbox.claimDue!(new Date(clock.now()), 10, new Date(clock.now() + 60_000));
    expect(claimed).toHaveLength(1);
    await a!.close();
    const dispatcher = createWebhookDispatcher({ store: b!, clock, concurrency: 2 });
    expect(await dispatcher.runOnce()).toBe(0);
    expect(receiver.requests).toHaveLength(0);
    await clock.advance(60_000);
    expect(await dispatcher.runOnce()).toBe(1);
    expect(receiver.requests.map((r) => r.headers['webhook-id'])).toEqual([eventId]);
    await b!.close();
  });

  it('a dispatcher stopped with claimed rows in its queue hands them back at once', async () => {
    const [a, b] = await replicas(2);
    const clock = createManualClock(Date.now());
    await addEndpoint(a!, clock.now());
    await enqueueMany(a!, 12, clock.now());
    receiver.requests.length = 0;
    let first: (() => void) | undefined;
    const arrived = new Promise<void>((resolve) => (first = resolve));
    // The first request hangs until the dispatcher is told to stop.
    const held: import('node:http').ServerResponse[] = [];
    receiver.respond((_req, res) => {
      held.push(res);
      first?.();
    });
    const dispatcher = createWebhookDispatcher({ store: a!, clock, concurrency: 1 });
    dispatcher.start();
    await clock.advance(0);
    await arrived;
    const stopped = dispatcher.stop();
    for (const res of held) res.end('ok');
    receiver.respond((_req, res) => res.end('ok'));
    await stopped;
    // Without advancing the clock, B finds every row A did not send.
    const sentByB = await createWebhookDispatcher({ store: b!, clock, concurrency: 4 }).runOnce();
    expect(sentByB).toBe(12 - 1);
    expect(await b!.webhookOutbox.countPending()).toBe(0);
    await Promise.all([a!.close(), b!.close()]);
  });
});
