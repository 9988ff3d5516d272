/**
 * The SQLite webhook outbox repository: events, deliveries and the attempt log.
 */
import { sql, type Insertable, type Updateable } from 'kysely';
import { StoreError } from '../../errors.js';
import type { WebhookDeliveryQuery, WebhookDeliveryRecord, WebhookOutboxRepository } from '../store.js';
import { decodeCursor, resolveBatchLimit, resolvePageLimit, statusList, toPage } from '../paging.js';
import type { SqliteContext } from './context.js';
import { maybeMs, ms, num, toAttempt, toDelivery, toEvent, msKey } from './rows.js';
import type { WebhookDeliveriesTable } from './schema.js';

type DeliveryPatch = Partial<Omit<WebhookDeliveryRecord, 'id' | 'eventId' | 'endpointId' | 'createdAt'>>;

/** Rows per multi-row INSERT, well under SQLite's bound-parameter limit. */
const INSERT_CHUNK = 200;

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
    const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst();
    return row && toDelivery(row);
  };
  return {
    async enqueue(event, deliveries) {
      const stranger = deliveries.find((d) => d.eventId !== event.id);
      if (stranger) throw new StoreError(`webhook_deliveries: delivery ${stranger.id} belongs to event ${stranger.eventId}, not ${event.id}`);
      await ctx.atomic(async (conn) => {
        await conn.insertInto('webhook_events').values({ id: event.id, type: event.type, body: event.body, created_at: ms(event.createdAt) }).execute();
        for (let i = 0; i < deliveries.length; i += INSERT_CHUNK) {
          await conn.insertInto('webhook_deliveries').values(deliveries.slice(i, i + INSERT_CHUNK).map(toRow)).execute();
        }
      });
    },
    async getEvent(id) {
      const row = await db.selectFrom('webhook_events').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toEvent(row);
    },
    getDelivery,
    async listDue(now, limit) {
      const rows = await db
        .selectFrom('webhook_deliveries')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', msKey(now))
        .orderBy('next_attempt_at', 'asc')
        .orderBy('id', 'asc')
        .limit(resolveBatchLimit(limit))
        .execute();
      return rows.map(toDelivery);
    },
    async listDeliveries(query: WebhookDeliveryQuery = {}) {
      const limit = resolvePageLimit(query.limit);
      const after = decodeCursor(query.cursor);
      const statuses = statusList(query.status);
      if (statuses?.length === 0) return { items: [], nextCursor: null };
      let q = db.selectFrom('webhook_deliveries').selectAll();
      if (query.endpointId !== undefined) q = q.where('endpoint_id', '=', query.endpointId);
      if (query.eventId !== undefined) q = q.where('event_id', '=', query.eventId);
      if (statuses) q = q.where('status', 'in', statuses);
      if (after) q = q.where(({ eb, refTuple, tuple }) => eb(refTuple('created_at', 'id'), '<', tuple(msKey(after.createdAtMs), after.id)));
      const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(limit + 1).execute();
      return toPage(rows.map(toDelivery), limit);
    },
    async updateDelivery(id, patch) {
      const set = toSet(patch);
      if (Object.keys(set).length === 0) return getDelivery(id);
      const row = await db.updateTable('webhook_deliveries').set(set).where('id', '=', id).returningAll().executeTakeFirst();
      return row && toDelivery(row);
    },
    async insertDelivery(delivery) {
      await db.insertInto('webhook_deliveries').values(toRow(delivery)).execute();
    },
    async recordAttempt(a) {
      await db
        .insertInto('webhook_attempts')
        .values({ id: a.id, delivery_id: a.deliveryId, attempt: a.attempt, status_code: a.statusCode, latency_ms: a.latencyMs, error: a.error, at: ms(a.at) })
        .execute();
    },
    async listAttempts(deliveryId) {
      const rows = await db
        .selectFrom('webhook_attempts')
        .selectAll()
        .where('delivery_id', '=', deliveryId)
        .orderBy('at', 'asc')
        .orderBy('attempt', 'asc')
        .orderBy('id', 'asc')
        .execute();
      return rows.map(toAttempt);
    },
    async countPending() {
      const row = await db.selectFrom('webhook_deliveries').select(sql<bigint>`count(*)`.as('n')).where('status', '=', 'pending').executeTakeFirstOrThrow();
      return num(row.n);
    },
  };
}
