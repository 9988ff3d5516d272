/**
 * Conformance cases for `leases`: the lease that makes one process the store's leader.
 */
import assert from 'node:assert/strict';
import type { LeaseClaim, Store } from '../store.js';
import { T0, assertRejectsWithCode, assertSameRecord, uid, withStore, type StoreConformanceCase } from './fixtures.js';

/** A claim on lease `name` by `owner` at `T0 + atMs` for `ttlMs`. */
export function leaseClaim(name: string, owner: string, atMs: number, ttlMs = 15_000): LeaseClaim {
  return { name, owner, pid: 4242, host: `host-${owner}`, ttlMs, now: new Date(T0 + atMs) };
}

/** The lease `claim` makes when it wins, first taken at `acquiredAtMs`. */
export function expectedLease(claim: LeaseClaim, acquiredAtMs: number) {
  return {
    name: claim.name,
    owner: claim.owner,
    pid: claim.pid,
    host: claim.host,
    acquiredAt: new Date(T0 + acquiredAtMs),
    renewedAt: claim.now,
    expiresAt: new Date(claim.now.getTime() + claim.ttlMs),
  };
}

async function held(store: Store, name: string): Promise<string | undefined> {
  return (await store.leases.get(name))?.owner;
}

/** Cases for the lease repository. */
export const leaseCases: readonly StoreConformanceCase[] = [
  {
    name: 'leases: tryAcquire takes a free lease, renews its own, and gives others the holder until it expires',
    run: (make) =>
      withStore(make, async (store) => {
        const name = uid('lease');
        assert.equal(await store.leases.get(name), undefined, 'a lease never taken is undefined');
        const first = leaseClaim(name, 'a', 0);
        assertSameRecord(await store.leases.tryAcquire(first), expectedLease(first, 0), 'won lease');
        const again = leaseClaim(name, 'a', 5_000);
        assertSameRecord(await store.leases.tryAcquire(again), expectedLease(again, 0), 'renewed by its owner');
        const other = leaseClaim(name, 'b', 19_999);
        assertSameRecord(await store.leases.tryAcquire(other), expectedLease(again, 0), 'refused: the holder');
        assertSameRecord(await store.leases.get(name), expectedLease(again, 0), 'stored lease');
        const atExpiry = leaseClaim(name, 'b', 20_000, 9_000);
        assertSameRecord(await store.leases.tryAcquire(atExpiry), expectedLease(atExpiry, 20_000), 'taken at expiry');
        assert.equal(await held(store, uid('lease')), undefined, 'other names are independent');
      }),
  },
  {
    name: 'leases: renew extends only the holder’s lease; release frees it only for its holder',
    run: (make) =>
      withStore(make, async (store) => {
        const name = uid('lease');
        assert.equal(await store.leases.renew(leaseClaim(name, 'a', 0)), undefined, 'renew never takes a free lease');
        assert.equal(await store.leases.get(name), undefined, 'renew wrote nothing');
        await store.leases.tryAcquire(leaseClaim(name, 'a', 0));
        const late = leaseClaim(name, 'a', 30_000);
        assertSameRecord(await store.leases.renew(late), expectedLease(late, 0), 'renewed past expiry, not taken over');
        assert.equal(await store.leases.renew(leaseClaim(name, 'b', 31_000)), undefined, 'not the holder');
        assert.equal(await held(store, name), 'a', 'a failed renew changes nothing');
        assert.equal(await store.leases.release(name, 'b'), false, 'release by another owner');
        assert.equal(await held(store, name), 'a', 'a foreign release changes nothing');
        assert.equal(await store.leases.release(name, 'a'), true, 'release by the holder');
        assert.equal(await store.leases.get(name), undefined, 'released');
        assert.equal(await store.leases.release(name, 'a'), false, 'released twice');
        const next = leaseClaim(name, 'b', 31_000);
        assertSameRecord(await store.leases.tryAcquire(next), expectedLease(next, 31_000), 'free again at once');
      }),
  },
  {
    name: 'leases: of concurrent tryAcquire calls by several owners exactly one wins, and all see the winner',
    run: (make) =>
      withStore(make, async (store) => {
        const name = uid('lease');
        const owners = ['a', 'b', 'c', 'd', 'e', 'f'];
        const results = await Promise.all(owners.map((o) => store.leases.tryAcquire(leaseClaim(name, o, 0))));
        const winners = new Set(results.map((r) => r.owner));
        assert.equal(winners.size, 1, `expected one holder, saw ${[...winners].join(', ')}`);
        assert.equal(await held(store, name), results[0]!.owner, 'the stored holder is the one everybody saw');
      }),
  },
  {
    name: 'leases: tryAcquire and renew reject a ttlMs that is not a positive integer and write nothing',
    run: (make) =>
      withStore(make, async (store) => {
        const name = uid('lease');
        for (const ttlMs of [0, -1, 1.5, Number.NaN]) {
          await assertRejectsWithCode(
            store.leases.tryAcquire(leaseClaim(name, 'a', 0, ttlMs)),
            'INVALID_INPUT',
            `tryAcquire ttlMs ${ttlMs}`,
          );
        }
        assert.equal(await store.leases.get(name), undefined, 'nothing written');
        await store.leases.tryAcquire(leaseClaim(name, 'a', 0));
        await assertRejectsWithCode(store.leases.renew(leaseClaim(name, 'a', 1, 0)), 'INVALID_INPUT', 'renew 0');
        assert.equal((await store.leases.get(name))?.renewedAt.getTime(), T0, 'renew wrote nothing');
      }),
  },
];
