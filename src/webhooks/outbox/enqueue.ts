/**
 * Writes a webhook into the outbox, inside the caller's transaction, so it commits with the change it reports.
 */
import type { WebhookEventType } from '../../domain/events.js';
import { ValidationError } from '../../errors.js';
import { newId, type RandomSource } from '../../ids.js';
import type { Repositories, WebhookDeliveryRecord } from '../../store/store.js';

/** Input of {@link enqueueWebhookEvent}. */
export interface EnqueueWebhookInput {
  readonly type: WebhookEventType;
  /** The snake_case data, usually from `webhookData()`. bigint values are written as decimal strings. */
  readonly data: Record<string, unknown>;
  /** When the change happened: the body's `timestamp`, and when deliveries become due. */
  readonly occurredAt: Date;
  /** Random source of the new ids. Default is the CSPRNG. */
  readonly random?: RandomSource;
}

/** Serializes the body once: these exact bytes are signed and sent on every attempt. */
export function serializeWebhookBody(type: string, occurredAt: Date, data: Record<string, unknown>): string {
  return JSON.stringify({ type, timestamp: occurredAt.toISOString(), data }, (_key, value: unknown) =>
    typeof value === 'bigint' ? value.toString() : value,
  );
}

/**
 * Writes the event (with a new `msg_…` webhook-id) and one pending delivery per enabled endpoint
 * subscribed to `type`, due at `occurredAt`. Call it inside `store.transaction`, with the `tx` given.
 * @returns the event id, or null when no endpoint wants this type (nothing is written)
 * @throws {ValidationError} when `occurredAt` is not a valid Date
 * @example
 * await store.transaction(async (tx) => {
 *   await tx.invoices.update(id, { status: 'settled' }, { fromStatus: ['open'] });
 *   await enqueueWebhookEvent(tx, { type: 'invoice.settled', data: webhookData('invoice.settled', { invoice }), occurredAt });
 * });
 */
export async function enqueueWebhookEvent(tx: Repositories, input: EnqueueWebhookInput): Promise<string | null> {
  const { type, data, occurredAt, random } = input;
  if (!(occurredAt instanceof Date) || Number.isNaN(occurredAt.getTime())) {
    throw new ValidationError('occurredAt', `expected a valid Date, got ${String(occurredAt)}`);
  }
  const endpoints = (await tx.webhookEndpoints.list()).filter(
    (e) => e.isEnabled && (e.events === null || e.events.includes(type)),
  );
  if (endpoints.length === 0) return null;
  const id = newId('msg', occurredAt.getTime(), random);
  const body = serializeWebhookBody(type, occurredAt, data);
  const deliveries: WebhookDeliveryRecord[] = endpoints.map((endpoint) => ({
    id: newId('whd', occurredAt.getTime(), random),
    eventId: id,
    endpointId: endpoint.id,
    status: 'pending',
    attempts: 0,
    nextAttemptAt: occurredAt,
    lastStatusCode: null,
    lastError: null,
    createdAt: occurredAt,
    updatedAt: occurredAt,
  }));
  await tx.webhookOutbox.enqueue({ id, type, body, createdAt: occurredAt }, deliveries);
  return id;
}
