/**
 * Defensive copies for the memory store: what goes in or comes out is never shared with the
 * caller, like a real database (Dates, JSON metadata and decimals are mutable objects).
 */
import { decimal, type Decimal } from '../../domain/amount.js';
import type { JsonValue } from '../../domain/invoice.js';
import type { Payment } from '../../domain/payment.js';
import type {
  InvoiceRecord,
  NodeRecord,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
  WebhookEventRecord,
} from '../store.js';

const date = (d: Date): Date => new Date(d.getTime());
const maybeDate = (d: Date | null): Date | null => (d === null ? null : date(d));
const maybeDecimal = (d: Decimal | null): Decimal | null => (d === null ? null : decimal(d.toFixed()));

/** A deep copy of JSON metadata; throws a TypeError on values JSON cannot hold (bigint, cycles). */
export function copyJson(value: JsonValue | null): JsonValue | null {
  if (value === null) return null;
  const text = JSON.stringify(value);
  return text === undefined ? null : (JSON.parse(text) as JsonValue);
}

/** `row` without a `nodePubkey` key when it is undefined (absent means "unknown node"). */
function ownedBy<T extends { readonly nodePubkey?: string }>(row: T): T {
  if (row.nodePubkey !== undefined || !('nodePubkey' in row)) return row;
  const { nodePubkey: _unused, ...rest } = row;
  return rest as T;
}

/** A frozen copy of an invoice record. */
export function copyInvoice(r: InvoiceRecord): InvoiceRecord {
  return Object.freeze({
    ...ownedBy(r),
    amountEur: maybeDecimal(r.amountEur),
    rate: maybeDecimal(r.rate),
    rateFetchedAt: maybeDate(r.rateFetchedAt),
    metadata: copyJson(r.metadata),
    createdAt: date(r.createdAt),
    expiresAt: date(r.expiresAt),
    settledAt: maybeDate(r.settledAt),
    closedAt: maybeDate(r.closedAt),
  });
}

/** A frozen copy of a payment. */
export function copyPayment(p: Payment): Payment {
  return Object.freeze({
    ...ownedBy(p),
    createdAt: date(p.createdAt),
    updatedAt: date(p.updatedAt),
    completedAt: maybeDate(p.completedAt),
  });
}

/** A frozen copy of a node. */
export function copyNode(n: NodeRecord): NodeRecord {
  return Object.freeze({ ...n, boundAt: date(n.boundAt), updatedAt: date(n.updatedAt) });
}

/** A frozen copy of a webhook endpoint. */
export function copyEndpoint(e: WebhookEndpointRecord): WebhookEndpointRecord {
  return Object.freeze({
    ...e,
    secrets: Object.freeze([...e.secrets]),
    events: e.events === null ? null : Object.freeze([...e.events]),
    createdAt: date(e.createdAt),
    updatedAt: date(e.updatedAt),
  });
}

/** A frozen copy of a webhook event. */
export function copyEvent(e: WebhookEventRecord): WebhookEventRecord {
  return Object.freeze({ ...e, createdAt: date(e.createdAt) });
}

/** A frozen copy of a delivery. */
export function copyDelivery(d: WebhookDeliveryRecord): WebhookDeliveryRecord {
  return Object.freeze({
    ...d,
    nextAttemptAt: maybeDate(d.nextAttemptAt),
    createdAt: date(d.createdAt),
    updatedAt: date(d.updatedAt),
  });
}

/** A frozen copy of an attempt. */
export function copyAttempt(a: WebhookAttemptRecord): WebhookAttemptRecord {
  return Object.freeze({ ...a, at: date(a.at) });
}

/** Copies only the keys of `patch` whose value is not undefined (undefined means "keep"). */
export function definedEntries<P extends object>(patch: P): Partial<P> {
  const out: Partial<P> = {};
  for (const [key, value] of Object.entries(patch))
    if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  return out;
}
