/**
 * The SQLite webhook outbox repository: events, deliveries and the attempt log.
 */
import { sql as raw, type Insertable, type Selectable, type Updateable } from 'kysely';
import { StoreError } from '../../errors.js';
import type { WebhookDeliveryQuery, WebhookDeliveryRecord, WebhookOutboxRepository } from '../store.js';
import { decodeCursor, resolveBatchLimit, resolvePageLimit, statusList, toPage } from '../paging.js';
import { insertSql, updateSql, type SqliteContext } from './context.js';
import { maybeMs, ms, num, toAttempt, toDelivery, toEvent, msKey } from './rows.js';
import type { WebhookAttemptsTable, WebhookDeliveriesTable, WebhookEventsTable } from './schema.js';
import { unionOfArms } from './list-arms.js';

type DeliveryPatch = Partial<Omit<WebhookDeliveryRecord, 'id' | 'eventId' | 'endpointId' | 'createdAt'>>;

type DeliveryRow = Selectable<WebhookDeliveriesTable>;

/** The delivery columns, in insert order (the lists read them in this order). */
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

/**
 * A list row read as an array (values in {@link DELIVERY_COLUMNS} order) as the row object the mapper
 * reads: a fixed-shape literal, a fraction of the size of the row object better-sqlite3 makes.
 */
export const deliveryRowOf = (v: readonly unknown[]): DeliveryRow =>
  ({
    id: v[0],
    event_id: v[1],
    endpoint_id: v[2],
    status: v[3],
    attempts: v[4],
    next_attempt_at: v[5],
    last_status_code: v[6],
    last_error: v[7],
    created_at: v[8],
    updated_at: v[9],
  }) as DeliveryRow;

const INSERT_EVENT = insertSql('webhook_events', ['id', 'type', 'body', 'created_at']);
const INSERT_DELIVERY = insertSql('webhook_deliveries', DELIVERY_COLUMNS);
const INSERT_ATTEMPT = insertSql('webhook_attempts', [
  'id',
  'delivery_id',
  'attempt',
  'status_code',
  'latency_ms',
  'error',
  'at',
]);
const EVENT_BY_ID = 'SELECT * FROM webhook_events WHERE id = ?';
const DELIVERY_BY_ID = 'SELECT * FROM webhook_deliveries WHERE id = ?';
const DUE =
  "SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at ASC, id ASC LIMIT ?";
const ATTEMPTS = 'SELECT * FROM webhook_attempts WHERE delivery_id = ? ORDER BY at ASC, attempt ASC, id ASC';
const COUNT_PENDING = "SELECT count(*) AS n FROM webhook_deliveries WHERE status = 'pending'";

function toRow(d: WebhookDeliveryRecord): Insertable<WebhookDeliveriesTable> {
  return {
    id: d.id,
    event_id: d.eventId,
    endpoint_id: d.endpointId,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: maybeMs(d.nextAttemptAt),
    last_status_code: d.lastStatusCode,
    last_error: d.lastError,
    created_at: ms(d.createdAt),
    updated_at: ms(d.updatedAt),
  };
}

function toSet(patch: DeliveryPatch): Updateable<WebhookDeliveriesTable> {
  const set: Updateable<WebhookDeliveriesTable> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.attempts !== undefined) set.attempts = patch.attempts;
  if (patch.nextAttemptAt !== undefined) set.next_attempt_at = maybeMs(patch.nextAttemptAt);
  if (patch.lastStatusCode !== undefined) set.last_status_code = patch.lastStatusCode;
  if (patch.lastError !== undefined) set.last_error = patch.lastError;
  if (patch.updatedAt !== undefined) set.updated_at = ms(patch.updatedAt);
  return set;
}

/** Creates the outbox repository on `ctx`. `enqueue` is atomic (own transaction, or a savepoint). */
export function createSqliteOutboxRepository(ctx: SqliteContext): WebhookOutboxRepository {
  const { db } = ctx;
  const getDelivery = async (id: string) => {
    const row = await ctx.hold(() => ctx.statement(DELIVERY_BY_ID).get(id) as DeliveryRow | undefined);
    return row && toDelivery(row);
  };
  return {
    async enqueue(event, deliveries) {
      const stranger = deliveries.find((d) => d.eventId !== event.id);
      if (stranger)
        throw new StoreError(
          `webhook_deliveries: delivery ${stranger.id} belongs to event ${stranger.eventId}, not ${event.id}`,
        );
      const eventRow = { id: event.id, type: event.type, body: event.body, created_at: ms(event.createdAt) };
      const rows = deliveries.map(toRow);
      await ctx.atomic(() => {
        ctx.statement(INSERT_EVENT).run(eventRow);
        const insert = ctx.statement(INSERT_DELIVERY);
        for (const row of rows) insert.run(row);
      });
    },
    async getEvent(id) {
      const row = await ctx.hold(
        () => ctx.statement(EVENT_BY_ID).get(id) as Selectable<WebhookEventsTable> | undefined,
      );
      return row && toEvent(row);
    },
    getDelivery,
    async listDue(now, limit) {
      const max = resolveBatchLimit(limit);
      const rows = await ctx.hold(() => ctx.statement(DUE).all(ms(now), max) as DeliveryRow[]);
      return rows.map(toDelivery);
    },
    async listDeliveries(query: WebhookDeliveryQuery = {}) {
      const limit = resolvePageLimit(query.limit);
      const after = decodeCursor(query.cursor);
      const statuses = statusList(query.status);
      if (statuses?.length === 0) return { items: [], nextCursor: null };
      // An event has one delivery per endpoint: its index bounds the read, so the other filters are
      // written so that they cannot steer the planner to a longer walk (not indexable, one arm).
      const byEvent = query.eventId !== undefined;
      const arm = (status: string | undefined) => {
        let q = db.selectFrom('webhook_deliveries').select(DELIVERY_COLUMNS);
        if (query.eventId !== undefined) q = q.where('event_id', '=', query.eventId);
        if (query.endpointId !== undefined)
          q = byEvent
            ? q.where(raw<string>`+endpoint_id`, '=', query.endpointId)
            : q.where('endpoint_id', '=', query.endpointId);
        if (status !== undefined) q = q.where('status', '=', status);
        if (byEvent && statuses) q = q.where(raw<string>`+status`, 'in', statuses);
        if (after)
          q = q.where(({ eb, refTuple, tuple }) =>
            eb(refTuple('created_at', 'id'), '<', tuple(msKey(after.createdAtMs), after.id)),
          );
        return q;
      };
      const { sql: text, parameters } = unionOfArms(byEvent ? undefined : statuses, arm)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit + 1)
        .compile();
      const rows = await ctx.hold(() => ctx.rawStatement(text).all(...parameters) as unknown[][]);
      return toPage(
        rows.map((v) => toDelivery(deliveryRowOf(v))),
        limit,
      );
    },
    async updateDelivery(id, patch) {
      const { sql, params } = updateSql('webhook_deliveries', toSet(patch), undefined);
      const row = await ctx.hold(() => ctx.statement(sql).get({ ...params, id }) as DeliveryRow | undefined);
      return row && toDelivery(row);
    },
    async insertDelivery(delivery) {
      const row = toRow(delivery);
      await ctx.hold(() => ctx.statement(INSERT_DELIVERY).run(row));
    },
    async recordAttempt(a) {
      const row = {
        id: a.id,
        delivery_id: a.deliveryId,
        attempt: a.attempt,
        status_code: a.statusCode,
        latency_ms: a.latencyMs,
        error: a.error,
        at: ms(a.at),
      };
      await ctx.hold(() => ctx.statement(INSERT_ATTEMPT).run(row));
    },
    async listAttempts(deliveryId) {
      const rows = await ctx.hold(() => ctx.statement(ATTEMPTS).all(deliveryId) as Selectable<WebhookAttemptsTable>[]);
      return rows.map(toAttempt);
    },
    async countPending() {
      const row = await ctx.hold(() => ctx.statement(COUNT_PENDING).get() as { n: bigint });
      return num(row.n);
    },
  };
}
