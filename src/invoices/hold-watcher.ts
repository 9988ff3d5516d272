/**
 * Watches held (HODL) invoices: one SubscribeSingleInvoice per invoice, resubscribed with backoff
 * until it reaches a final state. ACCEPTED → `invoice.accepted`; SETTLED → recorded like any
 * settlement (idempotent with the settlement watcher); CANCELED → `invoice.cancelled`. While an
 * invoice is accepted, the block height is polled and the invoice is cancelled before its earliest
 * HTLC comes within `safetyMarginBlocks` of expiry (LND itself force-cancels only 18 blocks before).
 */
import { sleep } from '../domain/clock.js';
import type { LndInvoice } from '../lnd/lnd-client.js';
import type { ServiceContext } from '../service-context.js';
import { announceSettlements, recordSettlements } from '../settlement/record-settlements.js';
import { toInvoice } from './to-invoice.js';

/** Tuning of the hold watcher. */
export interface HoldWatcherConfig {
  /** Cancel an accepted invoice this many blocks before its earliest HTLC expires. Default is 30 (LND's own margin is 18). */
  readonly safetyMarginBlocks?: number;
  /** How often the block height is checked (GetInfo) while an invoice is accepted. Default is 30 s. */
  readonly checkIntervalMs?: number;
  /** First resubscribe delay. Default is 250 ms. */
  readonly minBackoffMs?: number;
  /** Longest resubscribe delay. Default is 30 s. */
  readonly maxBackoffMs?: number;
}

/** The running watcher. */
export interface HoldWatcher {
  /** Starts watching `paymentHash` (no-op when already watched). */
  watch(paymentHash: string): void;
  /** Watches every open or accepted hold invoice in the store, and starts the height check. */
  watchAll(): Promise<void>;
  /** Runs one safety-margin check now; returns how many invoices it cancelled. */
  checkExpiry(): Promise<number>;
  /** Number of invoices being watched. */
  readonly size: number;
  /** Stops every subscription and the height check. */
  stop(): Promise<void>;
}

interface Watch {
  readonly controller: AbortController;
  loop: Promise<void> | null;
  /** Earliest expiry height of the accepted HTLCs while LND reports ACCEPTED; null otherwise. */
  acceptedExpiry: number | null;
}

/** Earliest expiry height of the HTLCs LND holds, or null when it holds none. */
export function earliestHtlcExpiry(invoice: LndInvoice): number | null {
  let min: number | null = null;
  for (const htlc of invoice.htlcs)
    if (htlc.state === 'ACCEPTED' && (min === null || htlc.expiryHeight < min)) min = htlc.expiryHeight;
  return min;
}

/** Creates the watcher. Internal: the hold invoice service owns it. */
export function createHoldWatcher(ctx: ServiceContext, config: HoldWatcherConfig = {}): HoldWatcher {
  const margin = config.safetyMarginBlocks ?? 30;
  const interval = config.checkIntervalMs ?? 30_000;
  const minBackoff = config.minBackoffMs ?? 250;
  const maxBackoff = config.maxBackoffMs ?? 30_000;
  const watches = new Map<string, Watch>();
  let timer: ReturnType<ServiceContext['clock']['setTimeout']> | null = null;
  let checking: Promise<number> | null = null;
  let stopped = false;

  async function markAccepted(invoice: LndInvoice): Promise<void> {
    const record = await ctx.store.invoices.getByPaymentHash(invoice.paymentHash);
    if (!record) return;
    const updated = await ctx.store.transaction(async (tx) => {
      const row = await tx.invoices.update(record.id, { status: 'accepted' }, { fromStatus: ['open'] });
      if (row) await ctx.recordEvent(tx, 'invoice.accepted', { invoice: toInvoice(row) });
      return row;
    });
    if (!updated) return;
    ctx.logger.info(
      {
        invoice_id: updated.id,
        payment_hash: updated.paymentHash,
        amount_sat: (invoice.amountPaidMsat / 1000n).toString(),
      },
      'hold invoice accepted',
    );
    ctx.bus.emit('invoice.accepted', { invoice: toInvoice(updated) });
  }

  /** Moves the local row to cancelled (if still open or accepted) and announces it. */
  async function markCancelled(paymentHash: string, why: string): Promise<void> {
    const record = await ctx.store.invoices.getByPaymentHash(paymentHash);
    if (!record) return;
    const now = new Date(ctx.clock.now());
    const updated = await ctx.store.transaction(async (tx) => {
      const row = await tx.invoices.update(
        record.id,
        { status: 'cancelled', closedAt: now },
        { fromStatus: ['open', 'accepted'] },
      );
      if (row) await ctx.recordEvent(tx, 'invoice.cancelled', { invoice: toInvoice(row) });
      return row;
    });
    if (!updated) return;
    ctx.logger.info({ invoice_id: updated.id, payment_hash: paymentHash, reason: why }, 'hold invoice cancelled');
    ctx.bus.emit('invoice.cancelled', { invoice: toInvoice(updated) });
  }

  /** Handles one update; returns true when the invoice reached a final state. */
  async function handle(watch: Watch, invoice: LndInvoice): Promise<boolean> {
    switch (invoice.state) {
      case 'ACCEPTED':
        watch.acceptedExpiry = earliestHtlcExpiry(invoice);
        await markAccepted(invoice);
        void runCheck();
        return false;
      case 'SETTLED':
        watch.acceptedExpiry = null;
        announceSettlements(ctx, await recordSettlements(ctx, [invoice]));
        return true;
      case 'CANCELED':
        watch.acceptedExpiry = null;
        await markCancelled(invoice.paymentHash, 'cancelled in LND');
        return true;
      default:
        watch.acceptedExpiry = null;
        return false;
    }
  }

  async function follow(paymentHash: string, watch: Watch): Promise<void> {
    const { signal } = watch.controller;
    let attempt = 0;
    while (!signal.aborted) {
      try {
        for await (const invoice of ctx.lnd.subscribeSingleInvoice({ paymentHash, signal })) {
          attempt = 0;
          if (await handle(watch, invoice)) return;
        }
      } catch (error) {
        if (signal.aborted) return;
        ctx.logger.warn({ payment_hash: paymentHash, err: error }, 'hold invoice subscription failed; resubscribing');
      }
      if (signal.aborted) return;
      const delay = Math.min(maxBackoff, minBackoff * 2 ** attempt);
      attempt = Math.min(attempt + 1, 20);
      await sleep(ctx.clock, delay, signal).catch(() => undefined);
    }
  }

  function watch(paymentHash: string): void {
    if (stopped || watches.has(paymentHash)) return;
    const entry: Watch = { controller: new AbortController(), loop: null, acceptedExpiry: null };
    watches.set(paymentHash, entry);
    entry.loop = follow(paymentHash, entry)
      .catch((error: unknown) =>
        ctx.logger.error({ payment_hash: paymentHash, err: error }, 'hold invoice watcher stopped on an error'),
      )
      .finally(() => {
        if (watches.get(paymentHash) === entry) watches.delete(paymentHash);
      });
    if (timer === null) schedule();
  }

  async function checkExpiry(): Promise<number> {
    const due = [...watches.entries()].filter(([, w]) => w.acceptedExpiry !== null);
    if (due.length === 0) return 0;
    const { blockHeight } = await ctx.lnd.getInfo();
    let cancelled = 0;
    for (const [paymentHash, w] of due) {
      const expiry = w.acceptedExpiry;
      if (expiry === null || blockHeight < expiry - margin) continue;
      ctx.logger.warn(
        {
          payment_hash: paymentHash,
          block_height: blockHeight,
          htlc_expiry_height: expiry,
          safety_margin_blocks: margin,
        },
        'held HTLC is near expiry; cancelling the hold invoice',
      );
      try {
        await ctx.lnd.cancelInvoice(paymentHash);
        w.acceptedExpiry = null;
        await markCancelled(paymentHash, 'htlc near expiry');
        cancelled++;
      } catch (error) {
        // e.g. settled a moment ago: the subscription reports the real outcome.
        ctx.logger.warn({ payment_hash: paymentHash, err: error }, 'could not cancel the hold invoice near expiry');
      }
    }
    return cancelled;
  }

  function runCheck(): Promise<number> {
    checking ??= checkExpiry()
      .catch((error: unknown) => {
        ctx.logger.warn({ err: error }, 'hold invoice expiry check failed');
        return 0;
      })
      .finally(() => {
        checking = null;
      });
    return checking;
  }

  /** The height check runs only while something is watched; `watch()` restarts it. */
  function schedule(): void {
    if (stopped || watches.size === 0) return;
    timer = ctx.clock.setTimeout(() => {
      void runCheck().finally(() => {
        timer = null;
        schedule();
      });
    }, interval);
  }

  return {
    watch,
    async watchAll() {
      stopped = false;
      let cursor: string | undefined;
      do {
        const page = await ctx.store.invoices.list({
          isHold: true,
          status: ['open', 'accepted'],
          limit: 500,
          ...(cursor ? { cursor } : {}),
        });
        for (const record of page.items) if (ctx.owns?.(record.nodePubkey) ?? true) watch(record.paymentHash);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
    },
    checkExpiry: runCheck,
    get size() {
      return watches.size;
    },
    async stop() {
      stopped = true;
      if (timer !== null) ctx.clock.clearTimeout(timer);
      timer = null;
      const loops = [...watches.values()].map((w) => {
        w.controller.abort(new Error('stopped'));
        return w.loop;
      });
      await Promise.allSettled([...loops, checking]);
      watches.clear();
    },
  };
}
