/**
 * Row ↔ record mapping for the SQLite store. Reads are validated: a value that is not what the
 * schema promises becomes a StoreError, never a wrong domain value.
 */
import type { Selectable } from 'kysely';
import { decimal, type Decimal } from '../../domain/amount.js';
import { INVOICE_STATUSES, type JsonValue } from '../../domain/invoice.js';
import type { Payment, PaymentDirection, PaymentFailureReason, PaymentStatus } from '../../domain/payment.js';
import { StoreError } from '../../errors.js';
import type {
  InvoiceRecord,
  NodeRecord,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookEndpointRecord,
  WebhookEventRecord,
} from '../store.js';
import type {
  InvoicesTable,
  NodesTable,
  PaymentsTable,
  WebhookAttemptsTable,
  WebhookDeliveriesTable,
  WebhookEndpointsTable,
  WebhookEventsTable,
} from './schema.js';

const PAYMENT_STATUSES: readonly PaymentStatus[] = ['in_flight', 'succeeded', 'failed', 'unknown'];
const DIRECTIONS: readonly PaymentDirection[] = ['in', 'out'];
const FAILURE_REASONS: readonly PaymentFailureReason[] = [
  'timeout',
  'no_route',
  'error',
  'incorrect_payment_details',
  'insufficient_balance',
  'canceled',
];
const DELIVERY_STATUSES: readonly WebhookDeliveryStatus[] = ['pending', 'delivered', 'failed', 'cancelled'];

function oneOf<T extends string>(value: string, allowed: readonly T[], column: string): T {
  if (!(allowed as readonly string[]).includes(value))
    throw new StoreError(`sqlite: ${column}: expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
  return value as T;
}

/** A stored integer (bigint with safeIntegers) as a JS number, for dates and small counters. */
export function num(value: bigint | number): number {
  return typeof value === 'bigint' ? Number(value) : value;
}

/** A stored integer as bigint (msat, indexes). */
export function big(value: bigint | number): bigint {
  return typeof value === 'bigint' ? value : BigInt(value);
}

const maybeBig = (v: bigint | number | null): bigint | null => (v === null ? null : big(v));
const maybeDate = (v: bigint | number | null): Date | null => (v === null ? null : new Date(num(v)));
const maybeNum = (v: bigint | number | null): number | null => (v === null ? null : num(v));
const maybeDecimal = (v: string | null): Decimal | null => (v === null ? null : decimal(v));
/** A Date as integer ms for a column. */
export const ms = (d: Date): number => d.getTime();
/** A Date as integer ms, as a bigint for comparisons in WHERE clauses. */
export const msKey = (d: Date | number): bigint => BigInt(typeof d === 'number' ? d : d.getTime());
/** A nullable Date as integer ms or null. */
export const maybeMs = (d: Date | null): number | null => (d === null ? null : d.getTime());
/** A nullable Decimal as its exact text. */
export const decimalText = (d: Decimal | null): string | null => (d === null ? null : d.toFixed());
/** JSON metadata as text (null stays SQL NULL). */
export const jsonText = (v: JsonValue | null): string | null => (v === null ? null : (JSON.stringify(v) ?? null));

/** `{ nodePubkey }` when the row names its node; nothing for rows written before the store knew it. */
export function owner(nodePubkey: string | null | undefined): { nodePubkey?: string } {
  return nodePubkey === null || nodePubkey === undefined ? {} : { nodePubkey };
}

/** Maps a `nodes` row to a record. */
export function toNode(row: Selectable<NodesTable>): NodeRecord {
  return {
    pubkey: row.pubkey,
    network: row.network,
    alias: row.alias,
    boundAt: new Date(num(row.bound_at)),
    anchorAddIndex: maybeBig(row.anchor_add_index),
    anchorPaymentHash: row.anchor_payment_hash,
    updatedAt: new Date(num(row.updated_at)),
    ...(row.name !== null && row.name !== undefined ? { name: row.name } : {}),
  };
}

/** Maps an `invoices` row to a record. */
export function toInvoice(row: Selectable<InvoicesTable>): InvoiceRecord {
  return {
    id: row.id,
    paymentHash: row.payment_hash,
    paymentRequest: row.payment_request,
    amountMsat: big(row.amount_msat),
    amountEur: maybeDecimal(row.amount_eur),
    rate: maybeDecimal(row.rate),
    rateSource: row.rate_source,
    rateFetchedAt: maybeDate(row.rate_fetched_at),
    description: row.description,
    metadata: row.metadata === null ? null : (JSON.parse(row.metadata) as JsonValue),
    status: oneOf(row.status, INVOICE_STATUSES, 'invoices.status'),
    isHold: num(row.is_hold) !== 0,
    addIndex: big(row.add_index),
    settleIndex: maybeBig(row.settle_index),
    amountPaidMsat: maybeBig(row.amount_paid_msat),
    idempotencyKey: row.idempotency_key,
    createdAt: new Date(num(row.created_at)),
    expiresAt: new Date(num(row.expires_at)),
    settledAt: maybeDate(row.settled_at),
    closedAt: maybeDate(row.closed_at),
    preimage: row.preimage,
    ...owner(row.node_pubkey),
  };
}

/** Maps a `payments` row to a payment. */
export function toPayment(row: Selectable<PaymentsTable>): Payment {
  return {
    id: row.id,
    direction: oneOf(row.direction, DIRECTIONS, 'payments.direction'),
    status: oneOf(row.status, PAYMENT_STATUSES, 'payments.status'),
    paymentHash: row.payment_hash,
    paymentRequest: row.payment_request,
    amountMsat: big(row.amount_msat),
    feeMsat: big(row.fee_msat),
    invoiceId: row.invoice_id,
    preimage: row.preimage,
    failureReason:
      row.failure_reason === null ? null : oneOf(row.failure_reason, FAILURE_REASONS, 'payments.failure_reason'),
    idempotencyKey: row.idempotency_key,
    settleIndex: maybeBig(row.settle_index),
    feeLimitMsat: maybeBig(row.fee_limit_msat),
    createdAt: new Date(num(row.created_at)),
    updatedAt: new Date(num(row.updated_at)),
    completedAt: maybeDate(row.completed_at),
    ...owner(row.node_pubkey),
  };
}

function stringArray(text: string, column: string): string[] {
  const value: unknown = JSON.parse(text);
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new StoreError(`sqlite: ${column}: expected a JSON array of strings`);
  return value;
}

/** Maps a `webhook_endpoints` row to a record. */
export function toEndpoint(row: Selectable<WebhookEndpointsTable>): WebhookEndpointRecord {
  return {
    id: row.id,
    url: row.url,
    secrets: stringArray(row.secrets, 'webhook_endpoints.secrets'),
    events: row.events === null ? null : stringArray(row.events, 'webhook_endpoints.events'),
    allowInsecure: num(row.allow_insecure) !== 0,
    allowPrivateNetwork: num(row.allow_private_network) !== 0,
    isEnabled: num(row.is_enabled) !== 0,
    disabledReason: row.disabled_reason,
    createdAt: new Date(num(row.created_at)),
    updatedAt: new Date(num(row.updated_at)),
  };
}

/** Maps a `webhook_events` row to a record. */
export function toEvent(row: Selectable<WebhookEventsTable>): WebhookEventRecord {
  return { id: row.id, type: row.type, body: row.body, createdAt: new Date(num(row.created_at)) };
}

/** Maps a `webhook_deliveries` row to a record. */
export function toDelivery(row: Selectable<WebhookDeliveriesTable>): WebhookDeliveryRecord {
  return {
    id: row.id,
    eventId: row.event_id,
    endpointId: row.endpoint_id,
    status: oneOf(row.status, DELIVERY_STATUSES, 'webhook_deliveries.status'),
    attempts: num(row.attempts),
    nextAttemptAt: maybeDate(row.next_attempt_at),
    lastStatusCode: maybeNum(row.last_status_code),
    lastError: row.last_error,
    createdAt: new Date(num(row.created_at)),
    updatedAt: new Date(num(row.updated_at)),
  };
}

/** Maps a `webhook_attempts` row to a record. */
export function toAttempt(row: Selectable<WebhookAttemptsTable>): WebhookAttemptRecord {
  return {
    id: row.id,
    deliveryId: row.delivery_id,
    attempt: num(row.attempt),
    statusCode: maybeNum(row.status_code),
    latencyMs: num(row.latency_ms),
    error: row.error,
    at: new Date(num(row.at)),
  };
}
