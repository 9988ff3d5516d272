/**
 * The memory store's tables: plain Maps of immutable records when committed, and
 * copy-on-write overlays inside a transaction so that a rollback simply drops the overlay.
 */
import type { Payment } from '../../domain/payment.js';
import type { Rebalance } from '../../domain/rebalance.js';
import type {
  EventLogRecord,
  InvoiceRecord,
  NodeRecord,
  LeaseRecord,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
  WebhookEventRecord,
} from '../store.js';

/** The Map subset the repositories use; a committed `Map` and an {@link OverlayTable} both fit. */
export interface TableView<T> {
  get(key: string): T | undefined;
  has(key: string): boolean;
  set(key: string, value: T): unknown;
  delete(key: string): boolean;
  values(): Iterable<T>;
}

/** Every table of the memory store, as the repositories see them. */
export interface Tables {
  readonly invoices: TableView<InvoiceRecord>;
  readonly payments: TableView<Payment>;
  readonly checkpoints: TableView<bigint>;
  readonly endpoints: TableView<WebhookEndpointRecord>;
  readonly events: TableView<WebhookEventRecord>;
  readonly deliveries: TableView<WebhookDeliveryRecord>;
  readonly attempts: TableView<WebhookAttemptRecord>;
  readonly nodes: TableView<NodeRecord>;
  /** The heartbeat `ping()` writes. */
  readonly heartbeat: TableView<Date>;
  readonly leases: TableView<LeaseRecord>;
  /** The event log, keyed by seq (decimal); `eventSeq` holds the last seq under the key `'seq'`. */
  readonly eventLog: TableView<EventLogRecord>;
  readonly eventSeq: TableView<bigint>;
  readonly eventCursors: TableView<bigint>;
  readonly rebalances: TableView<Rebalance>;
}

/** The committed tables: plain Maps. */
export interface CommittedTables extends Tables {
  readonly invoices: Map<string, InvoiceRecord>;
  readonly payments: Map<string, Payment>;
  readonly checkpoints: Map<string, bigint>;
  readonly endpoints: Map<string, WebhookEndpointRecord>;
  readonly events: Map<string, WebhookEventRecord>;
  readonly deliveries: Map<string, WebhookDeliveryRecord>;
  readonly attempts: Map<string, WebhookAttemptRecord>;
  readonly nodes: Map<string, NodeRecord>;
  readonly heartbeat: Map<string, Date>;
  readonly leases: Map<string, LeaseRecord>;
  readonly eventLog: Map<string, EventLogRecord>;
  readonly eventSeq: Map<string, bigint>;
  readonly eventCursors: Map<string, bigint>;
  readonly rebalances: Map<string, Rebalance>;
}

/** Empty committed tables. */
export function createTables(): CommittedTables {
  return {
    invoices: new Map(),
    payments: new Map(),
    checkpoints: new Map(),
    endpoints: new Map(),
    events: new Map(),
    deliveries: new Map(),
    attempts: new Map(),
    nodes: new Map(),
    heartbeat: new Map(),
    leases: new Map(),
    eventLog: new Map(),
    eventSeq: new Map(),
    eventCursors: new Map(),
    rebalances: new Map(),
  };
}

const DELETED: unique symbol = Symbol('deleted');

/** A table seen through a transaction: writes land in `changes`; the base Map is untouched until commit. */
export class OverlayTable<T> implements TableView<T> {
  /** Pending writes: a new value, or DELETED. */
  readonly #changes = new Map<string, T | typeof DELETED>();
  readonly #base: Map<string, T>;

  constructor(base: Map<string, T>) {
    this.#base = base;
  }

  get(key: string): T | undefined {
    if (this.#changes.has(key)) {
      const value = this.#changes.get(key);
      return value === DELETED ? undefined : (value as T);
    }
    return this.#base.get(key);
  }

  has(key: string): boolean {
    if (this.#changes.has(key)) return this.#changes.get(key) !== DELETED;
    return this.#base.has(key);
  }

  set(key: string, value: T): this {
    this.#changes.set(key, value);
    return this;
  }

  delete(key: string): boolean {
    const existed = this.has(key);
    this.#changes.set(key, DELETED);
    return existed;
  }

  *values(): IterableIterator<T> {
    for (const [key, value] of this.#base) if (!this.#changes.has(key)) yield value;
    for (const value of this.#changes.values()) if (value !== DELETED) yield value as T;
  }

  /** Applies the pending writes to the base Map (synchronously, so no reader sees half of it). */
  commit(): void {
    for (const [key, value] of this.#changes) {
      if (value === DELETED) this.#base.delete(key);
      else this.#base.set(key, value as T);
    }
    this.#changes.clear();
  }
}

/** Overlays over every committed table, and a function that commits them all at once. */
export function overlay(base: CommittedTables): { readonly views: Tables; commit(): void } {
  const views = {
    invoices: new OverlayTable(base.invoices),
    payments: new OverlayTable(base.payments),
    checkpoints: new OverlayTable(base.checkpoints),
    endpoints: new OverlayTable(base.endpoints),
    events: new OverlayTable(base.events),
    deliveries: new OverlayTable(base.deliveries),
    attempts: new OverlayTable(base.attempts),
    nodes: new OverlayTable(base.nodes),
    heartbeat: new OverlayTable(base.heartbeat),
    leases: new OverlayTable(base.leases),
    eventLog: new OverlayTable(base.eventLog),
    eventSeq: new OverlayTable(base.eventSeq),
    eventCursors: new OverlayTable(base.eventCursors),
    rebalances: new OverlayTable(base.rebalances),
  };
  return {
    views,
    commit() {
      for (const table of Object.values(views)) table.commit();
    },
  };
}
