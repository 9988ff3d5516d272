import { describe, expect, it } from 'vitest';
import { testNetwork } from './test-helpers.js';

/** A triangle alice–carol–bob–alice for circular rebalancing. */
function triangle() {
  const { network } = testNetwork('alice', 'carol', 'bob');
  network.addChannel({
    a: 'alice',
    b: 'carol',
    capacitySat: 1_000_000n,
    localSatA: 800_000n,
    chanId: '877008154718978049',
  });
  network.addChannel({
    a: 'carol',
    b: 'bob',
    capacitySat: 1_000_000n,
    localSatA: 500_000n,
    chanId: '2',
    policyA: { baseMsat: 0n, feeRatePpm: 100n, cltvDelta: 40 },
  });
  network.addChannel({
    a: 'bob',
    b: 'alice',
    capacitySat: 1_000_000n,
    localSatA: 500_000n,
    chanId: '3',
    policyA: { baseMsat: 10n, feeRatePpm: 10n, cltvDelta: 20 },
  });
  return network;
}

describe('QueryRoutes and path finding', () => {
  it('returns the cheapest route without block padding', () => {
    const network = triangle();
    const bob = network.node('bob');
    const [route] = network.node('alice').queryRoutes({ pubkey: bob.pubkey, amountMsat: 1_000_000n });
    expect(route?.hops.map((h) => h.chanId)).toEqual(['3']); // the direct channel: no fee
    expect(route?.totalTimeLock).toBe(network.blockHeight() + 80);
    const [viaCarol] = network
      .node('alice')
      .queryRoutes({ pubkey: bob.pubkey, amountMsat: 1_000_000n, outgoingChanIds: ['877008154718978049'] });
    expect(viaCarol?.hops.map((h) => [h.chanId, h.feeMsat])).toEqual([
      ['877008154718978049', 100n],
      ['2', 0n],
    ]);
  });

  it('finds a circular route to self with outgoing channel and last hop', () => {
    const network = triangle();
    const alice = network.node('alice');
    const [route] = alice.queryRoutes({
      pubkey: alice.pubkey,
      amountMsat: 10_000_000n,
      outgoingChanIds: ['877008154718978049'],
      lastHopPubkey: network.node('bob').pubkey,
    });
    // carol charges 0 + 10_000_000 * 100 ppm on carol→bob for what bob forwards (10_000_000 + bob's fee).
    const bobFee = 10n + (10_000_000n * 10n) / 1_000_000n; // 110 on bob→alice
    const carolFee = ((10_000_000n + bobFee) * 100n) / 1_000_000n; // 1000
    expect(route?.hops.map((h) => [h.chanId, h.amountToForwardMsat, h.feeMsat])).toEqual([
      ['877008154718978049', 10_000_000n + bobFee, carolFee],
      ['2', 10_000_000n, bobFee],
      ['3', 10_000_000n, 0n],
    ]);
    expect(route?.totalFeesMsat).toBe(bobFee + carolFee);
  });

  it("answers LND's errors when no route exists or the balance is short", () => {
    const network = triangle();
    const alice = network.node('alice');
    const bob = network.node('bob');
    expect(() => alice.queryRoutes({ pubkey: bob.pubkey, amountMsat: 5_000_000_000_000n })).toThrow(
      expect.objectContaining({ details: 'insufficient local balance' }),
    );
    expect(() => alice.queryRoutes({ pubkey: '02'.padEnd(66, '1'), amountMsat: 1_000n })).toThrow(
      expect.objectContaining({ details: 'unable to find a path to destination' }),
    );
    expect(() =>
      alice.queryRoutes({
        pubkey: bob.pubkey,
        amountMsat: 10_000_000n,
        feeLimitMsat: 0n,
        outgoingChanIds: ['877008154718978049'],
      }),
    ).toThrow(expect.objectContaining({ details: 'unable to find a path to destination' }));
    network.channel('3').setActive(false);
    network.channel('877008154718978049').setActive(false);
    expect(() => alice.queryRoutes({ pubkey: bob.pubkey, amountMsat: 1_000n })).toThrow(
      expect.objectContaining({ details: 'insufficient local balance' }),
    );
  });

  it('a circular payment needs allowSelfPayment and then rebalances', async () => {
    const network = triangle();
    const alice = network.node('alice');
    const inv = alice.addInvoice({ valueMsat: 10_000_000n, memo: 'rebalance' });
    expect(() => alice.sendPayment({ paymentRequest: inv.paymentRequest, feeLimitMsat: 5_000n })).toThrow(
      expect.objectContaining({ details: 'self-payments not allowed' }),
    );
    const stream = alice.sendPayment({
      paymentRequest: inv.paymentRequest,
      feeLimitMsat: 5_000n,
      allowSelfPayment: true,
      outgoingChanIds: ['877008154718978049'],
      lastHopPubkey: network.node('bob').pubkey,
    });
    const done = await new Promise<string>((resolve) => {
      stream.onData((p) => p.status !== 'IN_FLIGHT' && resolve(p.status));
    });
    expect(done).toBe('SUCCEEDED');
    expect(network.channel('877008154718978049').balanceMsat('alice')).toBe(800_000_000n - 10_001_110n);
    expect(network.channel('3').balanceMsat('alice')).toBe(500_000_000n + 10_000_000n);
    expect(alice.lookupInvoice(inv.paymentHash).state).toBe('SETTLED');
  });

  it('validates the network topology', () => {
    const { network } = testNetwork('alice', 'bob');
    expect(() => network.addChannel({ a: 'alice', b: 'zed', capacitySat: 1n, localSatA: 0n })).toThrow(
      /no node named zed/,
    );
    expect(() => network.addChannel({ a: 'alice', b: 'bob', capacitySat: 10n, localSatA: 11n })).toThrow(
      /localSatA: expected 0..10, got 11/,
    );
    expect(() =>
      network.addChannel({ a: 'alice', b: 'bob', capacitySat: 10n, localSatA: 1n, chanId: '18446744073709551616' }),
    ).toThrow(/chanId/);
    expect(() => network.addNode({ name: 'alice' })).toThrow(/already exists/);
    expect(network.node('alice').pubkey).toMatch(/^0[23][0-9a-f]{64}$/);
  });
});
