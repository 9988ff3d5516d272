/**
 * A node's invoice history as the store knows it, and how lnkit notices that LND's history is not
 * that one any more (a node restored from seed, a regtest or Polar reset, a simulator restarted with
 * the same keys): the anchor — an invoice of the history the store has seen, the last settled one
 * once there is one — is gone, moved, or another invoice sits at its add index; or, before the store
 * has seen any invoice, LND's last add index is below the store's cursors.
 */
import { isLightningError } from '../errors.js';
import type { Clock } from '../domain/clock.js';
import type { LndClient, LndInvoice } from '../lnd/lnd-client.js';
import type { Repositories, Store } from '../store/store.js';
import type { CheckpointNames } from './checkpoint-names.js';

/** An add index and a settle index of LND. */
export interface HistoryIndices {
  readonly addIndex: bigint;
  readonly settleIndex: bigint;
}

/** What one pass over LND's invoices found. */
export interface HistoryScan {
  readonly lastAddIndex: bigint;
  readonly lastSettleIndex: bigint;
  /**
   * The anchor of this history: the settled invoice with the highest add index, or, before any
   * settlement, the last invoice that is not cancelled (LND may garbage-collect cancelled ones), or
   * the last invoice.
   */
  readonly anchor: HistoryAnchor | null;
}

/** An invoice that identifies a history: its add index and payment hash. */
export interface HistoryAnchor {
  readonly addIndex: bigint;
  readonly paymentHash: string;
}

/** A history reset, as detected. */
export interface HistoryReset {
  readonly pubkey: string;
  /** The store's cursors before the reset. */
  readonly previous: HistoryIndices;
  /** LND's indices now. */
  readonly current: HistoryIndices;
  /** Why lnkit concluded this is another history (no secrets). */
  readonly reason: string;
  readonly scan: HistoryScan;
}

/** What the history checks read and write: LND, the store, the clock of anchor updates. */
type HistoryDeps = { readonly lnd: LndClient; readonly store: Store; readonly clock: Clock };

const PAGE = 1000;

/** Pages once through LND's invoices: the last add index, the highest settle index, the anchor. */
export async function scanHistory(lnd: LndClient, signal?: AbortSignal): Promise<HistoryScan> {
  let lastAddIndex = 0n;
  let lastSettleIndex = 0n;
  let anchor: HistoryAnchor | null = null;
  let live: HistoryAnchor | null = null;
  let last: HistoryAnchor | null = null;
  let offset = 0n;
  for (;;) {
    if (signal?.aborted) break;
    const page = await lnd.listInvoices({ indexOffset: offset, maxInvoices: PAGE });
    for (const invoice of page.invoices) {
      if (invoice.addIndex > lastAddIndex) {
        lastAddIndex = invoice.addIndex;
        last = { addIndex: invoice.addIndex, paymentHash: invoice.paymentHash };
      }
      if (invoice.state !== 'CANCELED' && (live === null || invoice.addIndex > live.addIndex))
        live = { addIndex: invoice.addIndex, paymentHash: invoice.paymentHash };
      if (invoice.state !== 'SETTLED') continue;
      if (invoice.settleIndex > lastSettleIndex) lastSettleIndex = invoice.settleIndex;
      if (anchor === null || invoice.addIndex > anchor.addIndex)
        anchor = { addIndex: invoice.addIndex, paymentHash: invoice.paymentHash };
    }
    if (page.invoices.length < PAGE || page.lastIndexOffset <= offset) break;
    offset = page.lastIndexOffset;
  }
  return { lastAddIndex, lastSettleIndex, anchor: anchor ?? live ?? last };
}

/**
 * Compares LND with what the store recorded of node `pubkey`.
 * @returns the reset, or null when LND's history is the one the store knows
 */
export async function detectHistoryReset(
  deps: HistoryDeps,
  pubkey: string,
  names: CheckpointNames,
  signal?: AbortSignal,
): Promise<HistoryReset | null> {
  const { lnd, store } = deps;
  const node = await store.nodes.get(pubkey);
  const add = (await store.checkpoints.get(names.add)) ?? 0n;
  const reconciled = (await store.checkpoints.get(names.reconcile)) ?? 0n;
  const settle = (await store.checkpoints.get(names.settle)) ?? 0n;
  const previous = { addIndex: add > reconciled ? add : reconciled, settleIndex: settle };
  let reason: string | null = null;
  if (node?.anchorPaymentHash && node.anchorAddIndex !== null) {
    const anchor = { addIndex: node.anchorAddIndex, paymentHash: node.anchorPaymentHash };
    reason = await checkAnchor(deps, pubkey, anchor);
  } else {
    const last = await lnd.listInvoices({ reversed: true, maxInvoices: 1 });
    const newest = last.invoices.reduce<LndInvoice | null>(
      (max, i) => (max && max.addIndex >= i.addIndex ? max : i),
      null,
    );
    const lastAdd = newest?.addIndex ?? 0n;
    if (lastAdd < previous.addIndex)
      reason = `LND's last add index ${lastAdd} is below the store's cursor ${previous.addIndex}`;
    else if (newest !== null) await anchorIfMissing(store, pubkey, newest, new Date(deps.clock.now()));
  }
  if (reason === null) return null;
  const scan = await scanHistory(lnd, signal);
  return {
    pubkey,
    previous,
    current: { addIndex: scan.lastAddIndex, settleIndex: scan.lastSettleIndex },
    reason,
    scan,
  };
}

/**
 * Is `anchor` still where the store saw it? LND never reuses an add index within one history and
 * never deletes a settled invoice; it may delete cancelled ones (`gc-canceled-invoices-*`). So the
 * anchor moved, another invoice at its add index, no invoice at or after it, or a settled anchor gone
 * all mean another history; an unsettled anchor gone from between two invoices was collected, and
 * the anchor moves to the next invoice.
 * @returns why this is another history, or null when it is the same one
 */
async function checkAnchor(deps: HistoryDeps, pubkey: string, anchor: HistoryAnchor): Promise<string | null> {
  const { lnd, store } = deps;
  const short = `${anchor.paymentHash.slice(0, 16)}…`;
  try {
    const found = await lnd.lookupInvoice(anchor.paymentHash);
    if (found.addIndex === anchor.addIndex) return null;
    return `invoice ${short} was at add index ${anchor.addIndex} and is at ${found.addIndex} now`;
  } catch (error) {
    if (!isLightningError(error) || error.code !== 'INVOICE_NOT_FOUND') throw error;
  }
  const page = await lnd.listInvoices({ indexOffset: anchor.addIndex - 1n, maxInvoices: 1 });
  const next = page.invoices[0];
  if (next === undefined)
    return `LND no longer has invoice ${short} nor any invoice after its add index ${anchor.addIndex}`;
  if (next.addIndex === anchor.addIndex)
    return `LND has another invoice at add index ${anchor.addIndex}, where the store saw invoice ${short}`;
  if (await store.payments.getByPaymentHash(anchor.paymentHash, 'in'))
    return `LND no longer has the settled invoice ${short} (add index ${anchor.addIndex})`;
  await store.nodes.update(pubkey, {
    anchorAddIndex: next.addIndex,
    anchorPaymentHash: next.paymentHash,
    updatedAt: new Date(deps.clock.now()),
  });
  return null;
}

/**
 * Makes `invoice` the anchor of node `pubkey` when the store has none yet (no settlement recorded in
 * this history): from then on a reset is seen even if the new history grows past the store's
 * cursors before lnkit reconnects. A settled invoice with a higher add index replaces it later.
 */
export async function anchorIfMissing(
  repos: Pick<Repositories, 'nodes'>,
  pubkey: string,
  invoice: HistoryAnchor,
  now: Date,
): Promise<boolean> {
  const node = await repos.nodes.get(pubkey);
  if (!node || node.anchorPaymentHash !== null) return false;
  await repos.nodes.update(pubkey, {
    anchorAddIndex: invoice.addIndex,
    anchorPaymentHash: invoice.paymentHash,
    updatedAt: now,
  });
  return true;
}

/**
 * Moves the cursors of node `reset.pubkey` to the start of the new history and its anchor to the new
 * history's, in one transaction. The next reconcile then scans the new history from the start;
 * payment hashes recorded before the reset are skipped there, never recorded twice.
 */
export async function moveToNewHistory(
  store: Store,
  reset: HistoryReset,
  names: CheckpointNames,
  now: Date,
): Promise<void> {
  await store.transaction(async (tx) => {
    await tx.checkpoints.reset(names.add, 0n);
    await tx.checkpoints.reset(names.settle, 0n);
    await tx.checkpoints.reset(names.reconcile, 0n);
    await tx.nodes.update(reset.pubkey, {
      anchorAddIndex: reset.scan.anchor?.addIndex ?? null,
      anchorPaymentHash: reset.scan.anchor?.paymentHash ?? null,
      updatedAt: now,
    });
  });
}
