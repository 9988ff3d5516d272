/**
 * The sending side of webhooks (internal: wired by create-lightning.ts, not a package entry).
 */
export {
  createWebhookDispatcher,
  type WebhookDispatcher,
  type WebhookDispatcherConfig,
  type WebhookAttemptReport,
  type WebhookEndpointDisabledReport,
} from './dispatcher.js';
export { enqueueWebhookEvent, serializeWebhookBody, type EnqueueWebhookInput } from './enqueue.js';
export { webhookData, invoiceData, paymentData, type WebhookDataOptions } from './payloads.js';
export { DEFAULT_RETRY_SCHEDULE, MAX_RETRY_AFTER_MS } from './retry-schedule.js';
export {
  createWebhookService,
  publicEndpoint,
  type WebhooksApi,
  type WebhookServiceConfig,
  type WebhookEndpoint,
  type CreatedWebhookEndpoint,
  type WebhookDelivery,
  type RotateWebhookSecretInput,
  type WebhookEndpointInput,
} from './webhook-service.js';
