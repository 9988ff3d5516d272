/**
 * Migration 008 (#16): the node that sent each rebalance (a circular payment on one of several nodes).
 * Null on rows written before, and by a single-client lnkit: those are the primary node's. Never edit
 * a released migration.
 */
import type { PostgresMigration } from './types.js';

/** Adds `rebalances.node_pubkey`, in schema `s`. */
export const migration008RebalanceNodes: PostgresMigration = (s) => [
  `ALTER TABLE ${s}.rebalances ADD COLUMN node_pubkey text COLLATE "C"`,
];
