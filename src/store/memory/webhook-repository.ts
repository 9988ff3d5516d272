/**
 * The memory store's webhook endpoint and outbox repositories, over a set of {@link Tables}.
 */
import { StoreConflictError, StoreError } from '../../errors.js';
import type { WebhookDeliveryQuery, WebhookEndpointRepository, WebhookOutboxRepository } from '../store.js';
import {
  compareNewestFirst,
  decodeCursor,
  isAfterCursor,
  resolveBatchLimit,
  resolvePageLimit,
  statusList,
  toPage,
} from '../paging.js';
import { copyAttempt, copyDelivery, copyEndpoint, copyEvent, definedEntries } from './copy.js';
import type { Tables } from './tables.js';

const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Creates the webhook endpoint repository over `tables`. */
export function createMemoryEndpointRepository(tables: Tables): WebhookEndpointRepository {
  const rows = tables.endpoints;
  return {
    async insert(endpoint) {
      const record = copyEndpoint(endpoint);
      if (rows.has(record.id)) throw new StoreConflictError(`webhook_endpoints: duplicate id ${record.id}`);
      rows.set(record.id, record);
    },
    async get(id) {
      const row = rows.get(id);
      return row && copyEndpoint(row);
    },
    async list() {
      return [...rows.values()]
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime() || byId(a, b))
        .map(copyEndpoint);
    },
    async update(id, patch) {
      const row = rows.get(id);
      if (!row) return undefined;
      const next = copyEndpoint({ ...row, ...definedEntries(patch) });
      rows.set(id, next);
      return copyEndpoint(next);
    },
    async remove(id) {
      return rows.delete(id);
    },
  };
}

/** Creates the webhook outbox repository over `tables`. */
export function createMemoryOutboxRepository(tables: Tables): WebhookOutboxRepository {
  const { events, deliveries, attempts } = tables;
  return {
    async enqueue(event, list) {
      // Check everything first, then write: an enqueue never leaves half of itself behind.
      const record = copyEvent(event);
      const rows = list.map(copyDelivery);
      if (events.has(record.id)) throw new StoreConflictError(`webhook_events: duplicate id ${record.id}`);
      const seen = new Set<string>();
      for (const d of rows) {
        if (deliveries.has(d.id) || seen.has(d.id))
          throw new StoreConflictError(`webhook_deliveries: duplicate id ${d.id}`);
        if (d.eventId !== record.id)
          throw new StoreError(`webhook_deliveries: delivery ${d.id} belongs to event ${d.eventId}, not ${record.id}`);
        seen.add(d.id);
      }
      events.set(record.id, record);
      for (const d of rows) deliveries.set(d.id, d);
    },
    async getEvent(id) {
      const row = events.get(id);
      return row && copyEvent(row);
    },
    async getDelivery(id) {
      const row = deliveries.get(id);
      return row && copyDelivery(row);
    },
    async listDue(now, limit) {
      const max = resolveBatchLimit(limit);
      const t = now.getTime();
      return [...deliveries.values()]
        .filter((d) => d.status === 'pending' && d.nextAttemptAt !== null && d.nextAttemptAt.getTime() <= t)
        .sort((a, b) => a.nextAttemptAt!.getTime() - b.nextAttemptAt!.getTime() || byId(a, b))
        .slice(0, max)
        .map(copyDelivery);
    },
    async listDeliveries(query: WebhookDeliveryQuery = {}) {
      const limit = resolvePageLimit(query.limit);
      const after = decodeCursor(query.cursor);
      const statuses = statusList(query.status);
      const matching = [...deliveries.values()].filter(
        (d) =>
          (query.endpointId === undefined || d.endpointId === query.endpointId) &&
          (query.eventId === undefined || d.eventId === query.eventId) &&
          (statuses === undefined || statuses.includes(d.status)) &&
          (after === undefined || isAfterCursor(d, after)),
      );
      matching.sort(compareNewestFirst);
      return toPage(matching.slice(0, limit + 1).map(copyDelivery), limit);
    },
    async updateDelivery(id, patch) {
      const row = deliveries.get(id);
      if (!row) return undefined;
      const next = copyDelivery({ ...row, ...definedEntries(patch) });
      deliveries.set(id, next);
      return copyDelivery(next);
    },
    async insertDelivery(delivery) {
      const record = copyDelivery(delivery);
      if (deliveries.has(record.id)) throw new StoreConflictError(`webhook_deliveries: duplicate id ${record.id}`);
      if (!events.has(record.eventId)) throw new StoreError(`webhook_deliveries: no event ${record.eventId}`);
      deliveries.set(record.id, record);
    },
    async recordAttempt(attempt) {
      const record = copyAttempt(attempt);
      if (attempts.has(record.id)) throw new StoreConflictError(`webhook_attempts: duplicate id ${record.id}`);
      if (!deliveries.has(record.deliveryId))
        throw new StoreError(`webhook_attempts: no delivery ${record.deliveryId}`);
      attempts.set(record.id, record);
    },
    async listAttempts(deliveryId) {
      return [...attempts.values()]
        .filter((a) => a.deliveryId === deliveryId)
        .sort((a, b) => a.at.getTime() - b.at.getTime() || a.attempt - b.attempt || byId(a, b))
        .map(copyAttempt);
    },
    async countPending() {
      let n = 0;
      for (const d of deliveries.values()) if (d.status === 'pending') n++;
      return n;
    },
  };
}
