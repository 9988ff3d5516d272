/**
 * Group commit over the Store port: writes handed in while a transaction runs are committed together
 * in the next one, so that N concurrent writers pay for one BEGIN/COMMIT (and one WAL append) instead
 * of N, queued on the store's one connection. Each writer still learns its own outcome:
 * - the batch commits: every write in it resolves;
 * - the batch fails on something one write may have caused (a unique-key conflict, a bad row): each
 *   write of the batch is tried again alone, so only the culprit fails and the others commit;
 * - the batch fails with a `StoreError` (the store is unavailable, locked, full or closed): every
 *   write of the batch fails with it, nothing of them written — retrying each alone would only wait
 *   out the same failure N times.
 */
import { isLightningError } from '../errors.js';
import type { Repositories, Store } from './store.js';

/** What {@link createGroupCommit} needs. */
export interface GroupCommitConfig<T> {
  /** The store whose `transaction` each batch runs in. */
  readonly store: Store;
  /** Writes one item's rows inside `tx` (called once per item and attempt; may be called again alone). */
  readonly write: (tx: Repositories, item: T) => Promise<void>;
  /** Most items per transaction; default is 64 (keeps a transaction, and the writers' wait, short). */
  readonly maxBatch?: number;
}

interface Entry<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Creates a group commit: the returned function resolves once `item` is committed, or rejects with
 * the error of the transaction that would have written it (nothing of it written).
 * @example const commitInvoice = createGroupCommit({ store, write: (tx, row) => tx.invoices.insert(row) });
 */
export function createGroupCommit<T>(config: GroupCommitConfig<T>): (item: T) => Promise<void> {
  const { store, write } = config;
  const maxBatch = config.maxBatch ?? 64;
  const queue: Entry<T>[] = [];
  let draining = false;

  async function commitAlone(entry: Entry<T>): Promise<void> {
    try {
      await store.transaction((tx) => write(tx, entry.item));
      entry.resolve();
    } catch (error) {
      entry.reject(error);
    }
  }

  async function commitBatch(batch: readonly Entry<T>[]): Promise<void> {
    if (batch.length === 1) return commitAlone(batch[0]!);
    try {
      await store.transaction(async (tx) => {
        for (const entry of batch) await write(tx, entry.item);
      });
    } catch (error) {
      if (isLightningError(error) && error.code === 'STORE_ERROR') {
        for (const entry of batch) entry.reject(error);
        return;
      }
      // Rolled back as a whole: find the culprit by writing each alone, in the order they came.
      for (const entry of batch) await commitAlone(entry);
      return;
    }
    for (const entry of batch) entry.resolve();
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) await commitBatch(queue.splice(0, maxBatch));
    draining = false;
  }

  return (item) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (draining) return;
      draining = true;
      // One turn of the event loop first: the other answers already read from the socket join this batch.
      setImmediate(() => void drain());
    });
}
