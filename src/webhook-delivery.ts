/**
 * Part of the composition root: the webhook dispatcher and `lightning.webhooks`, wired to the bus,
 * the metrics and the lifecycle guard.
 */
import { WEBHOOK_EVENT_TYPES } from './domain/events.js';
import type { ServiceContext } from './service-context.js';
import { createWebhookDispatcher, type WebhookDispatcherConfig } from './webhooks/outbox/dispatcher.js';
import { createWebhookService, type WebhooksApi } from './webhooks/outbox/webhook-service.js';

/** The dispatcher with start-once semantics, and the public API. */
export interface WebhookDelivery {
  readonly api: WebhooksApi;
  /** The service without the lifecycle guard, for `start()` itself. */
  readonly service: WebhooksApi;
  /** Starts the dispatcher unless it runs. */
  start(): void;
  /** Stops it if it runs. */
  stop(): Promise<void>;
}

/** Creates the delivery side of webhooks for one lightning instance. */
export function createWebhookDelivery(
  ctx: ServiceContext,
  options: {
    /** False: outbox rows are written but this process never sends them. */
    readonly dispatch: boolean;
    /** False while another process leads the store (it dispatches). Default: always true. */
    readonly mayDispatch?: () => boolean;
    readonly tuning?:
      Omit<WebhookDispatcherConfig, 'store' | 'clock' | 'logger' | 'onEndpointDisabled' | 'onAttempt'> | undefined;
  },
): WebhookDelivery {
  const tuning = options.tuning ?? {};
  const dispatcher = createWebhookDispatcher({
    ...(ctx.random ? { random: ctx.random, idRandom: ctx.random } : {}),
    ...tuning,
    store: ctx.store,
    clock: ctx.clock,
    logger: ctx.logger,
    onEndpointDisabled: (report) => ctx.bus.emit('webhook.endpoint_disabled', report),
    onAttempt: (report) => {
      ctx.metrics.increment('webhook_delivery_attempts');
      if (report.ok) ctx.metrics.increment('webhook_delivery_success');
    },
  });
  const service = createWebhookService({
    store: ctx.store,
    clock: ctx.clock,
    dispatcher,
    ...(ctx.random ? { random: ctx.random } : {}),
  });
  let running = false;
  const start = (): void => {
    if (running || !options.dispatch || options.mayDispatch?.() === false) return;
    running = true;
    dispatcher.start();
  };
  // Committed events wake the dispatcher at once instead of at its next poll.
  for (const type of WEBHOOK_EVENT_TYPES) ctx.bus.on(type, () => dispatcher.notify());
  const api: WebhooksApi = {
    addEndpoint: (input) =>
      ctx.run(async () => {
        const created = await service.addEndpoint(input);
        start(); // an endpoint added at runtime is served without a restart
        return created;
      }),
    removeEndpoint: (id) => ctx.run(() => service.removeEndpoint(id)),
    listEndpoints: () => ctx.run(() => service.listEndpoints()),
    enableEndpoint: (id) => ctx.run(() => service.enableEndpoint(id)),
    deliveries: (filter) => ctx.run(() => service.deliveries(filter)),
    redeliver: (id) => ctx.run(() => service.redeliver(id)),
    rotateSecret: (id, input) => ctx.run(() => service.rotateSecret(id, input)),
    removeOldSecrets: (id) => ctx.run(() => service.removeOldSecrets(id)),
    syncConfiguredEndpoints: (endpoints) => ctx.run(() => service.syncConfiguredEndpoints(endpoints)),
  };
  return {
    api,
    service,
    start,
    async stop() {
      if (!running) return;
      running = false;
      await dispatcher.stop();
    },
  };
}
