/**
 * Multi-status lists without a sort: `status = ANY(…)` lets PostgreSQL either sort every matching
 * row or walk the created_at index filtering by status (slow when the statuses are rare). One arm
 * per status, each `ORDER BY created_at DESC, id DESC LIMIT n` on the (…, status, created_at, id)
 * index, under a UNION ALL with the same order runs as a Merge Append of index scans: a page reads
 * about `limit` entries per arm whatever the history.
 *
 * Each statement is compiled once per shape (#18): Kysely spends about 0.3 ms of CPU building and
 * compiling a page query (the operation tree, the schema plugin's pass, the compiler) — more than
 * converting the page's 50 rows. A list's SQL text depends only on which filters are set, how many
 * statuses it names and the literals in `shape`; the first call of a shape compiles it with markers
 * in place of the values, and every call fills its own values into the parameters.
 *
 * A cached shape runs as a named prepared statement: each connection parses it once. PostgreSQL
 * still plans each execution with its values (a custom plan): with `LIMIT $n` a generic plan is
 * costed for a tenth of the table, far above the custom plans, so it is not chosen (at 10M
 * invoices: no generic plan in 12 executions of any list shape). The plan test checks the generic
 * plans anyway.
 */
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { StoreError } from '../../errors.js';
import { statementName } from './context.js';
import type { PostgresSchema } from './schema.js';

type Table = 'invoices' | 'payments' | 'webhook_deliveries';
// The arms select a fixed column list of one table; the page only needs created_at and id typed.
type Arm = SelectQueryBuilder<PostgresSchema, Table, { created_at: Date; id: string }>;

/** A list statement compiled for one shape: its text and, per parameter, the value it takes. */
export interface CompiledList {
  readonly sql: string;
  /** The name it is prepared under on each connection (derived from the text). */
  readonly name: string;
  /** Per parameter: a key of the values, `#s<i>` (the i-th distinct status) or `#limit`. */
  readonly slots: readonly string[];
}

/** The shapes a store has compiled (past the bound, a new shape is compiled on every call). */
export type ListCache = Map<string, CompiledList>;
const MAX_SHAPES = 512;

/** Stands for a parameter while a shape is compiled. */
class Slot {
  constructor(readonly key: string) {}
}
const slot = <T>(key: string) => new Slot(key) as unknown as T;

/**
 * Compiles the newest-first page query: `arm(undefined, values)` without a status filter, one
 * sorted arm per distinct status otherwise, `limit` rows at most. `arm` must take every value it
 * filters by from its arguments (the status and `values`), and `shape` must name anything else
 * that changes the SQL text (literals such as `is_hold = true`); a value taken from elsewhere fails
 * the compile instead of being cached.
 */
export function compileNewestFirst<S extends string, V extends Readonly<Record<string, unknown>>>(
  env: { readonly db: Kysely<PostgresSchema>; readonly lists: ListCache },
  shape: string,
  values: V,
  statuses: readonly S[] | undefined,
  arm: (status: S | undefined, values: V) => Arm,
  limit: number,
): { readonly sql: string; readonly parameters: readonly unknown[]; readonly name?: string } {
  const distinct = statuses === undefined ? undefined : [...new Set(statuses)];
  // null counts as not set (`if (query.createdAfter)` wrote no filter for it before).
  const set = Object.keys(values).filter((key) => values[key] !== undefined && values[key] !== null);
  const key = `${shape}|${set.join(',')}|${distinct === undefined ? '*' : distinct.length}`;
  let compiled = env.lists.get(key);
  let cached = true;
  if (compiled === undefined) {
    compiled = compileShape(env.db, set, distinct?.length, arm);
    cached = env.lists.size < MAX_SHAPES;
    if (cached) env.lists.set(key, compiled);
  }
  const parameters = compiled.slots.map((s) =>
    s === '#limit' ? limit : s.startsWith('#s') ? distinct![Number(s.slice(2))] : values[s],
  );
  // Past the bound, unnamed: a connection does not keep a prepared statement per uncached call.
  return cached ? { sql: compiled.sql, parameters, name: compiled.name } : { sql: compiled.sql, parameters };
}

function compileShape<S extends string, V>(
  db: Kysely<PostgresSchema>,
  set: readonly string[],
  statusCount: number | undefined,
  arm: (status: S | undefined, values: V) => Arm,
): CompiledList {
  const values = Object.fromEntries(set.map((key) => [key, slot(key)])) as V;
  const sorted = (q: Arm) => q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(slot<number>('#limit'));
  const statuses =
    statusCount === undefined ? [undefined] : Array.from({ length: statusCount }, (_, i) => slot<S>(`#s${i}`));
  let query;
  if (statuses.length === 1) query = sorted(arm(statuses[0], values));
  else {
    const wrapped = statuses.map((status, i) => db.selectFrom(sorted(arm(status, values)).as(`a${i}`)).selectAll());
    let union = wrapped[0]!;
    for (const next of wrapped.slice(1)) union = union.unionAll(next);
    query = union.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(slot<number>('#limit'));
  }
  const { sql, parameters } = query.compile();
  const slots = parameters.map((p) => {
    if (!(p instanceof Slot))
      throw new StoreError(`postgres: a list parameter did not come from the list's values: ${String(p)}`);
    return p.key;
  });
  return { sql, slots, name: statementName(sql) };
}
