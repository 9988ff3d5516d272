/**
 * Moves open invoices past `expiresAt` to expired (`invoice.expired`). LND stays the truth: a
 * payment it settles after our expiry is still recorded by the settlement watcher.
 */
import type { ServiceContext } from '../service-context.js';
import { toInvoice } from './to-invoice.js';

/** The sweeper's handle. */
export interface ExpirySweeper {
  start(): void;
  stop(): Promise<void>;
  /** Expires what is due now; returns how many. */
  sweep(): Promise<number>;
}

/** Creates the sweeper; it runs every `intervalMs` (default 15 s) on the context's clock. */
export function createExpirySweeper(ctx: ServiceContext, intervalMs = 15_000): ExpirySweeper {
  let timer: ReturnType<ServiceContext['clock']['setTimeout']> | null = null;
  let running: Promise<number> | null = null;
  let stopped = true;

  async function sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const now = new Date(ctx.clock.now());
      const due = await ctx.store.invoices.listExpired(now, 200);
      if (due.length === 0) return total;
      for (const record of due) {
        const updated = await ctx.store.transaction(async (tx) => {
          const row = await tx.invoices.update(
            record.id,
            { status: 'expired', closedAt: now },
            { fromStatus: ['open'] },
          );
          if (row) await ctx.recordEvent(tx, 'invoice.expired', { invoice: toInvoice(row) });
          return row;
        });
        if (!updated) continue;
        total++;
        ctx.logger.info({ invoice_id: updated.id, payment_hash: updated.paymentHash }, 'invoice expired');
        ctx.bus.emit('invoice.expired', { invoice: toInvoice(updated) });
      }
      if (due.length < 200) return total;
    }
  }

  function schedule(): void {
    if (stopped) return;
    timer = ctx.clock.setTimeout(() => {
      running = sweep().catch((error: unknown) => {
        ctx.logger.warn({ err: error }, 'expiry sweep failed');
        return 0;
      });
      void running.finally(() => {
        running = null;
        schedule();
      });
    }, intervalMs);
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      if (timer) ctx.clock.clearTimeout(timer);
      timer = null;
      await running;
    },
    sweep: () => {
      const p = sweep();
      running = p;
      return p;
    },
  };
}
