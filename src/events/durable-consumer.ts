/**
 * Durable consumers: `lightning.events.consume(name, handler)` reads the store's event log from the
 * consumer's own stored cursor, so an event committed just before a crash is handled after the
 * restart. At-least-once: the cursor moves after the handler resolves, so a crash between the two
 * hands that event over again.
 */
import type { LightningEvents, WebhookEventType } from '../domain/events.js';
import { ValidationError } from '../errors.js';
import { systemClock, type Clock } from '../domain/clock.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';
import { decodeEventPayload } from './event-codec.js';

/** One logged event as a durable consumer receives it. */
export type LoggedEvent = {
  [K in WebhookEventType]: {
    /** Its position in the log (increasing in commit order). */
    readonly seq: bigint;
    readonly type: K;
    readonly payload: LightningEvents[K];
    readonly createdAt: Date;
  };
}[WebhookEventType];

/** Handles one logged event; the consumer's cursor moves past it once this resolves. */
export type DurableHandler = (event: LoggedEvent) => void | Promise<void>;

/** Options of `consume`. */
export interface ConsumeOptions {
  /** For a consumer never seen before: start at the beginning of the log. Default is false (the log's current end). */
  readonly fromStart?: boolean;
  /** Only these types reach the handler (the cursor still moves past the others). Default is every type. */
  readonly types?: readonly WebhookEventType[];
}

/** A running consumer. */
export interface DurableConsumer {
  /** Stops after the event being handled; resolves when it has. */
  stop(): Promise<void>;
}

/** What a consumer needs from lnkit. */
export interface ConsumerContext {
  readonly store: Store;
  readonly logger: Logger;
  /** Registers a wake-up for when new events may be in the log; returns its removal. */
  onAdvance(fn: () => void): () => void;
  readonly pollIntervalMs: number;
  /** Polls and retry pauses wait on this clock (a simulation's manual clock). Default is the system clock. */
  readonly clock?: Clock;
}

const NAME = /^[A-Za-z0-9._:-]{1,100}$/;
const BATCH = 100;
const MAX_RETRY_MS = 30_000;

/**
 * Starts consumer `name`: handles every logged event after its cursor, in seq order, one at a time.
 * @throws {ValidationError} on a bad name or handler
 */
export function startDurableConsumer(
  ctx: ConsumerContext,
  name: string,
  handler: DurableHandler,
  options: ConsumeOptions = {},
): DurableConsumer {
  if (typeof name !== 'string' || !NAME.test(name))
    throw new ValidationError('name', `expected 1 to 100 letters, digits or . _ : -, got ${JSON.stringify(name)}`);
  if (typeof handler !== 'function') throw new ValidationError('handler', `expected a function, got ${typeof handler}`);
  const cursorName = `consumer:${name}`;
  const types = options.types ? new Set<string>(options.types) : null;
  let stopped = false;
  let wake: (() => void) | null = null;
  const offAdvance = ctx.onAdvance(() => wake?.());

  const clock = ctx.clock ?? systemClock;
  // The system clock's timers are unref'd: a waiting consumer never holds the process open.
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = clock.setTimeout(done, ms);
      function done(): void {
        clock.clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  async function loop(): Promise<void> {
    let cursor = await ctx.store.events.getCursor(cursorName);
    if (cursor === undefined) {
      cursor = options.fromStart ? 0n : await ctx.store.events.latestSeq();
      await ctx.store.events.setCursor(cursorName, cursor);
    }
    let retryMs = 100;
    while (!stopped) {
      const records = await ctx.store.events.readAfter(cursor, BATCH);
      for (const record of records) {
        if (stopped) return;
        if (!types || types.has(record.type)) {
          const event = {
            seq: record.seq,
            type: record.type,
            payload: decodeEventPayload(record.payload),
            createdAt: record.createdAt,
          } as LoggedEvent;
          try {
            await handler(event);
            retryMs = 100;
          } catch (error) {
            ctx.logger.error(
              { consumer: name, seq: record.seq.toString(), event: record.type, err: error },
              'event consumer failed; retrying the same event',
            );
            await pause(retryMs);
            retryMs = Math.min(retryMs * 2, MAX_RETRY_MS);
            break;
          }
        }
        cursor = record.seq;
        await ctx.store.events.setCursor(cursorName, cursor);
      }
      if (records.length < BATCH) await pause(ctx.pollIntervalMs);
    }
  }

  const running = (async () => {
    for (let failures = 0; !stopped; failures++) {
      try {
        await loop();
      } catch (error) {
        if (stopped) return;
        ctx.logger.error({ consumer: name, err: error }, 'event consumer: reading the log failed; retrying');
        await pause(Math.min(100 * 2 ** failures, MAX_RETRY_MS));
      }
    }
  })();

  return {
    async stop() {
      stopped = true;
      wake?.();
      offAdvance();
      await running;
    },
  };
}
