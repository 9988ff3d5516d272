/**
 * A node's invoice history as the store knows it, and how lnkit notices that LND's history is not
 * that one any more (a node restored from seed, a regtest or Polar reset, a simulator restarted with
 * the same keys): the anchor — the last settled invoice recorded — is gone or moved, or, before any
 * settlement, LND's last add index is below the store's cursors.
 */
import { isLightningError } from '../errors.js';
import type { LndClient } from '../lnd/lnd-client.js';
import type { Store } from '../store/store.js';
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
  /** The settled invoice with the highest add index: the anchor of this history. */
  readonly anchor: { readonly addIndex: bigint; readonly paymentHash: string } | null;
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

const PAGE = 1000;

/** Pages once through LND's invoices: the last add index, the highest settle index, the anchor. */
export async function scanHistory(lnd: LndClient, signal?: AbortSignal): Promise<HistoryScan> {
  let lastAddIndex = 0n;
  let lastSettleIndex = 0n;
  let anchor: HistoryScan['anchor'] = null;
  let offset = 0n;
  for (;;) {
    if (signal?.aborted) break;
    const page = await lnd.listInvoices({ indexOffset: offset, maxInvoices: PAGE });
    for (const invoice of page.invoices) {
      if (invoice.addIndex > lastAddIndex) lastAddIndex = invoice.addIndex;
      if (invoice.state !== 'SETTLED') continue;
      if (invoice.settleIndex > lastSettleIndex) lastSettleIndex = invoice.settleIndex;
      if (anchor === null || invoice.addIndex > anchor.addIndex)
        anchor = { addIndex: invoice.addIndex, paymentHash: invoice.paymentHash };
    }
    if (page.invoices.length < PAGE || page.lastIndexOffset <= offset) break;
    offset = page.lastIndexOffset;
  }
  return { lastAddIndex, lastSettleIndex, anchor };
}

/**
 * Compares LND with what the store recorded of node `pubkey`.
 * @returns the reset, or null when LND's history is the one the store knows
 */
export async function detectHistoryReset(
  deps: { readonly lnd: LndClient; readonly store: Store },
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
    // A settled invoice is never deleted by LND: if it is gone or moved, this is another history.
    const short = `${node.anchorPaymentHash.slice(0, 16)}…`;
    try {
      const found = await lnd.lookupInvoice(node.anchorPaymentHash);
      if (found.addIndex !== node.anchorAddIndex)
        reason = `invoice ${short} was at add index ${node.anchorAddIndex} and is at ${found.addIndex} now`;
    } catch (error) {
      if (!isLightningError(error) || error.code !== 'INVOICE_NOT_FOUND') throw error;
      reason = `LND no longer has the settled invoice ${short} (add index ${node.anchorAddIndex})`;
    }
  } else {
    const last = await lnd.listInvoices({ reversed: true, maxInvoices: 1 });
    const lastAdd = last.invoices.reduce((max, i) => (i.addIndex > max ? i.addIndex : max), 0n);
    if (lastAdd < previous.addIndex)
      reason = `LND's last add index ${lastAdd} is below the store's cursor ${previous.addIndex}`;
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
