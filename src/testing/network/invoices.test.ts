import { describe, expect, it } from 'vitest';
import { decodeBolt11 } from '../../bolt11/index.js';
import { createManualClock } from '../manual-clock.js';
import { createNetwork } from './network.js';
import { sha256Hex } from './keys.js';
import { hex32, record, testNetwork } from './test-helpers.js';

describe('invoices in the network model', () => {
  it('AddInvoice writes a real BOLT11 signed by the node key, with LND defaults', () => {
    const { network } = testNetwork('alice');
    const alice = network.node('alice');
    const added = alice.addInvoice({ valueMsat: 250_000n, memo: 'coffee', preimage: hex32(1) });
    expect(added.paymentHash).toBe(sha256Hex(hex32(1)));
    expect(added.addIndex).toBe(1n);
    const d = decodeBolt11(added.paymentRequest);
    expect(d.prefix).toBe('lnbcrt2500n');
    expect(d.payeeNodeKey).toBe(alice.pubkey);
    expect(d.hasPayeeNodeKeyField).toBe(false);
    expect([d.expirySeconds, d.minFinalCltvExpiry, d.description]).toEqual([86_400, 80, 'coffee']);
    expect(d.featureBits).toEqual([8, 14, 17]);
    expect(d.paymentSecret).toBe(added.paymentAddr);
    expect(d.timestamp).toBe(Date.UTC(2026, 0, 1) / 1000);
    const inv = alice.lookupInvoice(added.paymentHash);
    expect([inv.state, inv.expirySeconds, inv.cltvExpiry, inv.preimage]).toEqual(['OPEN', 86_400, 80, hex32(1)]);
    expect(alice.addInvoice({ valueMsat: 1n, memo: '' }).addIndex).toBe(2n);
  });

  it('uses the network prefix and writes h instead of d for a description hash', () => {
    const network = createNetwork({ clock: createManualClock(), network: 'testnet' });
    const node = network.addNode({ name: 'n' });
    const added = node.addInvoice({ valueSat: 10n, memo: 'ignored', descriptionHash: hex32(7) });
    const d = decodeBolt11(added.paymentRequest);
    expect([d.network, d.amountMsat, d.description, d.descriptionHash]).toEqual(['tb', 10_000n, null, hex32(7)]);
    expect(node.getInfo().network).toBe('testnet');
    const regtest = createNetwork({ clock: createManualClock() }).addNode({ name: 'r' });
    expect(() => regtest.decodePayReq(added.paymentRequest)).toThrow(
      expect.objectContaining({ details: "invoice not for current active network 'regtest'" }),
    );
  });

  it.each([
    [{ valueSat: 1n, valueMsat: 1000n }, 'sat and msat arguments are mutually exclusive'],
    [{ valueMsat: -1n }, 'amount cannot be negative'],
    [{ memo: 'é'.repeat(513) }, 'memo too large: 1026 bytes (maxsize=1024)'],
    [{ expirySeconds: 31_536_001 }, 'expiry of 3.1536001e+07 seconds greater than max expiry of 3.1536e+07 seconds'],
    [{ cltvExpiry: 10 }, 'CLTV delta of 10 must be greater than minimum of 24'],
    [{ descriptionHash: 'abcd' }, 'description hash is 2 bytes, must be 32'],
    [{ preimage: 'abcd' }, 'invalid preimage length of 2, want 32'],
  ])("AddInvoice rejects %o with LND's text", (input, details) => {
    const { network } = testNetwork('alice');
    expect(() => network.node('alice').addInvoice({ memo: '', ...input })).toThrow(
      expect.objectContaining({ code: 2, details }),
    );
    expect(network.node('alice').listInvoices().invoices).toEqual([]);
  });

  it('rejects a duplicate hash and reports lookups like LND', () => {
    const { network } = testNetwork('alice');
    const alice = network.node('alice');
    expect(() => alice.lookupInvoice(hex32(9))).toThrow(
      expect.objectContaining({ code: 5, details: 'there are no existing invoices' }),
    );
    alice.addInvoice({ valueMsat: 1n, memo: '', preimage: hex32(1) });
    expect(() => alice.addInvoice({ valueMsat: 2n, memo: '', preimage: hex32(1) })).toThrow(
      expect.objectContaining({ code: 2, details: 'invoice with payment hash already exists' }),
    );
    expect(() => alice.addHoldInvoice({ paymentHash: sha256Hex(hex32(1)), valueMsat: 2n })).toThrow(
      expect.objectContaining({ details: 'invoice with payment hash already exists' }),
    );
    expect(() => alice.lookupInvoice(hex32(9))).toThrow(
      expect.objectContaining({ code: 5, details: 'unable to locate invoice' }),
    );
    expect(() => alice.lookupInvoice('abcd')).toThrow(
      expect.objectContaining({ code: 2, details: 'payment hash must be exactly 32 bytes, is instead 2' }),
    );
  });

  it('ListInvoices pages over add_index with an exclusive offset, reversed and pending-only', () => {
    const { network } = testNetwork('alice');
    const alice = network.node('alice');
    const hashes = [1, 2, 3, 4, 5].map((i) => alice.addInvoice({ valueMsat: BigInt(i), memo: String(i) }).paymentHash);
    alice.cancelInvoice(hashes[1]!);
    const idx = (p: { invoices: readonly { addIndex: bigint }[] }) => p.invoices.map((i) => i.addIndex);
    expect(idx(alice.listInvoices({ indexOffset: 1n, maxInvoices: 2 }))).toEqual([2n, 3n]);
    expect(alice.listInvoices({ indexOffset: 1n, maxInvoices: 2 })).toMatchObject({
      firstIndexOffset: 2n,
      lastIndexOffset: 3n,
    });
    expect(idx(alice.listInvoices({ reversed: true, maxInvoices: 2 }))).toEqual([4n, 5n]);
    expect(idx(alice.listInvoices({ reversed: true, indexOffset: 4n, maxInvoices: 2 }))).toEqual([2n, 3n]);
    expect(idx(alice.listInvoices({ pendingOnly: true }))).toEqual([1n, 3n, 4n, 5n]);
    expect(alice.listInvoices({ indexOffset: 5n })).toEqual({
      invoices: [],
      firstIndexOffset: 0n,
      lastIndexOffset: 0n,
    });
  });

  it('cancels OPEN invoices at expiry from the clock timer (no call needed)', async () => {
    const { network, clock } = testNetwork('alice');
    const alice = network.node('alice');
    const added = alice.addInvoice({ valueMsat: 1n, memo: '', expirySeconds: 60 });
    const single = record(alice.subscribeSingleInvoice(added.paymentHash));
    await clock.advance(59_999);
    expect((await single.result()).items.map((i) => i.state)).toEqual(['OPEN']);
    await clock.advance(1);
    const r = await single.result();
    expect(r.items.map((i) => i.state)).toEqual(['OPEN', 'CANCELED']);
    expect(r.ended).toBe(true);
    expect(network.blockHeight()).toBe(800_000);
    await clock.advance(600_000);
    expect(network.blockHeight()).toBe(800_001);
  });

  it('expires each invoice at its own deadline, equal deadlines in add order', async () => {
    const { network, clock } = testNetwork('alice');
    const alice = network.node('alice');
    const expiries = [300, 60, 120, 60, 600];
    const added = expiries.map((expirySeconds, i) =>
      alice.addInvoice({ valueMsat: 1n, memo: `${i}`, expirySeconds, preimage: hex32(100 + i) }),
    );
    const canceled: string[] = [];
    for (const a of added)
      alice.subscribeSingleInvoice(a.paymentHash).onData((i) => i.state === 'CANCELED' && canceled.push(i.memo));
    const stateOf = (i: number): string => alice.lookupInvoice(added[i]!.paymentHash).state;
    await clock.advance(60_000);
    expect([0, 1, 2, 3, 4].map(stateOf)).toEqual(['OPEN', 'CANCELED', 'OPEN', 'CANCELED', 'OPEN']);
    await clock.advance(300_000); // the timer fires at 120 s, then at 300 s
    expect([0, 1, 2, 3, 4].map(stateOf)).toEqual(['CANCELED', 'CANCELED', 'CANCELED', 'CANCELED', 'OPEN']);
    expect(canceled).toEqual(['1', '3', '2', '0']); // by deadline; equal deadlines in add order
    await clock.advance(1_000_000);
    expect(stateOf(4)).toBe('CANCELED');
  });
});
