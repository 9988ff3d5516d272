import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../store/memory/index.js';
import type { Store, WebhookEndpointRecord } from '../../store/store.js';
import { createManualClock, type ManualClock } from '../../testing/manual-clock.js';
import { verifyWebhook } from '../verify-webhook.js';
import { generateWebhookSecret } from '../webhook-secret.js';
import {
  createWebhookDispatcher,
  type WebhookDispatcherConfig,
  type WebhookEndpointDisabledReport,
} from './dispatcher.js';
import { enqueueWebhookEvent } from './enqueue.js';
import { startTestReceiver, type TestReceiver } from './test-receiver.js';

const SECRET = generateWebhookSecret();
let receiver: TestReceiver;
let store: Store;
let clock: ManualClock;
let disabled: WebhookEndpointDisabledReport[];
let logs: string[];

beforeAll(async () => {
  receiver = await startTestReceiver();
});
afterAll(() => receiver.close());
beforeEach(() => {
  store = createMemoryStore();
  clock = createManualClock();
  disabled = [];
  logs = [];
  receiver.requests.length = 0;
  receiver.respond((_req, res) => res.end('ok'));
});

async function addEndpoint(patch: Partial<WebhookEndpointRecord> = {}): Promise<WebhookEndpointRecord> {
  const now = new Date(clock.now());
  const endpoint: WebhookEndpointRecord = {
    id: `whe_${Math.random().toString(36).slice(2)}`,
    url: receiver.url,
    secrets: [SECRET],
    events: null,
    allowInsecure: true,
    allowPrivateNetwork: true,
    isEnabled: true,
    disabledReason: null,
    createdAt: now,
    updatedAt: now,
    ...patch,
  };
  await store.webhookEndpoints.insert(endpoint);
  return endpoint;
}

function enqueue(data: Record<string, unknown> = { invoice_id: 'inv_1', amount_sats: 2500 }): Promise<string | null> {
  return store.transaction((tx) =>
    enqueueWebhookEvent(tx, { type: 'invoice.settled', data, occurredAt: new Date(clock.now()) }),
  );
}

function dispatcher(config: Partial<WebhookDispatcherConfig> = {}) {
  const capture = (level: string) => (fields: object, message: string) =>
    logs.push(`${level} ${message} ${JSON.stringify(fields)}`);
  return createWebhookDispatcher({
    store,
    clock,
    random: () => 0.5, // no jitter: delays are exactly the schedule
    logger: { debug: capture('debug'), info: capture('info'), warn: capture('warn'), error: capture('error') },
    onEndpointDisabled: (e) => disabled.push(e),
    ...config,
  });
}

const onlyDelivery = async () => (await store.webhookOutbox.listDeliveries()).items[0]!;

describe('webhook dispatcher', () => {
  it('retries a receiver answering 500 five times and delivers on the sixth attempt, same id and bytes', async () => {
    const endpoint = await addEndpoint();
    const eventId = await enqueue();
    let calls = 0;
    receiver.respond((_req, res) => {
      res.statusCode = ++calls <= 5 ? 500 : 204;
      res.end(calls <= 5 ? 'database is down' : '');
    });
    const d = dispatcher();
    const schedule = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000];
    expect(await d.runOnce()).toBe(1);
    for (const delay of schedule) {
      await clock.advance(delay - 1);
      expect(await d.runOnce()).toBe(0); // not due yet
      await clock.advance(1);
      expect(await d.runOnce()).toBe(1);
    }
    expect(receiver.requests).toHaveLength(6);
    const bodies = new Set(receiver.requests.map((r) => r.body.toString('hex')));
    expect(bodies.size).toBe(1);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id']))).toEqual(new Set([eventId]));
    const last = receiver.requests[5]!;
    const verified = verifyWebhook({ body: last.body, headers: last.headers, secret: SECRET, now: clock.now() });
    expect(verified).toMatchObject({
      id: eventId,
      type: 'invoice.settled',
      data: { invoice_id: 'inv_1', amount_sats: 2500 },
    });
    expect(last.headers['content-type']).toBe('application/json');

    const delivery = await onlyDelivery();
    expect(delivery).toMatchObject({
      status: 'delivered',
      attempts: 6,
      lastStatusCode: 204,
      lastError: null,
      nextAttemptAt: null,
      endpointId: endpoint.id,
    });
    const attempts = await store.webhookOutbox.listAttempts(delivery.id);
    expect(attempts.map((a) => a.statusCode)).toEqual([500, 500, 500, 500, 500, 204]);
    expect(attempts[0]!.error).toBe('HTTP 500: database is down');
    expect(attempts.every((a) => a.latencyMs >= 0)).toBe(true);
    expect(logs.join('\n')).not.toContain(SECRET.slice(6));
    await d.stop();
  });

  it('410 Gone disables the endpoint, reports it once, and cancels its other pending deliveries', async () => {
    const endpoint = await addEndpoint();
    await enqueue();
    await enqueue();
    receiver.respond((_req, res) => {
      res.statusCode = 410;
      res.end();
    });
    const d = dispatcher({ concurrency: 1 });
    await d.runOnce();
    expect(receiver.requests).toHaveLength(1);
    expect(disabled).toEqual([{ endpointId: endpoint.id, url: endpoint.url, reason: 'endpoint answered 410 Gone' }]);
    expect(await store.webhookEndpoints.get(endpoint.id)).toMatchObject({
      isEnabled: false,
      disabledReason: 'endpoint answered 410 Gone',
    });
    const statuses = (await store.webhookOutbox.listDeliveries()).items.map((x) => x.status).sort();
    expect(statuses).toEqual(['cancelled', 'failed']);
    expect(await enqueue()).toBeNull(); // disabled endpoints get no new deliveries
  });

  it.each([
    ['delta seconds', '3600', 3_600_000],
    ['an HTTP date', new Date(Date.UTC(2026, 0, 1, 2)).toUTCString(), 7_200_000],
    ['a value above the one-day cap', '999999', 86_400_000],
  ])('honours Retry-After as %s', async (_name, value, expectedMs) => {
    await addEndpoint();
    await enqueue();
    receiver.respond((_req, res) => {
      res.writeHead(503, { 'retry-after': value });
      res.end();
    });
    await dispatcher().runOnce();
    expect((await onlyDelivery()).nextAttemptAt!.getTime() - clock.now()).toBe(expectedMs);
  });

  it('a receiver that never answers times out (real time, short timeoutMs)', async () => {
    await addEndpoint();
    await enqueue();
    receiver.respond(() => undefined);
    await dispatcher({ timeoutMs: 150 }).runOnce();
    const delivery = await onlyDelivery();
    expect(delivery).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: null,
      lastError: 'timed out after 150 ms',
    });
    expect(delivery.nextAttemptAt!.getTime() - clock.now()).toBe(5_000);
  });

  it('does not follow a redirect: 3xx is a failure', async () => {
    await addEndpoint();
    await enqueue();
    receiver.respond((req, res) => {
      res.writeHead(req.url === '/hooks' ? 302 : 200, { location: '/elsewhere' });
      res.end();
    });
    await dispatcher().runOnce();
    expect(receiver.requests.map((r) => r.url)).toEqual(['/hooks']);
    expect(await onlyDelivery()).toMatchObject({
      status: 'pending',
      lastStatusCode: 302,
      lastError: 'HTTP 302 (redirects are not followed)',
    });
  });

  it('stops reading an endless response body at maxResponseBytes and still counts the 2xx', async () => {
    await addEndpoint();
    await enqueue();
    receiver.respond((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const chunk = Buffer.alloc(64 * 1024, 'x');
      const pump = (): void => {
        while (!res.destroyed && res.write(chunk));
        if (!res.destroyed) res.once('drain', pump);
      };
      pump();
    });
    await dispatcher({ maxResponseBytes: 1024, timeoutMs: 5_000 }).runOnce();
    expect(await onlyDelivery()).toMatchObject({ status: 'delivered', lastStatusCode: 200 });
  });

  it('refuses plain http without allowInsecure, and private addresses without allowPrivateNetwork', async () => {
    await addEndpoint({ allowInsecure: false });
    await addEndpoint({ allowPrivateNetwork: false });
    await enqueue();
    await dispatcher().runOnce();
    expect(receiver.requests).toHaveLength(0);
    const errors = (await store.webhookOutbox.listDeliveries()).items.map((x) => x.lastError).sort();
    expect(errors).toEqual([
      'refused http: URL: HTTPS only unless the endpoint sets allowInsecure',
      'refused to connect to 127.0.0.1: loopback address (set allowPrivateNetwork on the endpoint to allow)',
    ]);
  });

  it('gives up after the schedule, and disables an endpoint failing for disableAfterMs', async () => {
    const endpoint = await addEndpoint();
    await enqueue();
    receiver.respond((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    const d = dispatcher({ retrySchedule: [1_000, 1_000, 1_000], disableAfterMs: 2_500 });
    await d.runOnce();
    await clock.advance(1_000);
    await d.runOnce();
    expect(disabled).toEqual([]);
    await clock.advance(1_000);
    await d.runOnce();
    expect((await onlyDelivery()).status).toBe('pending');
    await clock.advance(1_000);
    await d.runOnce(); // 3 s of failure ≥ 2.5 s: disabled
    expect(disabled).toEqual([
      { endpointId: endpoint.id, url: endpoint.url, reason: 'no successful delivery for 0 h' },
    ]);
    expect(await onlyDelivery()).toMatchObject({ status: 'failed', attempts: 4 });
  });

  it('marks a delivery failed when the schedule is exhausted', async () => {
    await addEndpoint();
    await enqueue();
    receiver.respond((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    const d = dispatcher({ retrySchedule: [1_000] });
    await d.runOnce();
    await clock.advance(1_000);
    await d.runOnce();
    expect(await onlyDelivery()).toMatchObject({ status: 'failed', attempts: 2, nextAttemptAt: null });
    expect(disabled).toEqual([]);
  });

  it('cancels deliveries of a removed endpoint without sending', async () => {
    const endpoint = await addEndpoint();
    await enqueue();
    await store.webhookEndpoints.remove(endpoint.id);
    await dispatcher().runOnce();
    expect(receiver.requests).toHaveLength(0);
    expect(await onlyDelivery()).toMatchObject({ status: 'cancelled', lastError: 'endpoint removed' });
  });

  it('start() delivers on its own, notify() wakes it, stop() drains', async () => {
    await addEndpoint();
    const d = dispatcher({ clock: undefined, pollIntervalMs: 60_000 });
    d.start();
    await enqueue();
    d.notify();
    const deadline = Date.now() + 5_000;
    while (receiver.requests.length === 0 && Date.now() < deadline) await new Promise((r) => setImmediate(r));
    await d.stop();
    expect(receiver.requests).toHaveLength(1);
  });

  it('rejects bad configuration', () => {
    expect(() => dispatcher({ concurrency: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => dispatcher({ retrySchedule: [] })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    expect(() => dispatcher({ timeoutMs: -1 })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });
});
