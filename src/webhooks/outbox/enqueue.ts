/**
 * Writes a webhook into the outbox, inside the caller's transaction, so it commits with the change it reports.
 */
import { nodeCrypto } from '../node-crypto.js';
import type { LightningEvents, WebhookEventType } from '../../domain/events.js';
import { ValidationError } from '../../errors.js';
import { newId, type RandomSource } from '../../ids.js';
import type { Repositories, WebhookDeliveryRecord, WebhookEndpointRecord } from '../../store/store.js';

/** Input of {@link enqueueWebhookEvent}. */
export interface EnqueueWebhookInput {
  readonly type: WebhookEventType;
  /** The snake_case data, usually from `webhookData()`. bigint values are written as decimal strings. */
  readonly data: Record<string, unknown>;
  /** When the change happened: the body's `timestamp`, and when deliveries become due. */
  readonly occurredAt: Date;
  /** Random source of the new ids. Default is the CSPRNG. */
  readonly random?: RandomSource;
  /**
   * The `webhook-id`, from {@link webhookEventId} for a fact about one payment. When an event with this
   * id is already in the outbox, nothing is written (a replay). Default is a new random `msg_…` id.
   */
  readonly id?: string;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** RFC 4648 base32, lower case, no padding. */
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out;
}

/**
 * The deterministic `webhook-id` of a fact about one payment: `msg_` + base32(sha256(
 * `<node pubkey>:<payment hash>:<event type>`)), 32 characters of it (160 bits). Two stores on one
 * node, a replayed reconcile or a healed history reset give the same fact the same id, so a receiver
 * that deduplicates on `webhook-id` counts each payment once. `payment.failed` can happen once per
 * attempt of an outgoing payment (a retry after a failure), so its attempt (`updatedAt`) is part of it.
 * Undefined for an event about no payment (the caller then uses a random id).
 */
export function webhookEventId<K extends WebhookEventType>(
  nodePubkey: string,
  type: K,
  payload: LightningEvents[K],
): string | undefined {
  const p = payload as { invoice?: { paymentHash: string } | null; payment?: { paymentHash: string; updatedAt: Date } };
  const hash = p.payment?.paymentHash ?? p.invoice?.paymentHash;
  // Not about one payment (a rebalance, an endpoint): no natural key, a fresh random id.
  if (!hash) return undefined;
  const attempt = type === 'payment.failed' && p.payment ? `:${p.payment.updatedAt.getTime()}` : '';
  const digest = nodeCrypto().createHash('sha256').update(`${nodePubkey}:${hash}:${type}${attempt}`, 'utf8').digest();
  return `msg_${base32(digest).slice(0, 32)}`;
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
  const { type, occurredAt } = input;
  if (input.id !== undefined && (typeof input.id !== 'string' || !/^msg_[0-9a-z]{1,64}$/.test(input.id)))
    throw new ValidationError('id', `expected msg_ and up to 64 lower-case letters or digits, got ${String(input.id)}`);
  if (!(occurredAt instanceof Date) || Number.isNaN(occurredAt.getTime())) {
    throw new ValidationError('occurredAt', `expected a valid Date, got ${String(occurredAt)}`);
  }
  const endpoints = subscribedEndpoints(await tx.webhookEndpoints.list(), type);
  return writeWebhookEvent(tx, endpoints, { ...input, data: () => input.data });
}

/** The enabled endpoints of `all` subscribed to `type`. */
export function subscribedEndpoints(
  all: readonly WebhookEndpointRecord[],
  type: WebhookEventType,
): readonly WebhookEndpointRecord[] {
  return all.filter((e) => e.isEnabled && (e.events === null || e.events.includes(type)));
}

/**
 * The write of {@link enqueueWebhookEvent} for endpoints already selected (checked input): the event
 * and one delivery per endpoint; nothing, and `data` never built, when there is no endpoint.
 * Internal: lnkit's event recorder lists the endpoints once per transaction.
 */
export async function writeWebhookEvent(
  tx: Repositories,
  endpoints: readonly WebhookEndpointRecord[],
  input: Omit<EnqueueWebhookInput, 'data'> & { readonly data: () => Record<string, unknown> },
): Promise<string | null> {
  const { type, occurredAt, random } = input;
  if (endpoints.length === 0) return null;
  // The same fact again (a replay, a healed history reset): it is in the outbox already.
  if (input.id !== undefined && (await tx.webhookOutbox.getEvent(input.id))) return input.id;
  const id = input.id ?? newId('msg', occurredAt.getTime(), random);
  const body = serializeWebhookBody(type, occurredAt, input.data());
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
