/**
 * Conformance cases for `store.nodes` beyond the table-driven rules, for the node of invoice and
 * payment rows, and for `checkpoints.reset`.
 */
import assert from 'node:assert/strict';
import { T0, makeInvoice, makePayment, withStore, type StoreConformanceCase } from './fixtures.js';
import { makeNode, makePubkey } from './subjects-nodes.js';

/** Cases for node identity: the nodes list, adopting rows, moving a checkpoint back. */
export const nodeCases: readonly StoreConformanceCase[] = [
  {
    name: 'nodes: list is oldest bound first (boundAt, then pubkey)',
    run: (make) =>
      withStore(make, async (store) => {
        assert.deepEqual(await store.nodes.list(), []);
        const late = makeNode({ boundAt: new Date(T0 + 5) });
        const a = makeNode({ pubkey: `02${'a'.repeat(64)}`, boundAt: new Date(T0) });
        const b = makeNode({ pubkey: `03${'0'.repeat(64)}`, boundAt: new Date(T0) });
        const early = makeNode({ boundAt: new Date(T0 - 5) });
        for (const node of [late, b, a, early]) await store.nodes.insert(node);
        assert.deepEqual(
          (await store.nodes.list()).map((n) => n.pubkey),
          [early.pubkey, a.pubkey, b.pubkey, late.pubkey],
        );
      }),
  },
  {
    name: 'nodes: adoptRows stamps invoices and payments without a node, leaves other nodes’ rows, returns the count',
    run: (make) =>
      withStore(make, async (store) => {
        const mine = makePubkey();
        const other = makePubkey();
        const loose = [makeInvoice(), makeInvoice({ status: 'settled' })];
        const owned = makeInvoice({ nodePubkey: other });
        const loosePayments = [makePayment(), makePayment({ direction: 'out', status: 'in_flight' })];
        const ownedPayment = makePayment({ nodePubkey: other });
        for (const row of [...loose, owned]) await store.invoices.insert(row);
        for (const row of [...loosePayments, ownedPayment]) await store.payments.insert(row);
        assert.equal((await store.invoices.get(loose[0]!.id))?.nodePubkey, undefined, 'a row without a node');

        assert.equal(await store.nodes.adoptRows(mine), 4);
        for (const row of loose) assert.deepEqual(await store.invoices.get(row.id), { ...row, nodePubkey: mine });
        for (const row of loosePayments)
          assert.deepEqual(await store.payments.get(row.id), { ...row, nodePubkey: mine });
        assert.deepEqual(await store.invoices.get(owned.id), owned, 'another node’s invoice is left alone');
        assert.deepEqual(await store.payments.get(ownedPayment.id), ownedPayment, 'another node’s payment too');
        assert.equal(await store.nodes.adoptRows(makePubkey()), 0, 'nothing is left to adopt');

        // Inside a transaction that throws, the stamping is undone with everything else.
        const later = makeInvoice();
        await store.invoices.insert(later);
        await assert.rejects(
          store.transaction(async (tx) => {
            assert.equal(await tx.nodes.adoptRows(mine), 1);
            throw new Error('roll back');
          }),
          /roll back/,
        );
        assert.equal((await store.invoices.get(later.id))?.nodePubkey, undefined);
      }),
  },
  {
    name: 'checkpoints: reset stores the value as is, also lower; advance goes on from there',
    run: (make) =>
      withStore(make, async (store) => {
        assert.equal(await store.checkpoints.reset('lnd.x.settle_index', 5n), 5n, 'reset of a name never set');
        assert.equal(await store.checkpoints.advance('lnd.x.settle_index', 1000n), 1000n);
        assert.equal(await store.checkpoints.reset('lnd.x.settle_index', 2n), 2n);
        assert.equal(await store.checkpoints.get('lnd.x.settle_index'), 2n);
        assert.equal(await store.checkpoints.advance('lnd.x.settle_index', 1n), 2n, 'advance still never goes back');
        assert.equal(await store.checkpoints.advance('lnd.x.settle_index', 3n), 3n);
        assert.equal(await store.checkpoints.reset('lnd.x.settle_index', 0n), 0n);
        assert.equal(await store.checkpoints.get('lnd.x.settle_index'), 0n);
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.checkpoints.reset('lnd.x.settle_index', 77n);
            throw new Error('roll back');
          }),
          /roll back/,
        );
        assert.equal(await store.checkpoints.get('lnd.x.settle_index'), 0n, 'a rolled back reset changes nothing');
      }),
  },
  {
    name: 'nodes: a name is kept with its node, absent when never given, and can be given later (#16)',
    run: (make) =>
      withStore(make, async (store) => {
        const named = makeNode({ name: 'alice' });
        const plain = makeNode({ pubkey: makePubkey() });
        await store.nodes.insert(named);
        await store.nodes.insert(plain);
        assert.deepEqual(await store.nodes.get(named.pubkey), named);
        assert.equal((await store.nodes.get(plain.pubkey))?.name, undefined, 'no name: the field is absent');
        const renamed = await store.nodes.update(plain.pubkey, { name: 'erin', updatedAt: new Date(T0 + 9) });
        assert.equal(renamed?.name, 'erin');
        assert.deepEqual(
          (await store.nodes.list()).map((n) => n.name),
          [named, plain].sort((a, b) => (a.pubkey < b.pubkey ? -1 : 1)).map((n) => (n === named ? 'alice' : 'erin')),
        );
      }),
  },
];
