/**
 * Table-driven Store rules about single rows: values round-trip, misses, unique keys, copies,
 * and exact payment-hash lookups.
 */
import assert from 'node:assert/strict';
import { assertRejectsWithCode, assertResolves, assertSameRecord } from './fixtures.js';
import { copyRecord, scribble } from './record-copies.js';
import type { StoreRule } from './subject.js';

/** Insert then every lookup gives back every field intact. */
export const roundTripRule: StoreRule = {
  title: 'insert then every lookup returns every field intact (bigint near 2.1e18, Date ms, Decimal, JSON, null)',
  async run(subject, store) {
    for (const [n, row] of subject.samples().entries()) {
      await assertResolves(subject.insert(store, row), `insert of sample ${n}`);
      for (const reader of subject.readers)
        assertSameRecord(await reader.read(store, row), row, `sample ${n} by ${reader.label}`);
    }
  },
};

/** Lookups of rows that were never written find nothing, and never throw. */
export const missRule: StoreRule = {
  title: 'lookups and updates of rows that do not exist return undefined (remove: false, lists: []) and never throw',
  async run(subject, store) {
    const present = subject.make();
    await subject.insert(store, present);
    for (const miss of subject.misses(subject.make(), present)) {
      const got = await assertResolves(miss.call(store), `${miss.label} of a missing row`);
      assert.deepStrictEqual(got, miss.expected, `${miss.label} of a missing row`);
    }
  },
};

/** Unique keys: a duplicate throws StoreConflictError and writes nothing; look-alikes are accepted. */
export const uniqueRule: StoreRule = {
  title: 'a duplicate unique key throws StoreConflictError and writes nothing; allowed look-alikes insert',
  async run(subject, store) {
    const [byId] = subject.readers;
    const first = subject.make();
    await subject.insert(store, first);
    for (const conflict of subject.conflicts) {
      const twin = conflict.make(first);
      await assertRejectsWithCode(subject.insert(store, twin), 'STORE_CONFLICT', conflict.label);
      if (subject.keyOf(twin) !== subject.keyOf(first))
        assert.equal(await byId.read(store, twin), undefined, `${conflict.label}: row written`);
      assertSameRecord(await byId.read(store, first), first, `${conflict.label}: the first row`);
    }
    for (const lookalike of subject.lookalikes) {
      const twin = lookalike.make(first);
      await assertResolves(subject.insert(store, twin), `${lookalike.label} must be accepted`);
      assertSameRecord(await byId.read(store, twin), twin, lookalike.label);
    }
  },
};

/** The store never shares objects with its callers. */
export const ownCopyRule: StoreRule = {
  title: 'the store keeps its own copy: mutating an inserted input or a returned record changes nothing stored',
  async run(subject, store) {
    const row = subject.make();
    const expected = copyRecord(row);
    await assertResolves(subject.insert(store, row), 'insert');
    scribble(row);
    for (const reader of subject.readers) {
      const got = await reader.read(store, expected);
      assertSameRecord(got, expected, `${reader.label} after the input changed`);
      scribble(got);
    }
    for (const reader of subject.readers)
      assertSameRecord(await reader.read(store, expected), expected, `${reader.label} after a result changed`);
  },
};

/** Payment hashes are lower-case hex (lnkit normalizes them); lookups compare them exactly. */
export const exactHashRule: StoreRule<'byHash'> = {
  title: 'getByPaymentHash compares exactly: the upper-case spelling of a stored hash finds nothing',
  async run(subject, store) {
    const row = subject.make();
    await subject.insert(store, row);
    const hash = subject.byHash.hashOf(row);
    assertSameRecord(await subject.byHash.find(store, row, hash), row, 'exact hash');
    assert.equal(await subject.byHash.find(store, row, hash.toUpperCase()), undefined, 'upper-case hash');
  },
};
