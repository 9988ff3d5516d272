/**
 * Names of the LND cursors kept in `store.checkpoints`. They are per node (`lnd.<pubkey>.…`), so a
 * store can later follow several nodes; a store that does not know its node yet (or a service test
 * without a binding) uses the unprefixed names of lnkit before #10, which binding moves over.
 */

/** The three cursors of one node. */
export interface CheckpointNames {
  /** LND's add_index, advanced by the stream (OPEN items, in order). */
  readonly add: string;
  /** LND's settle_index, advanced by the stream (SETTLED items, in order). */
  readonly settle: string;
  /** Every invoice at or below this add_index is final and recorded (reconcile starts after it). */
  readonly reconcile: string;
}

/** The names lnkit used before stores knew their node. */
export const LEGACY_CHECKPOINTS: CheckpointNames = Object.freeze({
  add: 'lnd.add_index',
  settle: 'lnd.settle_index',
  reconcile: 'lnd.reconcile_add_index',
});

/** The cursors of node `pubkey`; the legacy names when the node is not known yet (null). */
export function checkpointNames(pubkey: string | null): CheckpointNames {
  if (pubkey === null) return LEGACY_CHECKPOINTS;
  return {
    add: `lnd.${pubkey}.add_index`,
    settle: `lnd.${pubkey}.settle_index`,
    reconcile: `lnd.${pubkey}.reconcile_add_index`,
  };
}
