import { X509Certificate, createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createManualClock } from '../../src/testing/manual-clock.js';
import { startLndSimulator, type LndSimulator, type SimulatedNode } from '../../src/testing/simulator/index.js';
import { connect, stream, unary, unaryError, type RawLndClients } from './simulator-client.js';

type Msg = Record<string, unknown>;

let sim: LndSimulator;
const opened: RawLndClients[] = [];

function clientsFor(node: SimulatedNode, macaroons: readonly string[] = [node.macaroons.admin]): RawLndClients {
  const clients = connect(node.socket, node.cert, macaroons);
  opened.push(clients);
  return clients;
}

beforeAll(async () => {
  sim = await startLndSimulator();
});

afterAll(async () => {
  for (const clients of opened) clients.close();
  await sim?.stop();
});

describe('LND simulator over gRPC + TLS', () => {
  it('answers GetInfo with the admin macaroon, connecting by IP without a name override', async () => {
    const alice = sim.node('alice');
    expect(alice.socket).toMatch(/^127\.0\.0\.1:\d+$/);
    const { lightning } = clientsFor(alice);
    const info = await unary(lightning, 'GetInfo');
    expect(info.identity_pubkey).toBe(alice.pubkey);
    expect(info.chains).toEqual([{ chain: 'bitcoin', network: 'regtest' }]);
    expect(String(info.version)).toMatch(/^\d+\.\d+\.\d+-beta commit=/);
    expect(info.num_active_channels).toBe(1);
    // A foreign client that dials the IP with no name override (grpc-js sets the IP as TLS server
    // name, which Node answers with DEP0123 once per process): the certificate must verify by IP.
    // lnkit's own client never does this (lnd-grpc.test.ts asserts it emits no DEP0123), so the
    // warning is silenced for this one call to keep the suite's output clean.
    const noDeprecation = process.noDeprecation;
    process.noDeprecation = true;
    try {
      const direct = connect(alice.socket, alice.cert, [alice.macaroons.admin], {});
      opened.push(direct);
      expect((await unary(direct.lightning, 'GetInfo')).identity_pubkey).toBe(alice.pubkey);
    } finally {
      process.noDeprecation = noDeprecation;
    }
  });

  it.each([
    ['no macaroon', () => [], 'GetInfo', 'expected 1 macaroon, got 0'],
    [
      'two macaroons',
      (n: SimulatedNode) => [n.macaroons.admin, n.macaroons.admin],
      'GetInfo',
      'expected 1 macaroon, got 2',
    ],
    [
      'bob’s macaroon on alice',
      () => [sim.node('bob').macaroons.admin],
      'GetInfo',
      'verification failed: signature mismatch after caveat verification',
    ],
    ['readonly AddInvoice', (n: SimulatedNode) => [n.macaroons.readonly], 'AddInvoice', 'permission denied'],
    ['invoice GetInfo', (n: SimulatedNode) => [n.macaroons.invoice], 'GetInfo', 'permission denied'],
  ] as const)('refuses %s with code 2 and LND’s text', async (_name, macaroons, method, details) => {
    const alice = sim.node('alice');
    const { lightning } = clientsFor(alice, macaroons(alice));
    expect(await unaryError(lightning, method, { value: '1' })).toEqual({ code: 2, details });
  });

  it('round-trips AddInvoice and LookupInvoice with bytes r_hash', async () => {
    const alice = sim.node('alice');
    const { lightning } = clientsFor(alice, [alice.macaroons.invoice]);
    const preimage = randomBytes(32);
    const added = await unary(lightning, 'AddInvoice', { memo: 'coffee', value_msat: '1500000', r_preimage: preimage });
    const hash = createHash('sha256').update(preimage).digest();
    expect(Buffer.from(added.r_hash as Buffer)).toEqual(hash);
    expect(String(added.payment_request)).toMatch(/^lnbcrt15u1/);
    const invoice = await unary(lightning, 'LookupInvoice', { r_hash: hash });
    expect(invoice).toMatchObject({
      memo: 'coffee',
      value: '1500',
      value_msat: '1500000',
      state: 'OPEN',
      settle_index: '0',
      private: false,
    });
    expect(Buffer.from(invoice.r_preimage as Buffer)).toEqual(preimage);
    expect(invoice.add_index).toBe(added.add_index);
    // The classic mistake: a hex string in a bytes field is base64-decoded into 48 bytes.
    expect(await unaryError(lightning, 'LookupInvoice', { r_hash: hash.toString('hex') })).toEqual({
      code: 2,
      details: 'payment hash must be exactly 32 bytes, is instead 48',
    });
    expect(await unaryError(lightning, 'LookupInvoice', { r_hash: randomBytes(32) })).toEqual({
      code: 5,
      details: 'unable to locate invoice',
    });
  });

  it('streams a settlement on SubscribeInvoices when bob pays through carol with SendPaymentV2', async () => {
    const alice = clientsFor(sim.node('alice'));
    const bob = clientsFor(sim.node('bob'));
    const before = await unary(alice.lightning, 'ListInvoices', {});
    const settleIndex = String(
      (before.invoices as Msg[]).reduce((max, inv) => Math.max(max, Number(inv.settle_index)), 0),
    );
    const sub = stream(alice.lightning, 'SubscribeInvoices', { add_index: '0', settle_index: settleIndex });
    const added = await unary(alice.lightning, 'AddInvoice', { memo: 'order 42', value: '20000' });
    const [opened] = await sub.next(1);
    expect(opened).toMatchObject({ state: 'OPEN', add_index: added.add_index });

    const payment = stream(bob.router, 'SendPaymentV2', {
      payment_request: added.payment_request,
      fee_limit_sat: '100',
      timeout_seconds: 0,
    });
    const [, settled] = await sub.next(2);
    expect(settled).toMatchObject({
      state: 'SETTLED',
      amt_paid_msat: '20000000',
      amt_paid_sat: '20000',
      amt_paid: '20000000',
      settled: true,
    });
    expect(Number(settled?.settle_index)).toBeGreaterThan(Number(settleIndex));

    expect(await payment.done).toEqual({ code: 0, details: 'OK' });
    const last = payment.messages.at(-1) as Msg;
    // carol: 1000 msat + 100 ppm of 20,000,000 msat = 3000 msat.
    expect(last).toMatchObject({
      status: 'SUCCEEDED',
      value_msat: '20000000',
      fee_msat: '3000',
      failure_reason: 'FAILURE_REASON_NONE',
    });
    expect(
      createHash('sha256')
        .update(Buffer.from(String(last.payment_preimage), 'hex'))
        .digest('hex'),
    ).toBe(last.payment_hash);
    expect(payment.messages[0]).toMatchObject({ status: 'IN_FLIGHT', payment_preimage: '0'.repeat(64) });

    const tracked = stream(bob.router, 'TrackPaymentV2', {
      payment_hash: Buffer.from(String(last.payment_hash), 'hex'),
    });
    expect(await tracked.done).toEqual({ code: 0, details: 'OK' });
    expect(tracked.messages.map((m) => (m as Msg).status)).toEqual(['SUCCEEDED']);
    sub.call.cancel();
  });

  it('reports TrackPaymentV2 errors on the stream with LND codes', async () => {
    const { router } = clientsFor(sim.node('bob'));
    expect(await stream(router, 'TrackPaymentV2', { payment_hash: Buffer.alloc(3) }).done).toEqual({
      code: 2,
      details: 'invalid hash length of 3, want 32',
    });
    expect(await stream(router, 'TrackPaymentV2', { payment_hash: randomBytes(32) }).done).toEqual({
      code: 5,
      details: "payment isn't initiated",
    });
  });

  it('runs a hold invoice through SubscribeSingleInvoice: OPEN, ACCEPTED, SETTLED, then ends OK', async () => {
    const alice = clientsFor(sim.node('alice'));
    const bob = clientsFor(sim.node('bob'));
    const preimage = randomBytes(32);
    const hash = createHash('sha256').update(preimage).digest();
    const hold = await unary(alice.invoices, 'AddHoldInvoice', { hash, value: '5000', memo: 'hold' });
    const single = stream(alice.invoices, 'SubscribeSingleInvoice', { r_hash: hash });
    expect((await single.next(1))[0]).toMatchObject({ state: 'OPEN' });
    expect(await unaryError(alice.invoices, 'SettleInvoice', { preimage })).toEqual({
      code: 2,
      details: 'invoice still open',
    });

    const payment = stream(bob.router, 'SendPaymentV2', {
      payment_request: hold.payment_request,
      fee_limit_msat: '10000',
    });
    const [, accepted] = await single.next(2);
    expect(accepted).toMatchObject({ state: 'ACCEPTED', r_preimage: Buffer.alloc(0) });
    const v2 = await unary(alice.invoices, 'LookupInvoiceV2', { payment_hash: hash });
    expect(v2).toMatchObject({ state: 'ACCEPTED', amt_paid_msat: '5000000', settle_index: '0' });

    await unary(alice.invoices, 'SettleInvoice', { preimage });
    await unary(alice.invoices, 'SettleInvoice', { preimage }); // idempotent once settled
    expect(await single.done).toEqual({ code: 0, details: 'OK' });
    expect((single.messages.at(-1) as Msg).state).toBe('SETTLED');
    expect(Buffer.from((single.messages.at(-1) as Msg).r_preimage as Buffer)).toEqual(preimage);
    expect(await payment.done).toEqual({ code: 0, details: 'OK' });
    expect((payment.messages.at(-1) as Msg).status).toBe('SUCCEEDED');
    expect(await unaryError(alice.invoices, 'CancelInvoice', { payment_hash: hash })).toEqual({
      code: 2,
      details: 'invoice already settled',
    });
    expect(await unaryError(alice.invoices, 'LookupInvoiceV2', {})).toEqual({
      code: 3,
      details: 'invoice ref must be set',
    });
  });

  it('reports chan ids above 2^53 exactly in ListChannels, with balances and reserves', async () => {
    const { lightning } = clientsFor(sim.node('carol'));
    const { channels } = await unary<{ channels: Msg[] }>(lightning, 'ListChannels', {});
    expect(channels.map((c) => c.chan_id).sort()).toEqual([
      '877008154718978049',
      '877009253230542849',
      '877010352742170625',
    ]);
    expect(BigInt(String(channels[0]?.chan_id))).toBeGreaterThan(2n ** 53n);
    for (const channel of channels) {
      expect(BigInt(String(channel.local_balance)) + BigInt(String(channel.remote_balance))).toBeLessThanOrEqual(
        BigInt(String(channel.capacity)),
      );
      expect(channel.local_constraints).toMatchObject({ chan_reserve_sat: channel.local_chan_reserve_sat });
    }
    const balance = await unary(lightning, 'ChannelBalance', {});
    expect(balance.local_balance).toMatchObject({ sat: expect.any(String), msat: expect.any(String) });
  });

  it('decodes, routes and lists payments', async () => {
    const alice = clientsFor(sim.node('alice'));
    const dave = clientsFor(sim.node('dave'));
    const invoice = await unary(dave.lightning, 'AddInvoice', { value: '1000', memo: 'to dave' });
    const decoded = await unary(alice.lightning, 'DecodePayReq', { pay_req: invoice.payment_request });
    expect(decoded).toMatchObject({
      destination: sim.node('dave').pubkey,
      num_satoshis: '1000',
      num_msat: '1000000',
      description: 'to dave',
    });
    const { routes } = await unary<{ routes: Msg[] }>(alice.lightning, 'QueryRoutes', {
      pub_key: sim.node('dave').pubkey,
      amt: '1000',
    });
    expect(routes).toHaveLength(1);
    expect((routes[0]?.hops as Msg[]).map((h) => h.pub_key)).toEqual([
      sim.node('carol').pubkey,
      sim.node('dave').pubkey,
    ]);
    const paid = stream(alice.router, 'SendPaymentV2', {
      payment_request: invoice.payment_request,
      fee_limit_sat: '10',
      no_inflight_updates: true,
    });
    expect(await paid.done).toEqual({ code: 0, details: 'OK' });
    expect(paid.messages.map((m) => (m as Msg).status)).toEqual(['SUCCEEDED']);
    const { payments } = await unary<{ payments: Msg[] }>(alice.lightning, 'ListPayments', {
      include_incomplete: true,
    });
    expect(payments.at(-1)).toMatchObject({ payment_request: invoice.payment_request, status: 'SUCCEEDED' });
  });

  it('writes LND-style credential files and an lndconnect URI', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lnkit-sim-test-'));
    try {
      const paths = await sim.writeCredentials(dir);
      const alice = sim.node('alice');
      expect((await readFile(join(dir, 'alice', 'admin.macaroon'))).toString('hex')).toBe(alice.macaroons.admin);
      expect((await readFile(join(dir, 'alice', 'readonly.macaroon'))).toString('hex')).toBe(alice.macaroons.readonly);
      expect(await readFile(paths.alice?.tlsCert ?? '', 'utf8')).toBe(alice.cert);
      const url = new URL(alice.lndconnect);
      expect(url.protocol).toBe('lndconnect:');
      expect(url.host).toBe(alice.socket);
      const der = Buffer.from(url.searchParams.get('cert') ?? '', 'base64url');
      expect(new X509Certificate(der).fingerprint256).toBe(new X509Certificate(alice.cert).fingerprint256);
      expect(Buffer.from(url.searchParams.get('macaroon') ?? '', 'base64url').toString('hex')).toBe(
        alice.macaroons.admin,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('LND simulator faults', () => {
  it('dropStreams ends open streams with UNAVAILABLE', async () => {
    const dave = sim.node('dave');
    const { lightning } = clientsFor(dave);
    const sub = stream(lightning, 'SubscribeInvoices', { add_index: '0', settle_index: '0' });
    await unary(lightning, 'AddInvoice', { value: '1' });
    await sub.next(1);
    dave.faults.dropStreams();
    expect((await sub.done).code).toBe(14);
  });

  it('unavailable(ms) fails every call with UNAVAILABLE for that long', async () => {
    const bob = sim.node('bob');
    const { lightning } = clientsFor(bob);
    bob.faults.unavailable(60_000);
    expect((await unaryError(lightning, 'GetInfo')).code).toBe(14);
    bob.faults.unavailable(0);
    expect((await unary(lightning, 'GetInfo')).identity_pubkey).toBe(bob.pubkey);
  });

  it('stop() makes clients see UNAVAILABLE; start() serves the same port, cert and macaroons', async () => {
    const carol = sim.node('carol');
    const { socket, cert } = carol;
    const first = clientsFor(carol);
    await unary(first.lightning, 'GetInfo');
    const sub = stream(first.lightning, 'SubscribeInvoices', { add_index: '0', settle_index: '0' });
    await unary(first.lightning, 'AddInvoice', { value: '1' });
    await sub.next(1);
    await carol.faults.stop();
    // LND ends invoice subscriptions normally when it shuts down.
    expect(await sub.done).toEqual({ code: 0, details: 'OK' });
    expect((await unaryError(first.lightning, 'GetInfo')).code).toBe(14);
    expect(carol.model.isOnline).toBe(false);
    await carol.faults.start();
    expect(carol.socket).toBe(socket);
    expect(carol.cert).toBe(cert);
    const second = clientsFor(carol);
    expect((await unary(second.lightning, 'GetInfo')).identity_pubkey).toBe(carol.pubkey);
    expect(carol.model.isOnline).toBe(true);
    // The call made while stopped never reached a server.
    expect(carol.callLog().filter((c) => c.method === 'GetInfo')).toHaveLength(2);
  });

  it('stop() fails in-flight payment streams as LND does on shutdown', async () => {
    const alice = clientsFor(sim.node('alice'));
    const daveNode = sim.node('dave');
    const dave = clientsFor(daveNode);
    const hash = createHash('sha256').update(randomBytes(32)).digest();
    const hold = await unary(alice.invoices, 'AddHoldInvoice', { hash, value: '1000' });
    const single = stream(alice.invoices, 'SubscribeSingleInvoice', { r_hash: hash });
    const payment = stream(dave.router, 'SendPaymentV2', {
      payment_request: hold.payment_request,
      fee_limit_sat: '10',
    });
    await single.next(2); // OPEN, then ACCEPTED: the HTLC is held at alice
    await daveNode.faults.stop();
    expect(await payment.done).toEqual({ code: 2, details: 'routerrpc server shutting down' });
    await daveNode.faults.start();
    await unary(alice.invoices, 'CancelInvoice', { payment_hash: hash });
    expect(await single.done).toEqual({ code: 0, details: 'OK' });
    expect((single.messages.at(-1) as Msg).state).toBe('CANCELED');
  });
});

describe('LND simulator on a manual clock', () => {
  const clock = createManualClock();
  let solo: LndSimulator;

  beforeAll(async () => {
    solo = await startLndSimulator({ nodes: [{ name: 'solo' }], clock });
  });
  afterAll(async () => {
    await solo?.stop();
  });

  it('ends an unavailability window when the clock passes it', async () => {
    const node = solo.node('solo');
    const { lightning } = clientsFor(node);
    node.faults.unavailable(5_000);
    expect(await unaryError(lightning, 'GetInfo')).toEqual({
      code: 14,
      details: expect.stringContaining('unavailable'),
    });
    await clock.advance(5_000);
    expect((await unary(lightning, 'GetInfo')).identity_pubkey).toBe(node.pubkey);
  });

  it('delays calls by the injected latency on the clock', async () => {
    const node = solo.node('solo');
    const { lightning } = clientsFor(node);
    node.faults.latency(2_000);
    const calls = node.callLog().length;
    let isDone = false;
    const pending = unary(lightning, 'GetInfo').finally(() => {
      isDone = true;
    });
    await vi.waitFor(() => expect(node.callLog().length).toBe(calls + 1), { timeout: 5_000 });
    await clock.advance(1_999);
    expect(isDone).toBe(false);
    await clock.advance(1);
    expect((await pending).identity_pubkey).toBe(node.pubkey);
    node.faults.latency(0);
    expect((await unary(lightning, 'GetInfo')).alias).toBe('solo');
  });
});
