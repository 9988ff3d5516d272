/**
 * Reconciliation with ListInvoices, run on every (re)connect. Scans LND's invoices after the
 * reconcile checkpoint R (every invoice at or below R is final and recorded), records every
 * settlement not yet recorded, then moves R up to just below the oldest invoice still open.
 * This is what makes a settlement impossible to miss: the stream is the fast path, this is the net.
 *
 * It also moves the settle checkpoint S (every settlement at or below S is recorded; the stream
 * resumes after it) over the unbroken run of settle indices the pass saw settled and recorded, so
 * that a backlog caught up here is not replayed by the stream a second time. LND numbers settlements
 * 1, 2, 3, … within one history, each index naming one invoice: when every index from S + 1 to T was
 * seen settled in this pass, all of them are recorded and S may become T. A settlement the pass did
 * not see (an invoice at or below R, or one settled after its page was read) ends the run there.
 */
import type { LndInvoice, LndInvoicePage } from '../lnd/lnd-client.js';
import type { ServiceContext } from '../service-context.js';
import { announceSettlements, cursorNames, recordSettlements } from './record-settlements.js';

const PAGE = 500;

/**
 * Runs one reconcile pass. Each page's settlements are announced as soon as they are committed, so a
 * later failure in the pass (a dropped connection) cannot leave committed settlements unannounced.
 * @returns how many settlements it newly recorded
 */
export async function reconcile(ctx: ServiceContext, signal?: AbortSignal): Promise<number> {
  const names = cursorNames(ctx);
  const RECONCILE_INDEX = names.reconcile;
  // Read before the scan: whatever the pass sees settled above it is recorded by the pass.
  const settledBelow = (await ctx.store.checkpoints.get(names.settle)) ?? 0n;
  const seenSettled: bigint[] = [];
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
  // The next page is asked for before this one is recorded: LND (or the simulator) pages while the
  // store writes. A failed request is seen when its page is awaited, after this one is announced.
  let pending = listPage(ctx, offset);
  for (;;) {
    if (signal?.aborted) return recorded;
    const page = await pending;
    const settled: LndInvoice[] = [];
    for (const invoice of page.invoices) {
      if (invoice.addIndex > lastSeen) lastSeen = invoice.addIndex;
      if (invoice.state === 'SETTLED') {
        settled.push(invoice);
        if (invoice.settleIndex > settledBelow) seenSettled.push(invoice.settleIndex);
      } else if ((invoice.state === 'OPEN' || invoice.state === 'ACCEPTED') && firstOpen === null)
        firstOpen = invoice.addIndex;
    }
    const more = page.invoices.length === PAGE && page.lastIndexOffset > offset;
    if (more) {
      offset = page.lastIndexOffset;
      pending = listPage(ctx, offset);
    }
    if (settled.length > 0) {
      const committed = await recordSettlements(ctx, settled);
      announceSettlements(ctx, committed);
      recorded += committed.length;
    }
    if (!more) break;
  }
  const next = firstOpen !== null ? firstOpen - 1n : lastSeen;
  if (next > from) await ctx.store.checkpoints.advance(RECONCILE_INDEX, next);
  const settleTop = unbrokenRunTop(settledBelow, seenSettled);
  if (settleTop > settledBelow) await ctx.store.checkpoints.advance(names.settle, settleTop);
  return recorded;
}

/** One page of ListInvoices after `offset`; a rejection not awaited yet is not unhandled. */
function listPage(ctx: ServiceContext, offset: bigint): Promise<LndInvoicePage> {
  const page = ctx.lnd.listInvoices({ indexOffset: offset, maxInvoices: PAGE });
  page.catch(() => undefined);
  return page;
}

/** The highest T such that every index from `from` + 1 to T is in `indices` (`from` when none is). */
export function unbrokenRunTop(from: bigint, indices: readonly bigint[]): bigint {
  let top = from;
  for (const index of [...indices].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (index === top + 1n) top = index;
    else if (index > top + 1n) break;
  }
  return top;
}
