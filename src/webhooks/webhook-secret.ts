/**
 * Standard Webhooks secrets: `whsec_` followed by the base64 of the HMAC key.
 */
import { nodeCrypto } from './node-crypto.js';
import { WebhookVerificationError } from './webhook-verification-error.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Shortest key Standard Webhooks allows, in bytes. */
export const MIN_SECRET_BYTES = 24;
/** Longest key Standard Webhooks allows, in bytes. */
export const MAX_SECRET_BYTES = 64;

/**
 * Decodes a `whsec_…` secret (the prefix is optional, as in the reference libraries) to its key bytes.
 * @throws {WebhookVerificationError} `INVALID_SECRET` when empty, not base64, or not 24 to 64 bytes
 */
export function decodeWebhookSecret(secret: unknown): Buffer {
  if (typeof secret !== 'string') {
    throw new WebhookVerificationError(
      'INVALID_SECRET',
      `expected a "whsec_…" string secret, got ${secret === null ? 'null' : typeof secret}`,
    );
  }
  const text = secret.startsWith('whsec_') ? secret.slice(6) : secret;
  // Never echo the secret itself, only its shape.
  if (text.length === 0)
    throw new WebhookVerificationError('INVALID_SECRET', 'expected a non-empty "whsec_…" secret, got an empty one');
  if (!BASE64.test(text) || text.length % 4 === 1) {
    throw new WebhookVerificationError(
      'INVALID_SECRET',
      `expected "whsec_" followed by base64, got ${text.length} characters that are not base64`,
    );
  }
  const key = Buffer.from(text, 'base64');
  // Standard Webhooks: keys of 24 to 64 bytes. A shorter key is guessable; refuse it on both sides.
  if (key.length < MIN_SECRET_BYTES || key.length > MAX_SECRET_BYTES) {
    throw new WebhookVerificationError(
      'INVALID_SECRET',
      `expected a secret of ${MIN_SECRET_BYTES} to ${MAX_SECRET_BYTES} bytes, got ${key.length}`,
    );
  }
  return key;
}

/**
 * A new random secret: `whsec_` + base64 of `bytes` random bytes (default 32; 24–64 allowed).
 * @example const secret = generateWebhookSecret(); // 'whsec_…'
 */
export function generateWebhookSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < MIN_SECRET_BYTES || bytes > MAX_SECRET_BYTES) {
    throw new WebhookVerificationError(
      'INVALID_SECRET',
      `expected a secret length of 24 to 64 bytes, got ${String(bytes)}`,
    );
  }
  return `whsec_${nodeCrypto().randomBytes(bytes).toString('base64')}`;
}

/** Collects `secret` and `secrets` into one list. */
export function secretList(input: {
  readonly secret?: string;
  readonly secrets?: readonly string[];
}): readonly string[] {
  const list = [...(input.secret !== undefined ? [input.secret] : []), ...(input.secrets ?? [])];
  if (list.length === 0)
    throw new WebhookVerificationError(
      'INVALID_SECRET',
      'expected `secret` or a non-empty `secrets` list, got neither',
    );
  return list;
}
