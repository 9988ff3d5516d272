/**
 * Rebalances: circular self-payments that move local balance from one channel to another. Pure.
 */

/** Lifecycle of a rebalance. A row is written `in_flight` before anything is sent. */
export type RebalanceStatus = 'in_flight' | 'succeeded' | 'failed';

/** Every rebalance status, at run time. */
export const REBALANCE_STATUSES: readonly RebalanceStatus[] = ['in_flight', 'succeeded', 'failed'];

/**
 * Why a rebalance failed:
 * - `fee_too_high`: the cheapest route costs more than the limit (nothing was sent);
 * - `no_route`: no route from the out channel back through the in peer (nothing was sent, or LND found none);
 * - `insufficient_balance`: the out channel cannot send the amount;
 * - `route_failed`: HTLCs were tried and failed on the way (a hop lacked liquidity);
 * - `timeout`, `error`: LND's failure reasons of the payment.
 */
export type RebalanceFailureReason =
  'fee_too_high' | 'no_route' | 'insufficient_balance' | 'route_failed' | 'timeout' | 'error';

/** Every failure reason, at run time. */
export const REBALANCE_FAILURE_REASONS: readonly RebalanceFailureReason[] = [
  'fee_too_high',
  'no_route',
  'insufficient_balance',
  'route_failed',
  'timeout',
  'error',
];

/** A rebalance as lnkit stores it. */
export interface Rebalance {
  /** lnkit's id, `rbl_` + 26 characters. */
  readonly id: string;
  readonly status: RebalanceStatus;
  /** The channel the payment leaves by (it loses amount + fee of local balance). */
  readonly outChanId: string;
  /** Hex pubkey of the peer the payment comes back through. */
  readonly inPeer: string;
  /** The channel the payment actually came back through (from the settled invoice's HTLCs); null until known. */
  readonly inChanId: string | null;
  /** Amount moved into the in channel. */
  readonly amountSat: bigint;
  /** Routing fee paid (0n unless succeeded). */
  readonly feeMsat: bigint;
  /** The fee limit the payment was sent with. */
  readonly maxFeeMsat: bigint;
  /** Hash of the self-invoice; null when nothing was sent. */
  readonly paymentHash: string | null;
  readonly failureReason: RebalanceFailureReason | null;
  /** A sentence saying why it failed (never a secret). */
  readonly failureMessage: string | null;
  /** True when started by the automatic mode. */
  readonly isAutomatic: boolean;
  readonly idempotencyKey: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** When it succeeded or failed. */
  readonly completedAt: Date | null;
  /**
   * Several nodes (#16): pubkey of the node the rebalance ran on. Absent with a single client and on
   * rows written before: those are the primary node's.
   */
  readonly nodePubkey?: string;
  /** Several nodes: the configured name of that node. */
  readonly nodeName?: string;
}
