import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../store/memory/index.js';
import type { Repositories, Store } from '../../store/store.js';
import { createGroupCommit } from './group-commit.js';

function countingStore(): { store: Store; transactions: () => number } {
  const inner = createMemoryStore();
  let n = 0;
  const store: Store = {
    ...inner,
    transaction: <T>(fn: (tx: Repositories) => Promise<T>) => (n++, inner.transaction(fn)),
  };
  return { store, transactions: () => n };
}

describe('createGroupCommit', () => {
  it('commits concurrent writes in few transactions, all applied', async () => {
    const { store, transactions } = countingStore();
    const commit = createGroupCommit(store);
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        commit((tx) => tx.checkpoints.advance(`c${i}`, BigInt(i)).then(() => undefined)),
      ),
    );
    for (let i = 0; i < 50; i++) expect(await store.checkpoints.get(`c${i}`)).toBe(BigInt(i));
    expect(transactions()).toBeLessThanOrEqual(3);
  });

  it('a failing write rejects alone; the rest of its group commits', async () => {
    const { store } = countingStore();
    const commit = createGroupCommit(store);
    const results = await Promise.allSettled([
      commit((tx) => tx.checkpoints.advance('a', 1n).then(() => undefined)),
      commit(() => Promise.reject(new Error('bad write'))),
      commit((tx) => tx.checkpoints.advance('b', 2n).then(() => undefined)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await store.checkpoints.get('a')).toBe(1n);
    expect(await store.checkpoints.get('b')).toBe(2n);
  });
});
