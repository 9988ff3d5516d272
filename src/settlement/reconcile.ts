/**
 * Reconciliation with ListInvoices, run on every (re)connect. Scans LND's invoices after the
 * reconcile checkpoint R (every invoice at or below R is final and recorded), records every
 * settlement not yet recorded, then moves R up to just below the oldest invoice still open.
 * This is what makes a settlement impossible to miss: the stream is the fast path, this is the net.
 */
import type { LndInvoice } from '../lnd/lnd-client.js';
import type { ServiceContext } from '../service-context.js';
import { announceSettlements, cursorNames, recordSettlements } from './record-settlements.js';

const PAGE = 500;

/**
 * Runs one reconcile pass. Each page's settlements are announced as soon as they are committed, so a
 * later failure in the pass (a dropped connection) cannot leave committed settlements unannounced.
 * @returns how many settlements it newly recorded
 */
export async function reconcile(ctx: ServiceContext, signal?: AbortSignal): Promise<number> {
  const RECONCILE_INDEX = cursorNames(ctx).reconcile;
  let from = await ctx.store.checkpoints.get(RECONCILE_INDEX);
  if (from === undefined) {
    // Cold start on a node with history: what was settled before lnkit existed is not ours.
    // LND first, then the store: an invoice lnkit creates in between is either above `last`, or in
    // the store, and then the scan starts just below the oldest invoice lnkit knows.
    const last = await ctx.lnd.listInvoices({ reversed: true, maxInvoices: 1 });
    from = last.lastIndexOffset;
    let cursor: string | undefined;
    do {
      const page = await ctx.store.invoices.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const invoice of page.items)
        if (invoice.addIndex > 0n && invoice.addIndex - 1n < from) from = invoice.addIndex - 1n;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    await ctx.store.checkpoints.advance(RECONCILE_INDEX, from);
  }
  let recorded = 0;
  let offset = from;
  let firstOpen: bigint | null = null;
  let lastSeen = from;
  for (;;) {
    if (signal?.aborted) return recorded;
    const page = await ctx.lnd.listInvoices({ indexOffset: offset, maxInvoices: PAGE });
    const settled: LndInvoice[] = [];
    for (const invoice of page.invoices) {
      if (invoice.addIndex > lastSeen) lastSeen = invoice.addIndex;
      if (invoice.state === 'SETTLED') settled.push(invoice);
      else if ((invoice.state === 'OPEN' || invoice.state === 'ACCEPTED') && firstOpen === null)
        firstOpen = invoice.addIndex;
    }
    if (settled.length > 0) {
      const committed = await recordSettlements(ctx, settled);
      announceSettlements(ctx, committed);
      recorded += committed.length;
    }
    if (page.invoices.length < PAGE || page.lastIndexOffset <= offset) break;
    offset = page.lastIndexOffset;
  }
  const next = firstOpen !== null ? firstOpen - 1n : lastSeen;
  if (next > from) await ctx.store.checkpoints.advance(RECONCILE_INDEX, next);
  return recorded;
}
