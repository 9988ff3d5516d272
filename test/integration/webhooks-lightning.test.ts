/**
 * Webhooks end to end through createLightning: LND simulator over gRPC/TLS, a SQLite file store,
 * fixed rates, and a real HTTP receiver on 127.0.0.1 that verifies every request with verifyWebhook.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLightning, type Lightning, type WebhooksConfig } from '../../src/create-lightning.js';
import { StoreError } from '../../src/errors.js';
import { createLndClient, type GrpcLndClient } from '../../src/lnd/index.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import type { Repositories, Store } from '../../src/store/store.js';
import { startLndSimulator, type LndSimulator, type SimulatedNode } from '../../src/testing/simulator/index.js';
import { startTestReceiver, type TestReceiver } from '../../src/webhooks/outbox/test-receiver.js';
import {
  generateWebhookSecret,
  verifyWebhook,
  WebhookVerificationError,
  type VerifiedWebhook,
} from '../../src/webhooks/index.js';
import { createCollectingLogger, recordEvents } from '../helpers/collect.js';
import { waitUntil } from '../helpers/wait.js';

/** One request as received, with what verifyWebhook made of it (null when it failed). */
interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
  readonly verified: VerifiedWebhook | null;
  readonly status: number;
}

let sim: LndSimulator;
let aliceLnd: GrpcLndClient;
let bobLnd: GrpcLndClient;
let receiver: TestReceiver;
let base = '';
let received: Received[] = [];
/** Per path: the secrets the receiver verifies with, and the status of the n-th request (0-based). */
let routes = new Map<string, { secrets: string[]; status: (n: number) => number }>();
let dir = '';
let lightning: Lightning | undefined;

beforeAll(async () => {
  receiver = await startTestReceiver();
  base = receiver.url.replace(/\/hooks$/, '');
  // Verifies every request with the route's secrets; answers 400 when that fails, else the scripted status.
  receiver.respond((request, res) => {
    const route = routes.get(request.url);
    let verified: VerifiedWebhook | null = null;
    try {
      verified = verifyWebhook({ body: request.body, headers: request.headers, secrets: route?.secrets ?? [] });
    } catch {
      // counted as unverified below
    }
    const n = received.filter((r) => r.path === request.url).length;
    const status = verified === null ? 400 : (route?.status(n) ?? 200);
    received.push({ path: request.url, headers: request.headers, body: request.body, verified, status });
    res.writeHead(status).end(status >= 300 ? `no (${status})` : 'ok');
  });
});

afterAll(async () => {
  await receiver?.close();
});

// A fresh network per test: a new store replays the node's earlier settlements (as external
// payments), which would add webhooks from previous tests.
beforeEach(async () => {
  sim = await startLndSimulator();
  const connect = (n: SimulatedNode): GrpcLndClient =>
    createLndClient({ socket: n.socket, cert: n.cert, macaroon: n.macaroons.admin, serverNameOverride: 'localhost' });
  aliceLnd = connect(sim.node('alice'));
  bobLnd = connect(sim.node('bob'));
  dir = mkdtempSync(join(tmpdir(), 'lnkit-webhooks-e2e-'));
  received = [];
  routes = new Map();
});

afterEach(async () => {
  await lightning?.stop();
  lightning = undefined;
  await Promise.all([aliceLnd.close(), bobLnd.close()]);
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

const fastDelivery: NonNullable<WebhooksConfig['delivery']> = {
  retrySchedule: [50, 50, 50],
  pollIntervalMs: 20,
  timeoutMs: 5_000,
};

/** A loopback endpoint at `path` that the receiver verifies with `secret`, answering `status(n)`. */
function route(path: string, secret = generateWebhookSecret(), status: (n: number) => number = () => 200) {
  routes.set(path, { secrets: [secret], status });
  return { url: `${base}${path}`, secret, allowInsecure: true, allowPrivateNetwork: true } as const;
}

async function open(
  webhooks?: WebhooksConfig,
  store: Store = createSqliteStore({ filename: join(dir, 'lnkit.db') }),
): Promise<Lightning> {
  lightning = createLightning({
    lnd: aliceLnd,
    rates: createFixedRates('87654.32'),
    store,
    settlement: { minBackoffMs: 5, maxBackoffMs: 50 },
    logger: createCollectingLogger(),
    ...(webhooks ? { webhooks } : {}),
  });
  await lightning.start();
  return lightning;
}

async function bobPays(paymentRequest: string): Promise<string> {
  let status = 'none';
  for await (const update of bobLnd.sendPayment({ paymentRequest, feeLimitMsat: 10_000n })) status = update.status;
  return status;
}

const at = (path: string): Received[] => received.filter((r) => r.path === path);
const typesAt = (path: string): string[] => at(path).map((r) => r.verified?.type ?? 'UNVERIFIED');

describe('webhooks through createLightning (simulator + SQLite + HTTP)', () => {
  it('delivers invoice.created, then invoice.settled and payment.received when bob pays; honours an events filter', async () => {
    const all = route('/all');
    const settledOnly = route('/settled');
    const ln = await open({
      endpoints: [all, { ...settledOnly, events: ['invoice.settled'] }],
      delivery: fastDelivery,
    });
    const invoice = await ln.invoices.create({
      amountEur: '19.99',
      description: 'Order 42',
      metadata: { order_id: '42' },
    });

    await waitUntil(() => at('/all').length === 1, 5_000, 'invoice.created');
    const created = at('/all')[0]!.verified!;
    expect(created.type).toBe('invoice.created');
    expect(created.data).toMatchObject({
      invoice_id: invoice.id,
      payment_hash: invoice.paymentHash,
      amount_sats: 22806,
      amount_msat: '22806000',
      amount_eur: '19.99',
      rate: '87654.32',
      rate_source: 'fixed',
      description: 'Order 42',
      metadata: { order_id: '42' },
      expiry_time: invoice.expiresAt.toISOString(),
      payment_request: invoice.paymentRequest,
      status: 'open',
    });

    expect(await bobPays(invoice.paymentRequest)).toBe('SUCCEEDED');
    await waitUntil(() => at('/all').length === 3 && at('/settled').length === 1, 10_000, 'settlement webhooks');
    expect(typesAt('/all').sort()).toEqual(['invoice.created', 'invoice.settled', 'payment.received']);
    expect(typesAt('/settled')).toEqual(['invoice.settled']);
    expect(received.every((r) => r.verified !== null && r.status === 200)).toBe(true);
    const ids = at('/all').map((r) => r.headers['webhook-id']);
    expect(new Set(ids).size).toBe(3);
    const settled = at('/all').find((r) => r.verified!.type === 'invoice.settled')!;
    // One event, two endpoints: the same webhook-id and the same bytes.
    expect(at('/settled')[0]!.headers['webhook-id']).toBe(settled.headers['webhook-id']);
    expect(at('/settled')[0]!.body.equals(settled.body)).toBe(true);
    expect(settled.verified!.data).toMatchObject({
      invoice_id: invoice.id,
      status: 'settled',
      amount_paid_sats: 22806,
      amount_eur: '19.99',
    });
    const payment = at('/all').find((r) => r.verified!.type === 'payment.received')!.verified!;
    expect(payment.data).toMatchObject({
      invoice_id: invoice.id,
      direction: 'in',
      amount_sats: 22806,
      amount_eur: '19.99',
      rate: '87654.32',
    });
    expect(JSON.stringify(received.map((r) => r.body.toString()))).not.toMatch(/preimage/i);
  });

  it('retries and redeliveries carry the same bytes and webhook-id; the attempt log records each try', async () => {
    const flaky = route('/flaky', undefined, (n) => (n === 0 ? 500 : 200));
    const ln = await open({ endpoints: [{ ...flaky, events: ['invoice.created'] }], delivery: fastDelivery });
    await ln.invoices.create({ amountSat: 1234, description: 'retry me' });
    await waitUntil(() => at('/flaky').length === 2, 5_000, 'the retry');
    const [first, second] = at('/flaky');
    expect([first!.status, second!.status]).toEqual([500, 200]);
    expect(second!.body.equals(first!.body)).toBe(true);
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);

    const [endpoint] = await ln.webhooks.listEndpoints();
    const log = await waitUntil(
      async () => {
        const page = await ln.webhooks.deliveries({ endpointId: endpoint!.id });
        return page.items[0]?.status === 'delivered' ? page : null;
      },
      5_000,
      'delivered',
    );
    expect(log.items).toHaveLength(1);
    const delivery = log.items[0]!;
    expect(delivery).toMatchObject({ eventType: 'invoice.created', attempts: 2, lastStatusCode: 200, lastError: null });
    expect(delivery.attemptLog.map((a) => [a.attempt, a.statusCode])).toEqual([
      [1, 500],
      [2, 200],
    ]);
    expect(delivery.attemptLog[0]!.error).toMatch(/^HTTP 500/);
    expect(delivery.attemptLog[1]!.error).toBeNull();
    for (const a of delivery.attemptLog) expect(a.latencyMs).toBeGreaterThanOrEqual(0);

    const again = await ln.webhooks.redeliver(delivery.id);
    expect(again).toMatchObject({
      eventId: delivery.eventId,
      endpointId: endpoint!.id,
      status: 'pending',
      attempts: 0,
    });
    expect(again.id).not.toBe(delivery.id);
    await waitUntil(() => at('/flaky').length === 3, 5_000, 'the redelivery');
    const third = at('/flaky')[2]!;
    expect(third.status).toBe(200);
    expect(third.body.equals(first!.body)).toBe(true);
    expect(third.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    await waitUntil(
      async () =>
        (await ln.webhooks.deliveries({ endpointId: endpoint!.id })).items.every((d) => d.status === 'delivered'),
      5_000,
      'both delivered',
    );
  });

  it('410 disables the endpoint, emits webhook.endpoint_disabled, and the metrics count every attempt', async () => {
    const ok = route('/ok');
    const gone = route('/gone', undefined, () => 410);
    const ln = await open({ endpoints: [ok, gone], delivery: fastDelivery });
    const disabled = ln.events.waitFor('webhook.endpoint_disabled', undefined, 5_000);
    await ln.invoices.create({ amountSat: 500, description: 'gone' });
    const report = await disabled;
    expect(report).toMatchObject({ url: gone.url, reason: expect.stringMatching(/410/) });
    const endpoints = await ln.webhooks.listEndpoints();
    const goneEndpoint = endpoints.find((e) => e.url === gone.url)!;
    expect(report.endpointId).toBe(goneEndpoint.id);
    expect(goneEndpoint).toMatchObject({ isEnabled: false, disabledReason: expect.stringMatching(/410/) });
    expect(endpoints.find((e) => e.url === ok.url)).toMatchObject({ isEnabled: true });

    // A disabled endpoint gets no further deliveries.
    await ln.invoices.create({ amountSat: 501, description: 'after' });
    await waitUntil(() => at('/ok').length === 2, 5_000, 'second delivery to /ok');
    expect((await ln.webhooks.deliveries({ endpointId: goneEndpoint.id })).items).toHaveLength(1);
    expect(at('/gone')).toHaveLength(1);

    const counters = await waitUntil(
      async () => {
        const snapshot = await ln.metrics.snapshot();
        return snapshot.counters.webhook_delivery_attempts >= 3 ? snapshot.counters : null;
      },
      5_000,
      'three attempts counted',
    );
    expect((await ln.webhooks.deliveries({ status: 'pending' })).items).toEqual([]);
    expect(counters.webhook_delivery_attempts).toBe(received.length);
    expect(counters.webhook_delivery_attempts).toBe(3);
    expect(counters.webhook_delivery_success).toBe(received.filter((r) => r.status < 300).length);
    expect(counters.webhook_delivery_success).toBe(2);
  });

  it('addEndpoint / listEndpoints / rotateSecret / removeEndpoint at runtime; both secrets verify during a rotation', async () => {
    const ln = await open();
    const created = await ln.webhooks.addEndpoint({
      url: `${base}/rot`,
      events: ['invoice.created'],
      allowInsecure: true,
      allowPrivateNetwork: true,
    });
    const oldSecret = created.secret;
    expect(oldSecret).toMatch(/^whsec_/);
    const listed = await ln.webhooks.listEndpoints();
    expect(listed).toHaveLength(1);
    expect(listed[0]).not.toHaveProperty('secrets');
    expect(listed[0]).not.toHaveProperty('secret');
    expect(JSON.stringify(listed)).not.toContain(oldSecret.slice(6));

    const { secret: newSecret } = await ln.webhooks.rotateSecret(created.id);
    expect(newSecret).toMatch(/^whsec_/);
    expect(newSecret).not.toBe(oldSecret);
    const rotated = await ln.webhooks.listEndpoints();
    expect(rotated[0]).toMatchObject({ id: created.id, secretCount: 2 });
    expect(JSON.stringify(rotated)).not.toContain(newSecret.slice(6));
    expect(JSON.stringify(rotated)).not.toContain(oldSecret.slice(6));

    routes.set('/rot', { secrets: [newSecret], status: () => 200 });
    await ln.invoices.create({ amountSat: 777, description: 'rotation' });
    await waitUntil(() => at('/rot').length === 1, 5_000, 'delivery after rotation');
    const request = at('/rot')[0]!;
    expect(request.verified?.type).toBe('invoice.created');
    const signatures = String(request.headers['webhook-signature']).split(' ');
    expect(signatures).toHaveLength(2);
    expect(signatures.every((s) => s.startsWith('v1,'))).toBe(true);
    const verifyWith = (secret: string) => verifyWebhook({ body: request.body, headers: request.headers, secret });
    expect(verifyWith(newSecret).id).toBe(request.headers['webhook-id']);
    expect(verifyWith(oldSecret).id).toBe(request.headers['webhook-id']);
    expect(() => verifyWith(generateWebhookSecret())).toThrow(WebhookVerificationError);

    await ln.webhooks.removeEndpoint(created.id);
    expect(await ln.webhooks.listEndpoints()).toEqual([]);
    const kept = (await ln.webhooks.deliveries({ endpointId: created.id })).items;
    expect(kept).toHaveLength(1); // the log is kept
    await expect(ln.webhooks.redeliver(kept[0]!.id)).rejects.toMatchObject({ code: 'WEBHOOK_NOT_FOUND' });
    await ln.invoices.create({ amountSat: 778, description: 'after removal' });
    expect(await ln.webhooks.deliveries({ status: 'pending' })).toMatchObject({ items: [] });
  });

  it('bad input throws typed errors and writes nothing', async () => {
    const ln = await open();
    const secret = generateWebhookSecret();
    const loopback = { allowInsecure: true, allowPrivateNetwork: true };
    const bad: [object, RegExp][] = [
      [{ url: 'ftp://x', secret }, /https/],
      [{ url: `${base}/x`, secret, allowPrivateNetwork: true }, /allowInsecure/],
      [{ url: `${base}/x`, secret: 'not-a-whsec-secret', ...loopback }, /whsec_/],
      [{ url: `${base}/x`, secret: 'whsec_c2hvcnQ=', ...loopback }, /24 to 64 bytes/],
      [{ url: `${base}/x`, secret, events: ['invoice.paid'], ...loopback }, /invoice\.paid/],
    ];
    for (const [input, message] of bad) {
      const error = await ln.webhooks.addEndpoint(input as never).catch((e: unknown) => e);
      expect(error, JSON.stringify(input)).toMatchObject({
        code: 'INVALID_INPUT',
        message: expect.stringMatching(message),
      });
      expect((error as Error).message).not.toContain(secret.slice(6));
    }
    expect(await ln.webhooks.listEndpoints()).toEqual([]);
    for (const call of [
      () => ln.webhooks.removeEndpoint('whe_nope'),
      () => ln.webhooks.redeliver('whd_nope'),
      () => ln.webhooks.rotateSecret('whe_nope'),
    ]) {
      await expect(call()).rejects.toMatchObject({ code: 'WEBHOOK_NOT_FOUND' });
    }
    expect(await ln.webhooks.listEndpoints()).toEqual([]);
    expect((await ln.webhooks.deliveries()).items).toEqual([]);

    // A configured endpoint needs a secret: start() refuses before writing any endpoint.
    const store = createSqliteStore({ filename: join(dir, 'config.db') });
    const configured = createLightning({
      lnd: aliceLnd,
      rates: createFixedRates('87654.32'),
      store,
      webhooks: { endpoints: [{ url: `${base}/cfg`, ...loopback }] },
    });
    await expect(configured.start()).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/secret/),
    });
    expect(await store.webhookEndpoints.list()).toEqual([]);
    await configured.stop();
  });

  it('the outbox row commits with the settlement: an enqueue fault rolls the settlement back; once it clears, both happen', async () => {
    let failing = true;
    let faults = 0;
    const real = createSqliteStore({ filename: join(dir, 'lnkit.db') });
    const wrapTx = (tx: Repositories): Repositories => ({
      ...tx,
      webhookOutbox: {
        ...tx.webhookOutbox,
        enqueue: async (event, deliveries) => {
          if (failing && event.type !== 'invoice.created') {
            faults++;
            throw new StoreError('outbox disk on fire');
          }
          return tx.webhookOutbox.enqueue(event, deliveries);
        },
      },
    });
    const flaky: Store = {
      ...real,
      migrate: () => real.migrate(),
      ping: () => real.ping(),
      close: () => real.close(),
      transaction: <T>(fn: (tx: Repositories) => Promise<T>) => real.transaction((tx) => fn(wrapTx(tx))),
    };
    const ep = route('/tx');
    const ln = await open({ endpoints: [ep], delivery: fastDelivery }, flaky);
    const events = recordEvents(ln.events, ['invoice.settled', 'payment.received']);
    const invoice = await ln.invoices.create({ amountSat: 4321, description: 'atomic' });
    await waitUntil(() => at('/tx').length === 1, 5_000, 'invoice.created');

    expect(await bobPays(invoice.paymentRequest)).toBe('SUCCEEDED');
    await waitUntil(() => faults >= 3, 10_000, 'three rolled-back settlement attempts');
    expect(events).toEqual([]);
    expect((await real.invoices.get(invoice.id))?.status).toBe('open');
    expect((await real.payments.list({ direction: 'in', limit: 10 })).items).toEqual([]);
    expect(typesAt('/tx')).toEqual(['invoice.created']);

    failing = false;
    await ln.events.waitFor('invoice.settled', (e) => e.invoice.id === invoice.id, 10_000);
    expect((await real.invoices.get(invoice.id))?.status).toBe('settled');
    await waitUntil(() => at('/tx').length === 3, 5_000, 'settlement webhooks');
    expect(typesAt('/tx').sort()).toEqual(['invoice.created', 'invoice.settled', 'payment.received']);
    expect(events.map((e) => e.name)).toEqual(['invoice.settled', 'payment.received']);
    expect(received.every((r) => r.verified !== null)).toBe(true);
  });
});
