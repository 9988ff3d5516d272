/**
 * An in-memory Store for tests, examples and the simulator. Same semantics as the SQLite store:
 * writes are serialized, a transaction works on a copy-on-write overlay that is committed at once
 * or dropped on throw (real rollback), and values are copied in and out.
 */
import { createAsyncSlot } from '../../async-slot.js';
import { StoreError, isLightningError } from '../../errors.js';
import type { Repositories, Store } from '../store.js';
import { createMemoryInvoiceRepository } from './invoice-repository.js';
import { createMemoryEventLogRepository, createMemoryLeaseRepository } from './leadership-repositories.js';
import { createMemoryMaintenance } from './maintenance.js';
import { createMemoryCheckpointRepository, createMemoryPaymentRepository } from './payment-repository.js';
import { createMemoryNodeRepository } from './node-repository.js';
import { createMemoryRebalanceRepository } from './rebalance-repository.js';
import { createTables, overlay, type Tables } from './tables.js';
import { createMemoryEndpointRepository, createMemoryOutboxRepository } from './webhook-repository.js';

type AnyFn = (...args: never[]) => Promise<unknown>;

/** Methods that write; outside a transaction each runs as its own one-statement transaction. */
const WRITES: { readonly [K in keyof Repositories]: readonly (keyof Repositories[K])[] } = {
  invoices: ['insert', 'update'],
  payments: ['insert', 'update'],
  checkpoints: ['advance', 'reset'],
  nodes: ['insert', 'update', 'adoptRows'],
  webhookEndpoints: ['insert', 'update', 'remove'],
  webhookOutbox: ['enqueue', 'updateDelivery', 'insertDelivery', 'recordAttempt'],
  leases: ['tryAcquire', 'renew', 'release'],
  events: ['append', 'setCursor'],
  rebalances: ['insert', 'update'],
};

function createRepositories(tables: Tables): Repositories {
  return {
    invoices: createMemoryInvoiceRepository(tables),
    payments: createMemoryPaymentRepository(tables),
    checkpoints: createMemoryCheckpointRepository(tables),
    webhookEndpoints: createMemoryEndpointRepository(tables),
    webhookOutbox: createMemoryOutboxRepository(tables),
    nodes: createMemoryNodeRepository(tables),
    leases: createMemoryLeaseRepository(tables),
    events: createMemoryEventLogRepository(tables),
    rebalances: createMemoryRebalanceRepository(tables),
  };
}

/** Wraps driver-level failures (e.g. metadata JSON cannot hold) in StoreError; lnkit errors pass through. */
function toStoreError(error: unknown): unknown {
  if (isLightningError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new StoreError(`memory store: ${message}`, { cause: error });
}

/**
 * Creates an empty in-memory store. Data lives as long as the object; `migrate()` is a no-op.
 * Calling the outer store (not `tx`) from inside a `transaction` callback throws StoreError
 * instead of waiting forever.
 * @example
 * const store = createMemoryStore();
 * await store.transaction(async (tx) => tx.checkpoints.advance('lnd.settle_index', 1n));
 */
export function createMemoryStore(): Store {
  const committed = createTables();
  const insideTransaction = createAsyncSlot<true>();
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  function assertUsable(what: string): void {
    if (closed) throw new StoreError(`memory store is closed: cannot ${what}`);
    if (insideTransaction.get()) {
      throw new StoreError(
        `memory store: ${what} was called on the store inside transaction(); use the tx argument (nesting is not supported)`,
      );
    }
  }

  function transaction<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
    try {
      assertUsable('transaction');
    } catch (error) {
      return Promise.reject(error);
    }
    const run = async (): Promise<T> => {
      const { views, commit } = overlay(committed);
      let active = true;
      const tx = guardRepositories(createRepositories(views), false, () => active);
      try {
        const result = await insideTransaction.run(true, () => fn(tx));
        commit();
        return result;
      } finally {
        active = false;
      }
    };
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  }

  /** Wraps every method: closed / nesting checks and error mapping; writes go through `transaction`. */
  function guardRepositories(
    repos: Repositories,
    isOuter: boolean,
    isActive: () => boolean = () => true,
  ): Repositories {
    const out: Record<string, Record<string, AnyFn>> = {};
    for (const [name, repo] of Object.entries(repos) as [keyof Repositories, Record<string, AnyFn>][]) {
      const wrapped: Record<string, AnyFn> = {};
      for (const [method, impl] of Object.entries(repo)) {
        const isWrite = (WRITES[name] as readonly string[]).includes(method);
        wrapped[method] = async (...args: never[]) => {
          if (isOuter) assertUsable(`${name}.${method}`);
          else if (closed) throw new StoreError(`memory store is closed: cannot ${name}.${method}`);
          else if (!isActive())
            throw new StoreError(`memory store: ${name}.${method} was called after its transaction ended`);
          if (isOuter && isWrite) {
            return transaction((tx) => (tx[name] as unknown as Record<string, AnyFn>)[method]!(...args));
          }
          try {
            return await impl(...args);
          } catch (error) {
            throw toStoreError(error);
          }
        };
      }
      out[name] = wrapped;
    }
    return out as unknown as Repositories;
  }

  const outer = guardRepositories(createRepositories(committed), true);
  /** Runs `fn` after every queued transaction, alone (retention batches). */
  const exclusive = <T>(fn: () => T): Promise<T> => {
    const next = queue.then(async () => fn());
    queue = next.catch(() => undefined);
    return next;
  };
  const maintenance = createMemoryMaintenance(committed, exclusive);
  return {
    ...outer,
    maintenance: {
      async tableStats() {
        assertUsable('maintenance.tableStats');
        return maintenance.tableStats();
      },
      async prune(target, before, limit) {
        assertUsable('maintenance.prune');
        return maintenance.prune(target, before, limit);
      },
      async countPrunable(target, before) {
        assertUsable('maintenance.countPrunable');
        return maintenance.countPrunable(target, before);
      },
    },
    async migrate() {
      assertUsable('migrate');
    },
    transaction,
    async ping() {
      assertUsable('ping');
      // The write probe: a heartbeat row, committed like any other write.
      await transaction(async () => undefined);
      committed.heartbeat.set('ping', new Date());
    },
    async close() {
      closed = true;
    },
  };
}
