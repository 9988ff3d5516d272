/**
 * Signing per Standard Webhooks: HMAC-SHA256 over `${id}.${timestamp}.${body}`, base64, `v1,` prefix.
 */
import { nodeCrypto } from './node-crypto.js';
import { decodeWebhookSecret, secretList } from './webhook-secret.js';
import { WebhookInputError } from './webhook-verification-error.js';

/** A raw webhook body: the exact bytes on the wire. A string is taken as UTF-8. */
export type WebhookBody = string | Uint8Array;

/** Input of {@link signWebhook}. Give `secret`, or `secrets` to sign with several (rotation). */
export interface SignWebhookInput {
  /** The `webhook-id` (e.g. `msg_…`); must not contain `.`. */
  readonly id: string;
  /** Attempt time: unix seconds or a Date. */
  readonly timestamp: number | Date;
  readonly body: WebhookBody;
  readonly secret?: string;
  readonly secrets?: readonly string[];
}

/** The three Standard Webhooks headers. */
export type WebhookHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

/** The body as bytes, without copying when it already is bytes. */
export function bodyBytes(body: WebhookBody): Buffer {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
}

/** HMAC-SHA256 of `${id}.${timestamp}.` + body with `key`. */
export function computeSignature(key: Buffer, id: string, timestamp: string, body: Buffer): Buffer {
  return nodeCrypto().createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
}

/**
 * Signs a webhook: returns the `webhook-id`, `webhook-timestamp` and `webhook-signature` headers,
 * one `v1,<base64>` signature per secret, separated by spaces.
 * @throws {WebhookVerificationError} `INVALID_SECRET` for a missing or malformed secret
 * @throws {WebhookInputError} for an id containing `.` or a bad timestamp
 * @example
 * const headers = signWebhook({ id: 'msg_1', timestamp: new Date(), body, secret: 'whsec_…' });
 */
export function signWebhook(input: SignWebhookInput): WebhookHeaders {
  const { id } = input;
  if (typeof id !== 'string' || id.length === 0 || id.includes('.')) {
    throw new WebhookInputError(`id: expected a non-empty string without ".", got ${JSON.stringify(String(id))}`);
  }
  const seconds = input.timestamp instanceof Date ? Math.floor(input.timestamp.getTime() / 1000) : input.timestamp;
  if (!Number.isSafeInteger(seconds) || seconds < 0) {
    throw new WebhookInputError(`timestamp: expected unix seconds or a Date, got ${String(input.timestamp)}`);
  }
  const keys = secretList(input).map(decodeWebhookSecret);
  const timestamp = String(seconds);
  const bytes = bodyBytes(input.body);
  const signature = keys.map((key) => `v1,${computeSignature(key, id, timestamp, bytes).toString('base64')}`).join(' ');
  return { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
}
