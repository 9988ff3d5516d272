/**
 * `lightning.webhooks`: endpoint management, the delivery log, redelivery and secret rotation.
 */
import { systemClock, type Clock } from '../../domain/clock.js';
import { WEBHOOK_EVENT_TYPES, type WebhookEventType } from '../../domain/events.js';
import { ValidationError, WebhookNotFoundError } from '../../errors.js';
import { newId, type RandomSource } from '../../ids.js';
import type {
  Page,
  Store,
  WebhookAttemptRecord,
  WebhookDeliveryQuery,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
} from '../../store/store.js';
import { generateWebhookSecret } from '../webhook-secret.js';
import { validateEndpointInput, validateSecret, type WebhookEndpointInput } from './validate-endpoint.js';

export type { WebhookEndpointInput } from './validate-endpoint.js';

/** An endpoint as the API shows it: never its secrets. */
export type WebhookEndpoint = Omit<WebhookEndpointRecord, 'secrets'> & {
  /** How many secrets sign each delivery (2 during a rotation). */
  readonly secretCount: number;
};

/** Returned once by `addEndpoint`: the endpoint and its signing secret, to give to the receiver. */
export type CreatedWebhookEndpoint = WebhookEndpoint & { readonly secret: string };

/** A delivery with its event type and its attempt log. */
export type WebhookDelivery = WebhookDeliveryRecord & {
  readonly eventType: string | null;
  readonly attemptLog: readonly WebhookAttemptRecord[];
};

/** Input of `rotateSecret`. */
export interface RotateWebhookSecretInput {
  /** The new secret; default is a generated one. */
  readonly secret?: string;
  /** Keep signing with the previous secret too, so receivers can switch at their pace. Default is true. */
  readonly keepOld?: boolean;
}

/** `lightning.webhooks`. */
export interface WebhooksApi {
  /** Adds an endpoint; returns it with its secret (generated when not given), shown only here. @throws {ValidationError} */
  addEndpoint(input: WebhookEndpointInput): Promise<CreatedWebhookEndpoint>;
  /** Removes an endpoint; its pending deliveries are cancelled, its log kept. @throws {WebhookNotFoundError} */
  removeEndpoint(id: string): Promise<void>;
  /** All endpoints, oldest first, without secrets. */
  listEndpoints(): Promise<readonly WebhookEndpoint[]>;
  /** Re-enables a disabled endpoint. @throws {WebhookNotFoundError} */
  enableEndpoint(id: string): Promise<WebhookEndpoint>;
  /** The delivery log, newest first, each with its attempts. */
  deliveries(filter?: WebhookDeliveryQuery): Promise<Page<WebhookDelivery>>;
  /** Queues the same event again for the same endpoint: same webhook-id, same bytes, due now. @throws {WebhookNotFoundError} */
  redeliver(deliveryId: string): Promise<WebhookDelivery>;
  /** New signing secret; the previous one keeps signing too unless `keepOld` is false. @throws {WebhookNotFoundError} {ValidationError} */
  rotateSecret(endpointId: string, input?: RotateWebhookSecretInput): Promise<{ readonly secret: string }>;
  /** Drops all but the newest secret (ends a rotation). @throws {WebhookNotFoundError} */
  removeOldSecrets(endpointId: string): Promise<WebhookEndpoint>;
  /** Upserts configured endpoints by URL (secrets required). Endpoints added at runtime are kept. */
  syncConfiguredEndpoints(endpoints: readonly WebhookEndpointInput[]): Promise<void>;
}

/** Options of {@link createWebhookService}. */
export interface WebhookServiceConfig {
  readonly store: Store;
  readonly clock?: Clock;
  /** Random source of new ids. Default is the CSPRNG. */
  readonly random?: RandomSource;
  /** Woken when a redelivery is queued. */
  readonly dispatcher?: { notify(): void };
}

/** Hides the secrets of a record. */
export function publicEndpoint(record: WebhookEndpointRecord): WebhookEndpoint {
  const { secrets, ...rest } = record;
  return { ...rest, secretCount: secrets.length };
}

/**
 * Creates the webhooks API over `config.store`.
 * @example const webhooks = createWebhookService({ store }); const { secret } = await webhooks.addEndpoint({ url });
 */
export function createWebhookService(config: WebhookServiceConfig): WebhooksApi {
  const { store } = config;
  const clock = config.clock ?? systemClock;
  const now = (): Date => new Date(clock.now());

  async function endpointOrThrow(id: string): Promise<WebhookEndpointRecord> {
    const found = typeof id === 'string' ? await store.webhookEndpoints.get(id) : undefined;
    if (!found) throw new WebhookNotFoundError(`no webhook endpoint ${JSON.stringify(String(id))}`);
    return found;
  }

  async function withAttempts(delivery: WebhookDeliveryRecord): Promise<WebhookDelivery> {
    const [event, attemptLog] = await Promise.all([
      store.webhookOutbox.getEvent(delivery.eventId),
      store.webhookOutbox.listAttempts(delivery.id),
    ]);
    return { ...delivery, eventType: event?.type ?? null, attemptLog };
  }

  async function update(
    id: string,
    patch: Parameters<Store['webhookEndpoints']['update']>[1],
  ): Promise<WebhookEndpointRecord> {
    const updated = await store.webhookEndpoints.update(id, { ...patch, updatedAt: now() });
    if (!updated) throw new WebhookNotFoundError(`no webhook endpoint ${JSON.stringify(id)}`);
    return updated;
  }

  const api: WebhooksApi = {
    async addEndpoint(input) {
      const valid = validateEndpointInput(input, { requireSecret: false });
      const secrets = valid.secrets ?? [generateWebhookSecret()];
      const at = now();
      const record: WebhookEndpointRecord = {
        id: newId('whe', at.getTime(), config.random),
        ...valid,
        secrets,
        isEnabled: true,
        disabledReason: null,
        createdAt: at,
        updatedAt: at,
      };
      await store.webhookEndpoints.insert(record);
      return { ...publicEndpoint(record), secret: secrets[0]! };
    },

    async removeEndpoint(id) {
      await endpointOrThrow(id);
      await store.transaction(async (tx) => {
        for (;;) {
          const page = await tx.webhookOutbox.listDeliveries({ endpointId: id, status: 'pending', limit: 1000 });
          for (const d of page.items)
            await tx.webhookOutbox.updateDelivery(d.id, {
              status: 'cancelled',
              nextAttemptAt: null,
              lastError: 'endpoint removed',
              updatedAt: now(),
            });
          if (page.items.length === 0 || page.nextCursor === null) break;
        }
        await tx.webhookEndpoints.remove(id);
      });
    },

    async listEndpoints() {
      return (await store.webhookEndpoints.list()).map(publicEndpoint);
    },

    async enableEndpoint(id) {
      await endpointOrThrow(id);
      return publicEndpoint(await update(id, { isEnabled: true, disabledReason: null }));
    },

    async deliveries(filter = {}) {
      const page = await store.webhookOutbox.listDeliveries(filter);
      return { items: await Promise.all(page.items.map(withAttempts)), nextCursor: page.nextCursor };
    },

    async redeliver(deliveryId) {
      const original = typeof deliveryId === 'string' ? await store.webhookOutbox.getDelivery(deliveryId) : undefined;
      if (!original) throw new WebhookNotFoundError(`no webhook delivery ${JSON.stringify(String(deliveryId))}`);
      await endpointOrThrow(original.endpointId);
      const at = now();
      const delivery: WebhookDeliveryRecord = {
        id: newId('whd', at.getTime(), config.random),
        eventId: original.eventId,
        endpointId: original.endpointId,
        status: 'pending',
        attempts: 0,
        nextAttemptAt: at,
        lastStatusCode: null,
        lastError: null,
        createdAt: at,
        updatedAt: at,
      };
      await store.webhookOutbox.insertDelivery(delivery);
      config.dispatcher?.notify();
      return withAttempts(delivery);
    },

    async rotateSecret(endpointId, input = {}) {
      const endpoint = await endpointOrThrow(endpointId);
      const secret = input.secret === undefined ? generateWebhookSecret() : validateSecret(input.secret, 'secret');
      if (endpoint.secrets.includes(secret))
        throw new ValidationError('secret', 'expected a new secret, got one the endpoint already uses');
      // At most two: the new one and the one receivers have today.
      const secrets = input.keepOld === false ? [secret] : [secret, endpoint.secrets[0]!];
      await update(endpointId, { secrets });
      return { secret };
    },

    async removeOldSecrets(endpointId) {
      const endpoint = await endpointOrThrow(endpointId);
      return publicEndpoint(await update(endpointId, { secrets: endpoint.secrets.slice(0, 1) }));
    },

    async syncConfiguredEndpoints(endpoints) {
      const valid = validateConfiguredEndpoints(endpoints);
      const existing = await store.webhookEndpoints.list();
      for (const e of valid) {
        const found = existing.find((x) => x.url === e.url);
        if (found)
          await update(found.id, {
            secrets: e.secrets!,
            events: e.events,
            allowInsecure: e.allowInsecure,
            allowPrivateNetwork: e.allowPrivateNetwork,
          });
        else {
          const at = now();
          await store.webhookEndpoints.insert({
            id: newId('whe', at.getTime(), config.random),
            ...e,
            secrets: e.secrets!,
            isEnabled: true,
            disabledReason: null,
            createdAt: at,
            updatedAt: at,
          });
        }
      }
    },
  };
  return api;
}

/**
 * Checks the `webhooks.endpoints` option: each endpoint valid, with a secret, each URL once.
 * @throws {ValidationError}
 */
export function validateConfiguredEndpoints(
  endpoints: readonly WebhookEndpointInput[],
): ReturnType<typeof validateEndpointInput>[] {
  if (!Array.isArray(endpoints))
    throw new ValidationError('webhooks.endpoints', `expected an array, got ${typeof endpoints}`);
  const valid = endpoints.map((e, i) =>
    validateEndpointInput(e, { requireSecret: true, field: `webhooks.endpoints[${i}]` }),
  );
  const urls = new Set<string>();
  for (const [i, e] of valid.entries()) {
    if (urls.has(e.url))
      throw new ValidationError(`webhooks.endpoints[${i}].url`, `expected each URL once, got ${e.url} twice`);
    urls.add(e.url);
  }
  return valid;
}

/** Every webhook event type, for validation and docs. */
export const webhookEventTypes: readonly WebhookEventType[] = WEBHOOK_EVENT_TYPES;
