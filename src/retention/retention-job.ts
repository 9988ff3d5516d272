/**
 * Retention (#18): a background role that removes what lnkit no longer needs — finished webhook
 * events with their deliveries and attempts (default: 30 days after the final delivery) and,
 * when enabled, expired or cancelled invoices that never received a payment, and the head of the
 * event log that every durable consumer has passed (default: after 1 day) — in small batches,
 * gives the space back (SQLite incremental vacuum), and refreshes the table figures reported by
 * `health()` and the metrics. Settled invoices and payments are never removed.
 *
 * Batches are sized by measurement: each is one short transaction, and the next batch's size is
 * adjusted so that a batch takes about `batchTargetMs` (20 ms), well under the 50 ms lock budget;
 * between batches the job pauses so the app's own writes (settlements) go first.
 */
import { ValidationError } from '../errors.js';
import type { ServiceContext } from '../service-context.js';
import type { PruneTarget, TableStats } from '../store/maintenance.js';

const DAY_MS = 86_400_000;
/**
 * The event log keeps at least this much, whatever `eventLogDays` says: a process's live tail (its
 * bus, polling every 100 ms) reads by its own in-memory position, not a stored cursor, so only
 * age protects the entries it has not read yet.
 */
export const EVENT_LOG_MIN_WINDOW_MS = 10 * 60_000;

/** Another kind of row retention removes (an extension point; lnkit's own targets run first). */
export interface RetentionStep {
  /** Shown in logs and metrics (`retention_removed{target}`). */
  readonly name: string;
  /**
   * Removes at most `limit` rows in one short transaction.
   * @returns how many were removed; fewer than `limit` means nothing is left for now
   */
  pruneBatch(limit: number): Promise<number>;
}

/** The `retention` option of `createLightning`. */
export interface RetentionConfig {
  /**
   * Days a webhook event whose deliveries are all finished (delivered, failed or cancelled) is kept
   * after its last delivery change, with its deliveries and attempt log. `null` keeps them forever.
   * Default is 30.
   */
  readonly webhookEventsDays?: number | null;
  /**
   * Days an expired or cancelled invoice that never received a payment is kept after it closed.
   * Default is null: kept forever (off).
   */
  readonly unpaidInvoicesDays?: number | null;
  /**
   * Days an event-log entry is kept once every durable consumer (`lightning.events.consume`) has
   * passed it; fractions allowed (`1 / 24` is an hour). Never less than 10 minutes, so that other
   * processes' live tails read every entry first. A consumer that stays behind (a stopped consumer
   * keeps its cursor) holds the log from its position on. `null` keeps the log forever. Default is 1.
   */
  readonly eventLogDays?: number | null;
  /** How often retention runs. Default is 10 minutes. */
  readonly intervalMs?: number;
  /** Target duration of one batch (its write transaction). Default is 20 ms. */
  readonly batchTargetMs?: number;
  /** Pause between two batches, so that other writers go first. Default is 10 ms. */
  readonly pauseMs?: number;
  /** Set false to keep everything and skip the periodic statistics. Default is true. */
  readonly enabled?: boolean;
}

/** What one retention run did. */
export interface RetentionRun {
  /** Rows removed per target (events, invoices, or a step's rows). */
  readonly removed: Readonly<Record<string, number>>;
  readonly batches: number;
  /** Longest batch, in ms. */
  readonly longestBatchMs: number;
  /** Pages given back to the file system (SQLite). */
  readonly reclaimedPages: number;
}

/** The retention role's handle. */
export interface RetentionJob {
  start(): void;
  stop(): Promise<void>;
  /** Runs retention now (to the end), then refreshes the table figures. */
  runOnce(): Promise<RetentionRun>;
  /** The table figures of the last run, or null before the first. */
  lastStats(): { readonly at: Date; readonly tables: readonly TableStats[] } | null;
}

const MIN_BATCH = 10;
const MAX_BATCH = 5000;
const RECLAIM_PAGES = 256;

function checkDays(name: string, value: number | null | undefined, fallback: number | null): number | null {
  if (value === undefined) return fallback;
  if (value === null) return null;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
    throw new ValidationError(
      `retention.${name}`,
      `expected a non-negative number of days or null, got ${String(value)}`,
    );
  return value;
}

/**
 * Creates the retention job. `steps` are further row kinds to prune after lnkit's own targets
 * (webhook events, unpaid invoices, the event log).
 * @throws {ValidationError} on a bad config value
 */
export function createRetentionJob(
  ctx: ServiceContext,
  config: RetentionConfig = {},
  steps: readonly RetentionStep[] = [],
): RetentionJob {
  const days: Record<PruneTarget, number | null> = {
    webhookEvents: checkDays('webhookEventsDays', config.webhookEventsDays, 30),
    unpaidInvoices: checkDays('unpaidInvoicesDays', config.unpaidInvoicesDays, null),
    eventLog: checkDays('eventLogDays', config.eventLogDays, 1),
  };
  const intervalMs = config.intervalMs ?? 600_000;
  const targetMs = config.batchTargetMs ?? 20;
  const pauseMs = config.pauseMs ?? 10;
  const enabled = config.enabled ?? true;
  let timer: ReturnType<ServiceContext['clock']['setTimeout']> | null = null;
  let running: Promise<unknown> | null = null;
  let stopped = true;
  let stats: { at: Date; tables: readonly TableStats[] } | null = null;
  const batchSize = new Map<string, number>();

  /** Ends the current pause at once (stop() does not wait for a clock that may never move again). */
  let endPause: (() => void) | null = null;
  // On the injected clock, like every lnkit timer: under a manual clock the pause is simulated time.
  const pause = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const handle = ctx.clock.setTimeout(done, pauseMs);
      function done(): void {
        ctx.clock.clearTimeout(handle);
        endPause = null;
        resolve();
      }
      endPause = done;
    });

  /** Runs `batch` until it removes fewer than asked, resizing to stay near the target duration. */
  async function drain(name: string, batch: (limit: number) => Promise<number>, run: MutableRun): Promise<void> {
    let limit = batchSize.get(name) ?? 100;
    for (;;) {
      if (stopped && run.periodic) return;
      // Measured on the injected clock: the batch size is then a function of the clock, and a
      // simulation replays it exactly (on the manual clock a batch takes 0 ms and the size grows).
      const started = ctx.clock.now();
      const removed = await batch(limit);
      const ms = ctx.clock.now() - started;
      run.batches++;
      run.longestBatchMs = Math.max(run.longestBatchMs, ms);
      run.removed[name] = (run.removed[name] ?? 0) + removed;
      const asked = limit;
      if (ms > targetMs * 1.5) limit = Math.max(MIN_BATCH, Math.floor(limit / 2));
      else if (ms < targetMs / 2) limit = Math.min(MAX_BATCH, limit * 2);
      batchSize.set(name, limit);
      if (removed < asked) return;
      await pause();
    }
  }

  interface MutableRun {
    removed: Record<string, number>;
    batches: number;
    longestBatchMs: number;
    reclaimedPages: number;
    periodic: boolean;
  }

  async function runOnce(periodic = false): Promise<RetentionRun> {
    const run: MutableRun = { removed: {}, batches: 0, longestBatchMs: 0, reclaimedPages: 0, periodic };
    const m = ctx.store.maintenance;
    if (m) {
      const now = ctx.clock.now();
      for (const target of Object.keys(days) as PruneTarget[]) {
        const keepDays = days[target];
        if (keepDays === null) continue;
        const windowMs =
          target === 'eventLog' ? Math.max(keepDays * DAY_MS, EVENT_LOG_MIN_WINDOW_MS) : keepDays * DAY_MS;
        const before = new Date(now - windowMs);
        await drain(target, (limit) => m.prune(target, before, limit), run);
      }
    }
    // Further row kinds (none in lnkit itself: the event log is a PruneTarget), same batching.
    for (const step of steps) await drain(step.name, (limit) => step.pruneBatch(limit), run);
    if (m?.reclaimSpace) {
      for (;;) {
        if (stopped && periodic) break;
        const pages = await m.reclaimSpace(RECLAIM_PAGES);
        run.reclaimedPages += pages;
        if (pages < RECLAIM_PAGES) break;
        await pause();
      }
    }
    for (const [name, n] of Object.entries(run.removed)) {
      if (n > 0) ctx.metrics.setGauge('retention_removed_last_run', n, { target: name });
    }
    const total = Object.values(run.removed).reduce((a, b) => a + b, 0);
    if (total > 0 || run.reclaimedPages > 0)
      ctx.logger.info(
        {
          removed: run.removed,
          batches: run.batches,
          longest_batch_ms: Math.round(run.longestBatchMs),
          reclaimed_pages: run.reclaimedPages,
        },
        'retention pruned old rows',
      );
    if (m) await refreshStats();
    return {
      removed: run.removed,
      batches: run.batches,
      longestBatchMs: run.longestBatchMs,
      reclaimedPages: run.reclaimedPages,
    };
  }

  async function refreshStats(): Promise<void> {
    const m = ctx.store.maintenance;
    if (!m) return;
    const tables = await m.tableStats();
    const at = new Date(ctx.clock.now());
    stats = { at, tables };
    for (const t of tables) {
      ctx.metrics.setGauge('store_rows', t.rows, { table: t.table });
      if (t.oldestAt)
        ctx.metrics.setGauge('store_oldest_row_timestamp_seconds', t.oldestAt.getTime() / 1000, { table: t.table });
    }
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    timer = ctx.clock.setTimeout(() => {
      running = runOnce(true).catch((error: unknown) => {
        ctx.logger.warn({ err: error }, 'retention run failed');
      });
      void running.finally(() => {
        running = null;
        schedule(intervalMs);
      });
    }, delayMs);
  }

  return {
    start() {
      if (!stopped || !enabled) return;
      stopped = false;
      // The first run soon after start, so health() has figures early.
      schedule(Math.min(intervalMs, 5_000));
    },
    async stop() {
      stopped = true;
      endPause?.();
      if (timer) ctx.clock.clearTimeout(timer);
      timer = null;
      await running;
    },
    runOnce: () => runOnce(false),
    lastStats: () => stats,
  };
}
