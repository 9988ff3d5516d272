/**
 * Verification per Standard Webhooks, synchronous (node:crypto): headers, timestamp window, a
 * constant-time HMAC check against every configured secret and every `v1` signature, then the body.
 */
import { nodeCrypto } from './node-crypto.js';
import { bodyBytes, computeSignature, type WebhookBody } from './sign-webhook.js';
import { decodeWebhookSecret, secretList } from './webhook-secret.js';
import { WebhookInputError, WebhookVerificationError } from './webhook-verification-error.js';

/** Request headers: a fetch `Headers`, or a plain object such as Node's `req.headers` (any key case). */
export type WebhookRequestHeaders =
  | {
      /** The header's value, or null when absent (fetch `Headers.get`). */
      get(name: string): string | null;
    }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Input of {@link verifyWebhook}. Give `secret`, or `secrets` (current and previous) during a rotation. */
export interface VerifyWebhookInput {
  /** The raw body exactly as received: a Buffer/Uint8Array, or the exact raw text. Never re-serialized JSON. */
  readonly body: WebhookBody;
  readonly headers: WebhookRequestHeaders;
  readonly secret?: string;
  readonly secrets?: readonly string[];
  /** Accepted distance between `webhook-timestamp` and now, both ways. Default is 300. */
  readonly toleranceSeconds?: number;
  /** The current time. Default is now. */
  readonly now?: Date | number;
}

/** A verified webhook: `id` from `webhook-id`; `type`, `timestamp` (event time) and `data` from the body. */
export interface VerifiedWebhook<T = Record<string, unknown>> {
  readonly id: string;
  readonly type: string;
  readonly timestamp: Date;
  readonly data: T;
}

const TIMESTAMP = /^\d{1,15}$/;
const fail = (code: ConstructorParameters<typeof WebhookVerificationError>[0], message: string): never => {
  throw new WebhookVerificationError(code, message);
};

function header(headers: WebhookRequestHeaders, name: string): string | undefined {
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  let value = record[name];
  if (value === undefined) {
    for (const key of Object.keys(record)) if (key.toLowerCase() === name) value = record[key];
  }
  return Array.isArray(value) ? value.join(' ') : (value as string | undefined);
}

function requireHeader(headers: WebhookRequestHeaders, name: string): string {
  const value = header(headers, name)?.trim();
  if (!value) fail('MISSING_HEADER', `expected a ${name} header, got none`);
  return value as string;
}

function checkBody(body: unknown): void {
  if (typeof body === 'string' || body instanceof Uint8Array) return;
  const hint =
    body && typeof body === 'object' ? 'a parsed object: pass the raw body (express.raw(), req.text())' : String(body);
  fail('MALFORMED_BODY', `expected the raw body as a string, Buffer or Uint8Array, got ${hint}`);
}

function parseBody<T>(raw: Buffer): { type: string; timestamp: Date; data: T } {
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return fail('MALFORMED_BODY', 'expected a JSON body, got text that does not parse');
  }
  const v = value as { type?: unknown; timestamp?: unknown; data?: unknown } | null;
  if (!v || typeof v !== 'object' || Array.isArray(v))
    return fail('MALFORMED_BODY', 'expected a JSON object { type, timestamp, data }');
  if (typeof v.type !== 'string' || v.type === '')
    return fail('MALFORMED_BODY', 'expected a string "type" in the body');
  const timestamp = typeof v.timestamp === 'string' ? new Date(v.timestamp) : new Date(NaN);
  if (Number.isNaN(timestamp.getTime())) return fail('MALFORMED_BODY', 'expected an ISO "timestamp" in the body');
  if (!v.data || typeof v.data !== 'object' || Array.isArray(v.data))
    return fail('MALFORMED_BODY', 'expected an object "data" in the body');
  return { type: v.type, timestamp, data: v.data as T };
}

/**
 * Verifies a webhook's signature and freshness, then parses its body. Synchronous.
 * Checks, in order: secrets, headers, timestamp within ±`toleranceSeconds`, signature, body.
 * Deduplicate on the returned `id` (it stays the same across retries): see `createWebhookDeduplicator`.
 * @throws {WebhookVerificationError} MISSING_HEADER, TIMESTAMP_TOO_OLD, TIMESTAMP_IN_FUTURE,
 *   INVALID_SIGNATURE, MALFORMED_BODY or INVALID_SECRET
 * @example
 * const event = verifyWebhook({ body: req.body, headers: req.headers, secret: process.env.WEBHOOK_SECRET });
 */
export function verifyWebhook<T = Record<string, unknown>>(input: VerifyWebhookInput): VerifiedWebhook<T> {
  const keys = secretList(input).map(decodeWebhookSecret);
  const tolerance = input.toleranceSeconds ?? 300;
  if (!Number.isFinite(tolerance) || tolerance < 0) {
    throw new WebhookInputError(`toleranceSeconds: expected a non-negative number, got ${String(tolerance)}`);
  }
  checkBody(input.body);
  const id = requireHeader(input.headers, 'webhook-id');
  const timestamp = requireHeader(input.headers, 'webhook-timestamp');
  const signatures = requireHeader(input.headers, 'webhook-signature');
  if (!TIMESTAMP.test(timestamp))
    fail('MISSING_HEADER', `expected webhook-timestamp in unix seconds, got ${JSON.stringify(timestamp.slice(0, 20))}`);

  const nowMs = input.now === undefined ? Date.now() : input.now instanceof Date ? input.now.getTime() : input.now;
  const age = Math.floor(nowMs / 1000) - Number(timestamp);
  if (age > tolerance)
    fail('TIMESTAMP_TOO_OLD', `expected a webhook-timestamp within ${tolerance} s, got one ${age} s old`);
  if (-age > tolerance)
    fail('TIMESTAMP_IN_FUTURE', `expected a webhook-timestamp within ${tolerance} s, got one ${-age} s ahead`);

  // Unknown versions (v1a, v2, Stripe-style decoys) are skipped; only 32-byte v1 values can match.
  const candidates: Buffer[] = [];
  for (const part of signatures.split(' ')) {
    const comma = part.indexOf(',');
    if (comma <= 0 || part.slice(0, comma) !== 'v1') continue;
    const decoded = Buffer.from(part.slice(comma + 1), 'base64');
    if (decoded.length === 32) candidates.push(decoded);
  }
  const raw = bodyBytes(input.body);
  let matched = false;
  for (const key of keys) {
    const expected = computeSignature(key, id, timestamp, raw);
    for (const candidate of candidates) if (nodeCrypto().timingSafeEqual(candidate, expected)) matched = true;
  }
  if (!matched) {
    fail(
      'INVALID_SIGNATURE',
      candidates.length === 0
        ? 'expected a "v1,<base64>" signature, got none'
        : 'no signature matches any configured secret',
    );
  }
  const body = parseBody<T>(raw);
  return { id, ...body };
}
