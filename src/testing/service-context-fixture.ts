/**
 * A ServiceContext for service-level tests: a real event bus, outbox rows written exactly as
 * createLightning writes them, a logger that keeps every line (unredacted, so a test can prove a
 * service never logs a secret), and a `run` that just runs. Internal test helper.
 */
import type { Clock } from '../domain/clock.js';
import { systemClock } from '../domain/clock.js';
import { createEventBus, type InternalEventBus } from '../events/event-bus.js';
import type { LndClient } from '../lnd/lnd-client.js';
import type { Logger, LogFields } from '../logger.js';
import { noopMetrics } from '../metrics-recorder.js';
import { createFixedRates } from '../rates/fixed.js';
import type { RateProvider } from '../rates/rate-provider.js';
import type { RecordEvent, ServiceContext } from '../service-context.js';
import { createMemoryStore } from '../store/memory/index.js';
import type { Store } from '../store/store.js';
import { enqueueWebhookEvent } from '../webhooks/outbox/enqueue.js';
import { webhookData } from '../webhooks/outbox/payloads.js';

/** One captured log line. */
export interface CapturedLogLine {
  readonly level: keyof Logger;
  readonly fields: LogFields;
  readonly message: string;
}

/** One event passed to `recordEvent` (the payload as the service gave it). */
export interface RecordedEvent {
  readonly type: string;
  readonly payload: unknown;
}

/** Options of {@link createTestContext}. */
export interface TestContextOptions {
  readonly lnd: LndClient;
  /** Default is a new memory store. */
  readonly store?: Store;
  /** Default is the system clock. */
  readonly clock?: Clock;
  /** Default is a fixed 90 000 EUR/BTC. */
  readonly rates?: RateProvider;
}

/** A ServiceContext plus what the test inspects. */
export interface TestContext extends ServiceContext {
  readonly bus: InternalEventBus;
  /** Every log line, in order. */
  readonly logLines: CapturedLogLine[];
  /** Every event handed to `recordEvent`, in order (committed or not). */
  readonly recordedEvents: RecordedEvent[];
  /** Every event emitted on the bus, in order. */
  readonly emittedEvents: RecordedEvent[];
  /** Every log line, event payload and outbox body as one string: for "never contains X" checks. */
  everythingWritten(): Promise<string>;
}

const json = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'bigint' ? v.toString() : v instanceof Error ? { name: v.name, message: v.message } : v,
  );

/**
 * Builds a ServiceContext on `lnd` for a service-level test.
 * @example const ctx = createTestContext({ lnd: createFakeLnd(), clock: createManualClock() });
 */
export function createTestContext(options: TestContextOptions): TestContext {
  const clock = options.clock ?? systemClock;
  const store = options.store ?? createMemoryStore();
  const logLines: CapturedLogLine[] = [];
  const recordedEvents: RecordedEvent[] = [];
  const emittedEvents: RecordedEvent[] = [];
  const line = (level: keyof Logger) => (fields: LogFields, message: string) => {
    logLines.push({ level, fields, message });
  };
  const logger: Logger = { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
  const inner = createEventBus(logger);
  const bus: InternalEventBus = {
    ...inner,
    emit(name, payload) {
      emittedEvents.push({ type: name, payload });
      inner.emit(name, payload);
    },
  };
  const recordEvent: RecordEvent = async (tx, type, payload) => {
    recordedEvents.push({ type, payload });
    await enqueueWebhookEvent(tx, { type, data: webhookData(type, payload), occurredAt: new Date(clock.now()) });
  };
  return {
    lnd: options.lnd,
    rates: options.rates ?? createFixedRates('90000', { clock }),
    store,
    bus,
    clock,
    logger,
    metrics: noopMetrics,
    recordEvent,
    run: (operation) => operation(),
    logLines,
    recordedEvents,
    emittedEvents,
    async everythingWritten() {
      const page = await store.webhookOutbox.listDeliveries({ limit: 1000 });
      const bodies: string[] = [];
      for (const delivery of page.items) {
        const event = await store.webhookOutbox.getEvent(delivery.eventId);
        if (event) bodies.push(event.body);
      }
      return [json(logLines), json(recordedEvents), json(emittedEvents), ...bodies].join('\n');
    },
  };
}
