import { describe, expect, it } from 'vitest';
import { systemClock } from '../domain/clock.js';
import { silentLogger } from '../logger.js';
import { makeInvoice } from '../store/conformance/fixtures.js';
import { createMemoryStore } from '../store/memory/index.js';
import { createFakeLnd } from '../testing/fake-lnd.js';
import { LEGACY_CHECKPOINTS, checkpointNames } from './checkpoint-names.js';
import { createNodeBinding } from './node-binding.js';

async function setup() {
  const fake = createFakeLnd();
  const store = createMemoryStore();
  await store.migrate();
  const binding = createNodeBinding({ lnd: fake.lnd, store, clock: systemClock, logger: silentLogger });
  const info = await fake.lnd.getInfo();
  return { fake, store, binding, info };
}

describe('createNodeBinding', () => {
  it('first start on a node with history: the node row, its anchor and the cold-start cursors in one go', async () => {
    const { fake, store, binding, info } = await setup();
    const invoices = [];
    for (let i = 0; i < 4; i++) invoices.push(await fake.lnd.addInvoice({ valueMsat: 1_000n, memo: `h${i}` }));
    await fake.simulate.pay(invoices[0]!.paymentRequest);
    await fake.simulate.pay(invoices[2]!.paymentRequest);
    await binding.bind(info);
    expect(binding.pubkey()).toBe(info.pubkey);
    const [node] = await store.nodes.list();
    expect(node).toMatchObject({ pubkey: info.pubkey, network: info.network, anchorAddIndex: 3n });
    expect(node!.anchorPaymentHash).toBe(invoices[2]!.paymentHash);
    const names = checkpointNames(info.pubkey);
    expect(await store.checkpoints.get(names.settle)).toBe(2n);
    expect(await store.checkpoints.get(names.add)).toBe(4n);
    expect(await store.checkpoints.get(names.reconcile)).toBe(4n);
    // A second start changes nothing.
    await createNodeBinding({ lnd: fake.lnd, store, clock: systemClock, logger: silentLogger }).bind(info);
    expect(await store.nodes.list()).toEqual([node]);
  });

  it('a store from before #10: its unprefixed cursors move to the node, its rows are stamped', async () => {
    const { fake, store, binding, info } = await setup();
    const issued = await fake.lnd.addInvoice({ valueMsat: 1_000n, memo: 'old' });
    await store.invoices.insert(
      makeInvoice({ paymentHash: issued.paymentHash, paymentRequest: issued.paymentRequest }),
    );
    await store.checkpoints.advance(LEGACY_CHECKPOINTS.settle, 7n);
    await store.checkpoints.advance(LEGACY_CHECKPOINTS.reconcile, 5n);
    await binding.bind(info);
    const names = checkpointNames(info.pubkey);
    expect(await store.checkpoints.get(names.settle)).toBe(7n);
    expect(await store.checkpoints.get(names.reconcile)).toBe(5n);
    expect(await store.checkpoints.get(names.add)).toBeUndefined();
    expect((await store.invoices.getByPaymentHash(issued.paymentHash))?.nodePubkey).toBe(info.pubkey);
  });

  it("a store from before #10 holding another node's invoices: STORE_NODE_MISMATCH, nothing written", async () => {
    const { fake, store, binding, info } = await setup();
    const bobs = await fake.payer.addInvoice({ valueMsat: 1_000n, memo: 'bob' });
    await store.invoices.insert(makeInvoice({ paymentHash: bobs.paymentHash, paymentRequest: bobs.paymentRequest }));
    await expect(binding.bind(info)).rejects.toMatchObject({ code: 'STORE_NODE_MISMATCH' });
    expect(await store.nodes.list()).toEqual([]);
    expect((await store.invoices.getByPaymentHash(bobs.paymentHash))?.nodePubkey).toBeUndefined();
    expect(binding.pubkey()).toBeNull();
  });

  it("observe: another node's invoice is refused once the node is known; unknown, the first invoice binds", async () => {
    const { fake, store, binding, info } = await setup();
    await binding.bind(null); // invoice.macaroon on a node without any invoice: nothing to read the pubkey from
    expect(binding.pubkey()).toBeNull();
    const bobs = await fake.payer.addInvoice({ valueMsat: 1_000n, memo: 'bob' });
    const alices = await fake.lnd.addInvoice({ valueMsat: 1_000n, memo: 'alice' });
    expect(binding.names()).toEqual(LEGACY_CHECKPOINTS);
    await binding.observe(alices.paymentRequest);
    expect(binding.pubkey()).toBe(info.pubkey);
    expect((await store.nodes.list()).map((n) => n.pubkey)).toEqual([info.pubkey]);
    await binding.observe(bobs.paymentRequest); // verified already: cheap, no decode
    // Restarted with a macaroon that shows bob's invoices only: the first of them is refused.
    const restarted = createNodeBinding({ lnd: fake.payer, store, clock: systemClock, logger: silentLogger });
    await expect(restarted.bind(null)).rejects.toMatchObject({ code: 'STORE_NODE_MISMATCH' });
    const blind = createNodeBinding({
      lnd: { ...fake.lnd, listInvoices: async () => ({ invoices: [], firstIndexOffset: 0n, lastIndexOffset: 0n }) },
      store,
      clock: systemClock,
      logger: silentLogger,
    });
    await blind.bind(null);
    expect(blind.pubkey(), 'trusts the store until an invoice shows the node').toBe(info.pubkey);
    await expect(blind.observe(bobs.paymentRequest)).rejects.toMatchObject({ code: 'STORE_NODE_MISMATCH' });
  });
});
