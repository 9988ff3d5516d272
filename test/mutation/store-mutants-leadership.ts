/**
 * Store mutants for the lease and event-log cases, and for the shared-store (two handles) cases.
 */
import type { Store } from '../../src/store/store.js';
import { mutant, patch, rewriteStore, type StoreMutant } from './store-toolkit.js';

const C = {
  acquire: 'leases: tryAcquire takes a free lease, renews its own, and gives others the holder until it expires',
  renew: 'leases: renew extends only the holder’s lease; release frees it only for its holder',
  race: 'leases: of concurrent tryAcquire calls by several owners exactly one wins, and all see the winner',
  ttl: 'leases: tryAcquire and renew reject a ttlMs that is not a positive integer and write nothing',
  append: 'events: append returns increasing seqs; readAfter returns the records after a seq, in order, at most limit',
  rollback: 'events: appends commit with their transaction and vanish with its rollback',
  cursors: 'events: consumer cursors are undefined until set, kept per name, and may move either way',
  limit: 'events: readAfter rejects a limit that is not a positive integer',
  watch:
    'events: watch (where implemented) calls back after an append commits, not for a rollback, and not once stopped',
  seqs: 'events: readSeqsAfter (where implemented) gives the seqs readAfter gives, and rejects a bad limit',
} as const;

const S = {
  lease: 'two handles: a lease held through one is refused through the other until it expires',
  visible: 'two handles: records appended through either are read through the other once committed, in seq order',
  monotonic: 'two handles: while both append concurrently, a reader never sees a seq below one it has seen',
} as const;

const validTtl = (ttlMs: number): number => (Number.isInteger(ttlMs) && ttlMs > 0 ? ttlMs : 1000);

/**
 * Gives the memory store (which has no `events.watch`) one that polls `latestSeq` every 20 ms, broken
 * as told: it never calls back, calls back at the append (before the commit), or cannot be stopped.
 */
function watchMutant(name: string, fault: 'silent' | 'early' | 'unstoppable'): StoreMutant {
  return {
    name,
    killedBy: [C.watch],
    wrap: (store) => {
      const early = new Set<() => void>();
      return rewriteStore(store, (repos) => ({
        ...repos,
        events: {
          ...repos.events,
          async append(records) {
            const seqs = await repos.events.append(records);
            if (fault === 'early') for (const fn of early) fn();
            return seqs;
          },
          async watch(onAppend) {
            let last = await store.events.latestSeq();
            if (fault === 'early') early.add(onAppend);
            const timer = setInterval(() => {
              void store.events.latestSeq().then(
                (seq) => {
                  if (seq <= last) return;
                  last = seq;
                  if (fault !== 'silent') onAppend();
                },
                () => undefined,
              );
            }, 20);
            timer.unref();
            return async () => {
              if (fault === 'unstoppable') return;
              clearInterval(timer);
              early.delete(onAppend);
            };
          },
        },
      }));
    },
  };
}

/**
 * Gives the memory store (which has no `events.readSeqsAfter`) one built on its `readAfter`, broken as
 * told: it includes the seq at `after`, ignores `limit`, or takes any limit.
 */
function readSeqsMutant(name: string, fault: 'inclusive' | 'unlimited' | 'unchecked'): StoreMutant {
  return {
    name,
    killedBy: [C.seqs],
    wrap: (store) =>
      rewriteStore(store, (repos) => ({
        ...repos,
        events: {
          ...repos.events,
          async readSeqsAfter(after, limit) {
            const from = fault === 'inclusive' && after > 0n ? after - 1n : after;
            const n =
              fault === 'unlimited'
                ? 10_000
                : fault === 'unchecked' && !(Number.isInteger(limit) && limit > 0)
                  ? 10
                  : limit;
            return (await repos.events.readAfter(from, n)).map((record) => record.seq);
          },
        },
      })),
  };
}

/** Mutants of the lease and event-log cases. */
export const leadershipMutants: readonly StoreMutant[] = [
  readSeqsMutant('events: readSeqsAfter includes the seq at `after`', 'inclusive'),
  readSeqsMutant('events: readSeqsAfter ignores limit', 'unlimited'),
  readSeqsMutant('events: readSeqsAfter takes a limit that is not a positive integer', 'unchecked'),
  watchMutant('events: watch never calls back', 'silent'),
  watchMutant('events: watch calls back at the append, before the commit', 'early'),
  watchMutant('events: watch cannot be stopped', 'unstoppable'),
  mutant(
    'leases: an expired lease is never taken over',
    [C.acquire],
    patch('leases', 'tryAcquire', (o) => (c) => o({ ...c, now: new Date(0) })),
  ),
  mutant(
    'leases: renewal by the holder resets acquiredAt',
    [C.acquire],
    patch('leases', 'tryAcquire', (o, repos) => async (c) => {
      const held = await repos.leases.get(c.name);
      if (held?.owner === c.owner) await repos.leases.release(c.name, c.owner);
      return o(c);
    }),
  ),
  mutant(
    'leases: tryAcquire reports every claim as won',
    [C.acquire, C.race],
    patch('leases', 'tryAcquire', (o) => async (c) => {
      const lease = await o(c);
      return { ...lease, owner: c.owner, host: c.host, pid: c.pid };
    }),
  ),
  mutant(
    'leases: release ignores the owner',
    [C.renew],
    patch('leases', 'release', (o, repos) => async (name) => {
      const held = await repos.leases.get(name);
      return held ? o(name, held.owner) : false;
    }),
  ),
  mutant(
    'leases: renew takes a free lease',
    [C.renew],
    patch('leases', 'renew', (o, repos) => async (c) => (await o(c)) ?? repos.leases.tryAcquire(c)),
  ),
  mutant(
    'leases: a bad ttlMs is replaced by a default',
    [C.ttl],
    patch('leases', 'tryAcquire', (o) => (c) => o({ ...c, ttlMs: validTtl(c.ttlMs) })),
    patch('leases', 'renew', (o) => (c) => o({ ...c, ttlMs: validTtl(c.ttlMs) })),
  ),
  mutant(
    'events: readAfter includes the record at `after`',
    [C.append],
    patch('events', 'readAfter', (o) => (after, limit) => o(after > 0n ? after - 1n : after, limit)),
  ),
  mutant(
    'events: readAfter ignores limit',
    [C.append],
    patch('events', 'readAfter', (o) => (after) => o(after, 10_000)),
  ),
  {
    name: 'events: latestSeq counts appends that were rolled back',
    killedBy: [C.rollback],
    wrap(store) {
      let last = 0n;
      return rewriteStore(store, (repos) => ({
        ...repos,
        events: {
          ...repos.events,
          async append(records) {
            const seqs = await repos.events.append(records);
            if (seqs.length > 0 && seqs[seqs.length - 1]! > last) last = seqs[seqs.length - 1]!;
            return seqs;
          },
          async latestSeq() {
            const stored = await repos.events.latestSeq();
            return stored > last ? stored : last;
          },
        },
      }));
    },
  },
  mutant(
    'events: setCursor only moves forward',
    [C.cursors],
    patch('events', 'setCursor', (o, repos) => async (name, seq) => {
      const current = await repos.events.getCursor(name);
      await o(name, current !== undefined && current > seq ? current : seq);
    }),
  ),
  mutant(
    'events: a bad limit is replaced by a default',
    [C.limit],
    patch('events', 'readAfter', (o) => (after, limit) => o(after, validTtl(limit))),
  ),
];

/** A mutant of the shared-store cases: the pair is one broken store passed twice. */
export type SharedStoreMutant = StoreMutant;

/** Mutants of the shared-store cases. */
export const sharedStoreMutants: readonly SharedStoreMutant[] = [
  mutant(
    'two handles: an expired lease is never taken over',
    [S.lease],
    patch('leases', 'tryAcquire', (o) => (c) => o({ ...c, now: new Date(0) })),
  ),
  mutant(
    'two handles: readAfter returns records newest first',
    [S.visible, S.monotonic],
    patch('events', 'readAfter', (o) => async (after, limit) => [...(await o(after, limit))].reverse()),
  ),
];

/** Opens the pair the shared-store cases use on a (possibly broken) single-process store. */
export const pairOf = (store: Store): readonly [Store, Store] => [store, store];
