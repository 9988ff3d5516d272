/**
 * Issue #11, replicas on one PostgreSQL schema: two lnkit instances (each its own store and pool,
 * alice over gRPC/TLS to the simulator) — one leads, one follows.
 * - Webhook dispatch runs on both (the store has `claimDue`): every delivery sent once, by either.
 * - The same payment from both at once (same idempotency key, or same payment hash) → one
 *   SendPaymentV2 in alice's call log, both calls resolve to the same final payment.
 * - LISTEN/NOTIFY: the other instance's listener hears an event well under the poll interval.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightning, type Lightning } from '../../src/create-lightning.js';
import { createLndClient } from '../../src/lnd/index.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createPostgresStore } from '../../src/store/postgres/index.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { inParallel, payFromBob, startWebhookReceiver, type WebhookReceiver } from '../helpers/leader-cluster.js';
import { postgresForTests } from '../helpers/postgres.js';
import { waitUntil } from '../helpers/wait.js';

const server = await postgresForTests('replicas');
let sim: LndSimulator;
let receiver: WebhookReceiver;
const clients: LndClient[] = [];
const running: Lightning[] = [];

function connect(name: string): LndClient {
  const node = sim.node(name);
  const client = createLndClient({
    socket: node.socket,
    cert: node.cert,
    macaroon: node.macaroons.admin,
    serverNameOverride: 'localhost',
  });
  clients.push(client);
  return client;
}

/** Two lnkit instances on one fresh schema; the first leads. */
async function replicas(options: { webhooks?: boolean; eventPollIntervalMs?: number } = {}): Promise<Lightning[]> {
  const schema = server.newSchema();
  const make = () =>
    createLightning({
      lnd: connect('alice'),
      rates: createFixedRates('90000'),
      store: createPostgresStore({ connectionString: server.url, max: 4 }, { schema }),
      leaseTtlMs: 3_000,
      ...(options.eventPollIntervalMs !== undefined ? { eventPollIntervalMs: options.eventPollIntervalMs } : {}),
      ...(options.webhooks
        ? {
            webhooks: {
              endpoints: [
                {
                  url: receiver.url,
                  secret: receiver.secret,
                  events: ['payment.received' as const],
                  allowInsecure: true,
                  allowPrivateNetwork: true,
                },
              ],
              delivery: { concurrency: 2, pollIntervalMs: 5_000 },
            },
          }
        : {}),
    });
  const a = make();
  await a.start();
  const b = make();
  await b.start();
  running.push(a, b);
  return [a, b];
}

beforeAll(async () => {
  if (server.skip) return;
  sim = await startLndSimulator();
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  for (const lightning of running) await lightning.stop();
  for (const client of clients) await client.close();
  await receiver?.close();
  await sim?.stop();
  await server.cleanup();
});

const sends = (): number =>
  sim
    .node('alice')
    .callLog()
    .filter((c) => c.method === 'SendPaymentV2').length;

describe.skipIf(server.skip)('replicas on one PostgreSQL schema', () => {
  it('webhook dispatch runs on every replica: each delivery sent once, by one of them', async () => {
    const [a, b] = await replicas({ webhooks: true });
    expect([a!.isLeader, b!.isLeader]).toEqual([true, false]);
    const bob = connect('bob');
    const COUNT = 40;
    const invoices = await Promise.all(
      Array.from({ length: COUNT }, (_, i) =>
        (i % 2 === 0 ? a! : b!).invoices.create({ amountSat: 100 + i, description: `spread ${i}` }),
      ),
    );
    await inParallel(invoices, 8, async (invoice) => {
      expect(await payFromBob(bob, invoice.paymentRequest)).toBe('SUCCEEDED');
    });
    const received = () => receiver.deliveries.filter((d) => d.type === 'payment.received');
    await waitUntil(() => received().length >= COUNT, 20_000, `${COUNT} webhooks`);
    await new Promise((resolve) => setTimeout(resolve, 300)); // a duplicate would arrive now
    const attempts = async (l: Lightning) => (await l.metrics.snapshot()).counters.webhook_delivery_attempts;
    const [byA, byB] = [await attempts(a!), await attempts(b!)];
    console.log(
      `${COUNT} payment.received webhooks over two replicas: ${byA} attempted by the leader, ${byB} by the follower`,
    );
    expect(received().length).toBe(COUNT);
    expect(new Set(received().map((d) => d.id)).size).toBe(COUNT);
    expect(new Set(received().map((d) => d.paymentHash))).toEqual(new Set(invoices.map((i) => i.paymentHash)));
    expect(byA + byB).toBe(COUNT);
    // The follower dispatches too (woken by the event log): a leader-only dispatch would leave it at 0.
    expect(byB).toBeGreaterThan(0);
  });

  it('the same payment from two replicas at once → one SendPaymentV2, the same final payment for both', async () => {
    const [a, b] = await replicas();
    const dave = connect('dave');
    const PAIRS = 10;
    const before = sends();
    const results = await Promise.all(
      Array.from({ length: PAIRS }, async (_, i) => {
        const invoice = await dave.addInvoice({ valueMsat: 5_000_000n + BigInt(i) * 1000n, memo: `twice ${i}` });
        // Half the pairs share an idempotency key, the other half only the payment hash.
        const input = { request: invoice.paymentRequest, ...(i % 2 === 0 ? { idempotencyKey: `twice-${i}` } : {}) };
        const [first, second] = await Promise.all([a!.payments.pay(input), b!.payments.pay(input)]);
        return { hash: invoice.paymentHash, first, second };
      }),
    );
    expect(sends() - before).toBe(PAIRS);
    for (const { hash, first, second } of results) {
      expect(first.status).toBe('succeeded');
      expect(second).toEqual(first);
      expect(first.paymentHash).toBe(hash);
    }
    // One row per payment, seen the same from both replicas.
    const listed = await b!.payments.list({ direction: 'out', limit: 100 });
    expect(listed.items.length).toBe(PAIRS);
  });

  it('LISTEN/NOTIFY: the other replica hears an event well under its poll interval', async () => {
    const POLL_MS = 5_000;
    const [a, b] = await replicas({ eventPollIntervalMs: POLL_MS });
    const latencies: number[] = [];
    for (let i = 0; i < 5; i++) {
      // From the commit (A's own bus hears it right after) to B's listener.
      const match = (e: { invoice: { description: string } }) => e.invoice.description === `notify ${i}`;
      const committed = a!.events.waitFor('invoice.created', match, POLL_MS * 2).then(() => performance.now());
      const heard = b!.events
        .waitFor('invoice.created', match, POLL_MS * 2)
        .then((e) => ({ e, at: performance.now() }));
      const invoice = await a!.invoices.create({ amountSat: 10 + i, description: `notify ${i}` });
      const [at, { e, at: heardAt }] = await Promise.all([committed, heard]);
      latencies.push(heardAt - at);
      expect(e.invoice.id).toBe(invoice.id);
    }
    console.log(
      `commit → heard by the other replica (poll interval ${POLL_MS} ms): ${latencies.map((l) => `${l.toFixed(0)} ms`).join(', ')}`,
    );
    for (const latency of latencies) expect(latency).toBeLessThan(POLL_MS / 10);
  });
});
