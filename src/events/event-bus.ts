/**
 * The typed event bus on eventemitter3. A listener that throws (or rejects) never stops the other
 * listeners or the emitter's caller: the error is logged and reported as `listener.error`.
 */
import { createRequire } from 'node:module';
import type { EventEmitter } from 'eventemitter3';
import type { LightningEventName, LightningEvents } from '../domain/events.js';
import type { Logger } from '../logger.js';

/** A listener of event `K`. May be async. */
export type Listener<K extends LightningEventName> = (payload: LightningEvents[K]) => void | Promise<void>;

/** The public face of the bus: subscribe and unsubscribe. */
export interface LightningEventBus {
  /**
   * Adds a listener; returns a function that removes it.
   * @example const off = lightning.events.on('payment.received', ({ payment }) => ship(payment.invoiceId));
   */
  on<K extends LightningEventName>(name: K, listener: Listener<K>): () => void;
  /** Adds a listener called at most once. */
  once<K extends LightningEventName>(name: K, listener: Listener<K>): () => void;
  /** Removes a listener. */
  off<K extends LightningEventName>(name: K, listener: Listener<K>): void;
  /** Resolves with the next `name` event for which `filter` is true (or rejects after `timeoutMs`). */
  waitFor<K extends LightningEventName>(
    name: K,
    filter?: (payload: LightningEvents[K]) => boolean,
    timeoutMs?: number,
  ): Promise<LightningEvents[K]>;
}

/** The bus with `emit`, kept internal to lnkit's services. */
export interface InternalEventBus extends LightningEventBus {
  emit<K extends LightningEventName>(name: K, payload: LightningEvents[K]): void;
  listenerCount(name: LightningEventName): number;
}

/** Creates the bus. `logger` receives listener errors. */
export function createEventBus(logger: Logger): InternalEventBus {
  // eventemitter3 is loaded when the first bus is made, not with lnkit's root entry.
  const { EventEmitter: Emitter } = createRequire(import.meta.url)('eventemitter3') as {
    EventEmitter: typeof EventEmitter;
  };
  const emitter = new Emitter();
  const onceWrappers = new WeakMap<object, object>();
  const report = (name: string, error: unknown): void => {
    logger.error({ event: name, err: error }, 'event listener failed');
  };
  const bus: InternalEventBus = {
    on(name, listener) {
      emitter.on(name, listener as (...args: unknown[]) => void);
      return () => bus.off(name, listener);
    },
    once(name, listener) {
      const wrapper: Listener<typeof name> = (payload) => {
        emitter.off(name, wrapper as (...args: unknown[]) => void);
        return listener(payload);
      };
      onceWrappers.set(listener as object, wrapper as object);
      emitter.on(name, wrapper as (...args: unknown[]) => void);
      return () => emitter.off(name, wrapper as (...args: unknown[]) => void);
    },
    off(name, listener) {
      emitter.off(name, listener as (...args: unknown[]) => void);
      const wrapper = onceWrappers.get(listener as object);
      if (wrapper) emitter.off(name, wrapper as (...args: unknown[]) => void);
    },
    emit(name, payload) {
      // Our own loop instead of emitter.emit: one listener's throw must not skip the others.
      for (const listener of emitter.listeners(name)) {
        try {
          const result = (listener as (p: unknown) => unknown)(payload);
          if (result && typeof (result as Promise<unknown>).then === 'function') {
            (result as Promise<unknown>).then(undefined, (error: unknown) => report(name, error));
          }
        } catch (error) {
          report(name, error);
        }
      }
    },
    listenerCount: (name) => emitter.listenerCount(name),
    waitFor(name, filter, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${name}`));
        }, timeoutMs);
        const off = bus.on(name, (payload) => {
          if (filter && !filter(payload)) return;
          clearTimeout(timer);
          off();
          resolve(payload);
        });
      });
    },
  };
  return bus;
}
