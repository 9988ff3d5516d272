/**
 * Feeds one process's bus from the store's event log, so a listener in any process sharing the
 * store hears every logged event exactly once. Events committed by this process are delivered at
 * once, right after their commit ({@link EventLogFeed.deliverLocal}); the others arrive by tailing
 * the log every `pollIntervalMs`, and at once when the store announces an append (`events.watch`:
 * PostgreSQL's LISTEN/NOTIFY). A seq is emitted by one path only: the tail skips what was
 * delivered locally, and a local delivery is dropped when the tail has already passed its seq.
 */
import type { WebhookEventType } from '../domain/events.js';
import { systemClock, type Clock, type TimerHandle } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import type { EventLogRecord, Store } from '../store/store.js';
import { decodeEventPayload } from './event-codec.js';
import type { InternalEventBus } from './event-bus.js';

/** How many records one poll reads at most. */
const BATCH = 500;

/** An event this process committed, with the seq its append returned. */
export interface LocalEvent {
  readonly seq: bigint;
  readonly type: WebhookEventType;
  readonly payload: unknown;
}

/** The running feed. */
export interface EventLogFeed {
  /** Starts tailing after the log's current end: a process hears the events committed after it started. */
  start(): Promise<void>;
  /** Emits events this process just committed (in seq order), unless the tail already did. */
  deliverLocal(events: readonly LocalEvent[]): void;
  /** Reads the log now instead of at the next poll. */
  wake(): void;
  /** Registers `fn` to run after each poll that read something (durable consumers wait on it). */
  onAdvance(fn: () => void): () => void;
  stop(): Promise<void>;
}

/** What {@link createEventLogFeed} needs. */
export interface EventLogFeedConfig {
  readonly store: Store;
  readonly bus: InternalEventBus;
  readonly logger: Logger;
  /** The poll timer runs on this clock (the simulation's manual clock); default the system clock. */
  readonly clock?: Clock;
  /** Default is 100 ms. */
  readonly pollIntervalMs?: number;
}

/** Creates the feed; nothing runs before `start()`. */
export function createEventLogFeed(config: EventLogFeedConfig): EventLogFeed {
  const { store, bus, logger } = config;
  const clock = config.clock ?? systemClock;
  const pollIntervalMs = config.pollIntervalMs ?? 100;
  let cursor = 0n;
  /** Seqs above `cursor` already emitted by a local delivery. */
  const deliveredLocally = new Set<bigint>();
  const listeners = new Set<() => void>();
  let running = false;
  let timer: TimerHandle | null = null;
  let polling: Promise<void> | null = null;
  let again = false;
  let unwatch: (() => Promise<void>) | null = null;

  function emit(record: EventLogRecord): void {
    let payload: unknown;
    try {
      payload = decodeEventPayload(record.payload);
    } catch (error) {
      logger.error(
        { seq: record.seq.toString(), event: record.type, err: error },
        'event log: undecodable record skipped',
      );
      return;
    }
    bus.emit(record.type as WebhookEventType, payload as never);
  }

  /**
   * Moves the cursor over the seqs after it that this process delivered itself, reading only seqs
   * (a store with `readSeqsAfter`); stops at the first one another process appended.
   * @returns how many seqs it read, and whether it stopped at another process's event
   */
  async function skipLocal(readSeqsAfter: (after: bigint, limit: number) => Promise<readonly bigint[]>) {
    const seqs = await readSeqsAfter(cursor, BATCH);
    for (const seq of seqs) {
      if (seq <= cursor) continue;
      if (!deliveredLocally.has(seq)) return { read: seqs.length, foreign: true };
      deliveredLocally.delete(seq);
      cursor = seq;
    }
    return { read: seqs.length, foreign: false };
  }

  async function poll(): Promise<void> {
    let read = 0;
    const readSeqsAfter = store.events.readSeqsAfter?.bind(store.events);
    for (;;) {
      // Most of the log is usually this process's own events, delivered at their commit: with
      // readSeqsAfter their payloads are not read back, only another process's events are.
      if (readSeqsAfter) {
        const skipped = await skipLocal(readSeqsAfter);
        read += skipped.read;
        if (!skipped.foreign) {
          if (skipped.read < BATCH || !running) break;
          continue;
        }
      }
      const records = await store.events.readAfter(cursor, BATCH);
      for (const record of records) {
        if (record.seq <= cursor) continue;
        cursor = record.seq;
        if (!deliveredLocally.delete(record.seq)) emit(record);
      }
      read += records.length;
      if (records.length < BATCH || !running) break;
    }
    if (read > 0) for (const fn of listeners) fn();
  }

  function schedule(delayMs: number): void {
    if (!running || timer !== null) return;
    timer = clock.setTimeout(() => {
      timer = null;
      run();
    }, delayMs);
  }

  function run(): void {
    if (!running) return;
    if (polling) {
      again = true;
      return;
    }
    polling = poll()
      .catch((error: unknown) => logger.warn({ err: error }, 'event log: read failed; retrying'))
      .finally(() => {
        polling = null;
        if (again) {
          again = false;
          run();
        } else schedule(pollIntervalMs);
      });
  }

  function wake(): void {
    if (timer !== null) clock.clearTimeout(timer);
    timer = null;
    run();
  }

  return {
    async start() {
      if (running) return;
      cursor = await store.events.latestSeq();
      running = true;
      // A store that announces appends (PostgreSQL LISTEN/NOTIFY) wakes the tail at once; polling stays the net.
      if (store.events.watch) {
        unwatch = await store.events
          .watch(() => {
            if (running) wake();
          })
          .catch((error: unknown) => {
            logger.warn({ err: error }, 'event log: listening for appends failed; polling only');
            return null;
          });
      }
      schedule(pollIntervalMs);
    },
    deliverLocal(events) {
      for (const event of events) {
        if (event.seq <= cursor || deliveredLocally.has(event.seq)) continue;
        deliveredLocally.add(event.seq);
        bus.emit(event.type, event.payload as never);
      }
      if (events.length > 0) for (const fn of listeners) fn();
    },
    wake,
    onAdvance(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
    async stop() {
      running = false;
      await unwatch?.().catch(() => undefined);
      unwatch = null;
      if (timer !== null) clock.clearTimeout(timer);
      timer = null;
      await polling;
      deliveredLocally.clear();
    },
  };
}
