/**
 * Validation of `invoices.create` / `createHold` input. Pure: throws ValidationError, changes nothing.
 */
import { MAX_INVOICE_MSAT, parseEur, parseSat, type Decimal } from '../domain/amount.js';
import type { JsonValue } from '../domain/invoice.js';
import { ValidationError } from '../errors.js';

/** Input of `invoices.create`. Give exactly one of `amountEur` or `amountSat`. */
export interface CreateInvoiceInput {
  /** Price in EUR, at most 2 decimals: `'19.99'` (a string avoids float surprises; numbers are accepted). */
  readonly amountEur?: string | number | Decimal;
  /** Amount in whole sats. */
  readonly amountSat?: bigint | number | string;
  /** Shown to the payer; at most 639 UTF-8 bytes (the BOLT11 limit). */
  readonly description: string;
  /** Default is 86400 (24 h); at most one year. */
  readonly expirySeconds?: number;
  /** Any JSON, at most 8 KB serialized. Stored and sent in events and webhooks. */
  readonly metadata?: JsonValue;
  /**
   * A second create with the same key and the same parameters returns the first invoice instead of
   * making another; with different parameters it throws a `ValidationError` on `idempotencyKey`.
   */
  readonly idempotencyKey?: string;
  /**
   * Create it even when no active channel can receive the amount (`invoices.create` refuses with
   * InsufficientInboundError otherwise). Default is false.
   */
  readonly allowInsufficientInbound?: boolean;
  /**
   * With several nodes: the node to create it on, by its configured name, instead of the placement
   * policy. A node that is down fails fast with NodeUnavailableError. Default is the policy's choice.
   */
  readonly node?: string;
}

/** Validated create input. */
export interface ValidCreateInvoiceInput {
  readonly amountEur: Decimal | null;
  readonly amountSat: bigint | null;
  readonly description: string;
  readonly expirySeconds: number;
  readonly metadata: JsonValue | null;
  readonly metadataJson: string | null;
  readonly idempotencyKey: string | null;
  readonly allowInsufficientInbound: boolean;
}

/** BOLT11's `d` field holds at most 639 bytes. */
export const MAX_DESCRIPTION_BYTES = 639;
/** LND's maximum invoice expiry: one year. */
export const MAX_EXPIRY_SECONDS = 31_536_000;
/** Serialized metadata limit. */
export const MAX_METADATA_BYTES = 8 * 1024;

const encoder = new TextEncoder();

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  return value === null ? 'null' : typeof value === 'object' ? 'an object' : String(value);
}

/** A UTF-16 surrogate without its pair: it has no UTF-8 form (LND would store U+FFFD instead). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Validates a description: well-formed UTF-16 (no lone surrogate), 0..639 UTF-8 bytes. */
export function validateDescription(value: unknown): string {
  if (typeof value !== 'string') throw new ValidationError('description', `expected a string, got ${describe(value)}`);
  const lone = LONE_SURROGATE.exec(value);
  if (lone) {
    const unit = lone[0].charCodeAt(0).toString(16).toUpperCase();
    throw new ValidationError(
      'description',
      `expected well-formed Unicode text, got a lone surrogate U+${unit} at index ${lone.index}`,
    );
  }
  const bytes = encoder.encode(value).length;
  if (bytes > MAX_DESCRIPTION_BYTES) {
    throw new ValidationError('description', `expected at most ${MAX_DESCRIPTION_BYTES} UTF-8 bytes, got ${bytes}`);
  }
  return value;
}

/** Validates an expiry in whole seconds, 1..one year. */
export function validateExpirySeconds(value: unknown, fallback = 86_400): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new ValidationError('expirySeconds', `expected a whole number of seconds, got ${describe(value)}`);
  }
  if (value <= 0 || value > MAX_EXPIRY_SECONDS) {
    throw new ValidationError('expirySeconds', `expected 1 to ${MAX_EXPIRY_SECONDS} seconds, got ${value}`);
  }
  return value;
}

function isPlainJson(value: unknown, depth = 0): boolean {
  if (depth > 32) return false;
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every((v) => isPlainJson(v, depth + 1));
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    return Object.values(value as object).every((v) => isPlainJson(v, depth + 1));
  }
  return false;
}

/** Validates metadata: plain JSON (no bigint, Date, NaN, functions, cycles), at most 8 KB serialized. */
export function validateMetadata(value: unknown): { metadata: JsonValue | null; json: string | null } {
  if (value === undefined || value === null) return { metadata: null, json: null };
  let plain: boolean;
  let json = '';
  try {
    // Getters and Proxy traps run here, and may throw: that is bad input too, not a crash.
    plain = isPlainJson(value);
    if (plain) json = JSON.stringify(value);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ValidationError(
      'metadata',
      `expected plain JSON data, got an object that threw when read: ${reason.slice(0, 100)}`,
      { cause: error },
    );
  }
  if (!plain) {
    throw new ValidationError(
      'metadata',
      'expected plain JSON (objects, arrays, strings, finite numbers, booleans, null)',
    );
  }
  const bytes = encoder.encode(json).length;
  if (bytes > MAX_METADATA_BYTES)
    throw new ValidationError('metadata', `expected at most ${MAX_METADATA_BYTES} bytes of JSON, got ${bytes}`);
  return { metadata: JSON.parse(json) as JsonValue, json };
}

/**
 * Refuses an invoice above LND's limit before LND is asked (`field` is the amount the caller gave).
 * @throws {ValidationError}
 */
export function checkInvoiceLimit(msat: bigint, field: 'amountEur' | 'amountSat'): bigint {
  if (msat > MAX_INVOICE_MSAT) {
    throw new ValidationError(
      field,
      `expected at most ${MAX_INVOICE_MSAT / 1000n} sat (100,000 BTC, LND's largest invoice), got ${msat / 1000n} sat`,
    );
  }
  return msat;
}

/** Validates an idempotency key: 1..200 printable characters. */
export function validateIdempotencyKey(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200 || !/^[\x21-\x7e]+$/.test(value)) {
    throw new ValidationError('idempotencyKey', `expected 1 to 200 printable ASCII characters, got ${describe(value)}`);
  }
  return value;
}

/**
 * Validates `invoices.create` input.
 * @throws {ValidationError} naming the first bad field
 */
export function validateCreateInvoiceInput(input: unknown): ValidCreateInvoiceInput {
  if (typeof input !== 'object' || input === null)
    throw new ValidationError('input', `expected an object, got ${describe(input)}`);
  const i = input as CreateInvoiceInput;
  const hasEur = i.amountEur !== undefined;
  const hasSat = i.amountSat !== undefined;
  if (hasEur === hasSat) throw new ValidationError('amountEur', 'expected exactly one of amountEur or amountSat');
  const amountEur = hasEur ? parseEur(i.amountEur, 'amountEur') : null;
  const amountSat = hasSat ? parseSat(i.amountSat, 'amountSat') : null;
  if (amountSat !== null) checkInvoiceLimit(amountSat * 1000n, 'amountSat');
  const description = validateDescription(i.description);
  const expirySeconds = validateExpirySeconds(i.expirySeconds);
  const { metadata, json } = validateMetadata(i.metadata);
  const idempotencyKey = validateIdempotencyKey(i.idempotencyKey);
  if (i.allowInsufficientInbound !== undefined && typeof i.allowInsufficientInbound !== 'boolean')
    throw new ValidationError(
      'allowInsufficientInbound',
      `expected a boolean, got ${describe(i.allowInsufficientInbound)}`,
    );
  const allowInsufficientInbound = i.allowInsufficientInbound === true;
  return {
    amountEur,
    amountSat,
    description,
    expirySeconds,
    metadata,
    metadataJson: json,
    idempotencyKey,
    allowInsufficientInbound,
  };
}

/** Validates an invoice id (`inv_` + 26 base32 characters). */
export function validateInvoiceId(value: unknown): string {
  if (typeof value !== 'string' || !/^inv_[0-9a-z]{26}$/.test(value)) {
    throw new ValidationError('id', `expected an invoice id like "inv_01…", got ${describe(value)}`);
  }
  return value;
}

/** Validates a payment hash (64 hex characters); returns it lower-cased. */
export function validatePaymentHash(value: unknown, field = 'paymentHash'): string {
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{64}$/.test(value)) {
    throw new ValidationError(field, `expected 64 hex characters, got ${describe(value)}`);
  }
  return value.toLowerCase();
}
