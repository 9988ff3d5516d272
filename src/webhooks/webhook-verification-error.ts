/**
 * The error thrown by {@link verifyWebhook} (and by {@link signWebhook} for a bad secret).
 * Depends only on the error base so that `lnkit/webhooks` stays a few KB.
 */
import { LightningError, type LightningErrorOptions } from '../lightning-error.js';

/** Why a webhook was rejected. */
export type WebhookVerificationErrorCode =
  | 'MISSING_HEADER'
  | 'INVALID_SIGNATURE'
  | 'TIMESTAMP_TOO_OLD'
  | 'TIMESTAMP_IN_FUTURE'
  | 'MALFORMED_BODY'
  | 'INVALID_SECRET';

/**
 * A webhook failed verification; `code` says why. Answer 400 (or 401) to the sender and do not
 * process the body. `INVALID_SECRET` is a configuration error on your side: fix the secret.
 * @example
 * if (isLightningError(err) && err.code === 'TIMESTAMP_TOO_OLD') res.status(400).end();
 */
export class WebhookVerificationError extends LightningError<WebhookVerificationErrorCode> {
  constructor(code: WebhookVerificationErrorCode, message: string, options?: LightningErrorOptions) {
    super(code, message, options);
  }
}

/** Bad arguments to a webhook helper (not a bad webhook): same code as lnkit's `ValidationError`. */
export class WebhookInputError extends LightningError<'INVALID_INPUT'> {
  constructor(message: string) {
    super('INVALID_INPUT', message);
  }
}
