import { describe, expect, it } from 'vitest';
import { sharedStoreConformanceCases, storeConformanceCases } from '../conformance.js';
import { createMemoryStore } from './memory-store.js';

describe('createMemoryStore', () => {
  describe('conformance', () => {
    for (const c of storeConformanceCases) it(c.name, () => c.run(async () => createMemoryStore()));
  });

  describe('shared-store conformance (one store, passed twice)', () => {
    for (const c of sharedStoreConformanceCases)
      it(c.name, () =>
        c.run(async () => {
          const store = createMemoryStore();
          return [store, store] as const;
        }),
      );
  });

  it('rejects use of the outer store inside a transaction instead of deadlocking', async () => {
    const store = createMemoryStore();
    await expect(store.transaction(() => store.checkpoints.get('x'))).rejects.toMatchObject({ code: 'STORE_ERROR' });
    await expect(store.transaction(() => store.transaction(async () => 1))).rejects.toMatchObject({
      code: 'STORE_ERROR',
    });
    await expect(store.transaction(async (tx) => tx.checkpoints.advance('x', 1n))).resolves.toBe(1n);
  });

  it('wraps values JSON cannot hold in StoreError and writes nothing', async () => {
    const store = createMemoryStore();
    const { makeInvoice } = await import('../conformance/fixtures.js');
    const bad = makeInvoice({ metadata: { n: 1n } as never });
    await expect(store.invoices.insert(bad)).rejects.toMatchObject({ code: 'STORE_ERROR' });
    expect(await store.invoices.get(bad.id)).toBeUndefined();
  });

  it('outside readers never see a transaction before it commits', async () => {
    const store = createMemoryStore();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let written!: () => void;
    const wrote = new Promise<void>((resolve) => (written = resolve));
    const tx = store.transaction(async (t) => {
      await t.checkpoints.advance('k', 5n);
      written();
      await gate;
    });
    await wrote;
    expect(await store.checkpoints.get('k')).toBeUndefined();
    release();
    await tx;
    expect(await store.checkpoints.get('k')).toBe(5n);
  });
});

describe('createMemoryStore transaction handles', () => {
  it('rejects writes through a tx after its transaction ended', async () => {
    const store = createMemoryStore();
    let leaked: Parameters<Parameters<typeof store.transaction>[0]>[0] | undefined;
    await store.transaction(async (tx) => {
      leaked = tx;
    });
    await expect(leaked!.checkpoints.advance('late', 1n)).rejects.toMatchObject({ code: 'STORE_ERROR' });
    expect(await store.checkpoints.get('late')).toBeUndefined();
  });
});
