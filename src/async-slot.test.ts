import { describe, expect, it } from 'vitest';
import { createAsyncSlot } from './async-slot.js';

const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('createAsyncSlot', () => {
  it('a value set by run is seen across awaits inside it, and not outside', async () => {
    const slot = createAsyncSlot<string>();
    expect(slot.get()).toBeUndefined();
    const seen = await slot.run('a', async () => {
      await tick();
      return slot.get();
    });
    expect(seen).toBe('a');
    expect(slot.get()).toBeUndefined();
  });

  it('slots are independent: running one does not set or hide another', async () => {
    const one = createAsyncSlot<number>();
    const two = createAsyncSlot<number>();
    const inner = await one.run(1, () =>
      two.run(2, async () => {
        await tick();
        return [one.get(), two.get()];
      }),
    );
    expect(inner).toEqual([1, 2]);
    expect(await one.run(1, async () => two.get())).toBeUndefined();
  });

  it('a nested run of the same slot shadows it and restores it after', async () => {
    const slot = createAsyncSlot<string>();
    const seen = await slot.run('outer', async () => {
      const inner = await slot.run('inner', async () => {
        await tick();
        return slot.get();
      });
      return [inner, slot.get()];
    });
    expect(seen).toEqual(['inner', 'outer']);
  });

  it('concurrent runs keep their own values', async () => {
    const slot = createAsyncSlot<number>();
    const values = await Promise.all(
      [1, 2, 3].map((n) =>
        slot.run(n, async () => {
          await tick();
          await tick();
          return slot.get();
        }),
      ),
    );
    expect(values).toEqual([1, 2, 3]);
  });
});
