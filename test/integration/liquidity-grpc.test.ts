/**
 * Liquidity through the real path: createLightning on a SQLite file, alice's LND over gRPC/TLS to
 * the simulator's `cycle` network (alice → carol → dave → alice). A circular rebalance moves both
 * channels' balances exactly by amount and fee; the same idempotency key sends nothing again; a
 * route above the fee limit and a missing route send nothing; plan() moves nothing; a foreign
 * grpc-js client reading ListChannels sees the numbers lnkit reports; the €3,000 invoice against
 * 2,450,000 sat of receivable inbound is refused with INSUFFICIENT_INBOUND.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLightning, type Lightning, type LightningConfig } from '../../src/create-lightning.js';
import type { LiquiditySnapshot } from '../../src/domain/liquidity.js';
import type { Rebalance } from '../../src/domain/rebalance.js';
import { InsufficientInboundError, RebalanceError, ValidationError } from '../../src/errors.js';
import { createLndClient } from '../../src/lnd/index.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import { createFixedRates } from '../../src/rates/fixed.js';
import { createSqliteStore } from '../../src/store/sqlite/index.js';
import type { SimChannel } from '../../src/testing/network/types.js';
import { startLndSimulator, type LndSimulator } from '../../src/testing/simulator/index.js';
import { createCollectingLogger, recordEvents } from '../helpers/collect.js';
import { connect as rawConnect, unary, unaryError, type RawLndClients } from './simulator-client.js';

let dir: string;
const sims: LndSimulator[] = [];
const clients: LndClient[] = [];
const raws: RawLndClients[] = [];
const running: Lightning[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lnkit-liquidity-'));
});

afterAll(async () => {
  for (const lightning of running) await lightning.stop();
  for (const client of clients) await client.close();
  for (const raw of raws) raw.close();
  for (const sim of sims) await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function startSim(options: Parameters<typeof startLndSimulator>[0]): Promise<LndSimulator> {
  const sim = await startLndSimulator(options);
  sims.push(sim);
  return sim;
}

function lndOf(sim: LndSimulator, name = 'alice'): LndClient {
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

let dbCount = 0;
async function openAlice(sim: LndSimulator, extra: Partial<LightningConfig> = {}) {
  const logger = createCollectingLogger();
  const lightning = createLightning({
    lnd: lndOf(sim),
    rates: createFixedRates('90000'),
    store: createSqliteStore({ filename: join(dir, `alice-${++dbCount}.db`) }),
    logger,
    expirySweepIntervalMs: 86_400_000,
    ...extra,
  });
  await lightning.start();
  running.push(lightning);
  return { lightning, logger };
}

/** ListChannels read by a plain grpc-js client from the vendored protos (not lnkit's client). */
async function foreignListChannels(sim: LndSimulator): Promise<Record<string, unknown>[]> {
  const node = sim.node('alice');
  const raw = rawConnect(node.socket, node.cert, [node.macaroons.readonly]);
  raws.push(raw);
  const response = await unary<{ channels: Record<string, unknown>[] }>(raw.lightning, 'ListChannels', {});
  return response.channels;
}

/** The foreign client's numbers equal lnkit's snapshot, channel by channel. */
function expectSameNumbers(foreign: Record<string, unknown>[], snapshot: LiquiditySnapshot): void {
  expect(foreign.map((c) => String(c['chan_id'])).sort()).toEqual(snapshot.channels.map((c) => c.chanId).sort());
  for (const channel of snapshot.channels) {
    const wire = foreign.find((c) => String(c['chan_id']) === channel.chanId)!;
    expect({
      capacity: String(wire['capacity']),
      local: String(wire['local_balance']),
      remote: String(wire['remote_balance']),
      pending: String(wire['unsettled_balance']),
      active: wire['active'],
      localReserve: String((wire['local_constraints'] as Record<string, unknown>)['chan_reserve_sat']),
      remoteReserve: String((wire['remote_constraints'] as Record<string, unknown>)['chan_reserve_sat']),
    }).toEqual({
      capacity: channel.capacitySat.toString(),
      local: channel.localBalanceSat.toString(),
      remote: channel.remoteBalanceSat.toString(),
      pending: channel.pendingHtlcSat.toString(),
      active: channel.isActive,
      localReserve: channel.localReserveSat.toString(),
      remoteReserve: channel.remoteReserveSat.toString(),
    });
  }
}

const between = (sim: LndSimulator, x: string, y: string): SimChannel =>
  sim.network.channels().find((c) => [c.a, c.b].sort().join() === [x, y].sort().join())!;

const count = (sim: LndSimulator, method: string): number =>
  sim
    .node('alice')
    .callLog()
    .filter((c) => c.method === method).length;

/** A hop's fee under LND's arithmetic. */
const hopFee = (policy: { baseMsat: bigint; feeRatePpm: bigint }, forwardMsat: bigint): bigint =>
  policy.baseMsat + (forwardMsat * policy.feeRatePpm) / 1_000_000n;

describe('circular rebalancing on the cycle network', () => {
  let sim: LndSimulator;
  let lightning: Lightning;
  let davePubkey: string;
  let carolPubkey: string;
  let bobPubkey: string;
  const policy = { minLocalRatio: 0.2, maxLocalRatio: 0.8 };

  beforeAll(async () => {
    sim = await startSim({ preset: 'cycle' });
    ({ lightning } = await openAlice(sim, {
      webhooks: {
        dispatch: false,
        endpoints: [
          { url: 'https://hooks.example.com/lnkit', secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}` },
        ],
      },
    }));
    davePubkey = sim.node('dave').pubkey;
    carolPubkey = sim.node('carol').pubkey;
    bobPubkey = sim.node('bob').pubkey;
  });

  it('snapshot: per channel, per peer and totals, as a foreign gRPC client reads them', async () => {
    const snapshot = await lightning.liquidity.snapshot();
    expectSameNumbers(await foreignListChannels(sim), snapshot);
    const aliceCarol = snapshot.channels.find((c) => c.chanId === between(sim, 'alice', 'carol').chanId)!;
    expect(aliceCarol).toMatchObject({
      peerAlias: 'carol (router)',
      capacitySat: 2_000_000n,
      localBalanceSat: 1_700_000n,
      remoteBalanceSat: 300_000n,
      localReserveSat: 20_000n,
      remoteReserveSat: 20_000n,
      outboundSat: 1_680_000n,
      inboundSat: 280_000n,
      localRatio: 0.85,
      isActive: true,
      isPrivate: false,
    });
    expect(snapshot.peers.find((p) => p.pubkey === davePubkey)).toMatchObject({
      alias: 'dave',
      channelCount: 1,
      inboundSat: 1_780_000n,
    });
    expect(snapshot.totals).toMatchObject({
      activeChannelCount: 2,
      capacitySat: 4_000_000n,
      inboundSat: 2_060_000n,
      maxChannelInboundSat: 1_780_000n,
    });
  });

  it("GetChanInfo gives both directions' policies to a foreign client (node1 = the smaller pubkey)", async () => {
    const node = sim.node('alice');
    const raw = rawConnect(node.socket, node.cert, [node.macaroons.readonly]);
    raws.push(raw);
    const carolDave = between(sim, 'carol', 'dave');
    const edge = await unary<Record<string, unknown>>(raw.lightning, 'GetChanInfo', { chan_id: carolDave.chanId });
    const [node1, node2] = [carolPubkey, davePubkey].sort();
    const policyOf = (pubkey: string) => carolDave.policy(pubkey === carolPubkey ? 'carol' : 'dave');
    expect(edge).toMatchObject({
      channel_id: carolDave.chanId,
      capacity: '3000000',
      node1_pub: node1,
      node2_pub: node2,
    });
    for (const [field, pubkey] of [
      ['node1_policy', node1!],
      ['node2_policy', node2!],
    ] as const) {
      const policy = policyOf(pubkey);
      expect(edge[field]).toMatchObject({
        fee_base_msat: policy.baseMsat.toString(),
        fee_rate_milli_msat: policy.feeRatePpm.toString(),
        time_lock_delta: policy.cltvDelta,
        disabled: false,
      });
    }
    expect(await unaryError(raw.lightning, 'GetChanInfo', { chan_id: '12345' })).toEqual({
      code: 2,
      details: 'edge not found',
    });
  });

  it('check classifies against the policy and emits liquidity.checked', async () => {
    const seen = recordEvents(lightning.events, ['liquidity.checked']);
    const check = await lightning.liquidity.check(policy);
    expect(check.outOfBounds.map((c) => [c.channel.remotePubkey, c.status])).toEqual(
      expect.arrayContaining([
        [carolPubkey, 'too_high'],
        [davePubkey, 'too_low'],
      ]),
    );
    expect(check.outOfBounds).toHaveLength(2);
    expect(seen).toHaveLength(1);
    const ignored = await lightning.liquidity.check({ ...policy, ignore: [carolPubkey] });
    expect(ignored.outOfBounds.map((c) => c.channel.remotePubkey)).toEqual([davePubkey]);
  });

  it('plan() prices the move with QueryRoutes and moves nothing', async () => {
    const before = await foreignListChannels(sim);
    const sends = count(sim, 'SendPaymentV2');
    const adds = count(sim, 'AddInvoice');
    const plans = await lightning.liquidity.plan(policy);
    const [plan] = plans;
    expect(plan).toMatchObject({
      status: 'ready',
      outChanId: between(sim, 'alice', 'carol').chanId,
      inPeer: davePubkey,
      amountSat: 700_000n, // alice–carol's excess over the 50% target
    });
    const dave = between(sim, 'dave', 'alice').policy('dave');
    const carol = between(sim, 'carol', 'dave').policy('carol');
    const daveFee = hopFee(dave, 700_000_000n);
    expect(plan!.feeMsat).toBe(daveFee + hopFee(carol, 700_000_000n + daveFee));
    expect(plan!.route!.hops.map((h) => h.pubkey)).toEqual([carolPubkey, davePubkey, sim.node('alice').pubkey]);
    expect(await foreignListChannels(sim)).toEqual(before);
    expect([count(sim, 'SendPaymentV2'), count(sim, 'AddInvoice')]).toEqual([sends, adds]);
  });

  it('rebalances into bounds: out channel −(amount + fee), in channel +amount, fee within the limit; the same key sends nothing', async () => {
    const out = between(sim, 'alice', 'carol');
    const back = between(sim, 'dave', 'alice');
    const outBefore = out.balanceMsat('alice');
    const backBefore = back.balanceMsat('alice');
    const events = recordEvents(lightning.events, ['liquidity.rebalanced', 'liquidity.rebalance_failed']);
    const firstSends = count(sim, 'SendPaymentV2');
    const amountSat = 700_000n;
    const maxFeeSat = 250n;
    const done = await lightning.liquidity.rebalance({
      outChannel: out.chanId,
      inPeer: davePubkey,
      amountSat,
      maxFeeSat,
      idempotencyKey: 'rebalance-1',
    });
    const daveFee = hopFee(back.policy('dave'), amountSat * 1000n);
    const fee = daveFee + hopFee(between(sim, 'carol', 'dave').policy('carol'), amountSat * 1000n + daveFee);
    expect(done).toMatchObject({
      status: 'succeeded',
      outChanId: out.chanId,
      inPeer: davePubkey,
      inChanId: back.chanId, // read from the settled invoice's HTLC
      amountSat,
      feeMsat: fee,
      maxFeeMsat: maxFeeSat * 1000n,
      failureReason: null,
      isAutomatic: false,
    });
    expect(fee).toBeLessThanOrEqual(maxFeeSat * 1000n);
    expect(count(sim, 'SendPaymentV2')).toBe(firstSends + 1);
    expect(outBefore - out.balanceMsat('alice')).toBe(amountSat * 1000n + fee);
    expect(back.balanceMsat('alice') - backBefore).toBe(amountSat * 1000n);
    expect(events.map((e) => e.name)).toEqual(['liquidity.rebalanced']);
    expect(await lightning.liquidity.listRebalances()).toMatchObject({ items: [{ id: done.id }] });

    const snapshot = await lightning.liquidity.snapshot();
    expectSameNumbers(await foreignListChannels(sim), snapshot);
    expect((await lightning.liquidity.check(policy)).outOfBounds).toEqual([]);

    const sends = count(sim, 'SendPaymentV2');
    const again = await lightning.liquidity.rebalance({
      outChannel: out.chanId,
      inPeer: davePubkey,
      amountSat,
      maxFeeSat,
      idempotencyKey: 'rebalance-1',
    });
    expect(again).toEqual(done);
    expect(count(sim, 'SendPaymentV2')).toBe(sends);
    expect(out.balanceMsat('alice')).toBe(outBefore - amountSat * 1000n - fee);
  });

  it('a route costing more than maxFeeSat sends nothing and says why', async () => {
    const out = between(sim, 'alice', 'carol');
    const before = out.balanceMsat('alice');
    const [sends, adds] = [count(sim, 'SendPaymentV2'), count(sim, 'AddInvoice')];
    const error = await lightning.liquidity
      .rebalance({ outChannel: out.chanId, inPeer: davePubkey, amountSat: 100_000n, maxFeeSat: 10n })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RebalanceError);
    const rebalanceError = error as RebalanceError;
    expect(rebalanceError.code).toBe('REBALANCE_FEE_TOO_HIGH');
    expect(rebalanceError.routeFeeMsat).toBe(32_002n); // dave 1 sat + 200 ppm, carol 1 sat + 100 ppm on 100,021 sat
    expect(rebalanceError.message).toMatch(/costs 32002 msat, above the limit of 10000 msat; nothing was sent/);
    expect(rebalanceError.rebalance).toMatchObject({
      status: 'failed',
      failureReason: 'fee_too_high',
      paymentHash: null,
    });
    expect([count(sim, 'SendPaymentV2'), count(sim, 'AddInvoice'), out.balanceMsat('alice')]).toEqual([
      sends,
      adds,
      before,
    ]);
  });

  it('no route back through the peer fails with REBALANCE_NO_ROUTE and sends nothing', async () => {
    const carolDave = between(sim, 'carol', 'dave');
    carolDave.setActive(false);
    try {
      const sends = count(sim, 'SendPaymentV2');
      const error = await lightning.liquidity
        .rebalance({
          outChannel: between(sim, 'alice', 'carol').chanId,
          inPeer: davePubkey,
          amountSat: 50_000n,
          maxFeePpm: 5000,
        })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'REBALANCE_NO_ROUTE', rebalance: { failureReason: 'no_route' } });
      expect(count(sim, 'SendPaymentV2')).toBe(sends);
    } finally {
      carolDave.setActive(true);
    }
  });

  it('a route that lacks liquidity on the way fails like LND after trying, moves nothing and cancels its invoice', async () => {
    const carolDave = between(sim, 'carol', 'dave');
    const out = between(sim, 'alice', 'carol');
    const before = [out.balanceMsat('alice'), carolDave.balanceMsat('carol')];
    // After the first rebalance carol holds ~800k on carol–dave: 900k fits the capacity QueryRoutes sees, not her balance.
    const sends = count(sim, 'SendPaymentV2');
    const error = await lightning.liquidity
      .rebalance({ outChannel: out.chanId, inPeer: davePubkey, amountSat: 900_000n, maxFeeSat: 1_000n })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RebalanceError);
    const { rebalance } = error as RebalanceError;
    expect(rebalance).toMatchObject({ status: 'failed', failureReason: 'no_route', feeMsat: 0n });
    expect(count(sim, 'SendPaymentV2')).toBe(sends + 1);
    expect(sim.node('alice').model.lookupInvoice(rebalance.paymentHash!).state).toBe('CANCELED');
    expect([out.balanceMsat('alice'), carolDave.balanceMsat('carol')]).toEqual(before);
  });

  it('every outcome is also a webhook, written with its row', async () => {
    const { items } = await lightning.webhooks.deliveries({ limit: 100 });
    const types = items.map((d) => d.eventType);
    const succeeded = (await lightning.liquidity.listRebalances({ status: 'succeeded' })).items.length;
    const failed = (await lightning.liquidity.listRebalances({ status: 'failed' })).items.length;
    expect([succeeded, failed]).toEqual([1, 3]);
    expect(types.filter((t) => t === 'liquidity.rebalanced')).toHaveLength(succeeded);
    expect(types.filter((t) => t === 'liquidity.rebalance_failed')).toHaveLength(failed);
  });

  it('metrics: outbound and inbound per channel, and the fees rebalancing spent', async () => {
    const [{ items }, snapshot, metrics] = await Promise.all([
      lightning.liquidity.listRebalances({ status: 'succeeded' }),
      lightning.liquidity.snapshot(),
      lightning.metrics.snapshot(),
    ]);
    const gauge = (name: string, chanId?: string) =>
      metrics.gauges.find((g) => g.name === name && (chanId === undefined || g.labels?.chan_id === chanId))?.value;
    const fees = Number(items.reduce((sum, r) => sum + r.feeMsat, 0n)) / 1000;
    expect([gauge('rebalance_fees_sat_total'), gauge('rebalance_fees_sat_24h')]).toEqual([fees, fees]);
    for (const c of snapshot.channels) {
      expect(gauge('channel_outbound_sat', c.chanId)).toBe(Number(c.outboundSat));
      expect(gauge('channel_inbound_sat', c.chanId)).toBe(Number(c.inboundSat));
    }
    expect(await lightning.metrics.prometheus()).toContain('lnkit_rebalance_fees_sat_total');
  });

  it.each([
    ['amountSat 0', { amountSat: 0n }, 'amountSat'],
    ['a chan id that is not a number', { outChannel: '12x' }, 'outChannel'],
    ['an upper-case pubkey', { inPeer: 'AB'.repeat(33) }, 'inPeer'],
    ['no fee limit', { maxFeeSat: undefined, maxFeePpm: undefined }, 'maxFeeSat'],
    ['a negative ppm', { maxFeePpm: -1 }, 'maxFeePpm'],
    ['an unknown channel', { outChannel: '123456789' }, 'outChannel'],
    ['a peer without a channel', { inPeer: 'BOB' }, 'inPeer'],
    ['leaving and coming back by the same peer', { inPeer: 'CAROL' }, 'inPeer'],
  ])('refuses %s with ValidationError and sends nothing', async (_label, overrides, field) => {
    const sends = count(sim, 'SendPaymentV2');
    const input = {
      outChannel: between(sim, 'alice', 'carol').chanId,
      inPeer: davePubkey,
      amountSat: 10_000n,
      maxFeeSat: 100n,
      ...overrides,
    } as Record<string, unknown>;
    if (input.inPeer === 'BOB') input.inPeer = bobPubkey;
    if (input.inPeer === 'CAROL') input.inPeer = carolPubkey;
    const error = await lightning.liquidity.rebalance(input as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).field).toBe(field);
    expect(count(sim, 'SendPaymentV2')).toBe(sends);
  });

  it('an invoice that fits only across several channels (MPP) is created, and the log says so', async () => {
    const { lightning: alice, logger } = await openAlice(sim);
    const { totals } = await alice.liquidity.snapshot();
    const amountSat = totals.maxChannelInboundSat + 1n;
    expect(await alice.liquidity.canReceive(amountSat)).toMatchObject({
      fitsOneChannel: false,
      fitsAcrossChannels: true,
    });
    const invoice = await alice.invoices.create({ amountSat, description: 'split' });
    expect(invoice.amountMsat).toBe(amountSat * 1000n);
    expect(logger.lines.some((l) => l.includes('multi-part payments (MPP)'))).toBe(true);
  });
});

describe('a rebalance interrupted by a crash', () => {
  it('is completed at the next start from LND: never sent → failed; paid → succeeded with its fee and in channel', async () => {
    const sim = await startSim({ preset: 'cycle' });
    const alice = sim.node('alice').model;
    const out = between(sim, 'alice', 'carol');
    const back = between(sim, 'dave', 'alice');
    // The payment went through, then the process died before recording it.
    const invoice = alice.addInvoice({ valueSat: 100_000n, memo: 'lnkit rebalance' });
    alice.sendPayment({
      paymentRequest: invoice.paymentRequest,
      feeLimitMsat: 100_000n,
      outgoingChanIds: [out.chanId],
      lastHopPubkey: sim.node('dave').pubkey,
      allowSelfPayment: true,
    });
    const filename = join(dir, 'crashed.db');
    const store = createSqliteStore({ filename });
    await store.migrate();
    const row = (overrides: Partial<Rebalance>): Rebalance => ({
      id: `rbl_${overrides.paymentHash ? 'paid' : 'never'}00000000000000000000`,
      status: 'in_flight',
      outChanId: out.chanId,
      inPeer: sim.node('dave').pubkey,
      inChanId: null,
      amountSat: 100_000n,
      feeMsat: 0n,
      maxFeeMsat: 100_000n,
      paymentHash: null,
      failureReason: null,
      failureMessage: null,
      isAutomatic: false,
      idempotencyKey: null,
      createdAt: new Date(),
      updatedAt: new Date(),
      completedAt: null,
      ...overrides,
    });
    await store.rebalances.insert(row({}));
    await store.rebalances.insert(row({ paymentHash: invoice.paymentHash }));
    await store.close();
    const lightning = createLightning({
      lnd: lndOf(sim),
      rates: createFixedRates('90000'),
      store: createSqliteStore({ filename }),
    });
    await lightning.start();
    running.push(lightning);
    const { items } = await lightning.liquidity.listRebalances();
    const byId = Object.fromEntries(items.map((r) => [r.id.slice(4, 8), r]));
    expect(byId['neve']).toMatchObject({ status: 'failed', failureReason: 'error' });
    expect(byId['paid']).toMatchObject({ status: 'succeeded', inChanId: back.chanId });
    expect(byId['paid']!.feeMsat).toBeGreaterThan(0n);
  });
});

describe('the inbound check on invoice creation (default network: 2,500,000 sat remote on alice–carol)', () => {
  it('refuses the €3,000 invoice (3,333,334 sat) with INSUFFICIENT_INBOUND and the receivable amount, adds nothing in LND', async () => {
    const sim = await startSim({});
    const { lightning } = await openAlice(sim);
    const adds = count(sim, 'AddInvoice');
    const error = await lightning.invoices
      .create({ amountEur: '3000', description: 'Espresso machine' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InsufficientInboundError);
    expect(error).toMatchObject({
      code: 'INSUFFICIENT_INBOUND',
      requestedSat: 3_333_334n,
      receivableSat: 2_450_000n, // 2,500,000 remote − carol's 50,000 sat reserve
      maxChannelReceivableSat: 2_450_000n,
    });
    expect((error as Error).message).toContain('can receive 2450000 sat');
    expect(count(sim, 'AddInvoice')).toBe(adds);
    expect((await lightning.invoices.list()).items).toEqual([]);
    const forced = await lightning.invoices.create({
      amountEur: '3000',
      description: 'Espresso machine',
      allowInsufficientInbound: true,
    });
    expect(forced.amountMsat).toBe(3_333_334_000n);
    await expect(
      lightning.invoices.create({ amountSat: 10n, description: 'x', allowInsufficientInbound: 'yes' as never }),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'allowInsufficientInbound' });
    const floored = (await openAlice(sim, { health: { minInboundSat: 3_333_334n } })).lightning;
    const capacity = (await floored.health()).checks.find((c) => c.name === 'channel_capacity');
    expect(capacity).toMatchObject({ healthy: false });
    expect(capacity!.detail).toContain('receivable 2450000 sat (floor 3333334 sat)');
    const unfloored = (await lightning.health()).checks.find((c) => c.name === 'channel_capacity');
    expect(unfloored).toMatchObject({ healthy: true });
  });
});

export type { Rebalance };
