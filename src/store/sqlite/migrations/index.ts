/**
 * The SQLite store's migrations, in order. Names sort lexicographically, so keep the
 * zero-padded prefix. To evolve the schema (e.g. `003_rebalances`), add a file and one entry
 * here; never edit or reorder a released migration.
 */
import { Migrator, type Migration, type MigratorProps } from 'kysely';
import { migration001Core } from './001-core.js';
import { migration002Webhooks } from './002-webhooks.js';
import { migration003Nodes } from './003-nodes.js';
import { migration004LeasesEvents } from './004-leases-events.js';
import { migration006Rebalances } from './006-rebalances.js';
import { migration005Indexes } from './005-indexes.js';
import { migration007NodeNames } from './007-node-names.js';
import { migration008RebalanceNodes } from './008-rebalance-nodes.js';

/** Every migration by name, applied in name order by `store.migrate()`. */
export const sqliteMigrations: Readonly<Record<string, Migration>> = Object.freeze({
  '001_core': migration001Core,
  '002_webhooks': migration002Webhooks,
  '003_nodes': migration003Nodes,
  '004_leases_events': migration004LeasesEvents,
  '006_rebalances': migration006Rebalances,
  '005_indexes': migration005Indexes,
  '007_node_names': migration007NodeNames,
  '008_rebalance_nodes': migration008RebalanceNodes,
});

/** The table Kysely's Migrator records applied migrations in. */
export const MIGRATION_TABLE = 'lnkit_migration';
/** The Migrator's lock table. */
export const MIGRATION_LOCK_TABLE = 'lnkit_migration_lock';

/**
 * The Migrator of lnkit's SQLite migrations on `db` (a store's connection, or a scratch database).
 * Names are ordered by code point, as Kysely orders the available ones: Kysely's default for applied
 * migrations of one timestamp is `localeCompare`, whose first call loads ICU's collator (~50 ms of
 * every `start()`); the names are ASCII (`001_core`), so the order is the same. Migrations are
 * numbered per feature (003–007) and may land in any order.
 */
export function createSqliteMigrator(db: MigratorProps['db']): Migrator {
  return new Migrator({
    db,
    provider: { getMigrations: async () => ({ ...sqliteMigrations }) },
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: MIGRATION_LOCK_TABLE,
    nameComparator: (a, b) => (a < b ? -1 : a > b ? 1 : 0),
    allowUnorderedMigrations: true,
  });
}
