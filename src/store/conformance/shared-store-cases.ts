/**
 * Conformance cases for a store shared by several processes: each case opens two handles on one
 * database (two SQLite stores on one file, two PostgreSQL stores on one schema) and checks that they
 * see each other as two processes would. A store that lives in one process (memory) passes the same
 * handle twice.
 */
import assert from 'node:assert/strict';
import type { Store } from '../store.js';
import { logInput } from './event-log-cases.js';
import { leaseClaim } from './lease-cases.js';
import { uid } from './fixtures.js';

/** Opens two handles on one fresh, empty database. */
export type OpenStorePair = () => Promise<readonly [Store, Store]>;

/** One shared-store case. */
export interface SharedStoreConformanceCase {
  readonly name: string;
  /** Runs the case against two stores sharing one database; rejects when they break the rule. */
  run(openPair: OpenStorePair): Promise<void>;
}

async function withPair(open: OpenStorePair, fn: (a: Store, b: Store) => Promise<void>): Promise<void> {
  const [a, b] = await open();
  try {
    await a.migrate();
    await b.migrate();
    await fn(a, b);
  } finally {
    await a.close();
    await b.close();
  }
}

/** The shared-store cases. */
export const sharedStoreCases: readonly SharedStoreConformanceCase[] = [
  {
    name: 'two handles: a lease held through one is refused through the other until it expires',
    run: (open) =>
      withPair(open, async (a, b) => {
        const name = uid('lease');
        const results = await Promise.all([
          a.leases.tryAcquire(leaseClaim(name, 'a', 0)),
          b.leases.tryAcquire(leaseClaim(name, 'b', 0)),
        ]);
        assert.equal(results[0].owner, results[1].owner, 'both handles see the same holder');
        const holder = results[0].owner;
        const [mine, theirs] = holder === 'a' ? [a, b] : [b, a];
        const other = holder === 'a' ? 'b' : 'a';
        assert.equal((await theirs.leases.tryAcquire(leaseClaim(name, other, 14_999))).owner, holder, 'refused');
        assert.equal((await theirs.leases.get(name))?.owner, holder, 'the other handle reads the holder');
        assert.equal((await theirs.leases.tryAcquire(leaseClaim(name, other, 15_000))).owner, other, 'taken');
        assert.equal(await mine.leases.renew(leaseClaim(name, holder, 15_001)), undefined, 'the old holder lost it');
      }),
  },
  {
    name: 'two handles: records appended through either are read through the other once committed, in seq order',
    run: (open) =>
      withPair(open, async (a, b) => {
        const start = await b.events.latestSeq();
        const [s1] = await a.events.append([logInput(1)]);
        const [s2] = await b.events.append([logInput(2)]);
        assert.ok(s2! > s1!, 'an append through the other handle is above every committed seq');
        assert.deepEqual(
          (await b.events.readAfter(start, 10)).map((r) => r.payload),
          [logInput(1).payload, logInput(2).payload],
          'the other handle reads both, in order',
        );
        assert.equal(await a.events.latestSeq(), s2, 'latestSeq through either handle');
        await a.events.setCursor('shared', s1!);
        assert.equal(await b.events.getCursor('shared'), s1, 'a cursor set through one is read through the other');
      }),
  },
  {
    name: 'two handles: while both append concurrently, a reader never sees a seq below one it has seen',
    run: (open) =>
      withPair(open, async (a, b) => {
        let cursor = await a.events.latestSeq();
        const seen: bigint[] = [];
        let done = false;
        const writer = async (store: Store, base: number): Promise<void> => {
          for (let i = 0; i < 40; i++) {
            await store.transaction(async (tx) => {
              await tx.events.append([logInput(base + i)]);
              await new Promise((resolve) => setTimeout(resolve, i % 3));
              await tx.events.append([logInput(base + i + 0.5)]);
            });
          }
        };
        const reader = async (): Promise<void> => {
          while (!done) {
            for (const r of await a.events.readAfter(cursor, 1000)) {
              seen.push(r.seq);
              cursor = r.seq;
            }
            await new Promise((resolve) => setTimeout(resolve, 1));
          }
        };
        const reading = reader();
        try {
          await Promise.all([writer(a, 0), writer(b, 1000)]);
        } finally {
          done = true;
          await reading;
        }
        for (const r of await a.events.readAfter(cursor, 1000)) seen.push(r.seq);
        assert.equal(seen.length, 160, `the reader saw every record once (${seen.length} of 160)`);
        for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! > seen[i - 1]!, `seq ${seen[i]} after ${seen[i - 1]}`);
      }),
  },
];
