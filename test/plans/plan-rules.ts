/**
 * What a query plan may not do on a table that grows with history: read it whole, sort it, or
 * walk an index while filtering an equality the index does not lead with (a walk that gets
 * longer as the filtered-out rows pile up). Lookups by a key with a handful of rows per value
 * (an event's deliveries, a delivery's attempts, an id, a hash) may filter the rest.
 */

/** Tables that grow with every payment (the event log until retention trims its head). */
export const GROWING_TABLES = [
  'invoices',
  'payments',
  'webhook_events',
  'webhook_deliveries',
  'webhook_attempts',
  'event_log',
];
/** Columns whose values select a few rows: a plan constrained by one may filter anything else. */
const BOUNDED_KEYS = ['id', 'event_id', 'delivery_id', 'payment_hash', 'idempotency_key'];
/** Equality filters that must be served by the index (parameterized; literals are partial indexes). */
const FILTER_COLUMNS = ['status', 'direction', 'endpoint_id', 'event_id'];
/** Statements allowed to read a whole table: the row counts of `tableStats()`. */
export const FULL_WALK_MARK = 'lnkit:counts-every-row';

const growing = (name: string) => GROWING_TABLES.includes(name);

function equalityColumns(sqlText: string): string[] {
  const found = new Set<string>();
  const re = /(?:^|[\s(."])(\w+)"?\s*=\s*(\?|@\w+|\$\d+)/g;
  for (const m of sqlText.matchAll(re)) if (FILTER_COLUMNS.includes(m[1]!)) found.add(m[1]!);
  return [...found];
}

/** Problems in a SQLite `EXPLAIN QUERY PLAN` (its `detail` lines) of `sqlText`. */
export function sqlitePlanProblems(sqlText: string, details: readonly string[]): string[] {
  if (sqlText.includes(FULL_WALK_MARK)) return [];
  const problems: string[] = [];
  const constrained: string[] = [];
  let unconstrainedWalk = false;
  for (const line of details) {
    const scan = /^SCAN (\w+)(?: USING (?:COVERING )?INDEX (\w+))?/.exec(line);
    if (scan && growing(scan[1]!)) {
      if (scan[2] === undefined) problems.push(`full scan of ${scan[1]}: ${line}`);
      else unconstrainedWalk = true;
    }
    if (/USE TEMP B-TREE FOR .*ORDER BY/.test(line)) problems.push(`temporary B-tree for ORDER BY: ${line}`);
    const search = /^SEARCH (\w+) USING .*?\((.*)\)$/.exec(line);
    if (search && growing(search[1]!)) constrained.push(search[2]!);
  }
  const keys = constrained.join(' AND ');
  const isBounded = BOUNDED_KEYS.some((k) => new RegExp(`(^|[ (])${k}=`).test(keys));
  if (!isBounded) {
    for (const column of equalityColumns(sqlText)) {
      if (!new RegExp(`(^|[ (])${column}=`).test(keys))
        problems.push(
          `filter on ${column} is not served by an index (plan: ${details.join(' | ')})${unconstrainedWalk ? ' — the walk grows with history' : ''}`,
        );
    }
  }
  return problems;
}

/** Problems in a PostgreSQL `EXPLAIN` (text lines, planned with enable_seqscan/enable_sort off). */
export function postgresPlanProblems(sqlText: string, lines: readonly string[]): string[] {
  if (sqlText.includes(FULL_WALK_MARK)) return [];
  const problems: string[] = [];
  const conds: string[] = [];
  const filters: string[] = [];
  for (const line of lines) {
    const seq = /Seq Scan on (\w+)/.exec(line);
    if (seq && growing(seq[1]!)) problems.push(`full scan of ${seq[1]}: ${line.trim()}`);
    if (/^(->\s*)?(Incremental )?Sort\s+\(/.test(line.trim())) problems.push(`sort: ${line.trim()}`);
    const cond = /(?:Index Cond|Recheck Cond): (.*)$/.exec(line);
    if (cond) conds.push(cond[1]!);
    const filter = /Filter: (.*)$/.exec(line);
    if (filter) filters.push(filter[1]!);
  }
  const keys = conds.join(' AND ');
  const isBounded = BOUNDED_KEYS.some((k) => new RegExp(`\\b${k} = `).test(keys));
  if (!isBounded) {
    for (const column of equalityColumns(sqlText)) {
      const inFilter = filters.some((f) => new RegExp(`\\b${column} = `).test(f));
      if (inFilter && !new RegExp(`\\b${column} = `).test(keys))
        problems.push(
          `filter on ${column} is not served by an index (plan: ${lines.map((l) => l.trim()).join(' | ')})`,
        );
    }
  }
  return problems;
}
