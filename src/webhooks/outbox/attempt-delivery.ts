/**
 * One attempt of one delivery: sign the stored bytes, POST them, record the attempt, then mark the
 * delivery delivered, schedule its retry, or give up (and disable the endpoint on 410 or long failure).
 */
import type { Clock } from '../../domain/clock.js';
import { newId } from '../../ids.js';
import { redactText, type Logger } from '../../logger.js';
import type { Store, WebhookDeliveryRecord, WebhookEndpointRecord } from '../../store/store.js';
import { signWebhook } from '../sign-webhook.js';
import type { GroupCommit } from './group-commit.js';
import type { HttpAgents, HttpPostRequest, HttpPostResult } from './http-post.js';
import { parseRetryAfter, retryDelay } from './retry-schedule.js';

/** Reported for every attempt. */
export interface WebhookAttemptReport {
  readonly endpointId: string;
  readonly deliveryId: string;
  readonly eventType: string;
  readonly ok: boolean;
  readonly statusCode: number | null;
  readonly latencyMs: number;
}

/** Reported when an endpoint is disabled (410 Gone, or failing for `disableAfterMs`). */
export interface WebhookEndpointDisabledReport {
  readonly endpointId: string;
  readonly url: string;
  readonly reason: string;
}

/** What one attempt needs; built once by the dispatcher. */
export interface AttemptContext {
  readonly store: Store;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
  readonly retrySchedule: readonly number[];
  readonly disableAfterMs: number;
  readonly random: () => number;
  /** Random source of attempt ids; undefined is the CSPRNG. */
  readonly idRandom?: (() => number) | undefined;
  readonly agents: HttpAgents;
  readonly post: (request: HttpPostRequest) => Promise<HttpPostResult>;
  readonly userAgent: string;
  readonly onEndpointDisabled: (report: WebhookEndpointDisabledReport) => void;
  readonly onAttempt: (report: WebhookAttemptReport) => void;
  /** Commits the attempt and the delivery's new state (shared transactions). */
  readonly commit: GroupCommit;
  /** Endpoints seen in this run; updated when one is disabled. */
  readonly endpoints: Map<string, Promise<WebhookEndpointRecord | undefined>>;
  /** Last success per endpoint in this process (ms). */
  readonly lastSuccessAt: Map<string, number>;
}

/** A short single-line excerpt of a response body, scrubbed of secrets. */
function excerpt(body: string, secrets: readonly string[]): string {
  const line = body.replace(/\s+/g, ' ').trim().slice(0, 200);
  return line ? `: ${redactText(line, secrets)}` : '';
}

function describeOutcome(result: HttpPostResult, secrets: readonly string[]): string | null {
  if (result.error !== null) return redactText(result.error, secrets);
  const status = result.statusCode ?? 0;
  if (status >= 200 && status < 300) return null;
  const redirect = status >= 300 && status < 400 ? ' (redirects are not followed)' : '';
  return `HTTP ${status}${redirect}${excerpt(result.body, secrets)}`;
}

async function endpointOf(ctx: AttemptContext, id: string): Promise<WebhookEndpointRecord | undefined> {
  let found = ctx.endpoints.get(id);
  if (!found) {
    found = ctx.store.webhookEndpoints.get(id);
    ctx.endpoints.set(id, found);
  }
  return found;
}

async function disableEndpoint(ctx: AttemptContext, endpoint: WebhookEndpointRecord, reason: string): Promise<void> {
  const updated = await ctx.store.webhookEndpoints.update(endpoint.id, {
    isEnabled: false,
    disabledReason: reason,
    updatedAt: new Date(ctx.clock.now()),
  });
  ctx.endpoints.set(endpoint.id, Promise.resolve(updated));
  if (!endpoint.isEnabled) return;
  ctx.logger.warn({ endpoint_id: endpoint.id, url: redactText(endpoint.url), reason }, 'webhook endpoint disabled');
  try {
    ctx.onEndpointDisabled({ endpointId: endpoint.id, url: endpoint.url, reason });
  } catch (error) {
    ctx.logger.error({ endpoint_id: endpoint.id, error }, 'onEndpointDisabled listener threw');
  }
}

/** True when the endpoint delivered anything since `since` (ms). */
async function succeededSince(ctx: AttemptContext, endpointId: string, since: number): Promise<boolean> {
  if ((ctx.lastSuccessAt.get(endpointId) ?? -Infinity) >= since) return true;
  const page = await ctx.store.webhookOutbox.listDeliveries({ endpointId, status: 'delivered', limit: 20 });
  return page.items.some((d) => d.updatedAt.getTime() >= since);
}

async function close(
  ctx: AttemptContext,
  delivery: WebhookDeliveryRecord,
  status: 'cancelled' | 'failed',
  lastError: string,
): Promise<void> {
  await ctx.store.webhookOutbox.updateDelivery(delivery.id, {
    status,
    nextAttemptAt: null,
    lastError,
    updatedAt: new Date(ctx.clock.now()),
  });
}

/** Result of {@link attemptDelivery}: the request is done; its record commits in the background. */
export interface AttemptOutcome {
  /** Resolves once the attempt and the delivery's new state are stored (and listeners ran). */
  readonly recorded: Promise<void>;
}

/**
 * Makes one attempt of `delivery`: resolves when the HTTP exchange is over, with `recorded` for the
 * store writes (grouped with other deliveries' writes). HTTP errors are recorded, never thrown.
 */
export async function attemptDelivery(ctx: AttemptContext, delivery: WebhookDeliveryRecord): Promise<AttemptOutcome> {
  const endpoint = await endpointOf(ctx, delivery.endpointId);
  if (!endpoint) return { recorded: close(ctx, delivery, 'cancelled', 'endpoint removed') };
  if (!endpoint.isEnabled)
    return {
      recorded: close(ctx, delivery, 'cancelled', `endpoint disabled: ${endpoint.disabledReason ?? 'disabled'}`),
    };
  const event = await ctx.store.webhookOutbox.getEvent(delivery.eventId);
  if (!event) return { recorded: close(ctx, delivery, 'failed', 'event not found in the outbox') };

  const secrets = endpoint.secrets;
  const attempt = delivery.attempts + 1;
  let result: HttpPostResult;
  try {
    const url = new URL(endpoint.url);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && endpoint.allowInsecure)) {
      throw new Error(`refused ${url.protocol} URL: HTTPS only unless the endpoint sets allowInsecure`);
    }
    const body = Buffer.from(event.body, 'utf8');
    const headers = signWebhook({ id: event.id, timestamp: Math.floor(ctx.clock.now() / 1000), body, secrets });
    result = await ctx.post({
      url,
      body,
      headers: { ...headers, 'content-type': 'application/json', 'user-agent': ctx.userAgent },
      timeoutMs: ctx.timeoutMs,
      maxResponseBytes: ctx.maxResponseBytes,
      allowPrivateNetwork: endpoint.allowPrivateNetwork,
      agents: ctx.agents,
    });
  } catch (error) {
    result = {
      statusCode: null,
      headers: {},
      body: '',
      truncated: false,
      latencyMs: 0,
      error: (error as Error).message,
    };
  }
  return { recorded: record(ctx, delivery, endpoint, event, attempt, result) };
}

async function record(
  ctx: AttemptContext,
  delivery: WebhookDeliveryRecord,
  endpoint: WebhookEndpointRecord,
  event: { readonly id: string; readonly type: string },
  attempt: number,
  result: HttpPostResult,
): Promise<void> {
  const now = ctx.clock.now();
  const error = describeOutcome(result, endpoint.secrets);
  const ok = error === null;
  let patch: Parameters<Store['webhookOutbox']['updateDelivery']>[1];
  let disableReason: string | undefined;
  if (ok) {
    patch = { status: 'delivered', nextAttemptAt: null };
    ctx.lastSuccessAt.set(endpoint.id, now);
  } else if (result.statusCode === 410) {
    patch = { status: 'failed', nextAttemptAt: null };
    disableReason = 'endpoint answered 410 Gone';
  } else {
    const delay = retryDelay(ctx.retrySchedule, attempt, ctx.random);
    const retryAfter = parseRetryAfter(result.headers['retry-after'], now);
    patch =
      delay === undefined
        ? { status: 'failed', nextAttemptAt: null }
        : { nextAttemptAt: new Date(now + Math.max(delay, retryAfter ?? 0)) };
    const since = delivery.createdAt.getTime();
    if (now - since >= ctx.disableAfterMs && !(await succeededSince(ctx, endpoint.id, since))) {
      disableReason = `no successful delivery for ${Math.round((now - since) / 3_600_000)} h`;
      patch = { status: 'failed', nextAttemptAt: null };
    }
  }
  if (disableReason) {
    // Before the next delivery to this endpoint is picked up, not after the group commit.
    const disabledReason = disableReason;
    ctx.endpoints.set(endpoint.id, Promise.resolve({ ...endpoint, isEnabled: false, disabledReason }));
  }
  const at = new Date(now);
  await ctx.commit(async (tx) => {
    await tx.webhookOutbox.recordAttempt({
      id: newId('wha', now, ctx.idRandom),
      deliveryId: delivery.id,
      attempt,
      statusCode: result.statusCode,
      latencyMs: result.latencyMs,
      error,
      at,
    });
    await tx.webhookOutbox.updateDelivery(delivery.id, {
      ...patch,
      attempts: attempt,
      lastStatusCode: result.statusCode,
      lastError: error,
      updatedAt: at,
    });
  });
  if (disableReason) await disableEndpoint(ctx, endpoint, disableReason);

  const fields = {
    delivery_id: delivery.id,
    endpoint_id: endpoint.id,
    event_id: event.id,
    event_type: event.type,
    attempt,
    status_code: result.statusCode,
    duration_ms: result.latencyMs,
  };
  if (ok) ctx.logger.debug(fields, 'webhook delivered');
  else ctx.logger.warn({ ...fields, error, next_attempt_at: patch.nextAttemptAt ?? null }, 'webhook attempt failed');
  try {
    ctx.onAttempt({
      endpointId: endpoint.id,
      deliveryId: delivery.id,
      eventType: event.type,
      ok,
      statusCode: result.statusCode,
      latencyMs: result.latencyMs,
    });
  } catch (listenerError) {
    ctx.logger.error({ delivery_id: delivery.id, error: listenerError }, 'onAttempt listener threw');
  }
}
