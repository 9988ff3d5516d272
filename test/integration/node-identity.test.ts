/**
 * Issue #10 (part a) through the real path: gRPC over TLS to the simulator, SQLite files. The store
 * knows its node; a history reset is detected and healed; a cold start misses nothing after start().
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLightning, type Lightning } from '../../src/create-lightning.js';
import type { LndHistoryResetEvent } from '../../src/domain/events.js';
import { createLndClient } from '../../src/lnd/index.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import type { Store } from '../../src/store/store.js';
import { startLndSimulator, type LndSimulator, type SimulatedNode } from '../../src/testing/simulator/index.js';
import { createCollectingLogger } from '../helpers/collect.js';
import { waitUntil } from '../helpers/wait.js';

let dir: string;
const sims: LndSimulator[] = [];
const clients: LndClient[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'lnkit-node-'));
});
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  for (const sim of sims.splice(0)) await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function simulator(): Promise<LndSimulator> {
  const sim = await startLndSimulator();
  sims.push(sim);
  return sim;
}

function client(node: SimulatedNode, macaroon: 'admin' | 'invoice' = 'admin'): LndClient {
  const lnd = createLndClient({
    socket: node.socket,
    cert: node.cert,
    macaroon: node.macaroons[macaroon],
    serverNameOverride: 'localhost',
  });
  clients.push(lnd);
  return lnd;
}

function open(lnd: LndClient, file: string, logger = createCollectingLogger()): Lightning {
  return createLightning({
    lnd,
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename: join(dir, file) }),
    settlement: { minBackoffMs: 5, maxBackoffMs: 50 },
    logger,
  });
}

async function pay(payer: LndClient, paymentRequest: string): Promise<void> {
  let status = '';
  for await (const update of payer.sendPayment({ paymentRequest, feeLimitMsat: 10_000n })) status = update.status;
  expect(status).toBe('SUCCEEDED');
}

async function incoming(file: string): Promise<string[]> {
  const store = createSqliteStore({ filename: join(dir, file) });
  try {
    return (await store.payments.list({ direction: 'in', limit: 1000 })).items.map((p) => p.paymentHash);
  } finally {
    await store.close();
  }
}

describe('the store is bound to its node', () => {
  it("refuses another node's credentials with STORE_NODE_MISMATCH, names both nodes, writes nothing", async () => {
    const sim = await simulator();
    const alice = sim.node('alice');
    const bob = sim.node('bob');
    const first = open(client(alice), 'alice.db');
    await first.start();
    const invoice = await first.invoices.create({ amountSat: 1_000n, description: 'alice' });
    await first.stop();

    const snapshot = async () => {
      const store: Store = createSqliteStore({ filename: join(dir, 'alice.db') });
      try {
        return {
          nodes: await store.nodes.list(),
          invoices: (await store.invoices.list()).items,
          endpoints: await store.webhookEndpoints.list(),
        };
      } finally {
        await store.close();
      }
    };
    const before = await snapshot();
    expect(before.nodes.map((n) => n.pubkey)).toEqual([alice.pubkey]);
    expect(before.invoices[0]?.nodePubkey).toBe(alice.pubkey);

    const short = (pubkey: string) => `${pubkey.slice(0, 6)}…${pubkey.slice(-4)}`;
    const withBob = createLightning({
      lnd: client(bob),
      rates: createFixedRates('90000'),
      store: createSqliteStore({ filename: join(dir, 'alice.db') }),
      webhooks: { endpoints: [{ url: 'https://example.com/hook', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }] },
    });
    const refused = await withBob.start().then(
      () => null,
      (error: unknown) => error as Error & { code: string },
    );
    expect(refused?.code).toBe('STORE_NODE_MISMATCH');
    expect(refused?.message).toContain(short(alice.pubkey));
    expect(refused?.message).toContain(short(bob.pubkey));
    expect(refused?.message).toMatch(/use this node's own database/);
    await withBob.stop();

    // invoice.macaroon cannot call GetInfo: bob is recognised by the payee of his newest invoice.
    const bobAdmin = client(bob);
    await bobAdmin.addInvoice({ valueMsat: 5_000n, memo: 'bob issued this' });
    const withBobInvoiceMacaroon = open(client(bob, 'invoice'), 'alice.db');
    await expect(withBobInvoiceMacaroon.start()).rejects.toMatchObject({ code: 'STORE_NODE_MISMATCH' });
    await withBobInvoiceMacaroon.stop();

    expect(await snapshot()).toEqual(before);
    expect(invoice.nodePubkey).toBe(alice.pubkey);
  });

  it('invoice.macaroon on a node without invoices binds on the first invoice lnkit creates', async () => {
    const sim = await simulator();
    const alice = sim.node('alice');
    const lightning = open(client(alice, 'invoice'), 'macaroon.db');
    await lightning.start();
    const invoice = await lightning.invoices.create({ amountSat: 2_000n, description: 'first' });
    expect(invoice.nodePubkey).toBe(alice.pubkey);
    const received = lightning.events.waitFor('payment.received', (e) => e.payment.paymentHash === invoice.paymentHash);
    await pay(client(sim.node('bob')), invoice.paymentRequest);
    expect((await received).payment.nodePubkey).toBe(alice.pubkey);
    await lightning.stop();
    const store = createSqliteStore({ filename: join(dir, 'macaroon.db') });
    expect((await store.nodes.list()).map((n) => [n.pubkey, n.network])).toEqual([[alice.pubkey, 'regtest']]);
    await store.close();
  });
});

describe('a store that outlives its node’s history (situation 1)', () => {
  it('detects the reset on start, says so, and records every settlement of the new history once', async () => {
    const first = await simulator();
    const lightning = open(client(first.node('alice')), 'shop.db');
    await lightning.start();
    const oldHashes: string[] = [];
    const preimage = 'ab'.repeat(32);
    for (let i = 0; i < 2; i++) {
      const invoice = await lightning.invoices.create({ amountSat: 1_000n + BigInt(i), description: `old ${i}` });
      await pay(client(first.node('bob')), invoice.paymentRequest);
      oldHashes.push(invoice.paymentHash);
    }
    // An invoice created elsewhere on the node, with a preimage the new history will reuse.
    const reused = await client(first.node('alice')).addInvoice({ valueMsat: 3_000_000n, memo: 'reused', preimage });
    await pay(client(first.node('bob')), reused.paymentRequest);
    await waitUntil(async () => (await incoming('shop.db').catch(() => [])).length === 3, 10_000, '3 old settlements');
    await lightning.stop();
    await first.stop();
    sims.splice(sims.indexOf(first), 1);

    // The simulator restarted with the same keys: same pubkey, a history starting again at index 1.
    const second = await simulator();
    const logger = createCollectingLogger();
    const again = open(client(second.node('alice')), 'shop.db', logger);
    const resets: LndHistoryResetEvent[] = [];
    again.events.on('lnd.history_reset', (e) => void resets.push(e));
    await again.start();
    expect(resets).toHaveLength(1);
    expect(resets[0]!.pubkey).toBe(second.node('alice').pubkey);
    expect(resets[0]!.previous.settleIndex).toBe(3n);
    expect(resets[0]!.current).toEqual({ addIndex: 0n, settleIndex: 0n });
    expect(logger.lines.join('\n')).toMatch(/"level":"error".*history/);

    const fresh = [];
    for (let i = 0; i < 2; i++) {
      const invoice = await again.invoices.create({ amountSat: 5_000n + BigInt(i), description: `new ${i}` });
      const settled = again.events.waitFor('invoice.settled', (e) => e.invoice.id === invoice.id, 10_000);
      await pay(client(second.node('bob')), invoice.paymentRequest);
      expect((await settled).invoice.settleIndex).toBe(BigInt(i + 1));
      fresh.push(invoice.paymentHash);
    }
    // The same payment hash in the new history is already recorded: it is not recorded again.
    const received: string[] = [];
    again.events.on('payment.received', (e) => void received.push(e.payment.paymentHash));
    const twin = await client(second.node('alice')).addInvoice({ valueMsat: 3_000_000n, memo: 'twin', preimage });
    expect(twin.paymentHash).toBe(reused.paymentHash);
    await pay(client(second.node('bob')), twin.paymentRequest);
    const marker = await again.invoices.create({ amountSat: 7_000n, description: 'marker' });
    await pay(client(second.node('bob')), marker.paymentRequest);
    await waitUntil(() => received.includes(marker.paymentHash), 10_000, 'the marker settlement');
    expect(received).toEqual([marker.paymentHash]);

    const health = await again.health();
    const check = health.checks.find((c) => c.name === 'lnd_history');
    expect(check?.healthy, check?.detail).toBe(true);
    expect(check?.detail).toMatch(/healed/);
    expect(again.acknowledgeHistoryReset()).toBe(true);
    await again.stop();

    const hashes = await incoming('shop.db');
    expect(hashes.sort()).toEqual([...oldHashes, reused.paymentHash, ...fresh, marker.paymentHash].sort());
  });

  it('before any settlement: a new history that grew past the store’s cursors before lnkit came back is still seen', async () => {
    const first = await simulator();
    const lightning = open(client(first.node('alice')), 'quiet.db');
    await lightning.start();
    for (let i = 0; i < 3; i++) {
      const invoice = await lightning.invoices.create({
        amountSat: 1_000n + BigInt(i),
        description: `never paid ${i}`,
      });
      await lightning.invoices.cancel(invoice.id);
    }
    await lightning.stop();
    // A restart reconciles: every invoice is final, the reconcile cursor moves to add index 3.
    const again = open(client(first.node('alice')), 'quiet.db');
    await again.start();
    await again.stop();
    await first.stop();
    sims.splice(sims.indexOf(first), 1);

    // The node comes back with a new history and takes payments at add indices 1 and 2, below the
    // store's cursor, then grows past it, all before lnkit starts again: LND's last add index (4) is
    // not below the cursors; only the invoice the store saw at its anchor's add index tells.
    const second = await simulator();
    const paid: string[] = [];
    for (let i = 0; i < 4; i++) {
      const added = await client(second.node('alice')).addInvoice({
        valueMsat: 2_000_000n + BigInt(i),
        memo: `new ${i}`,
      });
      if (i < 2) {
        await pay(client(second.node('bob')), added.paymentRequest);
        paid.push(added.paymentHash);
      }
    }
    const third = open(client(second.node('alice')), 'quiet.db');
    const resets: LndHistoryResetEvent[] = [];
    third.events.on('lnd.history_reset', (e) => void resets.push(e));
    await third.start();
    expect(resets).toHaveLength(1);
    expect(resets[0]!.reason).toMatch(/another invoice at add index/);
    await waitUntil(async () => (await third.payments.list({ direction: 'in' })).items.length === 2, 10_000, 'both');
    await third.stop();
    expect((await incoming('quiet.db')).sort()).toEqual(paid.sort());
  });
});
