/**
 * Row ↔ record mapping for the PostgreSQL store. Rows arrive as text (see context.ts) and are
 * validated on the way in.
 */
import { INVOICE_STATUSES, type JsonValue } from '../../domain/invoice.js';
import type { Payment, PaymentDirection, PaymentFailureReason, PaymentStatus } from '../../domain/payment.js';
import type {
  InvoiceRecord,
  NodeRecord,
  WebhookAttemptRecord,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookEndpointRecord,
  WebhookEventRecord,
} from '../store.js';
import type { TextRow } from './context.js';
import {
  bigintOf,
  boolOf,
  dateOf,
  intOf,
  maybeBigint,
  maybeDate,
  maybeDecimal,
  maybeInt,
  maybeText,
  oneOf,
  stringArray,
  text,
} from './values.js';

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

/** JSON metadata as text for a `json` column (null stays SQL NULL). */
export const jsonParam = (v: JsonValue | null): string | null => (v === null ? null : (JSON.stringify(v) ?? null));

/** `{ nodePubkey }` when the row names its node; nothing for rows written before the store knew it. */
function owner(row: TextRow): { nodePubkey?: string } {
  const nodePubkey = maybeText(row, 'node_pubkey');
  return nodePubkey === null ? {} : { nodePubkey };
}

/** Maps a `nodes` row to a record. */
export function toNode(row: TextRow): NodeRecord {
  return {
    pubkey: text(row, 'pubkey'),
    network: maybeText(row, 'network'),
    alias: maybeText(row, 'alias'),
    boundAt: dateOf(row, 'bound_at'),
    anchorAddIndex: maybeBigint(row, 'anchor_add_index'),
    anchorPaymentHash: maybeText(row, 'anchor_payment_hash'),
    updatedAt: dateOf(row, 'updated_at'),
    ...nameOf(maybeText(row, 'name')),
  };
}

function nameOf(name: string | null): { name?: string } {
  return name === null ? {} : { name };
}

/** Maps an `invoices` row to a record. */
export function toInvoice(row: TextRow): InvoiceRecord {
  const metadata = maybeText(row, 'metadata');
  return {
    id: text(row, 'id'),
    paymentHash: text(row, 'payment_hash'),
    paymentRequest: text(row, 'payment_request'),
    amountMsat: bigintOf(row, 'amount_msat'),
    amountEur: maybeDecimal(row, 'amount_eur'),
    rate: maybeDecimal(row, 'rate'),
    rateSource: maybeText(row, 'rate_source'),
    rateFetchedAt: maybeDate(row, 'rate_fetched_at'),
    description: text(row, 'description'),
    metadata: metadata === null ? null : (JSON.parse(metadata) as JsonValue),
    status: oneOf(row, 'status', INVOICE_STATUSES),
    isHold: boolOf(row, 'is_hold'),
    addIndex: bigintOf(row, 'add_index'),
    settleIndex: maybeBigint(row, 'settle_index'),
    amountPaidMsat: maybeBigint(row, 'amount_paid_msat'),
    idempotencyKey: maybeText(row, 'idempotency_key'),
    createdAt: dateOf(row, 'created_at'),
    expiresAt: dateOf(row, 'expires_at'),
    settledAt: maybeDate(row, 'settled_at'),
    closedAt: maybeDate(row, 'closed_at'),
    preimage: maybeText(row, 'preimage'),
    ...owner(row),
  };
}

/** Maps a `payments` row to a payment. */
export function toPayment(row: TextRow): Payment {
  return {
    id: text(row, 'id'),
    direction: oneOf(row, 'direction', DIRECTIONS),
    status: oneOf(row, 'status', PAYMENT_STATUSES),
    paymentHash: text(row, 'payment_hash'),
    paymentRequest: maybeText(row, 'payment_request'),
    amountMsat: bigintOf(row, 'amount_msat'),
    feeMsat: bigintOf(row, 'fee_msat'),
    invoiceId: maybeText(row, 'invoice_id'),
    preimage: maybeText(row, 'preimage'),
    failureReason: maybeText(row, 'failure_reason') === null ? null : oneOf(row, 'failure_reason', FAILURE_REASONS),
    idempotencyKey: maybeText(row, 'idempotency_key'),
    settleIndex: maybeBigint(row, 'settle_index'),
    feeLimitMsat: maybeBigint(row, 'fee_limit_msat'),
    createdAt: dateOf(row, 'created_at'),
    updatedAt: dateOf(row, 'updated_at'),
    completedAt: maybeDate(row, 'completed_at'),
    ...owner(row),
  };
}

/** Maps a `webhook_endpoints` row to a record. */
export function toEndpoint(row: TextRow): WebhookEndpointRecord {
  return {
    id: text(row, 'id'),
    url: text(row, 'url'),
    secrets: stringArray(row, 'secrets'),
    events: maybeText(row, 'events') === null ? null : stringArray(row, 'events'),
    allowInsecure: boolOf(row, 'allow_insecure'),
    allowPrivateNetwork: boolOf(row, 'allow_private_network'),
    isEnabled: boolOf(row, 'is_enabled'),
    disabledReason: maybeText(row, 'disabled_reason'),
    createdAt: dateOf(row, 'created_at'),
    updatedAt: dateOf(row, 'updated_at'),
  };
}

/** Maps a `webhook_events` row to a record. */
export function toEvent(row: TextRow): WebhookEventRecord {
  return {
    id: text(row, 'id'),
    type: text(row, 'type'),
    body: text(row, 'body'),
    createdAt: dateOf(row, 'created_at'),
  };
}

/** Maps a `webhook_deliveries` row to a record. */
export function toDelivery(row: TextRow): WebhookDeliveryRecord {
  return {
    id: text(row, 'id'),
    eventId: text(row, 'event_id'),
    endpointId: text(row, 'endpoint_id'),
    status: oneOf(row, 'status', DELIVERY_STATUSES),
    attempts: intOf(row, 'attempts'),
    nextAttemptAt: maybeDate(row, 'next_attempt_at'),
    lastStatusCode: maybeInt(row, 'last_status_code'),
    lastError: maybeText(row, 'last_error'),
    createdAt: dateOf(row, 'created_at'),
    updatedAt: dateOf(row, 'updated_at'),
  };
}

/** Maps a `webhook_attempts` row to a record. */
export function toAttempt(row: TextRow): WebhookAttemptRecord {
  return {
    id: text(row, 'id'),
    deliveryId: text(row, 'delivery_id'),
    attempt: intOf(row, 'attempt'),
    statusCode: maybeInt(row, 'status_code'),
    latencyMs: intOf(row, 'latency_ms'),
    error: maybeText(row, 'error'),
    at: dateOf(row, 'at'),
  };
}
