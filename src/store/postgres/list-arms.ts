/**
 * Multi-status lists without a sort: `status = ANY(…)` lets PostgreSQL either sort every matching
 * row or walk the created_at index filtering by status (slow when the statuses are rare). One arm
 * per status, each `ORDER BY created_at DESC, id DESC LIMIT n` on the (…, status, created_at, id)
 * index, under a UNION ALL with the same order runs as a Merge Append of index scans: a page reads
 * about `limit` entries per arm whatever the history.
 */
import type { Kysely, SelectQueryBuilder } from 'kysely';
import type { PostgresSchema } from './schema.js';

type Table = 'invoices' | 'payments' | 'webhook_deliveries';
// The arms select a fixed column list of one table; the page only needs created_at and id typed.
type Arm = SelectQueryBuilder<PostgresSchema, Table, { created_at: Date; id: string }>;

/**
 * Compiles the newest-first page query: `arm(undefined)` without a status filter, one sorted arm
 * per distinct status otherwise, `limit` rows at most.
 */
export function compileNewestFirst<S extends string>(
  db: Kysely<PostgresSchema>,
  statuses: readonly S[] | undefined,
  arm: (status: S | undefined) => Arm,
  limit: number,
): { readonly sql: string; readonly parameters: readonly unknown[] } {
  const sorted = (q: Arm) => q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit);
  const distinct = statuses === undefined ? [undefined] : [...new Set(statuses)];
  if (distinct.length === 1) return sorted(arm(distinct[0])).compile();
  const wrapped = distinct.map((status, i) => db.selectFrom(sorted(arm(status)).as(`a${i}`)).selectAll());
  let union = wrapped[0]!;
  for (const next of wrapped.slice(1)) union = union.unionAll(next);
  return union.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit).compile();
}
