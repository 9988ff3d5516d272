/**
 * Migration 008 (#16): the node that sent each rebalance (a circular payment on one of several nodes).
 * Null on rows written before, and by a single-client lnkit: those are the primary node's.
 */
import { sql, type Migration } from 'kysely';

/** Adds `rebalances.node_pubkey`. */
export const migration008RebalanceNodes: Migration = {
  async up(db) {
    await sql.raw('ALTER TABLE rebalances ADD COLUMN node_pubkey TEXT').execute(db);
  },
  async down(db) {
    await sql.raw('ALTER TABLE rebalances DROP COLUMN node_pubkey').execute(db);
  },
};
