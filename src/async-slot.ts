/**
 * Per-object async context on one shared AsyncLocalStorage.
 *
 * On Node 20 every AsyncLocalStorage that was ever `run()` stays in the async hook's list until
 * `disable()`, and each one is visited for every promise created anywhere in the process. One per
 * store and one per lnkit instance leaked: an instance dropped without `stop()` (or a test suite
 * creating hundreds) made every later promise slower (the simulator spent a third of its CPU
 * there). All slots share one storage, created on first use; each slot is a key in its frames.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

type Frame = ReadonlyMap<object, unknown>;

let shared: AsyncLocalStorage<Frame> | undefined;

/** A value visible to the async continuations of `run`'s callback, separate for every slot. */
export interface AsyncSlot<T> {
  /** Runs `fn` with this slot set to `value` (other slots keep their values). */
  run<R>(value: T, fn: () => R): R;
  /** The value of the innermost `run` of this slot around the caller, or undefined. */
  get(): T | undefined;
}

/** Creates a slot (one per store or lnkit instance; creating one costs nothing per promise). */
export function createAsyncSlot<T>(): AsyncSlot<T> {
  const key = {};
  return {
    run(value, fn) {
      const storage = (shared ??= new AsyncLocalStorage<Frame>());
      const frame = new Map(storage.getStore());
      frame.set(key, value);
      return storage.run(frame, fn);
    },
    get: () => shared?.getStore()?.get(key) as T | undefined,
  };
}
