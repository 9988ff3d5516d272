/**
 * Store mutants for transactions and the lifecycle (migrate, ping, close).
 */
import { closedStoreCaseName, closedStoreProbes } from '../../src/store/conformance/closed-store.js';
import { createMemoryStore } from '../../src/store/memory/index.js';
import type { Repositories, Store } from '../../src/store/store.js';
import { isLightningError } from '../../src/errors.js';
import { rewriteStore, storeError, wrapAll, type StoreMutant } from './store-toolkit.js';

const C = {
  commit: 'transaction: commits every write together, sees its own writes, returns the callback result',
  rollback: 'transaction: a throw rolls back every kind of write and rethrows the same error',
  rethrow: 'transaction: a non-Error thrown value and a conflict both roll back and are rethrown as is',
  caughtConflict: 'transaction: a conflict caught inside the callback leaves the other writes to commit',
  serialized: 'transaction: concurrent transactions are serialized (read-modify-write does not lose updates)',
  migrate: 'lifecycle: migrate twice is harmless and keeps data; ping resolves',
  close: 'lifecycle: close is idempotent; afterwards ping, migrate and transaction reject with StoreError',
} as const;

/** Runs transactions one at a time on the outer repositories: serialized, but nothing rolls back. */
function noRollback(store: Store): Store {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    ...store,
    transaction(fn) {
      const next = queue.then(() => fn(store));
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

/**
 * A close() that only sets a flag: afterwards the methods `guarded(repo, method)` picks reject, the
 * others keep working; ping and migrate reject unless `lifecycleOpen`. The transaction always rejects.
 */
function leaksAfterClose(
  guarded: (repo: keyof Repositories, method: string) => boolean,
  lifecycleOpen: boolean,
): (store: Store) => Store {
  return (store) => {
    let closed = false;
    const guard = <F extends (...args: never[]) => Promise<unknown>>(fn: F): F =>
      (async (...args: never[]) => {
        if (closed) throw storeError('closed');
        return fn(...args);
      }) as F;
    const repositories = (Object.keys(store) as (keyof Store)[]).filter(
      (key): key is keyof Repositories => typeof store[key] === 'object',
    );
    const rewritten = rewriteStore(store, (repos) =>
      repositories.reduce(
        (r, repo) => wrapAll(repo, (fn, method) => (guarded(repo, method) ? guard(fn) : fn))(r),
        repos,
      ),
    );
    return {
      ...rewritten,
      migrate: lifecycleOpen ? store.migrate : guard(store.migrate),
      ping: lifecycleOpen ? store.ping : guard(store.ping),
      transaction: guard(rewritten.transaction) as Store['transaction'],
      async close() {
        closed = true;
      },
    };
  };
}

/** Every repository of the port (the probe table has one entry per repository). */
const REPOSITORIES = Object.keys(closedStoreProbes) as (keyof Repositories)[];

/** The mutants of transactions and the lifecycle. */
export const lifecycleMutants: readonly StoreMutant[] = [
  // Transactions.
  {
    name: 'transaction: the callback result is dropped',
    killedBy: [C.commit],
    wrap: (store) => ({
      ...store,
      transaction: (fn) => store.transaction(fn).then(() => undefined as never),
    }),
  },
  {
    name: 'transaction: not atomic and not serialized (the callback runs on the store itself)',
    killedBy: [C.rollback, C.serialized],
    wrap: (store) => ({
      ...store,
      transaction: (fn) => fn(store),
    }),
  },
  { name: 'transaction: serialized but nothing rolls back', killedBy: [C.rollback, C.rethrow], wrap: noRollback },
  {
    name: 'transaction: the callback error is wrapped in a StoreError',
    killedBy: [C.rollback, C.rethrow],
    wrap: (store) => ({
      ...store,
      transaction: (fn) =>
        store.transaction(fn).catch((error: unknown) => {
          throw storeError(`transaction failed: ${String(error)}`);
        }),
    }),
  },
  {
    name: 'transaction: a caught conflict still aborts the transaction (no savepoint)',
    killedBy: [C.caughtConflict],
    wrap: (store) => ({
      ...store,
      transaction: (fn) =>
        store.transaction(async (tx) => {
          let conflicted = false;
          const watched = (Object.keys(tx) as (keyof Repositories)[]).reduce(
            (r, name) =>
              wrapAll(name, (original) => async (...args) => {
                try {
                  return await original(...args);
                } catch (error) {
                  if (isLightningError(error) && error.code === 'STORE_CONFLICT') conflicted = true;
                  throw error;
                }
              })(r),
            tx,
          );
          const result = await fn(watched);
          if (conflicted) throw storeError('current transaction is aborted, commands ignored until end of block');
          return result;
        }),
    }),
  },
  // Lifecycle.
  {
    name: 'lifecycle: a second migrate() starts from an empty database',
    killedBy: [C.migrate],
    wrap: (first) => {
      let current = first;
      let migrations = 0;
      const repositories = REPOSITORIES.map((name) => [
        name,
        new Proxy({}, { get: (_t, m) => (current[name] as never)[m] }),
      ]);
      return {
        ...Object.fromEntries(repositories),
        async migrate() {
          migrations += 1;
          if (migrations > 1) current = createMemoryStore();
          await current.migrate();
        },
        transaction: (fn) => current.transaction(fn),
        ping: () => current.ping(),
        close: () => current.close(),
      } as Store;
    },
  },
  {
    name: 'lifecycle: ping and migrate still work after close()',
    killedBy: [C.close],
    wrap: leaksAfterClose(() => true, true),
  },
  {
    name: 'lifecycle: after close() only invoices.get and transaction reject',
    killedBy: [C.close, ...REPOSITORIES.map(closedStoreCaseName)],
    wrap: leaksAfterClose((repo, method) => repo === 'invoices' && method === 'get', true),
  },
  {
    name: 'lifecycle: a second close() rejects',
    killedBy: [C.close],
    wrap: (store) => {
      let closed = false;
      return {
        ...store,
        async close() {
          if (closed) throw storeError('already closed');
          closed = true;
          await store.close();
        },
      };
    },
  },
  ...REPOSITORIES.map((repo): StoreMutant => ({
    name: `${repo}: still works after close()`,
    killedBy: [closedStoreCaseName(repo)],
    wrap: leaksAfterClose((other) => other !== repo, false),
  })),
];
