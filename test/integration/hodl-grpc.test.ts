/**
 * HODL invoices through the real path: alice's lnkit (createLightning, SQLite file) over gRPC/TLS
 * to the simulator, bob paying through carol. accept → settle, accept → cancel (bob's money comes
 * back), and the near-expiry automatic cancel on a manual clock shared by the simulator and lnkit;
 * each also across a restart (a new createLightning on the same file after the accept). Ends with a
 * search for preimages and macaroons in every log line, event and webhook body of the file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightning, type Lightning, type LightningConfig } from '../../src/create-lightning.js';
import type { Clock } from '../../src/domain/clock.js';
import { createLndClient } from '../../src/lnd/index.js';
import type { LndClient, LndPayment } from '../../src/lnd/lnd-client.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { createManualClock, type ManualClock } from '../../src/testing/manual-clock.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { createCollectingLogger } from '../helpers/collect.js';
import { waitUntil } from '../helpers/wait.js';
import { startBodyCollector, type BodyCollector } from '../helpers/body-collector.js';
import { LIGHTNING_EVENT_NAMES } from '../../src/domain/events.js';

const EVENT_NAMES = LIGHTNING_EVENT_NAMES;
const WEBHOOK_SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const BLOCK_MS = 10_000;
/** The model's height when the clock simulator was created (its default `startHeight`). */
const START_HEIGHT = 800_000;
const HOLD = { safetyMarginBlocks: 30, checkIntervalMs: 1000 } as const;
const json = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));

let sim: LndSimulator;
let clockSim: LndSimulator;
let clock: ManualClock;
let clockStart: number;
let dir: string;
let receiver: BodyCollector;
let hookUrl: string;
const clients: LndClient[] = [];
const running = new Set<Lightning>();
const dbFiles = new Set<string>();
const loggers: { lines: string[] }[] = [];
const eventPayloads: string[] = [];
let deliveredBodies: readonly string[] = [];
/** Every update bob's LND streamed back (their preimages are searched for too). */
const bobUpdates: LndPayment[] = [];

beforeAll(async () => {
  sim = await startLndSimulator();
  clock = createManualClock(Date.now());
  clockStart = clock.now();
  clockSim = await startLndSimulator({ clock, blockTimeMs: BLOCK_MS });
  dir = mkdtempSync(join(tmpdir(), 'lnkit-hodl-grpc-'));
  receiver = await startBodyCollector();
  deliveredBodies = receiver.bodies;
  hookUrl = receiver.url;
});

afterAll(async () => {
  for (const lightning of running) await lightning.stop();
  for (const client of clients) await client.close();
  await sim?.stop();
  await clockSim?.stop();
  await receiver?.close();
  rmSync(dir, { recursive: true, force: true });
});

function connect(on: LndSimulator, name: string): LndClient {
  const node = on.node(name);
  const client = createLndClient({
    socket: node.socket,
    cert: node.cert,
    macaroon: node.macaroons.admin,
    serverNameOverride: 'localhost',
  });
  clients.push(client);
  return client;
}

/** alice's lnkit on `file` (created or reopened), with a webhook endpoint and every output collected. */
async function openAlice(on: LndSimulator, file: string, extra: Partial<LightningConfig> = {}): Promise<Lightning> {
  const filename = join(dir, file);
  dbFiles.add(filename);
  const logger = createCollectingLogger();
  loggers.push(logger);
  const lightning = createLightning({
    lnd: connect(on, 'alice'),
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename }),
    logger,
    webhooks: { endpoints: [{ url: hookUrl, secret: WEBHOOK_SECRET, allowInsecure: true, allowPrivateNetwork: true }] },
    ...extra,
  });
  for (const event of EVENT_NAMES)
    lightning.events.on(event, (payload) => void eventPayloads.push(json({ event, payload })));
  await lightning.start();
  running.add(lightning);
  return lightning;
}

async function stop(lightning: Lightning): Promise<void> {
  await lightning.stop();
  running.delete(lightning);
}

/** bob pays `request` in the background; `done` resolves with the last update when his stream ends. */
function bobPays(bob: LndClient, request: string): { updates: LndPayment[]; done: Promise<LndPayment | undefined> } {
  const updates: LndPayment[] = [];
  const done = (async () => {
    for await (const update of bob.sendPayment({
      paymentRequest: request,
      feeLimitMsat: 10_000n,
      timeoutSeconds: 60,
    })) {
      updates.push(update);
      bobUpdates.push(update);
    }
    return updates.at(-1);
  })();
  return { updates, done };
}

const bobCarol = (on: LndSimulator) => on.network.channels().find((c) => [c.a, c.b].sort().join() === 'bob,carol')!;
const calls = (on: LndSimulator, method: string): number =>
  on
    .node('alice')
    .callLog()
    .filter((c) => c.method === method).length;

/** Creates a hold invoice, has bob pay it, waits for `invoice.accepted`; with `restart`, reopens lnkit on the same file. */
async function acceptedHold(on: LndSimulator, file: string, restart: boolean, extra: Partial<LightningConfig> = {}) {
  const bob = connect(on, 'bob');
  const bobBefore = bobCarol(on).balanceMsat('bob');
  let lightning = await openAlice(on, file, extra);
  const invoice = await lightning.invoices.createHold({
    amountSat: 5000n,
    description: `hold ${file}`,
    expirySeconds: 86_400,
  });
  expect(invoice).toMatchObject({ status: 'open', isHold: true, amountMsat: 5_000_000n });
  const accepted = lightning.events.waitFor('invoice.accepted', (e) => e.invoice.id === invoice.id, 10_000);
  const payment = bobPays(bob, invoice.paymentRequest);
  expect((await accepted).invoice.status).toBe('accepted');
  expect((await lightning.invoices.get(invoice.id)).status).toBe('accepted');
  await waitUntil(() => payment.updates.at(-1)?.status === 'IN_FLIGHT', 5_000, 'bob’s payment in flight');
  expect(bobCarol(on).pendingOutgoingMsat('bob')).toBeGreaterThan(5_000_000n);
  if (restart) {
    await stop(lightning);
    const subscribesBefore = calls(on, 'SubscribeSingleInvoice');
    lightning = await openAlice(on, file, extra);
    // The new instance watches the accepted invoice again.
    await waitUntil(
      () => calls(on, 'SubscribeSingleInvoice') > subscribesBefore,
      5_000,
      'the hold invoice to be watched again',
    );
    expect((await lightning.invoices.get(invoice.id)).status).toBe('accepted');
  }
  return { lightning, invoice, payment, bobBefore };
}

describe.each([
  { restart: false, label: '' },
  { restart: true, label: ' across a restart' },
])('HODL on the system clock$label', ({ restart }) => {
  it('accept → settleHold → settled, payment.received once, bob’s payment succeeds', async () => {
    const { lightning, invoice, payment } = await acceptedHold(sim, `settle-${restart}.db`, restart);
    const received: string[] = [];
    lightning.events.on('payment.received', (e) => void received.push(e.invoice?.id ?? ''));
    const settledEvent = lightning.events.waitFor('invoice.settled', (e) => e.invoice.id === invoice.id, 10_000);

    const settled = await lightning.invoices.settleHold(invoice.id);

    expect(settled).toMatchObject({ id: invoice.id, status: 'settled', amountPaidMsat: 5_000_000n });
    expect((await settledEvent).invoice.status).toBe('settled');
    const last = await payment.done;
    expect(last).toMatchObject({ status: 'SUCCEEDED', paymentHash: invoice.paymentHash });
    expect(received).toEqual([invoice.id]);
    // alice's node is shared by the tests of this file: other settlements are recorded as external payments.
    const incoming = (await lightning.payments.list({ direction: 'in' })).items.filter(
      (p) => p.paymentHash === invoice.paymentHash,
    );
    expect(incoming.map((p) => [p.invoiceId, p.amountMsat, p.paymentHash])).toEqual([
      [invoice.id, 5_000_000n, invoice.paymentHash],
    ]);
    await stop(lightning);
  });

  it('accept → cancel → cancelled, bob’s payment FAILED and his balance back where it was', async () => {
    const { lightning, invoice, payment, bobBefore } = await acceptedHold(sim, `cancel-${restart}.db`, restart);
    const cancelledEvent = lightning.events.waitFor('invoice.cancelled', (e) => e.invoice.id === invoice.id, 10_000);

    const cancelled = await lightning.invoices.cancel(invoice.id);

    expect(cancelled).toMatchObject({ id: invoice.id, status: 'cancelled' });
    expect((await cancelledEvent).invoice.status).toBe('cancelled');
    expect(await payment.done).toMatchObject({ status: 'FAILED', failureReason: 'INCORRECT_PAYMENT_DETAILS' });
    expect(bobCarol(sim).balanceMsat('bob')).toBe(bobBefore);
    expect(bobCarol(sim).pendingOutgoingMsat('bob')).toBe(0n);
    expect((await lightning.invoices.get(invoice.id)).status).toBe('cancelled');
    await stop(lightning);
  });
});

describe.each([
  { restart: false, label: '' },
  { restart: true, label: ' across a restart' },
])('HODL near-expiry automatic cancel on a manual clock$label', ({ restart }) => {
  it(`cancels at ${HOLD.safetyMarginBlocks} blocks before the HTLC expiry, before LND's own 18, and bob gets his money back`, async () => {
    // The webhook dispatcher is woken by events; its 1 s poll would only slow the clock jumps down.
    const extra: Partial<LightningConfig> = {
      clock: clock as Clock,
      holdInvoices: HOLD,
      webhooks: {
        endpoints: [{ url: hookUrl, secret: WEBHOOK_SECRET, allowInsecure: true, allowPrivateNetwork: true }],
        delivery: { pollIntervalMs: 600_000 },
      },
    };
    const { lightning, invoice, payment, bobBefore } = await acceptedHold(
      clockSim,
      `auto-${restart}.db`,
      restart,
      extra,
    );
    const alice = clockSim.node('alice');
    const expiry = Math.min(...alice.model.lookupInvoice(invoice.paymentHash).htlcs.map((h) => h.expiryHeight));
    const cancelAt = expiry - HOLD.safetyMarginBlocks;
    const cancelsBefore = calls(clockSim, 'CancelInvoice');

    /** Moves the clock one check interval at a time until `done()` (real events, each wait bounded). */
    const advanceUntil = async (done: () => boolean, what: string): Promise<void> => {
      for (let i = 0; !done(); i++) {
        if (i === 100) throw new Error(`timed out advancing the clock until ${what}`);
        await clock.advance(HOLD.checkIntervalMs);
        await waitUntil(done, 100).catch(() => undefined);
      }
    };
    /** Waits until lnkit has asked for the block height again. */
    const heightCheck = (): Promise<void> => {
      const before = calls(clockSim, 'GetInfo');
      return advanceUntil(() => calls(clockSim, 'GetInfo') > before, 'a block height check');
    };
    /** Sets the clock to the first millisecond of block `height`. */
    const toHeight = (height: number): Promise<void> => clock.set(clockStart + (height - START_HEIGHT) * BLOCK_MS);

    // One block before the margin: checked twice (the second proves the first finished), not cancelled.
    await toHeight(cancelAt - 1);
    await heightCheck();
    await heightCheck();
    expect(clockSim.network.blockHeight()).toBe(cancelAt - 1);
    expect(calls(clockSim, 'CancelInvoice')).toBe(cancelsBefore);
    expect((await lightning.invoices.get(invoice.id)).status).toBe('accepted');

    // At the margin: lnkit cancels (CancelInvoice from alice's lnkit, not LND's own auto-cancel).
    let cancelled = false;
    const cancelledEvent = lightning.events
      .waitFor('invoice.cancelled', (e) => e.invoice.id === invoice.id, 10_000)
      .finally(() => (cancelled = true));
    await toHeight(cancelAt);
    await advanceUntil(() => cancelled, 'invoice.cancelled');
    expect((await cancelledEvent).invoice.status).toBe('cancelled');
    expect(calls(clockSim, 'CancelInvoice')).toBe(cancelsBefore + 1);
    expect(clockSim.network.blockHeight()).toBe(cancelAt);
    expect(clockSim.network.blockHeight()).toBeLessThan(expiry - 18);
    expect((await lightning.invoices.get(invoice.id)).status).toBe('cancelled');
    expect(alice.model.lookupInvoice(invoice.paymentHash).state).toBe('CANCELED');
    expect((await payment.done)?.status).toBe('FAILED');
    expect(bobCarol(clockSim).balanceMsat('bob')).toBe(bobBefore);
    expect(bobCarol(clockSim).pendingOutgoingMsat('bob')).toBe(0n);
    await stop(lightning);
  });
});

describe('secrets', () => {
  it('no preimage or macaroon appears in any log line, event or webhook body of this file', async () => {
    for (const lightning of [...running]) await stop(lightning);
    const preimages = new Set<string>(bobUpdates.flatMap((u) => (u.preimage ? [u.preimage] : [])));
    const outboxBodies: string[] = [];
    for (const file of dbFiles) {
      const db = new Database(file, { readonly: true });
      for (const row of db.prepare('SELECT preimage FROM invoices WHERE preimage IS NOT NULL').all() as {
        preimage: string;
      }[])
        preimages.add(row.preimage);
      for (const row of db.prepare('SELECT preimage FROM payments WHERE preimage IS NOT NULL').all() as {
        preimage: string;
      }[])
        preimages.add(row.preimage);
      for (const row of db.prepare('SELECT body FROM webhook_events').all() as { body: string }[])
        outboxBodies.push(row.body);
      db.close();
    }
    const macaroons = [sim, clockSim].flatMap((s) => s.nodes().flatMap((n) => Object.values(n.macaroons)));
    const secrets = [
      ...preimages,
      ...macaroons,
      ...macaroons.map((m) => Buffer.from(m, 'hex').toString('base64')),
      WEBHOOK_SECRET,
    ];
    const logLines = loggers.flatMap((l) => l.lines);
    const texts = [...logLines, ...eventPayloads, ...outboxBodies, ...deliveredBodies];
    // One preimage per hold invoice (6) is known; the outputs are real.
    expect(preimages.size).toBeGreaterThanOrEqual(6);
    expect(logLines.some((l) => l.includes('hold invoice settled'))).toBe(true);
    expect(eventPayloads.some((p) => p.includes('invoice.accepted'))).toBe(true);
    expect(outboxBodies.some((b) => b.includes('invoice.accepted'))).toBe(true);
    expect(deliveredBodies.length).toBeGreaterThan(0);
    const leaks = texts.flatMap((text) =>
      secrets
        .filter((s) => text.toLowerCase().includes(s.toLowerCase()))
        .map((s) => `${s.slice(0, 8)}… in ${text.slice(0, 80)}`),
    );
    expect(leaks).toEqual([]);
  });
});
