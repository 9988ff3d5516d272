import { describe, expect, it } from 'vitest';
import { record, testNetwork } from './test-helpers.js';
import type { SimNetwork, SimPayment } from './types.js';

const final = async (stream: Parameters<typeof record<SimPayment>>[0]): Promise<SimPayment> => {
  const { items, ended } = await record(stream).result();
  expect(ended).toBe(true);
  return items[items.length - 1]!;
};

/** alice —(a-c)— carol —(c-b)— bob, liquidity flowing towards bob. */
function line(): SimNetwork {
  const { network } = testNetwork('alice', 'carol', 'bob');
  network.addChannel({
    a: 'alice',
    b: 'carol',
    capacitySat: 2_000_000n,
    localSatA: 1_500_000n,
    chanId: '877008154718978049',
  });
  network.addChannel({
    a: 'carol',
    b: 'bob',
    capacitySat: 2_000_000n,
    localSatA: 1_500_000n,
    chanId: '1',
    policyA: { baseMsat: 1000n, feeRatePpm: 250n, cltvDelta: 40 },
  });
  return network;
}

describe('payments across the network model', () => {
  it('routes alice → carol → bob with LND fee arithmetic, hops and balance moves', async () => {
    const network = line();
    const [alice, carol, bob] = ['alice', 'carol', 'bob'].map((n) => network.node(n));
    const height = network.blockHeight();
    const inv = bob!.addInvoice({ valueMsat: 123_456_789n, memo: 'x' });
    const p = await final(alice!.sendPayment({ paymentRequest: inv.paymentRequest, feeLimitMsat: 50_000n }));
    const fee = 1000n + (123_456_789n * 250n) / 1_000_000n; // 31_864
    expect(fee).toBe(31_864n);
    expect(p.status).toBe('SUCCEEDED');
    expect(p.feeMsat).toBe(fee);
    expect(p.route).toEqual({
      totalAmountMsat: 123_456_789n + fee,
      totalFeesMsat: fee,
      totalTimeLock: height + 80 + 3 + 40,
      hops: [
        {
          chanId: '877008154718978049',
          pubkey: carol!.pubkey,
          amountToForwardMsat: 123_456_789n,
          feeMsat: fee,
          expiry: height + 83,
        },
        { chanId: '1', pubkey: bob!.pubkey, amountToForwardMsat: 123_456_789n, feeMsat: 0n, expiry: height + 83 },
      ],
    });
    const ac = network.channel('877008154718978049');
    const cb = network.channel('1');
    expect(ac.balanceMsat('alice')).toBe(1_500_000_000n - 123_456_789n - fee);
    expect(ac.balanceMsat('carol')).toBe(500_000_000n + 123_456_789n + fee);
    expect(cb.balanceMsat('carol')).toBe(1_500_000_000n - 123_456_789n);
    expect(cb.balanceMsat('bob')).toBe(500_000_000n + 123_456_789n);
    expect(alice!.listChannels()[0]!.chanId).toBe('877008154718978049'); // > 2^53, exact
  });

  it('charges each forwarding node on its outgoing channel, walking back from the last hop', async () => {
    const { network } = testNetwork('alice', 'carol', 'dave', 'bob');
    network.addChannel({ a: 'alice', b: 'carol', capacitySat: 1_000_000n, localSatA: 900_000n, chanId: '10' });
    network.addChannel({
      a: 'carol',
      b: 'dave',
      capacitySat: 1_000_000n,
      localSatA: 900_000n,
      chanId: '11',
      policyA: { baseMsat: 500n, feeRatePpm: 1000n, cltvDelta: 30 },
    });
    network.addChannel({
      a: 'dave',
      b: 'bob',
      capacitySat: 1_000_000n,
      localSatA: 900_000n,
      chanId: '12',
      policyA: { baseMsat: 2000n, feeRatePpm: 333n, cltvDelta: 50 },
    });
    const inv = network.node('bob').addInvoice({ valueMsat: 10_000_001n, memo: '' });
    const p = await final(
      network.node('alice').sendPayment({ paymentRequest: inv.paymentRequest, feeLimitMsat: 100_000n }),
    );
    const daveFee = 2000n + (10_000_001n * 333n) / 1_000_000n; // on dave→bob, amt 10_000_001
    const carolFee = 500n + ((10_000_001n + daveFee) * 1000n) / 1_000_000n; // on carol→dave
    expect(p.route?.hops.map((h) => [h.chanId, h.amountToForwardMsat, h.feeMsat])).toEqual([
      ['10', 10_000_001n + daveFee, carolFee],
      ['11', 10_000_001n, daveFee],
      ['12', 10_000_001n, 0n],
    ]);
    expect(p.route?.totalAmountMsat).toBe(10_000_001n + daveFee + carolFee);
    const h = network.blockHeight();
    expect(p.route?.hops.map((x) => x.expiry)).toEqual([h + 83 + 50, h + 83, h + 83]);
    expect(p.route?.totalTimeLock).toBe(h + 83 + 50 + 30);
  });

  it('fails NO_ROUTE when no route fits the fee limit, and nothing moves', async () => {
    const network = line();
    const inv = network.node('bob').addInvoice({ valueMsat: 1_000_000n, memo: '' });
    const p = await final(
      network.node('alice').sendPayment({ paymentRequest: inv.paymentRequest, feeLimitMsat: 1_249n }),
    );
    expect([p.status, p.failureReason]).toEqual(['FAILED', 'NO_ROUTE']);
    expect(network.channel('1').balanceMsat('carol')).toBe(1_500_000_000n);
    expect(network.node('bob').lookupInvoice(inv.paymentHash).state).toBe('OPEN');
    // Exactly the fee (1000 + 250) is enough.
    const ok = await final(
      network.node('alice').sendPayment({ paymentRequest: inv.paymentRequest, feeLimitMsat: 1_250n }),
    );
    expect(ok.status).toBe('SUCCEEDED');
    expect(ok.paymentIndex).toBe(2n); // the failed payment was replaced by the retry
  });

  it('fails INSUFFICIENT_BALANCE when the local balance cannot carry the amount', async () => {
    const network = line();
    const inv = network.node('bob').addInvoice({ valueSat: 1_490_000n, memo: '' });
    const p = await final(
      network.node('alice').sendPayment({ paymentRequest: inv.paymentRequest, feeLimitMsat: 10_000_000n }),
    );
    expect([p.status, p.failureReason]).toEqual(['FAILED', 'INSUFFICIENT_BALANCE']); // reserve is 20_000 sat
  });

  it('retries around a channel without remote liquidity (TEMPORARY_CHANNEL_FAILURE) then succeeds', async () => {
    const { network } = testNetwork('alice', 'carol', 'dave', 'bob');
    network.addChannel({ a: 'alice', b: 'carol', capacitySat: 1_000_000n, localSatA: 900_000n, chanId: '20' });
    network.addChannel({
      a: 'carol',
      b: 'bob',
      capacitySat: 1_000_000n,
      localSatA: 50_000n,
      chanId: '21',
      policyA: { baseMsat: 0n, feeRatePpm: 0n },
    });
    network.addChannel({ a: 'alice', b: 'dave', capacitySat: 1_000_000n, localSatA: 900_000n, chanId: '22' });
    network.addChannel({
      a: 'dave',
      b: 'bob',
      capacitySat: 1_000_000n,
      localSatA: 900_000n,
      chanId: '23',
      policyA: { baseMsat: 5000n, feeRatePpm: 0n },
    });
    const inv = network.node('bob').addInvoice({ valueSat: 100_000n, memo: '' });
    const p = await final(
      network.node('alice').sendPayment({ paymentRequest: inv.paymentRequest, feeLimitMsat: 10_000n }),
    );
    expect(p.status).toBe('SUCCEEDED');
    expect(p.htlcs.map((a) => [a.status, a.failure?.code, a.failure?.failureSourceIndex])).toEqual([
      ['FAILED', 'TEMPORARY_CHANNEL_FAILURE', 1],
      ['SUCCEEDED', undefined, undefined],
    ]);
    expect(p.feeMsat).toBe(5000n);
    expect(network.channel('20').pendingOutgoingMsat('alice')).toBe(0n);
    expect(network.channel('20').balanceMsat('alice')).toBe(900_000_000n);
  });

  it('an offline node on the only path: TEMPORARY_CHANNEL_FAILURE, then NO_ROUTE', async () => {
    const network = line();
    const inv = network.node('bob').addInvoice({ valueMsat: 5_000n, memo: '' });
    network.node('bob').setOnline(false);
    const p = await final(
      network.node('alice').sendPayment({ paymentRequest: inv.paymentRequest, feeLimitMsat: 10_000n }),
    );
    expect([p.status, p.failureReason]).toEqual(['FAILED', 'NO_ROUTE']);
    expect(p.htlcs[0]?.failure).toEqual({ code: 'TEMPORARY_CHANNEL_FAILURE', failureSourceIndex: 1 });
    expect(network.channel('877008154718978049').balanceMsat('alice')).toBe(1_500_000_000n);
    expect(() => network.node('bob').getInfo()).toThrow(expect.objectContaining({ code: 14 }));
  });

  it('unknown payment details → INCORRECT_PAYMENT_DETAILS; the HTLCs are released', async () => {
    const network = line();
    const bob = network.node('bob');
    const inv = bob.addInvoice({ valueMsat: 5_000n, memo: '' });
    bob.cancelInvoice(inv.paymentHash);
    const p = await final(
      network.node('alice').sendPayment({ paymentRequest: inv.paymentRequest, feeLimitMsat: 10_000n }),
    );
    expect([p.status, p.failureReason]).toEqual(['FAILED', 'INCORRECT_PAYMENT_DETAILS']);
    expect(p.htlcs[0]?.failure).toEqual({ code: 'INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS', failureSourceIndex: 2 });
    expect(network.channel('1').pendingOutgoingMsat('carol')).toBe(0n);
    expect(network.channel('1').balanceMsat('carol')).toBe(1_500_000_000n);
  });

  it("throws LND's pre-stream errors with their exact codes and texts", async () => {
    const { network, clock } = testNetwork('alice', 'bob');
    network.addChannel({ a: 'alice', b: 'bob', capacitySat: 1_000_000n, localSatA: 100_000n });
    const [alice, bob] = [network.node('alice'), network.node('bob')];
    const inv = alice.addInvoice({ valueMsat: 5_000n, memo: '', expirySeconds: 60 });
    await final(bob.sendPayment({ paymentRequest: inv.paymentRequest, feeLimitMsat: 0n }));
    expect(() => bob.sendPayment({ paymentRequest: inv.paymentRequest })).toThrow(
      expect.objectContaining({ code: 6, details: 'invoice is already paid' }),
    );
    const own = alice.addInvoice({ valueMsat: 5_000n, memo: '' });
    expect(() => alice.sendPayment({ paymentRequest: own.paymentRequest })).toThrow(
      expect.objectContaining({ code: 2, details: 'self-payments not allowed' }),
    );
    const any = alice.addInvoice({ valueMsat: 0n, memo: '' });
    expect(() => bob.sendPayment({ paymentRequest: any.paymentRequest })).toThrow(
      expect.objectContaining({ details: 'amount must be specified when paying a zero amount invoice' }),
    );
    expect(() => bob.sendPayment({ paymentRequest: own.paymentRequest, amountMsat: 1n })).toThrow(
      expect.objectContaining({ details: 'amount must not be specified when paying a non-zero amount invoice' }),
    );
    const short = alice.addInvoice({ valueMsat: 5_000n, memo: '', expirySeconds: 60 });
    await clock.advance(61_000);
    expect(() => bob.sendPayment({ paymentRequest: short.paymentRequest })).toThrow(
      expect.objectContaining({
        code: 2,
        details: 'invoice expired. Valid until 2026-01-01 00:00:00 +0000 UTC'.replace('00:00:00', '00:01:00'),
      }),
    );
    expect(() => bob.trackPayment('ab'.repeat(32))).toThrow(
      expect.objectContaining({ code: 5, details: "payment isn't initiated" }),
    );
    expect(() => bob.decodePayReq('lnbc1xyz')).toThrow(expect.objectContaining({ code: 2 }));
  });

  it('paying a zero-amount invoice uses the given amount; trackPayment and listPayments report it', async () => {
    const { network } = testNetwork('alice', 'bob');
    network.addChannel({ a: 'alice', b: 'bob', capacitySat: 1_000_000n, localSatA: 100_000n });
    const inv = network.node('alice').addInvoice({ memo: 'any' });
    const p = await final(network.node('bob').sendPayment({ paymentRequest: inv.paymentRequest, amountMsat: 4_321n }));
    expect([p.status, p.valueMsat]).toEqual(['SUCCEEDED', 4_321n]);
    const tracked = await record(network.node('bob').trackPayment(inv.paymentHash)).result();
    expect(tracked.items.map((x) => x.status)).toEqual(['SUCCEEDED']);
    expect(tracked.ended).toBe(true);
    expect(
      network
        .node('bob')
        .listPayments()
        .payments.map((x) => x.paymentHash),
    ).toEqual([inv.paymentHash]);
    expect(network.node('alice').lookupInvoice(inv.paymentHash).amountPaidMsat).toBe(4_321n);
  });
});
