/**
 * Standard Webhooks secrets: `whsec_` followed by the base64 of the HMAC key.
 */
import { randomBytes } from 'node:crypto';
import { WebhookVerificationError } from './webhook-verification-error.js';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Decodes a `whsec_…` secret (the prefix is optional, as in the reference libraries) to its key bytes.
 * @throws {WebhookVerificationError} `INVALID_SECRET` when empty, not base64, or decoding to no bytes
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
  if (key.length === 0)
    throw new WebhookVerificationError('INVALID_SECRET', 'expected a secret that decodes to at least one byte');
  return key;
}

/**
 * A new random secret: `whsec_` + base64 of `bytes` random bytes (default 32; 24–64 allowed).
 * @example const secret = generateWebhookSecret(); // 'whsec_…'
 */
export function generateWebhookSecret(bytes = 32): string {
  if (!Number.isInteger(bytes) || bytes < 24 || bytes > 64) {
    throw new WebhookVerificationError(
      'INVALID_SECRET',
      `expected a secret length of 24 to 64 bytes, got ${String(bytes)}`,
    );
  }
  return `whsec_${randomBytes(bytes).toString('base64')}`;
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
