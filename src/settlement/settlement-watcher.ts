/**
 * The settlement watcher: LND's invoice stream → store → events, resumable by LND's indices.
 * Supervises the stream (reconnect with backoff, reset after a healthy period), reconciles on every
 * connect, and commits settlements in batches (group commit).
 */
import { sleep } from '../domain/clock.js';
import type { LndInvoice } from '../lnd/lnd-client.js';
import type { ServiceContext } from '../service-context.js';
import { isLightningError } from '../errors.js';
import type { HistoryMonitor } from './history-monitor.js';
import { anchorIfMissing, detectHistoryReset, moveToNewHistory } from './history.js';
import { announceSettlements, cursorNames, recordSettlements } from './record-settlements.js';
import { reconcile } from './reconcile.js';

/** Tuning of the watcher. */
export interface SettlementWatcherConfig {
  /** Settlements committed per transaction at most. Default is 500. */
  readonly batchSize?: number;
  /** First reconnect delay. Default is 250 ms. */
  readonly minBackoffMs?: number;
  /** Longest reconnect delay. Default is 30 s. */
  readonly maxBackoffMs?: number;
  /** A stream up this long resets the backoff. Default is 60 s. */
  readonly healthyAfterMs?: number;
  /** Reconcile with ListInvoices this often while connected (besides every connect). Default is 5 min. */
  readonly reconcileIntervalMs?: number;
}

/** Running state of the watcher. */
export interface SettlementWatcher {
  start(): void;
  /** Stops the stream and waits for the batch in progress to commit. */
  stop(): Promise<void>;
  readonly isConnected: boolean;
  /** Seconds since the last settlement was seen unprocessed (0 when caught up). */
  lagSeconds(): number;
  /** Resolves when everything received so far is committed. */
  idle(): Promise<void>;
  /**
   * Resolves once the first connection has reconciled and opened the invoice stream, or once that
   * first attempt failed (the watcher goes on retrying): `start()` waits for it.
   */
  ready(): Promise<void>;
}

/** Creates the watcher. Internal: createLightning starts it. */
export function createSettlementWatcher(
  ctx: ServiceContext,
  config: SettlementWatcherConfig = {},
  history?: HistoryMonitor,
): SettlementWatcher {
  const batchSize = config.batchSize ?? 500;
  const minBackoff = config.minBackoffMs ?? 250;
  const maxBackoff = config.maxBackoffMs ?? 30_000;
  const healthyAfter = config.healthyAfterMs ?? 60_000;
  const reconcileInterval = config.reconcileIntervalMs ?? 300_000;
  let controller: AbortController | null = null;
  let loop: Promise<void> | null = null;
  let connected = false;
  let oldestPendingAt: number | null = null;
  let draining: Promise<void> = Promise.resolve();
  /** True from a detected history reset until a reconcile of the new history completed. */
  let healing = false;
  /** True while the store has no anchor for the node (nothing of its history seen yet): see commit(). */
  let anchorMissing = false;
  let markReady: () => void = () => undefined;
  let readyPromise = new Promise<void>((resolve) => (markReady = resolve));

  /**
   * On every connect: is LND's history still the one the store recorded? If not, say so loudly, move
   * the cursors to the new history, and let the reconcile that follows record it from the start.
   */
  async function checkHistory(signal: AbortSignal): Promise<void> {
    const pubkey = ctx.node?.pubkey() ?? null;
    if (pubkey === null) return;
    const names = cursorNames(ctx);
    const reset = await detectHistoryReset(ctx, pubkey, names, signal);
    if (!reset || signal.aborted) return;
    const event = {
      pubkey,
      previous: reset.previous,
      current: reset.current,
      reason: reset.reason,
      at: new Date(ctx.clock.now()),
    };
    ctx.logger.error(
      {
        pubkey,
        previous_add_index: reset.previous.addIndex.toString(),
        previous_settle_index: reset.previous.settleIndex.toString(),
        current_add_index: reset.current.addIndex.toString(),
        current_settle_index: reset.current.settleIndex.toString(),
        reason: reset.reason,
      },
      "LND's invoice history is not the one the store recorded (node restored or reset?): moving the cursors to the new history and reconciling it from the start",
    );
    await moveToNewHistory(ctx.store, reset, names, event.at);
    healing = true;
    history?.onReset(event);
    ctx.bus.emit('lnd.history_reset', event);
  }

  function setConnected(next: boolean, reason?: string): void {
    if (next === connected) return;
    connected = next;
    const at = new Date(ctx.clock.now());
    if (next) ctx.bus.emit('lnd.connected', { at });
    else {
      ctx.metrics.increment('lnd_connection_errors');
      ctx.bus.emit('lnd.disconnected', { at, ...(reason ? { reason } : {}) });
    }
  }

  /**
   * The add index of a batch of OPEN events is written at once, one statement per batch (a batch with
   * a settlement carries it in its own transaction). Coalescing it over batches was tried for speed,
   * but a lagging add cursor weakens the detection of a node's history reset before any settlement
   * (LND's last add index compared with the cursor): the simulation found settlements missed. The
   * first OPEN invoice of a history the store has no anchor for becomes the anchor, in the same
   * transaction as the cursor: a reset after it is seen however far the new history grows.
   */
  async function commit(items: LndInvoice[]): Promise<void> {
    for (let i = 0; i < items.length; i += batchSize) {
      const batch = items.slice(i, i + batchSize);
      if (!batch.some((item) => item.state === 'SETTLED')) {
        const newest = batch.reduce<LndInvoice | null>(
          (max, item) => (max && max.addIndex >= item.addIndex ? max : item),
          null,
        );
        if (!newest || newest.addIndex === 0n) continue;
        const add = cursorNames(ctx).add;
        const pubkey = ctx.node?.pubkey() ?? null;
        if (anchorMissing && pubkey !== null) {
          const now = new Date(ctx.clock.now());
          await ctx.store.transaction(async (tx) => {
            await tx.checkpoints.advance(add, newest.addIndex);
            await anchorIfMissing(tx, pubkey, newest, now);
          });
          anchorMissing = false;
        } else await ctx.store.checkpoints.advance(add, newest.addIndex);
        continue;
      }
      const recorded = await recordSettlements(ctx, batch, { fromStream: true });
      if (recorded.length > 0) anchorMissing = false;
      announceSettlements(ctx, recorded);
    }
  }

  /**
   * Reconciles again once the stream is open (a settlement between the first pass and the
   * subscription is caught by one or the other), then every `reconcileInterval` as a safety net.
   */
  async function reconcileWhileOpen(signal: AbortSignal): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    while (!signal.aborted) {
      try {
        await reconcile(ctx, signal);
      } catch (error) {
        if (signal.aborted) return;
        ctx.logger.warn({ err: error }, 'reconcile failed; the stream goes on');
      }
      await sleep(ctx.clock, reconcileInterval, signal).catch(() => undefined);
    }
  }

  async function consume(signal: AbortSignal): Promise<void> {
    await checkHistory(signal);
    const pubkey = ctx.node?.pubkey() ?? null;
    anchorMissing = pubkey !== null && !(await ctx.store.nodes.get(pubkey))?.anchorPaymentHash;
    await reconcile(ctx, signal);
    if (signal.aborted) return;
    if (healing) {
      healing = false;
      history?.onHealed();
      ctx.logger.info({ pubkey: ctx.node?.pubkey() ?? null }, 'the new LND history was reconciled from the start');
    }
    const names = cursorNames(ctx);
    const addIndex = (await ctx.store.checkpoints.get(names.add)) ?? 0n;
    const settleIndex = (await ctx.store.checkpoints.get(names.settle)) ?? 0n;
    setConnected(true);
    const buffer: LndInvoice[] = [];
    let failure: unknown = null;
    let worker: Promise<void> | null = null;
    const inner = new AbortController();
    const onAbort = (): void => inner.abort(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) inner.abort(signal.reason); // aborted before we listened: the event is gone
    const drain = async (): Promise<void> => {
      while (buffer.length > 0 && failure === null) {
        const batch = buffer.splice(0, batchSize);
        try {
          await commit(batch);
        } catch (error) {
          // Nothing of this batch was committed: drop the stream and start over from the checkpoints.
          failure = error;
          inner.abort(error);
        }
      }
      oldestPendingAt = null;
      worker = null;
    };
    let background: Promise<void> = Promise.resolve();
    try {
      const stream = ctx.lnd.subscribeInvoices({ addIndex, settleIndex, signal: inner.signal });
      // Started now, it runs after the loop below has opened the stream.
      background = reconcileWhileOpen(inner.signal);
      // The loop's first next() opens the call; `start()` resolves after it.
      setImmediate(markReady);
      for await (const invoice of stream) {
        if (invoice.state !== 'SETTLED' && invoice.state !== 'OPEN') continue;
        buffer.push(invoice);
        oldestPendingAt ??= ctx.clock.now();
        worker ??= drain();
        draining = worker;
        if (buffer.length >= batchSize * 4) await worker;
        if (failure !== null) break;
      }
      if (worker) await worker;
    } catch (error) {
      if (failure === null) throw error;
    } finally {
      signal.removeEventListener('abort', onAbort);
      inner.abort();
      if (worker) await worker;
      await background;
    }
    if (failure !== null) throw failure;
  }

  async function supervise(signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      const startedAt = ctx.clock.now();
      let reason = 'stream ended';
      try {
        await consume(signal);
      } catch (error) {
        if (signal.aborted) break;
        reason = error instanceof Error ? error.message : String(error);
        // The store refusing a write, or belonging to another node, is not a network blip.
        const isStore =
          isLightningError(error) && (error.code === 'STORE_ERROR' || error.code === 'STORE_NODE_MISMATCH');
        if (isStore)
          ctx.logger.error({ err: error }, 'settlements cannot be recorded; nothing was announced, retrying');
        else ctx.logger.warn({ err: error }, 'invoice stream failed; reconnecting');
      }
      markReady();
      if (signal.aborted) break;
      setConnected(false, reason);
      if (ctx.clock.now() - startedAt >= healthyAfter) attempt = 0;
      const ceiling = Math.min(maxBackoff, minBackoff * 2 ** attempt);
      attempt = Math.min(attempt + 1, 20);
      await sleep(ctx.clock, ceiling / 2 + (ctx.random ?? Math.random)() * (ceiling / 2), signal).catch(
        () => undefined,
      );
    }
  }

  return {
    start() {
      if (loop) return;
      readyPromise = new Promise<void>((resolve) => (markReady = resolve));
      controller = new AbortController();
      loop = supervise(controller.signal);
    },
    async stop() {
      controller?.abort(new Error('stopped'));
      markReady();
      await loop;
      loop = null;
      controller = null;
      connected = false;
    },
    get isConnected() {
      return connected;
    },
    lagSeconds: () => (oldestPendingAt === null ? 0 : (ctx.clock.now() - oldestPendingAt) / 1000),
    idle: () => draining,
    ready: () => readyPromise,
  };
}
