/**
 * The webhook dispatcher: polls the outbox for due deliveries and sends them with a concurrency
 * limit. At least once: a delivery stays pending until a 2xx is recorded, so a crash re-sends it.
 * With a store that implements `webhookOutbox.claimDue` (PostgreSQL), dispatchers in several
 * processes share the outbox and each delivery is attempted by one of them at a time; with any
 * other store, rows are claimed in memory: run one dispatcher per store.
 */
import { systemClock, type Clock } from '../../domain/clock.js';
import { ValidationError } from '../../errors.js';
import { createRedactingLogger, silentLogger, type Logger } from '../../logger.js';
import type { Store, WebhookDeliveryRecord } from '../../store/store.js';
import {
  attemptDelivery,
  type AttemptContext,
  type WebhookAttemptReport,
  type WebhookEndpointDisabledReport,
} from './attempt-delivery.js';
import { createGroupCommit } from './group-commit.js';
import type { HttpPostRequest, HttpPostResult } from './http-post.js';
import { createLazyHttp } from './lazy-http.js';
import { DEFAULT_RETRY_SCHEDULE, isValidSchedule } from './retry-schedule.js';

export type { WebhookAttemptReport, WebhookEndpointDisabledReport } from './attempt-delivery.js';

/** Options of {@link createWebhookDispatcher}. */
export interface WebhookDispatcherConfig {
  readonly store: Store;
  /** Default is the system clock. Retry times follow it; HTTP timeouts are always real time. */
  readonly clock?: Clock;
  /** Default writes nothing. Lines are redacted; secrets are never logged. */
  readonly logger?: Logger;
  /** Requests in flight at once. Default is 8. */
  readonly concurrency?: number;
  /** Total time for one request. Default is 15 000. */
  readonly timeoutMs?: number;
  /** Delays (ms) after attempt 1, 2, …; ±20 % jitter. Default is {@link DEFAULT_RETRY_SCHEDULE} (≈ 3 days). */
  readonly retrySchedule?: readonly number[];
  /** An endpoint with no success for this long while a delivery keeps failing is disabled. Default is 3 days. */
  readonly disableAfterMs?: number;
  /** Response bytes read at most. Default is 64 KiB. */
  readonly maxResponseBytes?: number;
  /** How often the outbox is polled when idle. Default is 1 000. */
  readonly pollIntervalMs?: number;
  /**
   * With a store that has `claimDue`: how long a claimed delivery stays reserved for this dispatcher
   * (a dispatcher that dies mid-attempt delays it by at most this). Default is 4 × timeoutMs + 30 000.
   */
  readonly claimTtlMs?: number;
  /** Replaces the HTTP client (tests). */
  readonly post?: (request: HttpPostRequest) => Promise<HttpPostResult>;
  /** Random in [0, 1) for jitter. Default is `Math.random`. */
  readonly random?: () => number;
  /** Random in [0, 1) for attempt ids (deterministic simulations). Default is the CSPRNG. */
  readonly idRandom?: () => number;
  /** Called when an endpoint is disabled: emit `webhook.endpoint_disabled` from here. */
  readonly onEndpointDisabled?: (report: WebhookEndpointDisabledReport) => void;
  /** Called after every attempt (metrics). */
  readonly onAttempt?: (report: WebhookAttemptReport) => void;
}

/** A running (or runnable) dispatcher. */
export interface WebhookDispatcher {
  /** Starts polling. Idempotent. */
  start(): void;
  /** Stops polling and waits for requests in flight. Idempotent. */
  stop(): Promise<void>;
  /** Sends every delivery due now (on the injected clock) and resolves with how many were attempted. */
  runOnce(): Promise<number>;
  /** Wakes the poller: new rows were enqueued. */
  notify(): void;
}

const DAY = 24 * 3_600_000;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0)
    throw new ValidationError(name, `expected a positive number, got ${String(value)}`);
  return value;
}

/**
 * Creates a dispatcher over `config.store`'s outbox.
 * @throws {ValidationError} for a bad concurrency, timeout or schedule
 * @example
 * const dispatcher = createWebhookDispatcher({ store, onEndpointDisabled: (e) => bus.emit('webhook.endpoint_disabled', e) });
 * dispatcher.start();
 */
export function createWebhookDispatcher(config: WebhookDispatcherConfig): WebhookDispatcher {
  const { store } = config;
  const clock = config.clock ?? systemClock;
  const concurrency = Math.floor(positive('concurrency', config.concurrency, 8));
  const pollIntervalMs = positive('pollIntervalMs', config.pollIntervalMs, 1000);
  const retrySchedule = Object.freeze([...(config.retrySchedule ?? DEFAULT_RETRY_SCHEDULE)]);
  if (!isValidSchedule(retrySchedule))
    throw new ValidationError('retrySchedule', 'expected a non-empty list of non-negative delays in ms');
  const timeoutMs = positive('timeoutMs', config.timeoutMs, 15_000);
  const claimTtlMs = positive('claimTtlMs', config.claimTtlMs, 4 * timeoutMs + 30_000);
  const http = createLazyHttp(concurrency);
  const agents = http.agents;
  const ctxBase = {
    store,
    clock,
    logger: createRedactingLogger(config.logger ?? silentLogger),
    timeoutMs,
    maxResponseBytes: Math.floor(positive('maxResponseBytes', config.maxResponseBytes, 64 * 1024)),
    retrySchedule,
    disableAfterMs: positive('disableAfterMs', config.disableAfterMs, 3 * DAY),
    random: config.random ?? Math.random,
    idRandom: config.idRandom,
    agents,
    post: config.post ?? http.post,
    userAgent: 'lnkit-webhooks',
    onEndpointDisabled: config.onEndpointDisabled ?? (() => undefined),
    onAttempt: config.onAttempt ?? (() => undefined),
    lastSuccessAt: new Map<string, number>(),
    commit: createGroupCommit(store),
  };
  const inFlight = new Set<string>();
  let chain: Promise<unknown> = Promise.resolve();
  let started = false;
  let stopping = false;
  let running = false;
  let wake = false;
  let timer: ReturnType<Clock['setTimeout']> | undefined;

  async function drain(): Promise<number> {
    const ctx: AttemptContext = { ...ctxBase, endpoints: new Map() };
    const seen = new Set<string>();
    const queue: WebhookDeliveryRecord[] = [];
    let exhausted = false;
    let filling: Promise<void> | null = null;
    let count = 0;
    const fill = async (): Promise<void> => {
      const due = await fetchDue();
      const fresh = due.filter((d) => !seen.has(d.id) && !inFlight.has(d.id));
      // A claimed row this run will not attempt (seen already) is handed back at once.
      if (claiming) await release(due.filter((d) => !fresh.includes(d)));
      if (fresh.length === 0) exhausted = true;
      for (const d of fresh) seen.add(d.id);
      queue.push(...fresh);
    };
    const next = async (): Promise<WebhookDeliveryRecord | undefined> => {
      while (!stopping) {
        const item = queue.shift();
        if (item) return item;
        if (exhausted) return undefined;
        filling ??= fill().finally(() => (filling = null));
        await filling;
      }
      return undefined;
    };
    // Records commit in the background (grouped), so a worker sends its next request meanwhile;
    // the delivery stays in `inFlight` until its record is stored, so it is never picked twice.
    const recording = new Set<Promise<void>>();
    const worker = async (): Promise<void> => {
      for (let delivery = await next(); delivery; delivery = await next()) {
        const id = delivery.id;
        inFlight.add(id);
        let recorded: Promise<void>;
        try {
          recorded = (await attemptDelivery(ctx, delivery)).recorded;
        } catch (error) {
          recorded = Promise.reject(error);
        }
        const tracked: Promise<void> = recorded
          .then(
            () => void count++,
            (error: unknown) => ctx.logger.error({ delivery_id: id, error }, 'webhook delivery failed to record'),
          )
          .finally(() => {
            inFlight.delete(id);
            recording.delete(tracked);
          });
        recording.add(tracked);
        if (recording.size >= concurrency * 4) await Promise.race(recording);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    await Promise.all(recording);
    // Stopped with claimed rows not yet attempted: due again now for the other dispatchers.
    if (claiming) await release(queue.splice(0));
    return count;
  }

  // Claims are small (two rows per worker) so that a claimed row is attempted well within its TTL.
  const claiming = store.webhookOutbox.claimDue !== undefined;
  function fetchDue(): Promise<readonly WebhookDeliveryRecord[]> {
    const now = clock.now();
    const outbox = store.webhookOutbox;
    if (outbox.claimDue) return outbox.claimDue(new Date(now), concurrency * 2, new Date(now + claimTtlMs));
    return outbox.listDue(new Date(now), concurrency * 8 + inFlight.size);
  }

  async function release(deliveries: readonly WebhookDeliveryRecord[]): Promise<void> {
    for (const d of deliveries) {
      await store.webhookOutbox
        .updateDelivery(d.id, { nextAttemptAt: new Date(clock.now()) })
        .catch((error: unknown) => ctxBase.logger.error({ delivery_id: d.id, error }, 'webhook claim release failed'));
    }
  }

  function runOnce(): Promise<number> {
    const run = chain.then(async () => {
      running = true;
      try {
        return await drain();
      } finally {
        running = false;
      }
    });
    chain = run.catch(() => undefined);
    return run;
  }

  function schedule(ms: number): void {
    if (!started || stopping) return;
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = clock.setTimeout(() => void tick(), ms);
  }

  async function tick(): Promise<void> {
    timer = undefined;
    wake = false;
    try {
      await runOnce();
    } catch (error) {
      ctxBase.logger.error({ error }, 'webhook dispatcher run failed');
    }
    schedule(wake ? 0 : pollIntervalMs);
  }

  return {
    start() {
      if (started) return;
      started = true;
      stopping = false;
      schedule(0);
    },
    async stop() {
      stopping = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
      await chain;
      started = false;
      agents.destroy();
    },
    runOnce,
    notify() {
      if (!started || stopping) return;
      if (running) wake = true;
      else schedule(0);
    },
  };
}
