/**
 * The PostgreSQL node repository: the nodes a store is bound to.
 */
import type { NodePatch, NodeRepository } from '../store.js';
import { NODE_COLUMNS, insertSql, list } from './columns.js';
import { conflict } from './errors.js';
import { run, runDynamic, statement, type RepositoryEnv, type Statement } from './repository-env.js';
import { toNode } from './rows.js';

function toSet(patch: NodePatch): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  if (patch.name !== undefined) set.name = patch.name;
  if (patch.network !== undefined) set.network = patch.network;
  if (patch.alias !== undefined) set.alias = patch.alias;
  if (patch.anchorAddIndex !== undefined) set.anchor_add_index = patch.anchorAddIndex;
  if (patch.anchorPaymentHash !== undefined) set.anchor_payment_hash = patch.anchorPaymentHash;
  if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
  return set;
}

type NodeStatementName = 'insert' | 'byPubkey' | 'all' | 'adoptInvoices' | 'adoptPayments';

/** The fixed statements of the node repository in quoted schema `s`. */
export function nodeStatements(s: string): Readonly<Record<NodeStatementName, Statement>> {
  const select = `SELECT ${list(NODE_COLUMNS)} FROM ${s}.nodes`;
  return {
    insert: statement(insertSql(`${s}.nodes`, NODE_COLUMNS)),
    byPubkey: statement(`${select} WHERE pubkey = $1`),
    all: statement(`${select} ORDER BY bound_at ASC, pubkey ASC`),
    adoptInvoices: statement(`UPDATE ${s}.invoices SET node_pubkey = $1 WHERE node_pubkey IS NULL RETURNING 1 AS ok`),
    adoptPayments: statement(`UPDATE ${s}.payments SET node_pubkey = $1 WHERE node_pubkey IS NULL RETURNING 1 AS ok`),
  };
}

/** Creates the node repository on `env`. `adoptRows` is atomic (own transaction, or a savepoint). */
export function createPostgresNodeRepository(
  env: RepositoryEnv,
  sql: ReturnType<typeof nodeStatements>,
): NodeRepository {
  return {
    async insert(n) {
      const rows = await run(env, sql.insert, [
        n.pubkey,
        n.network,
        n.alias,
        n.boundAt,
        n.anchorAddIndex,
        n.anchorPaymentHash,
        n.updatedAt,
        n.name ?? null,
      ]);
      if (rows.length === 0) throw conflict('nodes', 'pubkey');
    },
    async get(pubkey) {
      const [row] = await run(env, sql.byPubkey, [pubkey]);
      return row && toNode(row);
    },
    async list() {
      return (await run(env, sql.all, [])).map(toNode);
    },
    async update(pubkey, patch) {
      const set = toSet(patch);
      const columns = Object.keys(set).sort();
      const values: unknown[] = [pubkey];
      const text =
        columns.length === 0
          ? `SELECT ${list(NODE_COLUMNS)} FROM ${env.schema}.nodes WHERE pubkey = $1`
          : `UPDATE ${env.schema}.nodes SET ${columns.map((c) => `${c} = $${values.push(set[c])}`).join(', ')} WHERE pubkey = $1 RETURNING ${list(NODE_COLUMNS)}`;
      const [row] = await runDynamic(env, text, values);
      return row && toNode(row);
    },
    async adoptRows(pubkey) {
      return env.ctx.atomic(async (query) => {
        const invoices = await query(sql.adoptInvoices.text, [pubkey], sql.adoptInvoices.name);
        const payments = await query(sql.adoptPayments.text, [pubkey], sql.adoptPayments.name);
        return invoices.length + payments.length;
      });
    },
  };
}
