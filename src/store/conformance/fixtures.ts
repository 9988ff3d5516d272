/**
 * Builders and assertions shared by the Store conformance cases. Runner-agnostic: only
 * `node:assert/strict` and `node:crypto`.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { decimal } from '../../domain/amount.js';
import type { Decimal } from '../../domain/amount.js';
import type { Payment } from '../../domain/payment.js';
import { isLightningError } from '../../lightning-error.js';
import type {
  InvoiceRecord,
  Store,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
  WebhookEventRecord,
} from '../store.js';

/** One conformance case: a name and a body that makes its own store(s). */
export interface StoreConformanceCase {
  readonly name: string;
  /** Runs the case against a fresh store from `makeStore`; rejects when it breaks the rule. */
  run(makeStore: () => Promise<Store>): Promise<void>;
}

/** Largest msat value the cases use: just under 21 million BTC (2.1e18 msat). */
export const BIG_MSAT = 2_099_999_999_999_999_999n;
/** A fixed instant with non-zero milliseconds. */
export const T0 = Date.UTC(2026, 0, 15, 12, 30, 45, 123);

let counter = 0;
/** A unique id with `prefix`; ASCII, so byte order equals JS string order. */
export function uid(prefix: string): string {
  counter += 1;
  return `${prefix}_${randomBytes(6).toString('hex')}${String(counter).padStart(6, '0')}`;
}

/** A random 32-byte hex string (payment hash or preimage). */
export function hex32(): string {
  return randomBytes(32).toString('hex');
}

/** Makes a store, migrates it, runs `fn`, and always closes it. */
export async function withStore(makeStore: () => Promise<Store>, fn: (store: Store) => Promise<void>): Promise<void> {
  const store = await makeStore();
  try {
    await store.migrate();
    await fn(store);
  } finally {
    await store.close();
  }
}

/** Makes a store, migrates and closes it, then runs `fn` on the closed store. */
export async function withClosedStore(
  makeStore: () => Promise<Store>,
  fn: (store: Store) => Promise<void>,
): Promise<void> {
  const store = await makeStore();
  await store.migrate();
  await store.close();
  await fn(store);
}

/** A complete open invoice; every field can be overridden. */
export function makeInvoice(overrides: Partial<InvoiceRecord> = {}): InvoiceRecord {
  return {
    id: uid('inv'),
    paymentHash: hex32(),
    paymentRequest: 'lnbcrt228060n1pjtest',
    amountMsat: 22_806_000n,
    amountEur: decimal('19.99'),
    rate: decimal('87654.32'),
    rateSource: 'kraken,bitstamp',
    rateFetchedAt: new Date(T0 - 1500),
    description: 'Order #1 — café ☕',
    metadata: { orderId: 'A-1', items: [1, 2.5, 'x'], nested: { ok: true, none: null } },
    status: 'open',
    isHold: false,
    addIndex: 7n,
    settleIndex: null,
    amountPaidMsat: null,
    idempotencyKey: null,
    createdAt: new Date(T0),
    expiresAt: new Date(T0 + 3_600_000),
    settledAt: null,
    closedAt: null,
    preimage: null,
    ...overrides,
  };
}

/** A complete incoming payment; every field can be overridden. */
export function makePayment(overrides: Partial<Payment> = {}): Payment {
  return {
    id: uid('pay'),
    direction: 'in',
    status: 'succeeded',
    paymentHash: hex32(),
    paymentRequest: null,
    amountMsat: 22_806_000n,
    feeMsat: 0n,
    invoiceId: null,
    preimage: null,
    failureReason: null,
    idempotencyKey: null,
    settleIndex: null,
    feeLimitMsat: null,
    createdAt: new Date(T0),
    updatedAt: new Date(T0),
    completedAt: null,
    ...overrides,
  };
}

/** A webhook endpoint; every field can be overridden. */
export function makeEndpoint(overrides: Partial<WebhookEndpointRecord> = {}): WebhookEndpointRecord {
  return {
    id: uid('whe'),
    url: 'https://example.com/hooks/lnkit',
    secrets: ['whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
    events: ['invoice.settled', 'payment.sent'],
    allowInsecure: false,
    allowPrivateNetwork: false,
    isEnabled: true,
    disabledReason: null,
    createdAt: new Date(T0),
    updatedAt: new Date(T0),
    ...overrides,
  };
}

/** A webhook event; every field can be overridden. */
export function makeEvent(overrides: Partial<WebhookEventRecord> = {}): WebhookEventRecord {
  return {
    id: uid('msg'),
    type: 'invoice.settled',
    body: '{"type":"invoice.settled","timestamp":"2026-01-15T12:30:45.123Z","data":{"id":"inv_1","amount_eur":"19.99","note":"é ☕"}}',
    createdAt: new Date(T0),
    ...overrides,
  };
}

/** A pending delivery of `eventId`; every field can be overridden. */
export function makeDelivery(eventId: string, overrides: Partial<WebhookDeliveryRecord> = {}): WebhookDeliveryRecord {
  return {
    id: uid('whd'),
    eventId,
    endpointId: uid('whe'),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: new Date(T0),
    lastStatusCode: null,
    lastError: null,
    createdAt: new Date(T0),
    updatedAt: new Date(T0),
    ...overrides,
  };
}

/** An attempt of `deliveryId`; every field can be overridden. */
export function makeAttempt(deliveryId: string, overrides: Partial<WebhookAttemptRecord> = {}): WebhookAttemptRecord {
  return {
    id: uid('wha'),
    deliveryId,
    attempt: 1,
    statusCode: 200,
    latencyMs: 42,
    error: null,
    at: new Date(T0),
    ...overrides,
  };
}

/** Compares two records field by field: bigint by value, Date by ms, Decimal with `.eq` and `toFixed()`. */
export function assertSameRecord(actual: object | undefined, expected: object, label = 'record'): void {
  assert.ok(actual !== undefined, `${label}: expected a record, got undefined`);
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  assert.deepEqual(Object.keys(a).sort(), Object.keys(e).sort(), `${label}: field names differ`);
  for (const key of Object.keys(e)) assertSameValue(a[key], e[key], `${label}.${key}`);
}

function isDecimal(value: unknown): value is Decimal {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Decimal).eq === 'function' &&
    typeof (value as Decimal).toFixed === 'function'
  );
}

/** Compares one field value (see {@link assertSameRecord}). */
export function assertSameValue(actual: unknown, expected: unknown, label: string): void {
  if (expected instanceof Date) {
    assert.ok(actual instanceof Date, `${label}: expected a Date, got ${typeof actual}`);
    assert.equal(
      actual.getTime(),
      expected.getTime(),
      `${label}: expected ${expected.toISOString()}, got ${actual.toISOString()}`,
    );
  } else if (isDecimal(expected)) {
    assert.ok(isDecimal(actual), `${label}: expected a big.js Decimal, got ${typeof actual}`);
    assert.ok(actual.eq(expected), `${label}: expected ${expected.toFixed()}, got ${actual.toFixed()}`);
    assert.equal(actual.toFixed(), expected.toFixed(), `${label}: decimal text differs`);
  } else if (typeof expected === 'bigint') {
    assert.equal(typeof actual, 'bigint', `${label}: expected a bigint, got ${typeof actual}`);
    assert.equal(actual, expected, `${label}: expected ${expected}n, got ${String(actual)}n`);
  } else {
    assert.deepStrictEqual(actual, expected, `${label}: values differ`);
  }
}

/**
 * Awaits `promise`, turning a rejection into an assertion failure that names the call: a case
 * states what must succeed instead of failing on whatever the adapter threw.
 */
export async function assertResolves<T>(promise: Promise<T>, label: string): Promise<T> {
  try {
    return await promise;
  } catch (error) {
    const shown = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new assert.AssertionError({ message: `${label}: expected it to resolve, but it rejected with ${shown}` });
  }
}

/** Asserts that `promise` rejects with an lnkit error carrying `code`. Returns the error. */
export async function assertRejectsWithCode(promise: Promise<unknown>, code: string, label: string): Promise<Error> {
  let caught: unknown;
  try {
    await promise;
  } catch (error) {
    caught = error;
  }
  assert.ok(caught !== undefined, `${label}: expected a rejection with ${code}, but it resolved`);
  assert.ok(isLightningError(caught), `${label}: expected an lnkit error with code ${code}, got ${String(caught)}`);
  assert.equal(caught.code, code, `${label}: expected code ${code}, got ${caught.code} (${caught.message})`);
  return caught;
}

/** Collects every page of a list, asserting each page has at most `limit` items. */
export async function collectPages<T>(
  list: (cursor: string | undefined) => Promise<{ readonly items: readonly T[]; readonly nextCursor: string | null }>,
  limit: number,
): Promise<T[]> {
  const all: T[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const result = await list(cursor);
    assert.ok(
      result.items.length <= limit,
      `page ${page}: expected at most ${limit} items, got ${result.items.length}`,
    );
    all.push(...result.items);
    if (result.nextCursor === null) return all;
    assert.equal(typeof result.nextCursor, 'string', 'nextCursor must be a string or null');
    assert.ok(result.items.length > 0, `page ${page}: an empty page must not carry a nextCursor`);
    cursor = result.nextCursor;
  }
  throw new assert.AssertionError({ message: 'paging did not end after 10,000 pages' });
}

/** The ids of `rows` sorted newest first (createdAt desc, id desc), the order every list uses. */
export function newestFirstIds(rows: readonly { readonly id: string; readonly createdAt: Date }[]): string[] {
  return [...rows]
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0))
    .map((r) => r.id);
}
