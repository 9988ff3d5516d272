/**
 * Issue #10 situations 2 and 5 through the real path (gRPC over TLS to the simulator, SQLite files):
 * a fresh store on a node with history misses nothing after start() resolves, and two stores on one
 * node give every payment the same webhook-id.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { base32 } from '@scure/base';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLightning, type Lightning, type WebhooksConfig } from '../../src/create-lightning.js';
import { createLndClient } from '../../src/lnd/index.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { startLndSimulator, type LndSimulator, type SimulatedNode } from '../../src/testing/simulator/index.js';
import { startTestReceiver } from '../../src/webhooks/outbox/test-receiver.js';
import { createCollectingLogger } from '../helpers/collect.js';
import { waitUntil } from '../helpers/wait.js';

let dir: string;
let sim: LndSimulator;
const clients: LndClient[] = [];
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lnkit-cold-'));
  sim = await startLndSimulator();
});
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

function client(node: SimulatedNode): LndClient {
  const lnd = createLndClient({
    socket: node.socket,
    cert: node.cert,
    macaroon: node.macaroons.admin,
    serverNameOverride: 'localhost',
  });
  clients.push(lnd);
  return lnd;
}

function open(lnd: LndClient, file: string, webhooks?: WebhooksConfig): Lightning {
  return createLightning({
    lnd,
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename: join(dir, file) }),
    settlement: { minBackoffMs: 5, maxBackoffMs: 50 },
    logger: createCollectingLogger(),
    ...(webhooks ? { webhooks } : {}),
  });
}

async function pay(payer: LndClient, paymentRequest: string): Promise<void> {
  let status = '';
  for await (const update of payer.sendPayment({ paymentRequest, feeLimitMsat: 10_000n })) status = update.status;
  expect(status).toBe('SUCCEEDED');
}

async function incomingCount(lightning: Lightning): Promise<number> {
  return (await lightning.payments.list({ direction: 'in', limit: 1000 })).items.length;
}

describe('cold start: a fresh store on a node with history (situation 2)', () => {
  it('an invoice made before start() and paid right after it resolves is recorded, 10 of 10; older ones are not replayed', async () => {
    const alice = client(sim.node('alice'));
    const bob = client(sim.node('bob'));
    for (let i = 0; i < 3; i++)
      await pay(bob, (await alice.addInvoice({ valueMsat: 1_000_000n, memo: `history ${i}` })).paymentRequest);
    let recorded = 0;
    for (let i = 0; i < 10; i++) {
      const before = await alice.addInvoice({ valueMsat: 2_000_000n + BigInt(i), memo: `before start ${i}` });
      const lightning = open(alice, `fresh-${i}.db`);
      await lightning.start();
      const received = lightning.events.waitFor(
        'payment.received',
        (e) => e.payment.paymentHash === before.paymentHash,
        10_000,
      );
      await pay(bob, before.paymentRequest);
      await received;
      recorded++;
      if (i === 0) {
        const lag = (await lightning.health()).checks.find((c) => c.name === 'settlement_lag');
        expect(lag?.detail).toMatch(/^stream connected/);
      }
      expect(await incomingCount(lightning), 'only the payment made after start()').toBe(1);
      await lightning.stop();
    }
    expect(recorded).toBe(10);
  });

  it('a node that never settled anything: the pre-existing invoice paid right after start() is recorded', async () => {
    const alice = client(sim.node('alice'));
    const before = await alice.addInvoice({ valueMsat: 2_000_000n, memo: 'first ever' });
    const lightning = open(alice, 'virgin.db');
    await lightning.start();
    const received = lightning.events.waitFor('payment.received', (e) => e.payment.paymentHash === before.paymentHash);
    await pay(client(sim.node('bob')), before.paymentRequest);
    expect((await received).invoice).toBeNull();
    await lightning.stop();
  });

  it('paid while lnkit is down after its first cold start: recorded at the restart, once', async () => {
    const alice = client(sim.node('alice'));
    const bob = client(sim.node('bob'));
    await pay(bob, (await alice.addInvoice({ valueMsat: 1_000_000n, memo: 'history' })).paymentRequest);
    const before = await alice.addInvoice({ valueMsat: 3_000_000n, memo: 'paid while down' });
    const first = open(alice, 'restart.db');
    await first.start();
    await first.stop();
    await pay(bob, before.paymentRequest);
    const second = open(alice, 'restart.db');
    const hashes: string[] = [];
    second.events.on('payment.received', (e) => void hashes.push(e.payment.paymentHash));
    await second.start();
    await waitUntil(() => hashes.length === 1, 10_000, 'the settlement made while lnkit was down');
    const later = await second.invoices.create({ amountSat: 4_000n, description: 'marker' });
    await pay(bob, later.paymentRequest);
    await waitUntil(() => hashes.length === 2, 10_000, 'the marker');
    expect(hashes).toEqual([before.paymentHash, later.paymentHash]);
    expect(await incomingCount(second)).toBe(2);
    await second.stop();
  });
});

describe('webhook ids are the same wherever the event is produced (situation 5)', () => {
  it('two stores on one node: each payment.received carries one webhook-id; a deduplicating receiver counts 12', async () => {
    const receiver = await startTestReceiver();
    try {
      const node = sim.node('alice');
      const webhooks: WebhooksConfig = {
        endpoints: [
          {
            url: receiver.url,
            secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
            allowInsecure: true,
            allowPrivateNetwork: true,
            events: ['payment.received'],
          },
        ],
        delivery: { pollIntervalMs: 50 },
      };
      const shop = open(client(node), 'shop.db', webhooks);
      const other = open(client(node), 'other.db', webhooks);
      await shop.start();
      await other.start();
      const bob = client(sim.node('bob'));
      const hashes: string[] = [];
      for (let i = 0; i < 12; i++) {
        const invoice = await shop.invoices.create({ amountSat: 1_000n + BigInt(i), description: `order ${i}` });
        await pay(bob, invoice.paymentRequest);
        hashes.push(invoice.paymentHash);
      }
      await waitUntil(() => receiver.requests.length >= 24, 15_000, '24 webhook deliveries');
      const ids = receiver.requests.map((r) => String(r.headers['webhook-id']));
      expect(ids).toHaveLength(24);
      const distinct = new Set(ids);
      expect(distinct.size).toBe(12);
      // msg_ + base32(sha256("<pubkey>:<payment hash>:payment.received")), first 32 characters.
      const expected = hashes.map(
        (hash) =>
          `msg_${base32
            .encode(createHash('sha256').update(`${node.pubkey}:${hash}:payment.received`).digest())
            .toLowerCase()
            .replace(/=+$/, '')
            .slice(0, 32)}`,
      );
      expect([...distinct].sort()).toEqual(expected.sort());
      await shop.stop();
      await other.stop();
    } finally {
      await receiver.close();
    }
  });
});
