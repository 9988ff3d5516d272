/**
 * The PostgreSQL webhook outbox repository: events, deliveries, the attempt log, and `claimDue`,
 * which hands due deliveries to one of several dispatchers (`FOR UPDATE SKIP LOCKED`).
 */
import { sql as raw } from 'kysely';
import { StoreError, ValidationError } from '../../errors.js';
import type { WebhookDeliveryQuery, WebhookDeliveryRecord, WebhookOutboxRepository } from '../store.js';
import { decodeCursor, resolveBatchLimit, resolvePageLimit, statusList, toPage } from '../paging.js';
import { ATTEMPT_COLUMNS, DELIVERY_COLUMNS, EVENT_COLUMNS, insertSql, list, updateSql } from './columns.js';
import { conflict } from './errors.js';
import { compileNewestFirst } from './list-arms.js';
import { run, runCompiled, runDynamic, statement, type RepositoryEnv, type Statement } from './repository-env.js';
import { toAttempt, toDelivery, toEvent } from './rows.js';
import { bigintOf, dateOf, text } from './values.js';

type DeliveryPatch = Partial<Omit<WebhookDeliveryRecord, 'id' | 'eventId' | 'endpointId' | 'createdAt'>>;

function toSet(patch: DeliveryPatch): Record<string, unknown> {
  const set: Record<string, unknown> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.attempts !== undefined) set.attempts = patch.attempts;
  if (patch.nextAttemptAt !== undefined) set.next_attempt_at = patch.nextAttemptAt;
  if (patch.lastStatusCode !== undefined) set.last_status_code = patch.lastStatusCode;
  if (patch.lastError !== undefined) set.last_error = patch.lastError;
  if (patch.updatedAt !== undefined) set.updated_at = patch.updatedAt;
  return set;
}

const deliveryValues = (d: WebhookDeliveryRecord): unknown[] => [
  d.id,
  d.eventId,
  d.endpointId,
  d.status,
  d.attempts,
  d.nextAttemptAt,
  d.lastStatusCode,
  d.lastError,
  d.createdAt,
  d.updatedAt,
];

type OutboxStatementName =
  | 'enqueue'
  | 'undoEnqueue'
  | 'eventById'
  | 'deliveryById'
  | 'insertDelivery'
  | 'insertAttempt'
  | 'due'
  | 'claim'
  | 'attempts'
  | 'countPending';

/** The fixed statements of the outbox repository in quoted schema `s`. */
export function outboxStatements(s: string): Readonly<Record<OutboxStatementName, Statement>> {
  const deliveries = `${s}.webhook_deliveries`;
  const selectDelivery = `SELECT ${list(DELIVERY_COLUMNS)} FROM ${deliveries}`;
  const due = `status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at ASC, id ASC LIMIT $2`;
  const [, ...rest] = DELIVERY_COLUMNS;
  return {
    // The event and its deliveries in one statement (one round trip per webhook event). A conflict
    // inserts nothing of the event's deliveries; a conflicting delivery is reported by the counts.
    enqueue: statement(
      `WITH ev AS (
        INSERT INTO ${s}.webhook_events (${list(EVENT_COLUMNS)}) VALUES ($1, $2, $3, $4)
        ON CONFLICT DO NOTHING RETURNING id
      ), d AS (
        INSERT INTO ${deliveries} (${list(DELIVERY_COLUMNS)})
        SELECT x.id, ev.id, ${rest
          .slice(1)
          .map((c) => `x.${c}`)
          .join(', ')}
        FROM ev, unnest($5::text[], $6::text[], $7::text[], $8::int[], $9::timestamptz[], $10::int[], $11::text[],
          $12::timestamptz[], $13::timestamptz[])
          AS x(id, ${rest.slice(1).join(', ')})
        ON CONFLICT DO NOTHING RETURNING id
      )
      SELECT (SELECT count(*) FROM ev) AS events, (SELECT count(*) FROM d) AS deliveries,
        (SELECT coalesce(array_agg(id), '{}') FROM d) AS ids`,
    ),
    undoEnqueue: statement(
      `WITH d AS (DELETE FROM ${deliveries} WHERE id = ANY($2::text[]))
      DELETE FROM ${s}.webhook_events WHERE id = $1`,
    ),
    eventById: statement(`SELECT ${list(EVENT_COLUMNS)} FROM ${s}.webhook_events WHERE id = $1`),
    deliveryById: statement(`${selectDelivery} WHERE id = $1`),
    insertDelivery: statement(insertSql(deliveries, DELIVERY_COLUMNS)),
    insertAttempt: statement(insertSql(`${s}.webhook_attempts`, ATTEMPT_COLUMNS)),
    due: statement(`${selectDelivery} WHERE ${due}`),
    // Rows another claim holds are skipped, not waited for; a claimed row is due again at $3.
    claim: statement(
      `UPDATE ${deliveries} AS w SET next_attempt_at = $3
      FROM (SELECT id, next_attempt_at AS due_at FROM ${deliveries} WHERE ${due} FOR UPDATE SKIP LOCKED) AS c
      WHERE w.id = c.id
      RETURNING ${DELIVERY_COLUMNS.map((c) => `w.${c}`).join(', ')}, c.due_at`,
    ),
    attempts: statement(
      `SELECT ${list(ATTEMPT_COLUMNS)} FROM ${s}.webhook_attempts WHERE delivery_id = $1 ORDER BY at ASC, attempt ASC, id ASC`,
    ),
    countPending: statement(`SELECT count(*) AS n FROM ${deliveries} WHERE status = 'pending'`),
  };
}

/** Creates the outbox repository on `env`. `enqueue` is atomic (own transaction, or part of the caller's). */
export function createPostgresOutboxRepository(
  env: RepositoryEnv,
  sql: ReturnType<typeof outboxStatements>,
): WebhookOutboxRepository {
  const getDelivery = async (id: string) => {
    const [row] = await run(env, sql.deliveryById, [id]);
    return row && toDelivery(row);
  };
  return {
    async enqueue(event, deliveries) {
      const stranger = deliveries.find((d) => d.eventId !== event.id);
      if (stranger)
        throw new StoreError(
          `webhook_deliveries: delivery ${stranger.id} belongs to event ${stranger.eventId}, not ${event.id}`,
        );
      const column = <T>(pick: (d: WebhookDeliveryRecord) => T): T[] => deliveries.map(pick);
      const values = [
        event.id,
        event.type,
        event.body,
        event.createdAt,
        column((d) => d.id),
        column((d) => d.endpointId),
        column((d) => d.status),
        column((d) => d.attempts),
        column((d) => d.nextAttemptAt),
        column((d) => d.lastStatusCode),
        column((d) => d.lastError),
        column((d) => d.createdAt),
        column((d) => d.updatedAt),
      ];
      await env.ctx.atomic(async (query) => {
        const [row] = await query(sql.enqueue.text, values, sql.enqueue.name);
        if (bigintOf(row!, 'events') === 0n) throw conflict('webhook_events', 'id');
        if (bigintOf(row!, 'deliveries') !== BigInt(deliveries.length)) {
          // Inside the caller's transaction nothing rolls this statement back: undo it by hand.
          const ids = parseTextArray(text(row!, 'ids'));
          await query(sql.undoEnqueue.text, [event.id, ids], sql.undoEnqueue.name);
          throw conflict('webhook_deliveries', 'id');
        }
      });
    },
    async getEvent(id) {
      const [row] = await run(env, sql.eventById, [id]);
      return row && toEvent(row);
    },
    getDelivery,
    async listDue(now, limit) {
      return (await run(env, sql.due, [now, resolveBatchLimit(limit)])).map(toDelivery);
    },
    async claimDue(now, limit, claimUntil) {
      if (!(claimUntil instanceof Date) || !(claimUntil.getTime() > now.getTime()))
        throw new ValidationError(
          'claimUntil',
          `expected a Date after now (${now.toISOString()}), got ${String(claimUntil)}`,
        );
      const rows = await run(env, sql.claim, [now, resolveBatchLimit(limit), claimUntil]);
      return rows
        .map((row) => ({ delivery: toDelivery(row), dueAt: dateOf(row, 'due_at').getTime() }))
        .sort((a, b) => a.dueAt - b.dueAt || (a.delivery.id < b.delivery.id ? -1 : 1))
        .map((c) => c.delivery);
    },
    async listDeliveries(query: WebhookDeliveryQuery = {}) {
      const limit = resolvePageLimit(query.limit);
      const after = decodeCursor(query.cursor);
      const statuses = statusList(query.status);
      if (statuses?.length === 0) return { items: [], nextCursor: null };
      // An event has one delivery per endpoint: its index bounds the read, so the other filters are
      // written so that they cannot steer the planner to a longer walk (not indexable, one arm).
      const byEvent = query.eventId !== undefined;
      // With an event id, the statuses are one `IN (…)` filter of the event's arm: one value each.
      const values: Readonly<Record<string, string | Date | undefined>> = {
        eventId: query.eventId,
        endpointId: query.endpointId,
        afterAt: after && new Date(after.createdAtMs),
        afterId: after?.id,
        ...(byEvent && statuses ? Object.fromEntries(statuses.map((s, i) => [`in${i}`, s])) : {}),
      };
      const arm = (status: string | undefined, v: typeof values) => {
        let q = env.db.selectFrom('webhook_deliveries').select(DELIVERY_COLUMNS);
        if (v.eventId !== undefined) q = q.where('event_id', '=', v.eventId as string);
        if (v.endpointId !== undefined)
          q = byEvent
            ? q.where(raw<string>`(endpoint_id || '')`, '=', v.endpointId as string)
            : q.where('endpoint_id', '=', v.endpointId as string);
        if (status !== undefined) q = q.where('status', '=', status);
        if (byEvent && statuses)
          q = q.where(
            raw<string>`(status || '')`,
            'in',
            statuses.map((_, i) => v[`in${i}`] as string),
          );
        if (v.afterAt !== undefined && v.afterId !== undefined)
          q = q.where(({ eb, refTuple, tuple }) =>
            eb(refTuple('created_at', 'id'), '<', tuple(v.afterAt as Date, v.afterId as string)),
          );
        return q;
      };
      const compiled = compileNewestFirst(
        env,
        `deliveries|event=${byEvent}`,
        values,
        byEvent ? undefined : statuses,
        arm,
        limit + 1,
      );
      return toPage((await runCompiled(env, compiled)).map(toDelivery), limit);
    },
    async updateDelivery(id, patch) {
      const { text: sqlText, values } = updateSql(
        `${env.schema}.webhook_deliveries`,
        DELIVERY_COLUMNS,
        id,
        toSet(patch),
        undefined,
      );
      const [row] = await runDynamic(env, sqlText, values);
      return row && toDelivery(row);
    },
    async insertDelivery(delivery) {
      const rows = await run(env, sql.insertDelivery, deliveryValues(delivery));
      if (rows.length === 0) throw conflict('webhook_deliveries', 'id');
    },
    async recordAttempt(a) {
      const rows = await run(env, sql.insertAttempt, [
        a.id,
        a.deliveryId,
        a.attempt,
        a.statusCode,
        a.latencyMs,
        a.error,
        a.at,
      ]);
      if (rows.length === 0) throw conflict('webhook_attempts', 'id');
    },
    async listAttempts(deliveryId) {
      return (await run(env, sql.attempts, [deliveryId])).map(toAttempt);
    },
    async countPending() {
      const [row] = await run(env, sql.countPending, []);
      return Number(bigintOf(row!, 'n'));
    },
  };
}

/** Parses a text[] in PostgreSQL's output form (`{a,b}`; lnkit ids need no quoting, quoted ones are handled). */
function parseTextArray(value: string): string[] {
  const inner = value.slice(1, -1);
  if (inner === '') return [];
  return (inner.match(/"((?:[^"\\]|\\.)*)"|[^,]+/g) ?? []).map((item) =>
    item.startsWith('"') ? item.slice(1, -1).replace(/\\(.)/g, '$1') : item,
  );
}
