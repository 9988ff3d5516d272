/**
 * The SQLite node repository: the nodes a store is bound to.
 */
import type { Selectable } from 'kysely';
import type { NodePatch, NodeRecord, NodeRepository } from '../store.js';
import { insertSql, type SqliteContext } from './context.js';
import { maybeMs, ms, toNode } from './rows.js';
import type { NodesTable } from './schema.js';

type Row = Selectable<NodesTable>;

const NODE_COLUMNS = [
  'pubkey',
  'network',
  'alias',
  'bound_at',
  'anchor_add_index',
  'anchor_payment_hash',
  'updated_at',
  'name',
] as const;
const INSERT = insertSql('nodes', NODE_COLUMNS);
const BY_PUBKEY = 'SELECT * FROM nodes WHERE pubkey = ?';
const LIST = 'SELECT * FROM nodes ORDER BY bound_at ASC, pubkey ASC';
const ADOPT_INVOICES = 'UPDATE invoices SET node_pubkey = ? WHERE node_pubkey IS NULL';
const ADOPT_PAYMENTS = 'UPDATE payments SET node_pubkey = ? WHERE node_pubkey IS NULL';

function toRow(n: NodeRecord): Record<(typeof NODE_COLUMNS)[number], unknown> {
  return {
    pubkey: n.pubkey,
    network: n.network,
    alias: n.alias,
    bound_at: ms(n.boundAt),
    anchor_add_index: n.anchorAddIndex,
    anchor_payment_hash: n.anchorPaymentHash,
    updated_at: ms(n.updatedAt),
    name: n.name ?? null,
  };
}

function toSet(patch: NodePatch): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.network !== undefined) set.network = patch.network;
  if (patch.alias !== undefined) set.alias = patch.alias;
  if (patch.anchorAddIndex !== undefined) set.anchor_add_index = patch.anchorAddIndex;
  if (patch.anchorPaymentHash !== undefined) set.anchor_payment_hash = patch.anchorPaymentHash;
  if (patch.updatedAt !== undefined) set.updated_at = maybeMs(patch.updatedAt);
  return set;
}

/** Creates the node repository on `ctx`. `adoptRows` is atomic (own transaction, or a savepoint). */
export function createSqliteNodeRepository(ctx: SqliteContext): NodeRepository {
  return {
    async insert(node) {
      const row = toRow(node);
      await ctx.hold(() => ctx.statement(INSERT).run(row));
    },
    async get(pubkey) {
      const row = await ctx.hold(() => ctx.statement(BY_PUBKEY).get(pubkey) as Row | undefined);
      return row && toNode(row);
    },
    async list() {
      const rows = await ctx.hold(() => ctx.statement(LIST).all() as Row[]);
      return rows.map(toNode);
    },
    async update(pubkey, patch) {
      const set = toSet(patch);
      const columns = Object.keys(set).sort();
      const text =
        columns.length === 0
          ? BY_PUBKEY.replace('?', '@pubkey')
          : `UPDATE nodes SET ${columns.map((c) => `${c} = @${c}`).join(', ')} WHERE pubkey = @pubkey RETURNING *`;
      const row = await ctx.hold(() => ctx.statement(text).get({ ...set, pubkey }) as Row | undefined);
      return row && toNode(row);
    },
    async adoptRows(pubkey) {
      return ctx.atomic(() => {
        const invoices = ctx.statement(ADOPT_INVOICES).run(pubkey).changes;
        const payments = ctx.statement(ADOPT_PAYMENTS).run(pubkey).changes;
        return Number(invoices) + Number(payments);
      });
    },
  };
}
