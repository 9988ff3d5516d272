/**
 * Helpers for the network model's own tests: build small networks, drain streams.
 */
import { createManualClock, type ManualClock } from '../manual-clock.js';
import { createNetwork } from './network.js';
import type { LndRpcError } from './rpc-error.js';
import type { SimNetwork, SimStream } from './types.js';

/** What a stream delivered once it finished (or when collection stopped). */
export interface Collected<T> {
  readonly items: T[];
  readonly ended: boolean;
  readonly error: LndRpcError | null;
}

/** Attaches listeners to `stream`; `result()` gives what arrived so far (after pending microtasks). */
export function record<T>(stream: SimStream<T>): { result(): Promise<Collected<T>> } {
  const items: T[] = [];
  let ended = false;
  let error: LndRpcError | null = null;
  stream.onData((item) => items.push(item));
  stream.onEnd(() => (ended = true));
  stream.onError((e) => (error = e));
  return {
    async result() {
      await new Promise((resolve) => setImmediate(resolve));
      return { items: [...items], ended, error };
    },
  };
}

/** A manual-clock regtest network with nodes `names` and no channels. */
export function testNetwork(...names: string[]): { network: SimNetwork; clock: ManualClock } {
  const clock = createManualClock();
  const network = createNetwork({ clock });
  for (const name of names) network.addNode({ name });
  return { network, clock };
}

/** Deterministic 32-byte hex from a small number. */
export const hex32 = (n: number): string => n.toString(16).padStart(64, '0');
