import { describe, expect, it } from 'vitest';
import { sha256Hex } from './keys.js';
import { hex32, record, testNetwork } from './test-helpers.js';
import type { SimInvoice, SimNetwork } from './types.js';

const summary = (items: readonly SimInvoice[]) => items.map((i) => `${i.memo}:${i.state}`);

/** alice (merchant) with invoices 1..5: #1 settled (settle 1), #2 cancelled, #3 settled (settle 2), #4 open, #5 accepted (hold, preimage hex32(5)). */
const HOLD_HASH = sha256Hex(hex32(5));

async function history(): Promise<SimNetwork> {
  const { network } = testNetwork('alice', 'bob');
  network.addChannel({ a: 'alice', b: 'bob', capacitySat: 1_000_000n, localSatA: 100_000n });
  const [alice, bob] = [network.node('alice'), network.node('bob')];
  const pay = (req: string) => record(bob.sendPayment({ paymentRequest: req, feeLimitMsat: 0n })).result();
  const inv = (memo: string) => alice.addInvoice({ valueMsat: 1_000n, memo });
  const one = inv('1');
  const two = inv('2');
  const three = inv('3');
  inv('4');
  const five = alice.addHoldInvoice({ paymentHash: HOLD_HASH, valueMsat: 1_000n, memo: '5' });
  await pay(one.paymentRequest);
  await pay(three.paymentRequest);
  alice.cancelInvoice(two.paymentHash);
  void pay(five.paymentRequest);
  await new Promise((resolve) => setImmediate(resolve));
  expect(alice.lookupInvoice(HOLD_HASH).state).toBe('ACCEPTED');
  return network;
}

describe('SubscribeInvoices replay and live semantics', () => {
  it('replays adds (add_index > A) then settles (settle_index > S), current state, ACCEPTED/CANCELED dropped', async () => {
    const alice = (await history()).node('alice');
    const r = await record(alice.subscribeInvoices({ addIndex: 1n, settleIndex: 1n })).result();
    // adds > 1: #2 cancelled (dropped), #3 settled, #4 open, #5 accepted (dropped); settles > 1: #3 again (duplicate)
    expect(summary(r.items)).toEqual(['3:SETTLED', '4:OPEN', '3:SETTLED']);
    expect(r.ended).toBe(false);
  });

  it('0 means no replay for that series', async () => {
    const alice = (await history()).node('alice');
    expect(summary((await record(alice.subscribeInvoices({ addIndex: 0n, settleIndex: 0n })).result()).items)).toEqual(
      [],
    );
    expect(summary((await record(alice.subscribeInvoices({ addIndex: 0n, settleIndex: 1n })).result()).items)).toEqual([
      '3:SETTLED',
    ]);
    expect(summary((await record(alice.subscribeInvoices({ addIndex: 3n, settleIndex: 0n })).result()).items)).toEqual([
      '4:OPEN',
    ]);
  });

  it('live: only new OPEN and SETTLED; never ACCEPTED or CANCELED', async () => {
    const network = await history();
    const [alice, bob] = [network.node('alice'), network.node('bob')];
    const live = record(alice.subscribeInvoices({ addIndex: 5n, settleIndex: 2n }));
    const six = alice.addInvoice({ valueMsat: 1_000n, memo: '6' });
    alice.cancelInvoice(six.paymentHash);
    const seven = alice.addInvoice({ valueMsat: 1_000n, memo: '7' });
    await record(bob.sendPayment({ paymentRequest: seven.paymentRequest, feeLimitMsat: 0n })).result();
    const hold = alice.addHoldInvoice({ paymentHash: sha256Hex(hex32(8)), valueMsat: 1_000n, memo: '8' });
    void record(bob.sendPayment({ paymentRequest: hold.paymentRequest, feeLimitMsat: 0n })).result();
    alice.settleInvoice(hex32(5));
    const r = await live.result();
    expect(summary(r.items)).toEqual(['6:OPEN', '7:OPEN', '7:SETTLED', '8:OPEN', '5:SETTLED']);
    expect(r.items.map((i) => i.settleIndex)).toEqual([0n, 0n, 3n, 0n, 4n]);
  });

  it('live events at or below the cursors are skipped', async () => {
    const network = await history();
    const alice = network.node('alice');
    const live = record(alice.subscribeInvoices({ addIndex: 7n, settleIndex: 0n }));
    for (const memo of ['6', '7', '8']) alice.addInvoice({ valueMsat: 1n, memo });
    expect(summary((await live.result()).items)).toEqual(['8:OPEN']);
  });

  it('SubscribeSingleInvoice: current state first, every transition, ends after a final state', async () => {
    const { network } = testNetwork('alice', 'bob');
    network.addChannel({ a: 'alice', b: 'bob', capacitySat: 1_000_000n, localSatA: 100_000n });
    const [alice, bob] = [network.node('alice'), network.node('bob')];
    const hash = sha256Hex(hex32(1));
    const early = record(alice.subscribeSingleInvoice(hash)); // waits silently for the invoice
    const hold = alice.addHoldInvoice({ paymentHash: hash, valueMsat: 2_000n, memo: 'h' });
    const late = record(alice.subscribeSingleInvoice(hash));
    void record(bob.sendPayment({ paymentRequest: hold.paymentRequest, feeLimitMsat: 0n })).result();
    alice.settleInvoice(hex32(1));
    for (const r of [await early.result(), await late.result()]) {
      expect(r.items.map((i) => i.state)).toEqual(['OPEN', 'ACCEPTED', 'SETTLED']);
      expect(r.ended).toBe(true);
    }
    const after = await record(alice.subscribeSingleInvoice(hash)).result();
    expect([after.items.map((i) => i.state), after.ended]).toEqual([['SETTLED'], true]);
    expect(network.openStreamCount()).toBe(0);
  });

  it('dropStreams ends every open stream with UNAVAILABLE; close() cancels from the consumer side', async () => {
    const { network } = testNetwork('alice');
    const alice = network.node('alice');
    const all = record(alice.subscribeInvoices({ addIndex: 0n, settleIndex: 0n }));
    const closed = alice.subscribeInvoices({ addIndex: 0n, settleIndex: 0n });
    closed.close();
    expect(network.openStreamCount()).toBe(1);
    network.dropStreams();
    const r = await all.result();
    expect(r.error).toMatchObject({ code: 14 });
    expect(r.ended).toBe(false);
    expect(network.openStreamCount()).toBe(0);
  });
});
