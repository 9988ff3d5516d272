/**
 * Group commit: writes from concurrent deliveries share one store transaction. SQLite serializes
 * transactions, so one commit per attempt would cap throughput; one per group does not.
 */
import type { Repositories, Store } from '../../store/store.js';

/** A write to run inside a shared transaction. */
export type GroupWrite = (tx: Repositories) => Promise<void>;

/** Queues `write`; resolves once it has committed, rejects with its own error. */
export type GroupCommit = (write: GroupWrite) => Promise<void>;

/**
 * Creates a group committer over `store`: writes queued while a transaction runs commit together
 * in the next one. When a group fails, its writes are retried one by one so that one bad write
 * does not sink the others.
 */
export function createGroupCommit(store: Store, maxGroup = 64): GroupCommit {
  type Item = { write: GroupWrite; resolve: () => void; reject: (error: unknown) => void };
  let pending: Item[] = [];
  let flushing = false;

  async function flush(group: Item[]): Promise<void> {
    try {
      await store.transaction(async (tx) => {
        for (const item of group) await item.write(tx);
      });
      for (const item of group) item.resolve();
    } catch (error) {
      if (group.length === 1) return group[0]!.reject(error);
      for (const item of group) {
        try {
          await store.transaction((tx) => item.write(tx));
          item.resolve();
        } catch (itemError) {
          item.reject(itemError);
        }
      }
    }
  }

  function kick(): void {
    if (flushing || pending.length === 0) return;
    flushing = true;
    const group = pending.slice(0, maxGroup);
    pending = pending.slice(group.length);
    void flush(group).finally(() => {
      flushing = false;
      kick();
    });
  }

  return (write) =>
    new Promise<void>((resolve, reject) => {
      pending.push({ write, resolve, reject });
      kick();
    });
}
