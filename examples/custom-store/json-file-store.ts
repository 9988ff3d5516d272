/**
 * A third-party Store adapter written only against lnkit's public API: it keeps everything in one
 * JSON file (rewritten atomically on every commit). Fine for a demo or a tiny shop; use the SQLite
 * or PostgreSQL store in production. It imports only the published package, so it can be copied as is.
 */
import fs from 'node:fs';
import { StoreConflictError, StoreError, ValidationError, decimal } from 'lnkit';
import type {
  Payment,
  Rebalance,
  EventLogRecord,
  InvoiceRecord,
  NodeRecord,
  LeaseClaim,
  LeaseRecord,
  Page,
  Repositories,
  Store,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
  WebhookEventRecord,
} from 'lnkit';

type Row = { readonly id: string; readonly createdAt: Date };
interface State {
  invoices: Map<string, InvoiceRecord>;
  payments: Map<string, Payment>;
  checkpoints: Map<string, bigint>;
  endpoints: Map<string, WebhookEndpointRecord>;
  events: Map<string, WebhookEventRecord>;
  deliveries: Map<string, WebhookDeliveryRecord>;
  attempts: Map<string, WebhookAttemptRecord>;
  /** Keyed by pubkey. */
  nodes: Map<string, NodeRecord>;
  leases: Map<string, LeaseRecord>;
  eventLog: EventLogRecord[];
  eventCursors: Map<string, bigint>;
  rebalances: Map<string, Rebalance>;
}
type Encoded =
  [tag: 'b', value: string] | [tag: 'd', value: number] | [tag: 'n', value: string] | [tag: 'j', value: unknown];

// Every top-level field is tagged, so a bigint, a Date and a Decimal come back as themselves.
function encodeValue(v: unknown): Encoded {
  if (typeof v === 'bigint') return ['b', v.toString()];
  if (v instanceof Date) return ['d', v.getTime()];
  const d = v as { eq?: unknown; toFixed?: unknown } | null;
  if (typeof d === 'object' && d !== null && typeof d.eq === 'function' && typeof d.toFixed === 'function')
    return ['n', (v as { toFixed(): string }).toFixed()];
  return ['j', v === undefined ? null : v];
}
function decodeValue([tag, value]: Encoded): unknown {
  if (tag === 'b') return BigInt(value);
  if (tag === 'd') return new Date(value);
  if (tag === 'n') return decimal(value);
  return value;
}
const encodeRow = (row: object): Record<string, Encoded> =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, encodeValue(v)]));
const decodeRow = <T>(row: Record<string, Encoded>): T =>
  Object.fromEntries(Object.entries(row).map(([k, v]) => [k, decodeValue(v)])) as T;
/** A deep copy (what a real database gives back), through the file encoding. */
const copy = <T extends object>(row: T): T =>
  decodeRow<T>(JSON.parse(JSON.stringify(encodeRow(row))) as Record<string, Encoded>);

const TABLES = ['invoices', 'payments', 'endpoints', 'events', 'deliveries', 'attempts', 'rebalances'] as const;
function emptyState(): State {
  return {
    invoices: new Map(),
    payments: new Map(),
    checkpoints: new Map(),
    endpoints: new Map(),
    events: new Map(),
    deliveries: new Map(),
    attempts: new Map(),
    nodes: new Map(),
    leases: new Map(),
    eventLog: [],
    eventCursors: new Map(),
    rebalances: new Map(),
  };
}
function serialize(state: State): string {
  const doc: Record<string, unknown> = {
    checkpoints: Object.fromEntries([...state.checkpoints].map(([k, v]) => [k, v.toString()])),
    leases: [...state.leases.values()].map(encodeRow),
    eventLog: state.eventLog.map(encodeRow),
    eventCursors: Object.fromEntries([...state.eventCursors].map(([k, v]) => [k, v.toString()])),
  };
  for (const t of TABLES) doc[t] = [...(state[t] as Map<string, object>).values()].map(encodeRow);
  doc.nodes = [...state.nodes.values()].map(encodeRow);
  return JSON.stringify(doc);
}
function deserialize(text: string): State {
  const doc = JSON.parse(text) as Record<string, unknown>;
  const state = emptyState();
  for (const [k, v] of Object.entries((doc.checkpoints ?? {}) as Record<string, string>))
    state.checkpoints.set(k, BigInt(v));
  for (const encoded of (doc.leases ?? []) as Record<string, Encoded>[]) {
    const lease = decodeRow<LeaseRecord>(encoded);
    state.leases.set(lease.name, lease);
  }
  state.eventLog = ((doc.eventLog ?? []) as Record<string, Encoded>[]).map((e) => decodeRow<EventLogRecord>(e));
  for (const [k, v] of Object.entries((doc.eventCursors ?? {}) as Record<string, string>))
    state.eventCursors.set(k, BigInt(v));
  for (const t of TABLES) {
    for (const encoded of (doc[t] ?? []) as Record<string, Encoded>[]) {
      const row = decodeRow<{ id: string }>(encoded);
      (state[t] as Map<string, object>).set(row.id, row);
    }
  }
  for (const encoded of (doc.nodes ?? []) as Record<string, Encoded>[]) {
    const node = decodeRow<NodeRecord>(encoded);
    state.nodes.set(node.pubkey, node);
  }
  return state;
}

const newestFirst = (a: Row, b: Row) =>
  b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
const only = <S>(s: S | readonly S[] | undefined): readonly S[] | undefined =>
  s === undefined ? undefined : Array.isArray(s) ? s : [s as S];

/** Filters, sorts newest first and cuts a keyset page; the cursor is base64url JSON `[ms, id]`. */
function page<T extends Row>(
  rows: Iterable<T>,
  keep: (r: T) => boolean,
  query: { limit?: number; cursor?: string },
): Page<T> {
  const limit = query.limit ?? 50;
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new ValidationError('limit', `expected an integer from 1 to 1000, got ${limit}`);
  let after: [number, string] | undefined;
  if (query.cursor !== undefined) {
    try {
      after = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as [number, string];
    } catch {
      after = undefined;
    }
    if (!Array.isArray(after) || typeof after[0] !== 'number' || typeof after[1] !== 'string') {
      throw new ValidationError('cursor', 'expected a cursor from a previous page');
    }
  }
  const [t, id] = after ?? [Infinity, ''];
  const sorted = [...rows]
    .filter((r) => keep(r) && (!after || r.createdAt.getTime() < t || (r.createdAt.getTime() === t && r.id < id)))
    .sort(newestFirst);
  const items = sorted.slice(0, limit).map(copy);
  const last = items[items.length - 1];
  const nextCursor =
    sorted.length > limit && last
      ? Buffer.from(JSON.stringify([last.createdAt.getTime(), last.id])).toString('base64url')
      : null;
  return { items, nextCursor };
}

function patched<T extends object>(row: T, patch: object): T {
  const next: Record<string, unknown> = { ...(row as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch)) if (v !== undefined) next[k] = v;
  return copy(next as T);
}

const leaseOf = (c: LeaseClaim, acquiredAt: Date): LeaseRecord => ({
  name: c.name,
  owner: c.owner,
  pid: c.pid,
  host: c.host,
  acquiredAt,
  renewedAt: c.now,
  expiresAt: new Date(c.now.getTime() + c.ttlMs),
});
function checkTtl(ttlMs: number): void {
  if (!Number.isInteger(ttlMs) || ttlMs < 1)
    throw new ValidationError('ttlMs', `expected a positive integer, got ${ttlMs}`);
}

function repositories(s: () => State): Repositories {
  const conflict = (what: string) => new StoreConflictError(`json-file-store: duplicate ${what}`);
  const find = <T>(m: Map<string, T>, p: (r: T) => boolean) => [...m.values()].find(p);
  const got = <T extends object>(r: T | undefined) => (r === undefined ? undefined : copy(r));
  return {
    invoices: {
      async insert(i) {
        const { invoices } = s();
        if (invoices.has(i.id)) throw conflict('invoice id');
        if (find(invoices, (r) => r.paymentHash === i.paymentHash)) throw conflict('payment hash');
        if (i.idempotencyKey !== null && find(invoices, (r) => r.idempotencyKey === i.idempotencyKey))
          throw conflict('idempotency key');
        invoices.set(i.id, copy(i));
      },
      get: async (id) => got(s().invoices.get(id)),
      getByPaymentHash: async (h) => got(find(s().invoices, (r) => r.paymentHash === h)),
      getByIdempotencyKey: async (k) => got(find(s().invoices, (r) => r.idempotencyKey === k)),
      async list(q = {}) {
        const st = only(q.status);
        return page(
          s().invoices.values(),
          (r) =>
            (!st || st.includes(r.status)) &&
            (q.isHold === undefined || r.isHold === q.isHold) &&
            (!q.createdAfter || r.createdAt >= q.createdAfter) &&
            (!q.createdBefore || r.createdAt < q.createdBefore),
          q,
        );
      },
      async update(id, patch, o) {
        const row = s().invoices.get(id);
        if (!row || (o?.fromStatus && !o.fromStatus.includes(row.status))) return undefined;
        s().invoices.set(id, patched(row, patch));
        return got(s().invoices.get(id));
      },
      listExpired: async (now, limit) =>
        [...s().invoices.values()]
          .filter((r) => r.status === 'open' && r.expiresAt <= now)
          .sort((a, b) => a.expiresAt.getTime() - b.expiresAt.getTime() || (a.id < b.id ? -1 : 1))
          .slice(0, limit)
          .map(copy),
    },
    payments: {
      async insert(p) {
        const { payments } = s();
        if (payments.has(p.id)) throw conflict('payment id');
        if (find(payments, (r) => r.direction === p.direction && r.paymentHash === p.paymentHash))
          throw conflict('(direction, payment hash)');
        if (p.idempotencyKey !== null && find(payments, (r) => r.idempotencyKey === p.idempotencyKey))
          throw conflict('idempotency key');
        payments.set(p.id, copy(p));
      },
      get: async (id) => got(s().payments.get(id)),
      getByPaymentHash: async (h, d) => got(find(s().payments, (r) => r.paymentHash === h && r.direction === d)),
      getByIdempotencyKey: async (k) => got(find(s().payments, (r) => r.idempotencyKey === k)),
      async list(q = {}) {
        const st = only(q.status);
        return page(
          s().payments.values(),
          (r) => (!q.direction || r.direction === q.direction) && (!st || st.includes(r.status)),
          q,
        );
      },
      async update(id, patch, o) {
        const row = s().payments.get(id);
        if (!row || (o?.fromStatus && !o.fromStatus.includes(row.status))) return undefined;
        s().payments.set(id, patched(row, patch));
        return got(s().payments.get(id));
      },
    },
    rebalances: {
      async insert(r) {
        const { rebalances } = s();
        if (rebalances.has(r.id)) throw conflict('rebalance id');
        if (r.idempotencyKey !== null && find(rebalances, (x) => x.idempotencyKey === r.idempotencyKey))
          throw conflict('idempotency key');
        if (r.paymentHash !== null && find(rebalances, (x) => x.paymentHash === r.paymentHash))
          throw conflict('payment hash');
        rebalances.set(r.id, copy(r));
      },
      get: async (id) => got(s().rebalances.get(id)),
      getByIdempotencyKey: async (k) => got(find(s().rebalances, (r) => r.idempotencyKey === k)),
      getByPaymentHash: async (h) => got(find(s().rebalances, (r) => r.paymentHash === h)),
      async list(q = {}) {
        const st = only(q.status);
        return page(s().rebalances.values(), (r) => !st || st.includes(r.status), q);
      },
      async update(id, patch, o) {
        const row = s().rebalances.get(id);
        if (!row || (o?.fromStatus && !o.fromStatus.includes(row.status))) return undefined;
        s().rebalances.set(id, patched(row, patch));
        return got(s().rebalances.get(id));
      },
      sumFeesSince: async (since) =>
        [...s().rebalances.values()]
          .filter((r) => r.status === 'succeeded' && r.completedAt !== null && r.completedAt >= since)
          .reduce((sum, r) => sum + r.feeMsat, 0n),
    },
    checkpoints: {
      get: async (name) => s().checkpoints.get(name),
      async advance(name, value) {
        const current = s().checkpoints.get(name);
        const next = current !== undefined && current > value ? current : value;
        s().checkpoints.set(name, next);
        return next;
      },
      async reset(name, value) {
        s().checkpoints.set(name, value);
        return value;
      },
    },
    nodes: {
      async insert(n) {
        if (s().nodes.has(n.pubkey)) throw conflict('node pubkey');
        s().nodes.set(n.pubkey, copy(n));
      },
      get: async (pubkey) => got(s().nodes.get(pubkey)),
      list: async () =>
        [...s().nodes.values()]
          .sort((a, b) => a.boundAt.getTime() - b.boundAt.getTime() || (a.pubkey < b.pubkey ? -1 : 1))
          .map(copy),
      async update(pubkey, patch) {
        const row = s().nodes.get(pubkey);
        if (!row) return undefined;
        s().nodes.set(pubkey, patched(row, patch));
        return got(s().nodes.get(pubkey));
      },
      async adoptRows(pubkey) {
        let n = 0;
        for (const table of [s().invoices, s().payments] as Map<string, { nodePubkey?: string }>[])
          for (const [id, row] of table)
            if (row.nodePubkey === undefined || row.nodePubkey === null) {
              table.set(id, { ...row, nodePubkey: pubkey });
              n++;
            }
        return n;
      },
    },
    webhookEndpoints: {
      async insert(e) {
        if (s().endpoints.has(e.id)) throw conflict('endpoint id');
        s().endpoints.set(e.id, copy(e));
      },
      get: async (id) => got(s().endpoints.get(id)),
      list: async () => [...s().endpoints.values()].sort((a, b) => -newestFirst(a, b)).map(copy),
      async update(id, patch) {
        const row = s().endpoints.get(id);
        if (!row) return undefined;
        s().endpoints.set(id, patched(row, patch));
        return got(s().endpoints.get(id));
      },
      remove: async (id) => s().endpoints.delete(id),
    },
    webhookOutbox: {
      async enqueue(event, deliveries) {
        const { events, deliveries: all } = s();
        if (events.has(event.id)) throw conflict('event id');
        const ids = new Set(deliveries.map((d) => d.id));
        if (ids.size !== deliveries.length || deliveries.some((d) => all.has(d.id))) throw conflict('delivery id');
        if (deliveries.some((d) => d.eventId !== event.id))
          throw new StoreError('json-file-store: delivery of another event');
        events.set(event.id, copy(event));
        for (const d of deliveries) all.set(d.id, copy(d));
      },
      getEvent: async (id) => got(s().events.get(id)),
      getDelivery: async (id) => got(s().deliveries.get(id)),
      listDue: async (now, limit) =>
        [...s().deliveries.values()]
          .filter((d) => d.status === 'pending' && d.nextAttemptAt !== null && d.nextAttemptAt <= now)
          .sort((a, b) => a.nextAttemptAt!.getTime() - b.nextAttemptAt!.getTime() || (a.id < b.id ? -1 : 1))
          .slice(0, limit)
          .map(copy),
      async listDeliveries(q = {}) {
        const st = only(q.status);
        return page(
          s().deliveries.values(),
          (d) =>
            (!q.endpointId || d.endpointId === q.endpointId) &&
            (!q.eventId || d.eventId === q.eventId) &&
            (!st || st.includes(d.status)),
          q,
        );
      },
      async updateDelivery(id, patch) {
        const row = s().deliveries.get(id);
        if (!row) return undefined;
        s().deliveries.set(id, patched(row, patch));
        return got(s().deliveries.get(id));
      },
      async insertDelivery(d) {
        if (s().deliveries.has(d.id)) throw conflict('delivery id');
        if (!s().events.has(d.eventId)) throw new StoreError('json-file-store: unknown event');
        s().deliveries.set(d.id, copy(d));
      },
      async recordAttempt(a) {
        if (s().attempts.has(a.id)) throw conflict('attempt id');
        if (!s().deliveries.has(a.deliveryId)) throw new StoreError('json-file-store: unknown delivery');
        s().attempts.set(a.id, copy(a));
      },
      listAttempts: async (deliveryId) =>
        [...s().attempts.values()]
          .filter((a) => a.deliveryId === deliveryId)
          .sort((a, b) => a.at.getTime() - b.at.getTime() || a.attempt - b.attempt)
          .map(copy),
      countPending: async () => [...s().deliveries.values()].filter((d) => d.status === 'pending').length,
    },
    // One file, one process: the lease and the log follow the port's rules so lnkit runs on it as a leader.
    leases: {
      async tryAcquire(c) {
        checkTtl(c.ttlMs);
        const held = s().leases.get(c.name);
        if (held && held.owner !== c.owner && held.expiresAt > c.now) return copy(held);
        s().leases.set(c.name, copy(leaseOf(c, held?.owner === c.owner ? held.acquiredAt : c.now)));
        return got(s().leases.get(c.name))!;
      },
      async renew(c) {
        checkTtl(c.ttlMs);
        const held = s().leases.get(c.name);
        if (!held || held.owner !== c.owner) return undefined;
        s().leases.set(c.name, copy(leaseOf(c, held.acquiredAt)));
        return got(s().leases.get(c.name));
      },
      release: async (name, owner) => s().leases.get(name)?.owner === owner && s().leases.delete(name),
      get: async (name) => got(s().leases.get(name)),
    },
    events: {
      async append(records) {
        const log = s().eventLog;
        let seq = log.length > 0 ? log[log.length - 1]!.seq : 0n;
        return records.map((r) => {
          seq += 1n;
          log.push(copy({ ...r, seq }));
          return seq;
        });
      },
      async readAfter(after, limit) {
        if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
          throw new ValidationError('limit', `expected an integer from 1 to 10000, got ${limit}`);
        return s()
          .eventLog.filter((e) => e.seq > after)
          .slice(0, limit)
          .map(copy);
      },
      latestSeq: async () => s().eventLog[s().eventLog.length - 1]?.seq ?? 0n,
      getCursor: async (name) => s().eventCursors.get(name),
      async setCursor(name, seq) {
        s().eventCursors.set(name, seq);
      },
    },
  };
}

/**
 * Creates a Store kept in the JSON file `path`. Every call is serialized through one queue, so
 * inside `transaction(fn)` use only `tx` (calling the outer store there would wait forever).
 */
export function createJsonFileStore(path: string): Store {
  let state = fs.existsSync(path) ? deserialize(fs.readFileSync(path, 'utf8')) : emptyState();
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;
  const repos = repositories(() => state);

  async function persist(): Promise<void> {
    await fs.promises.writeFile(`${path}.tmp`, serialize(state));
    await fs.promises.rename(`${path}.tmp`, path); // atomic replace: a crash leaves the old or the new file
  }
  // One queue for everything: a transaction snapshots the state and restores it when `fn` throws.
  function serialized<T>(fn: (tx: Repositories) => Promise<T>): Promise<T> {
    if (closed) return Promise.reject(new StoreError('json-file-store: store is closed'));
    const run = async () => {
      const snapshot = serialize(state);
      try {
        const result = await fn(repos);
        await persist();
        return result;
      } catch (error) {
        state = deserialize(snapshot);
        throw error;
      }
    };
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  }
  const outer = Object.fromEntries(
    Object.entries(repos).map(([name, repo]) => [
      name,
      Object.fromEntries(
        Object.entries(repo as Record<string, (...a: unknown[]) => Promise<unknown>>).map(([m, f]) => [
          m,
          (...args: unknown[]) => serialized(() => f(...args)),
        ]),
      ),
    ]),
  ) as unknown as Repositories;

  return {
    ...outer,
    migrate: () => serialized(async () => undefined),
    transaction: (fn) => serialized(fn),
    ping: () => serialized(async () => undefined),
    async close() {
      closed = true;
      await queue;
    },
  };
}
