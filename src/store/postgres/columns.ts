/**
 * Column lists of the PostgreSQL store. Statements name their columns instead of `SELECT *`, so a
 * later migration adding a column does not break the statements other replicas (still on the
 * previous version) have prepared.
 */

/** `invoices`, in insert order. */
export const INVOICE_COLUMNS = [
  'id',
  'payment_hash',
  'payment_request',
  'amount_msat',
  'amount_eur',
  'rate',
  'rate_source',
  'rate_fetched_at',
  'description',
  'metadata',
  'status',
  'is_hold',
  'add_index',
  'settle_index',
  'amount_paid_msat',
  'idempotency_key',
  'preimage',
  'created_at',
  'expires_at',
  'settled_at',
  'closed_at',
  'node_pubkey',
] as const;

/** `payments`, in insert order. */
export const PAYMENT_COLUMNS = [
  'id',
  'direction',
  'status',
  'payment_hash',
  'payment_request',
  'amount_msat',
  'fee_msat',
  'invoice_id',
  'preimage',
  'failure_reason',
  'idempotency_key',
  'settle_index',
  'fee_limit_msat',
  'created_at',
  'updated_at',
  'completed_at',
  'node_pubkey',
] as const;

/** `webhook_endpoints`, in insert order. */
export const ENDPOINT_COLUMNS = [
  'id',
  'url',
  'secrets',
  'events',
  'allow_insecure',
  'allow_private_network',
  'is_enabled',
  'disabled_reason',
  'created_at',
  'updated_at',
] as const;

/** `webhook_deliveries`, in insert order. */
export const DELIVERY_COLUMNS = [
  'id',
  'event_id',
  'endpoint_id',
  'status',
  'attempts',
  'next_attempt_at',
  'last_status_code',
  'last_error',
  'created_at',
  'updated_at',
] as const;

/** `webhook_attempts`, in insert order. */
export const ATTEMPT_COLUMNS = ['id', 'delivery_id', 'attempt', 'status_code', 'latency_ms', 'error', 'at'] as const;

/** `nodes`, in insert order. */
export const NODE_COLUMNS = [
  'pubkey',
  'network',
  'alias',
  'bound_at',
  'anchor_add_index',
  'anchor_payment_hash',
  'updated_at',
  'name',
] as const;

/** `webhook_events`, in insert order. */
export const EVENT_COLUMNS = ['id', 'type', 'body', 'created_at'] as const;

/** `a, b, c` for a SELECT or RETURNING list. */
export const list = (columns: readonly string[]): string => columns.join(', ');

/** `INSERT INTO table (…) VALUES ($1, …) ON CONFLICT DO NOTHING RETURNING 1 AS ok`: no row back = a conflict. */
export function insertSql(
  table: string,
  columns: readonly string[],
  casts: Readonly<Record<string, string>> = {},
): string {
  const values = columns.map((c, i) => `$${i + 1}${casts[c] ?? ''}`).join(', ');
  return `INSERT INTO ${table} (${list(columns)}) VALUES (${values}) ON CONFLICT DO NOTHING RETURNING 1 AS ok`;
}

/**
 * `UPDATE table SET … WHERE id = $1 [AND status = ANY($2)] RETURNING …` for the columns in `set`
 * (column names come from the repositories' fixed maps, never from input). With nothing to set, a
 * SELECT of the row under the same condition.
 */
export function updateSql(
  table: string,
  returning: readonly string[],
  id: string,
  set: Readonly<Record<string, unknown>>,
  fromStatus: readonly string[] | undefined,
): { text: string; values: unknown[] } {
  const columns = Object.keys(set).sort();
  const values: unknown[] = [];
  const param = (value: unknown): string => `$${values.push(value)}`;
  let where = `id = ${param(id)}`;
  if (fromStatus) where += ` AND status = ANY(${param([...fromStatus])}::text[])`;
  const text =
    columns.length === 0
      ? `SELECT ${list(returning)} FROM ${table} WHERE ${where}`
      : `UPDATE ${table} SET ${columns.map((c) => `${c} = ${param(set[c])}`).join(', ')} WHERE ${where} RETURNING ${list(returning)}`;
  return { text, values };
}
