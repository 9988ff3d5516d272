/**
 * Issue #16, one view of the money: liquidity and metrics across alice and erin, over gRPC to the
 * simulator's `merchants` preset, with a real SQLite file. A dave–erin channel is added so that erin
 * has a cycle (erin → carol → dave → erin) to rebalance through; alice has none.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightning, type Lightning } from '../../src/create-lightning.js';
import { createLndClient } from '../../src/lnd/index.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import { newId } from '../../src/ids.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { recordEvents } from '../helpers/collect.js';

const DAVE_ERIN = '877012551765426177';
/** alice–carol and erin–carol are 50/50: above this they count as too high, dave–erin (10%) too low. */
const POLICY = { minLocalRatio: 0.2, maxLocalRatio: 0.45 };

let dir: string;
let sim: LndSimulator;
let lightning: Lightning;
const clients: LndClient[] = [];
const open = (): Lightning =>
  createLightning({
    lnd: { alice: client('alice'), erin: client('erin') },
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename: join(dir, 'shop.db') }),
    expirySweepIntervalMs: 86_400_000,
  });

function client(name: string): LndClient {
  const node = sim.node(name);
  const lnd = createLndClient({
    socket: node.socket,
    cert: node.cert,
    macaroon: node.macaroons.admin,
    serverNameOverride: 'localhost',
    timeoutMs: 5_000,
    maxRetries: 0,
  });
  clients.push(lnd);
  return lnd;
}

const sends = (name: string): number =>
  sim
    .node(name)
    .callLog()
    .filter((c) => c.method === 'SendPaymentV2').length;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lnkit-multi-liquidity-'));
  sim = await startLndSimulator({ preset: 'merchants' });
  sim.network.addChannel({
    a: 'dave',
    b: 'erin',
    capacitySat: 2_000_000n,
    localSatA: 1_800_000n,
    chanId: DAVE_ERIN,
    policyA: { baseMsat: 1000n, feeRatePpm: 200n, cltvDelta: 144 },
    policyB: { baseMsat: 500n, feeRatePpm: 50n, cltvDelta: 80 },
  });
  lightning = open();
  await lightning.start();
});

afterAll(async () => {
  await lightning?.stop();
  for (const c of clients) await c.close();
  await sim?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('liquidity across alice and erin (#16)', () => {
  it('snapshot: every channel and peer tagged with its node; carol is a peer of each node; totals summed', async () => {
    const snapshot = await lightning.liquidity.snapshot();
    const alice = sim.node('alice').pubkey;
    const erin = sim.node('erin').pubkey;
    expect(snapshot.channels.map((c) => [c.nodeName, c.nodePubkey, c.chanId])).toEqual([
      ['alice', alice, '877008154718978049'],
      ['erin', erin, '877011452253798402'],
      ['erin', erin, DAVE_ERIN],
    ]);
    const carol = sim.node('carol').pubkey;
    expect(snapshot.peers.filter((p) => p.pubkey === carol).map((p) => [p.nodeName, p.channelCount])).toEqual([
      ['alice', 1],
      ['erin', 1],
    ]);
    const own = snapshot.nodes!.map((n) => n.snapshot!.totals);
    expect(snapshot.totals.inboundSat).toBe(own[0]!.inboundSat + own[1]!.inboundSat);
    expect(snapshot.totals.channelCount).toBe(3);
    expect(snapshot.nodes!.map((n) => [n.name, n.pubkey, n.error])).toEqual([
      ['alice', alice, null],
      ['erin', erin, null],
    ]);
  });

  it('check and plan cover both nodes; each plan is circular on its own node and names it; one liquidity.checked', async () => {
    const events = recordEvents(lightning.events, ['liquidity.checked']);
    const check = await lightning.liquidity.check(POLICY);
    expect(check.outOfBounds.map((c) => [c.channel.nodeName, c.channel.chanId, c.status])).toEqual([
      ['alice', '877008154718978049', 'too_high'],
      ['erin', '877011452253798402', 'too_high'],
      ['erin', DAVE_ERIN, 'too_low'],
    ]);
    expect(check.nodes!.map((n) => n.error)).toEqual([null, null]);
    expect(events).toHaveLength(1);

    const plans = await lightning.liquidity.plan(POLICY, { maxFeePpm: 5000 });
    // alice has no second peer to come back through: nothing to plan there.
    expect(plans.map((p) => [p.nodeName, p.outChanId, p.inPeer, p.status])).toEqual([
      ['erin', '877011452253798402', sim.node('dave').pubkey, 'ready'],
    ]);
    expect(plans[0]!.nodePubkey).toBe(sim.node('erin').pubkey);
  });

  it('quote and rebalance on erin by name: the payment leaves and comes back to erin; the row and event name erin', async () => {
    const plan = (await lightning.liquidity.plan(POLICY, { maxFeePpm: 5000 }))[0]!;
    const input = {
      outChannel: plan.outChanId,
      inPeer: plan.inPeer,
      amountSat: 100_000n,
      maxFeeSat: 100n,
      node: plan.nodeName!,
    };
    const quote = await lightning.liquidity.quote(input);
    expect(quote).toMatchObject({ status: 'ready', nodeName: 'erin' });
    const events = recordEvents(lightning.events, ['liquidity.rebalanced']);
    const [aliceSends, erinSends] = [sends('alice'), sends('erin')];
    const done = await lightning.liquidity.rebalance({ ...input, idempotencyKey: 'erin-1' });
    expect(done).toMatchObject({
      status: 'succeeded',
      inChanId: DAVE_ERIN,
      nodeName: 'erin',
      nodePubkey: sim.node('erin').pubkey,
    });
    expect([sends('alice'), sends('erin')]).toEqual([aliceSends, erinSends + 1]);
    expect(events[0]!.payload.node).toEqual({ pubkey: sim.node('erin').pubkey, name: 'erin' });
    expect((await lightning.liquidity.listRebalances()).items).toMatchObject([{ id: done.id, nodeName: 'erin' }]);
    // By default the primary: alice has no cycle, so her own check refuses (nothing sent anywhere).
    const { node: _erin, ...onPrimary } = input;
    await expect(lightning.liquidity.quote(onPrimary)).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it.each([
    ['an unknown name', 'bob'],
    ['a name of the wrong type', 42],
    ['an empty name', ''],
    ['null', null],
  ])('rebalance and quote with %s fail with a typed error and send nothing', async (_label, node) => {
    const before = [sends('alice'), sends('erin')];
    const rows = (await lightning.liquidity.listRebalances()).items.length;
    const input = {
      outChannel: '877011452253798402',
      inPeer: sim.node('dave').pubkey,
      amountSat: 10_000n,
      maxFeeSat: 10n,
      node: node as string,
    };
    for (const call of [() => lightning.liquidity.rebalance(input), () => lightning.liquidity.quote(input)])
      await expect(call()).rejects.toMatchObject({ name: 'ValidationError', code: 'INVALID_INPUT', field: 'node' });
    expect([sends('alice'), sends('erin')]).toEqual(before);
    expect((await lightning.liquidity.listRebalances()).items).toHaveLength(rows);
  });

  it('canReceive: the best single node (an invoice lives on one node), each node listed', async () => {
    const check = await lightning.liquidity.canReceive(1000n);
    expect(check.nodes!.map((n) => n.nodeName)).toEqual(['alice', 'erin']);
    const best = check.nodes!.reduce((m, n) => (n.receivableSat > m ? n.receivableSat : m), 0n);
    expect(check.receivableSat).toBe(best);
    const sum = check.nodes!.reduce((s, n) => s + n.receivableSat, 0n);
    // More than any one node can take but less than both together: refused, as invoices.create would.
    expect(best + 1n).toBeLessThan(sum);
    const between = await lightning.liquidity.canReceive(best + 1n);
    expect(between).toMatchObject({ fitsAcrossChannels: false, fitsOneChannel: false, receivableSat: best });
    await expect(lightning.invoices.create({ amountSat: best + 1n, description: 'too big' })).rejects.toMatchObject({
      code: 'INSUFFICIENT_INBOUND',
    });
  });

  it('metrics: node counters labelled by node, totals in the snapshot', async () => {
    await lightning.invoices.create({ amountSat: 1000n, description: 'on alice', node: 'alice' });
    await lightning.invoices.create({ amountSat: 1000n, description: 'on erin', node: 'erin' });
    await lightning.invoices.create({ amountSat: 1000n, description: 'on erin', node: 'erin' });
    const families = parsePrometheusTextFormat(await lightning.metrics.prometheus());
    const created = families.find((f) => f.name === 'lnkit_invoices_created_total')!;
    expect(created.metrics.map((m) => [m.labels?.node, Number(m.value)])).toEqual([
      ['alice', 1],
      ['erin', 2],
    ]);
    const snapshot = await lightning.metrics.snapshot();
    expect(snapshot.counters.invoices_created).toBe(3);
    expect(snapshot.countersByNode?.erin?.invoices_created).toBe(2);
  });

  it('a rebalance on erin cut short by a crash is completed at the next start from erin, not from the primary', async () => {
    // What a crash leaves: erin paid the self-invoice, the row is still in flight.
    const erin = client('erin');
    const invoice = await erin.addInvoice({ valueMsat: 50_000_000n, memo: 'lnkit rebalance', expirySeconds: 600 });
    let status = '';
    for await (const update of erin.sendPayment({
      paymentRequest: invoice.paymentRequest,
      feeLimitMsat: 100_000n,
      outgoingChanIds: ['877011452253798402'],
      lastHopPubkey: sim.node('dave').pubkey,
      allowSelfPayment: true,
    }))
      status = update.status;
    expect(status).toBe('SUCCEEDED');
    await lightning.stop();
    const store = createSqliteStore({ filename: join(dir, 'shop.db') });
    const now = new Date();
    const id = newId('rbl', now.getTime());
    await store.rebalances.insert({
      id,
      status: 'in_flight',
      outChanId: '877011452253798402',
      inPeer: sim.node('dave').pubkey,
      inChanId: null,
      amountSat: 50_000n,
      feeMsat: 0n,
      maxFeeMsat: 100_000n,
      paymentHash: invoice.paymentHash,
      failureReason: null,
      failureMessage: null,
      isAutomatic: false,
      idempotencyKey: null,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
      nodePubkey: sim.node('erin').pubkey,
    });
    await store.close();

    lightning = open();
    await lightning.start();
    const row = (await lightning.liquidity.listRebalances()).items.find((r) => r.id === id);
    // Asked of alice (the primary) it would be unknown there and marked failed.
    expect(row).toMatchObject({ status: 'succeeded', inChanId: DAVE_ERIN, nodeName: 'erin' });
    expect(row!.feeMsat).toBeGreaterThan(0n);
  });
});
