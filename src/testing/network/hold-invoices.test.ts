import { describe, expect, it } from 'vitest';
import { sha256Hex } from './keys.js';
import { hex32, record, testNetwork } from './test-helpers.js';

/** alice pays bob's hold invoice through carol (carol charges 1000 msat + 1 ppm). */
async function heldThroughCarol() {
  const { network, clock } = testNetwork('alice', 'carol', 'bob');
  network.addChannel({ a: 'alice', b: 'carol', capacitySat: 1_000_000n, localSatA: 900_000n, chanId: '1' });
  network.addChannel({ a: 'carol', b: 'bob', capacitySat: 1_000_000n, localSatA: 900_000n, chanId: '2' });
  const [alice, bob] = [network.node('alice'), network.node('bob')];
  const hold = bob.addHoldInvoice({ paymentHash: sha256Hex(hex32(1)), valueMsat: 100_000_000n, memo: 'held' });
  const payment = record(
    alice.sendPayment({ paymentRequest: hold.paymentRequest, feeLimitMsat: 10_000n, timeoutSeconds: 60 }),
  );
  await payment.result();
  return { network, clock, alice, bob, payment, hold };
}

describe('hold invoices', () => {
  it('ACCEPTED when the HTLC arrives: balances locked along the route, payment IN_FLIGHT, "payment is in transition"', async () => {
    const { network, alice, bob, payment, hold } = await heldThroughCarol();
    const inv = bob.lookupInvoice(sha256Hex(hex32(1)));
    expect([inv.state, inv.preimage, inv.amountPaidMsat]).toEqual(['ACCEPTED', null, 100_000_000n]);
    expect(inv.htlcs).toMatchObject([
      { chanId: '2', amountMsat: 100_000_000n, state: 'ACCEPTED', acceptHeight: 800_000, expiryHeight: 800_083 },
    ]);
    const r = await payment.result();
    expect(r.items.map((p) => p.status)).toEqual(['IN_FLIGHT', 'IN_FLIGHT']);
    expect(r.ended).toBe(false);
    expect(network.channel('1').pendingOutgoingMsat('alice')).toBe(100_001_100n);
    expect(network.channel('2').pendingOutgoingMsat('carol')).toBe(100_000_000n);
    expect(alice.channelBalance()).toMatchObject({
      localMsat: 900_000_000n - 100_001_100n,
      unsettledLocalMsat: 100_001_100n,
    });
    expect(() => alice.sendPayment({ paymentRequest: hold.paymentRequest, feeLimitMsat: 10_000n })).toThrow(
      expect.objectContaining({ code: 6, details: 'payment is in transition' }),
    );
    expect(() => bob.settleInvoice(hex32(2))).toThrow(expect.objectContaining({ details: 'unable to locate invoice' }));
  });

  it('settleInvoice settles the HTLCs along the route and the payment SUCCEEDS', async () => {
    const { network, bob, payment } = await heldThroughCarol();
    bob.settleInvoice(hex32(1));
    bob.settleInvoice(hex32(1)); // idempotent
    const r = await payment.result();
    expect(r.items.at(-1)).toMatchObject({ status: 'SUCCEEDED', preimage: hex32(1), feeMsat: 1_100n });
    expect(r.ended).toBe(true);
    expect(network.channel('1').balanceMsat('carol')).toBe(100_000_000n + 100_001_100n);
    expect(network.channel('2').balanceMsat('bob')).toBe(100_000_000n + 100_000_000n);
    expect(network.channel('2').pendingOutgoingMsat('carol')).toBe(0n);
    expect(bob.lookupInvoice(sha256Hex(hex32(1)))).toMatchObject({
      state: 'SETTLED',
      settleIndex: 1n,
      preimage: hex32(1),
    });
    expect(() => bob.cancelInvoice(sha256Hex(hex32(1)))).toThrow(
      expect.objectContaining({ code: 2, details: 'invoice already settled' }),
    );
  });

  it('cancelInvoice returns the HTLCs to the payer: balances restored, payment FAILED', async () => {
    const { network, alice, bob, payment } = await heldThroughCarol();
    bob.cancelInvoice(sha256Hex(hex32(1)));
    bob.cancelInvoice(sha256Hex(hex32(1))); // idempotent
    const r = await payment.result();
    expect(r.items.at(-1)).toMatchObject({ status: 'FAILED', failureReason: 'INCORRECT_PAYMENT_DETAILS' });
    expect(network.channel('1').balanceMsat('alice')).toBe(900_000_000n);
    expect(network.channel('2').balanceMsat('carol')).toBe(900_000_000n);
    expect(alice.channelBalance().unsettledLocalMsat).toBe(0n);
    expect(bob.lookupInvoice(sha256Hex(hex32(1))).htlcs.map((h) => h.state)).toEqual(['CANCELED']);
    expect(() => bob.settleInvoice(hex32(1))).toThrow(
      expect.objectContaining({ code: 2, details: 'invoice already canceled' }),
    );
  });

  it('settleInvoice on an OPEN hold invoice: "invoice still open"', () => {
    const { network } = testNetwork('bob');
    const bob = network.node('bob');
    bob.addHoldInvoice({ paymentHash: sha256Hex(hex32(3)), valueMsat: 1n });
    expect(() => bob.settleInvoice(hex32(3))).toThrow(
      expect.objectContaining({ code: 2, details: 'invoice still open' }),
    );
    expect(() => bob.settleInvoice('00')).toThrow(
      expect.objectContaining({ details: 'invalid preimage length of 1, want 32' }),
    );
  });

  it('auto-cancels 18 blocks before the HTLC expiry; the payer then fails with TIMEOUT (its timeout passed)', async () => {
    const { clock, bob, payment } = await heldThroughCarol();
    // HTLC expiry 800_083 → cancel at height 800_065, i.e. 65 blocks of 10 minutes.
    await clock.advance(64 * 600_000);
    expect(bob.lookupInvoice(sha256Hex(hex32(1))).state).toBe('ACCEPTED');
    await clock.advance(600_000);
    expect(bob.lookupInvoice(sha256Hex(hex32(1))).state).toBe('CANCELED');
    const r = await payment.result();
    expect(r.items.at(-1)).toMatchObject({ status: 'FAILED', failureReason: 'TIMEOUT' });
  });
});
