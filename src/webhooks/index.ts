/**
 * Verify (and sign) lnkit webhooks per Standard Webhooks. No dependencies beyond node:crypto.
 * @module lnkit/webhooks
 */
export { signWebhook, type SignWebhookInput, type WebhookHeaders, type WebhookBody } from './sign-webhook.js';
export {
  verifyWebhook,
  type VerifyWebhookInput,
  type VerifiedWebhook,
  type WebhookRequestHeaders,
} from './verify-webhook.js';
export {
  WebhookVerificationError,
  WebhookInputError,
  type WebhookVerificationErrorCode,
} from './webhook-verification-error.js';
export { generateWebhookSecret } from './webhook-secret.js';
export {
  createWebhookDeduplicator,
  createMemoryDedupStore,
  type WebhookDeduplicator,
  type WebhookDeduplicatorConfig,
  type WebhookDedupResult,
  type WebhookDedupStore,
} from './deduplicator.js';
export { isLightningError } from '../lightning-error.js';
