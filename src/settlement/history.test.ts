import { describe, expect, it } from 'vitest';
import { systemClock } from '../domain/clock.js';
import { InvoiceNotFoundError } from '../errors.js';
import type { LndClient } from '../lnd/lnd-client.js';
import { createMemoryStore } from '../store/memory/index.js';
import { createFakeLnd } from '../testing/fake-lnd.js';
import { checkpointNames } from './checkpoint-names.js';
import { detectHistoryReset, scanHistory } from './history.js';

/** Alice's node with `count` invoices, a store bound to it (no anchor yet), its cursor names. */
async function setup(count: number) {
  const fake = createFakeLnd();
  const hashes: string[] = [];
  const requests: string[] = [];
  for (let i = 0; i < count; i++) {
    const added = await fake.lnd.addInvoice({ valueMsat: 1_000n + BigInt(i), memo: `h${i}` });
    hashes.push(added.paymentHash);
    requests.push(added.paymentRequest);
  }
  const store = createMemoryStore();
  await store.migrate();
  const { pubkey } = await fake.lnd.getInfo();
  const now = new Date();
  await store.nodes.insert({
    pubkey,
    network: 'regtest',
    alias: 'alice',
    boundAt: now,
    anchorAddIndex: null,
    anchorPaymentHash: null,
    updatedAt: now,
  });
  return { fake, store, pubkey, hashes, requests, names: checkpointNames(pubkey) };
}

/** LND as it is after `gc-canceled-invoices-*` deleted the invoices `deleted`. */
function collected(lnd: LndClient, deleted: ReadonlySet<string>): LndClient {
  return {
    ...lnd,
    async lookupInvoice(hash) {
      if (deleted.has(hash)) throw new InvoiceNotFoundError('there are no existing invoices');
      return lnd.lookupInvoice(hash);
    },
    async listInvoices(input) {
      const max = input?.maxInvoices ?? 1000;
      const page = await lnd.listInvoices({ ...input, maxInvoices: max + deleted.size });
      const invoices = page.invoices.filter((i) => !deleted.has(i.paymentHash)).slice(0, max);
      return { ...page, invoices };
    },
  };
}

describe('detectHistoryReset', () => {
  it('with no anchor yet, anchors the store on LND’s newest invoice when LND has reached the cursors', async () => {
    const { fake, store, pubkey, hashes, names } = await setup(3);
    await store.checkpoints.advance(names.add, 2n);
    expect(await detectHistoryReset({ lnd: fake.lnd, store, clock: systemClock }, pubkey, names)).toBeNull();
    expect(await store.nodes.get(pubkey)).toMatchObject({ anchorAddIndex: 3n, anchorPaymentHash: hashes[2] });
  });

  it('with no anchor yet, a node whose last add index is below the cursors is another history', async () => {
    const { fake, store, pubkey, names } = await setup(2);
    await store.checkpoints.advance(names.reconcile, 5n);
    const reset = await detectHistoryReset({ lnd: fake.lnd, store, clock: systemClock }, pubkey, names);
    expect(reset?.reason).toMatch(/last add index 2 is below the store's cursor 5/);
    expect(reset?.previous).toEqual({ addIndex: 5n, settleIndex: 0n });
    expect((await store.nodes.get(pubkey))?.anchorPaymentHash).toBeNull();
  });

  it('an unsettled anchor: another invoice at its add index means another history, however far it grew', async () => {
    const { fake, store, pubkey, names } = await setup(4);
    // The store saw an invoice at add index 2 that this node never had: the node was reset since.
    await store.nodes.update(pubkey, { anchorAddIndex: 2n, anchorPaymentHash: 'ee'.repeat(32), updatedAt: new Date() });
    await store.checkpoints.advance(names.add, 2n);
    const reset = await detectHistoryReset({ lnd: fake.lnd, store, clock: systemClock }, pubkey, names);
    expect(reset?.reason).toMatch(/another invoice at add index 2/);
    expect(reset?.current).toEqual({ addIndex: 4n, settleIndex: 0n });
  });

  it('an anchor at another add index, or with nothing at or after its add index, is another history', async () => {
    const { fake, store, pubkey, hashes, names } = await setup(3);
    await store.nodes.update(pubkey, { anchorAddIndex: 1n, anchorPaymentHash: hashes[2]!, updatedAt: new Date() });
    const moved = await detectHistoryReset({ lnd: fake.lnd, store, clock: systemClock }, pubkey, names);
    expect(moved?.reason).toMatch(/was at add index 1 and is at 3 now/);
    await store.nodes.update(pubkey, { anchorAddIndex: 7n, anchorPaymentHash: 'ee'.repeat(32), updatedAt: new Date() });
    const shorter = await detectHistoryReset({ lnd: fake.lnd, store, clock: systemClock }, pubkey, names);
    expect(shorter?.reason).toMatch(/nor any invoice after its add index 7/);
  });

  it('an unsettled anchor collected by LND (a gap where it was) is the same history: the anchor moves on', async () => {
    const { fake, store, pubkey, hashes, names } = await setup(4);
    await store.nodes.update(pubkey, { anchorAddIndex: 2n, anchorPaymentHash: hashes[1]!, updatedAt: new Date() });
    const lnd = collected(fake.lnd, new Set([hashes[1]!]));
    expect(await detectHistoryReset({ lnd, store, clock: systemClock }, pubkey, names)).toBeNull();
    expect(await store.nodes.get(pubkey)).toMatchObject({ anchorAddIndex: 3n, anchorPaymentHash: hashes[2] });
  });

  it('a settled anchor gone is another history (LND never deletes a settled invoice)', async () => {
    const { fake, store, pubkey, hashes, requests, names } = await setup(3);
    await fake.simulate.pay(requests[1]!);
    const { settle, anchor } = await (async () => {
      const scan = await scanHistory(fake.lnd);
      return { settle: scan.lastSettleIndex, anchor: scan.anchor };
    })();
    expect(settle).toBe(1n);
    expect(anchor).toEqual({ addIndex: 2n, paymentHash: hashes[1] });
    await store.nodes.update(pubkey, { anchorAddIndex: 2n, anchorPaymentHash: hashes[1]!, updatedAt: new Date() });
    await store.payments.insert({
      id: 'pay_1',
      direction: 'in',
      status: 'succeeded',
      paymentHash: hashes[1]!,
      paymentRequest: requests[1]!,
      amountMsat: 1_001n,
      feeMsat: 0n,
      invoiceId: null,
      preimage: null,
      failureReason: null,
      idempotencyKey: null,
      settleIndex: 1n,
      feeLimitMsat: null,
      createdAt: new Date(),
      updatedAt: new Date(),
      completedAt: new Date(),
    });
    const lnd = collected(fake.lnd, new Set([hashes[1]!]));
    const reset = await detectHistoryReset({ lnd, store, clock: systemClock }, pubkey, names);
    expect(reset?.reason).toMatch(/no longer has the settled invoice/);
  });
});

describe('scanHistory', () => {
  it('anchors on the last settled invoice, else the last one not cancelled, else the last one', async () => {
    const { fake, hashes, requests } = await setup(3);
    expect((await scanHistory(fake.lnd)).anchor).toEqual({ addIndex: 3n, paymentHash: hashes[2] });
    await fake.lnd.cancelInvoice(hashes[2]!);
    expect((await scanHistory(fake.lnd)).anchor).toEqual({ addIndex: 2n, paymentHash: hashes[1] });
    await fake.lnd.cancelInvoice(hashes[0]!);
    await fake.lnd.cancelInvoice(hashes[1]!);
    expect((await scanHistory(fake.lnd)).anchor).toEqual({ addIndex: 3n, paymentHash: hashes[2] });
    await fake.simulate.pay(requests[0]!).catch(() => undefined);
    expect((await scanHistory(fake.lnd)).lastSettleIndex).toBe(0n);
  });
});
