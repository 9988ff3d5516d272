import { describe, expect, it } from 'vitest';
import { createManualClock } from '../manual-clock.js';
import { createNetwork } from './network.js';
import { hex32, record, testNetwork } from './test-helpers.js';

describe('a node losing its invoice history (resetHistory) and a seeded network', () => {
  it('forgets every invoice, restarts add and settle indices at 1 and fails open streams; keys stay', () => {
    const { network } = testNetwork('alice');
    const alice = network.node('alice');
    const pubkey = alice.pubkey;
    const first = alice.addInvoice({ valueMsat: 1_000n, memo: 'a', preimage: hex32(1) });
    alice.addInvoice({ valueMsat: 1_000n, memo: 'b', preimage: hex32(2) });
    const stream = record(alice.subscribeInvoices({ addIndex: 0n, settleIndex: 0n }));
    alice.resetHistory();
    return stream.result().then((collected) => {
      expect(collected.error?.code).toBe(14);
      expect(alice.listInvoices().invoices).toEqual([]);
      expect(() => alice.lookupInvoice(first.paymentHash)).toThrow(
        /there are no existing invoices|unable to locate invoice/,
      );
      // The same preimage may be used again: the old invoice is gone.
      expect(alice.addInvoice({ valueMsat: 2_000n, memo: 'c', preimage: hex32(1) }).addIndex).toBe(1n);
      expect(alice.pubkey).toBe(pubkey);
    });
  });

  it('draws preimages and payment secrets from the random source: the same seed, the same invoices', () => {
    const make = (): string[] => {
      let state = 1;
      const random = (): number => (state = (state * 48_271) % 2_147_483_647) / 2_147_483_647;
      const network = createNetwork({ clock: createManualClock(), random });
      const node = network.addNode({ name: 'alice' });
      return [1, 2, 3].map((i) => node.addInvoice({ valueMsat: BigInt(i * 1000), memo: `m${i}` }).paymentRequest);
    };
    const a = make();
    expect(make()).toEqual(a);
    expect(new Set(a).size).toBe(3);
  });
});
