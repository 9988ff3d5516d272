/**
 * A simulated OS process around one lnkit instance: its own view of the shared manual clock, LND
 * connection and store handle. `kill()` is SIGKILL: its timers never fire again, its pending LND
 * and store calls never answer, its streams close (the TCP connections die), and a transaction it
 * had open rolls back. Nothing of lnkit's `stop()` runs.
 */
import type { Clock, TimerHandle } from '../../src/domain/clock.js';
import { StoreError } from '../../src/errors.js';
import type { LndClient } from '../../src/lnd/lnd-client.js';
import type { Repositories, Store } from '../../src/store/store.js';

const never = <T>(): Promise<T> => new Promise<T>(() => undefined);

const STREAM_METHODS = new Set(['subscribeInvoices', 'subscribeSingleInvoice', 'sendPayment', 'trackPayment']);

/** Faults of the shared store, switched by the simulation. */
export interface StoreFaults {
  /** The next write (in or out of a transaction) throws, as a full disk or an I/O error would. */
  failNextWrite: boolean;
  /** Until this clock time every write throws, as a read-only file would. */
  readOnlyUntil: number;
}

/** What the simulation learns from every store call of every process. */
export interface StoreObserver {
  /** A write call was made on `repo` (committed or not): `key` is the row id or checkpoint name. */
  wrote(repo: string, method: string, key: string | null, args: readonly unknown[]): void;
}

/** Is `method` a read? Everything else writes (insert, update, advance, enqueue, record…). */
export function isReadMethod(method: string): boolean {
  return /^(get|list|count|latest|read|find|has)/.test(method);
}

function keyOf(repo: string, method: string, args: readonly unknown[]): string | null {
  const first = args[0];
  if (typeof first === 'string') return first;
  if (first && typeof first === 'object' && 'id' in first && typeof first.id === 'string') return first.id;
  return repo === 'checkpoints' && method === 'advance' ? String(first) : null;
}

/** One simulated process. */
export class SimProcess {
  private alive = true;
  private readonly timers = new Set<TimerHandle>();
  private readonly iterators = new Set<AsyncIterator<unknown>>();
  readonly clock: Clock;
  readonly lnd: LndClient;
  readonly store: Store;

  constructor(
    readonly name: string,
    baseClock: Clock,
    baseLnd: LndClient,
    baseStore: Store,
    faults: StoreFaults,
    observer: StoreObserver,
  ) {
    this.clock = this.wrapClock(baseClock);
    this.lnd = this.wrapLnd(baseLnd);
    this.store = this.wrapStore(baseStore, baseClock, faults, observer);
  }

  get isAlive(): boolean {
    return this.alive;
  }

  /** SIGKILL. */
  kill(): void {
    if (!this.alive) return;
    this.alive = false;
    for (const handle of this.timers) this.baseClearTimeout?.(handle);
    this.timers.clear();
    for (const it of this.iterators) void it.return?.().catch(() => undefined);
    this.iterators.clear();
  }

  private baseClearTimeout: ((handle: TimerHandle) => void) | null = null;

  private wrapClock(base: Clock): Clock {
    this.baseClearTimeout = (handle) => base.clearTimeout(handle);
    return {
      now: () => base.now(),
      setTimeout: (fn, ms) => {
        if (!this.alive) return { id: -1 };
        const handle = base.setTimeout(() => {
          this.timers.delete(handle);
          if (this.alive) fn();
        }, ms);
        this.timers.add(handle);
        return handle;
      },
      clearTimeout: (handle) => {
        this.timers.delete(handle);
        base.clearTimeout(handle);
      },
    };
  }

  /** A promise that never settles once the process is dead. */
  private guard<T>(promise: Promise<T>): Promise<T> {
    return promise.then(
      (value) => (this.alive ? value : never<T>()),
      (error: unknown) => (this.alive ? Promise.reject(error) : never<T>()),
    );
  }

  private guardIterable<T>(source: () => AsyncIterable<T>): AsyncIterable<T> {
    return {
      [Symbol.asyncIterator]: () => {
        if (!this.alive) return { next: () => never<IteratorResult<T>>() };
        const it = source()[Symbol.asyncIterator]();
        this.iterators.add(it as AsyncIterator<unknown>);
        const forget = <R>(result: IteratorResult<R>): IteratorResult<R> => {
          if (result.done) this.iterators.delete(it as AsyncIterator<unknown>);
          return result;
        };
        return {
          next: () => this.guard(it.next().then(forget)),
          return: (value?: unknown) => {
            this.iterators.delete(it as AsyncIterator<unknown>);
            const done = it.return ? it.return(value) : Promise.resolve({ done: true as const, value });
            return this.guard(done as Promise<IteratorResult<T>>);
          },
        };
      },
    };
  }

  private wrapLnd(base: LndClient): LndClient {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(base) as (keyof LndClient)[]) {
      const value = base[key] as unknown;
      if (typeof value !== 'function') {
        out[key] = value;
        continue;
      }
      const fn = value as (...args: unknown[]) => unknown;
      out[key] = STREAM_METHODS.has(key)
        ? (...args: unknown[]) => this.guardIterable(() => fn.apply(base, args) as AsyncIterable<unknown>)
        : (...args: unknown[]) => (this.alive ? this.guard(fn.apply(base, args) as Promise<unknown>) : never());
    }
    return out as unknown as LndClient;
  }

  private wrapRepos<R extends object>(
    repos: R,
    clock: Clock,
    faults: StoreFaults,
    observer: StoreObserver,
    inTransaction: boolean,
  ): R {
    const out: Record<string, unknown> = {};
    for (const [name, repo] of Object.entries(repos)) {
      if (!repo || typeof repo !== 'object') continue;
      const wrapped: Record<string, unknown> = {};
      for (const [method, impl] of Object.entries(repo as Record<string, unknown>)) {
        if (typeof impl !== 'function') continue;
        const call = impl as (...args: unknown[]) => Promise<unknown>;
        wrapped[method] = async (...args: unknown[]) => {
          if (!this.alive) {
            // A dead process's open transaction rolls back; its other calls never answer.
            if (inTransaction) throw new StoreError('simulated: the process died during the transaction');
            return never();
          }
          if (!isReadMethod(method)) {
            if (faults.failNextWrite) {
              faults.failNextWrite = false;
              throw new StoreError(`simulated: ${name}.${method} failed (SQLITE_IOERR: disk I/O error)`);
            }
            if (clock.now() < faults.readOnlyUntil)
              throw new StoreError(
                `simulated: ${name}.${method} refused (SQLITE_READONLY: attempt to write a readonly database)`,
              );
            observer.wrote(name, method, keyOf(name, method, args), args);
          }
          const result = call.apply(repo, args);
          return inTransaction ? result : this.guard(result);
        };
      }
      out[name] = wrapped;
    }
    return out as R;
  }

  private wrapStore(base: Store, clock: Clock, faults: StoreFaults, observer: StoreObserver): Store {
    const repos = this.wrapRepos(base as unknown as Repositories, clock, faults, observer, false);
    return {
      ...base,
      ...repos,
      migrate: () => (this.alive ? this.guard(base.migrate()) : never()),
      ping: () => (this.alive ? this.guard(base.ping()) : never()),
      // The store outlives the process: closing is the world's business.
      close: async () => undefined,
      transaction: <T>(fn: (tx: Repositories) => Promise<T>): Promise<T> => {
        if (!this.alive) return never();
        return this.guard(base.transaction((tx) => fn(this.wrapRepos(tx, clock, faults, observer, true))));
      },
    } as Store;
  }
}
