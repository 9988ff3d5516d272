/**
 * Event names and payloads of lnkit's typed bus. Pure types.
 * Payloads never carry a preimage, a macaroon or a secret.
 */
import type { Invoice } from './invoice.js';
import type { Payment, PaymentFailureReason } from './payment.js';
import type { Rebalance } from './rebalance.js';
import type { LiquidityCheck } from './liquidity.js';

/**
 * The node an event is about, on invoice.*, payment.* and liquidity.rebalance* events when lnkit runs
 * several nodes (`createLightning({ lnd: { alice: …, erin: … } })`). Webhook bodies carry it as
 * `node_pubkey` and `node_name`.
 */
export interface EventNode {
  readonly pubkey: string;
  /** The configured name; null for a node configured as a single client. */
  readonly name: string | null;
}

/** Payload of `invoice.*` events. */
export interface InvoiceEvent {
  readonly invoice: Invoice;
  /** Several nodes: the invoice's node. */
  readonly node?: EventNode;
}

/** Payload of `payment.received`: the incoming payment and its invoice (null for external payments). */
export interface PaymentReceivedEvent {
  readonly payment: Payment;
  readonly invoice: Invoice | null;
  /** Several nodes: the node the payment went through. */
  readonly node?: EventNode;
}

/** Payload of `payment.sent`. */
export interface PaymentSentEvent {
  readonly payment: Payment;
  /** Several nodes: the node the payment went through. */
  readonly node?: EventNode;
}

/** Payload of `payment.failed`. */
export interface PaymentFailedEvent {
  readonly payment: Payment;
  readonly reason: PaymentFailureReason;
  /** Several nodes: the node the payment went through. */
  readonly node?: EventNode;
}

/** Payload of `lnd.connected` / `lnd.disconnected`. */
export interface LndConnectionEvent {
  readonly at: Date;
  /** Why the connection was lost (disconnected only). */
  readonly reason?: string;
}

/** An add index and a settle index of LND. */
export interface LndHistoryIndices {
  readonly addIndex: bigint;
  readonly settleIndex: bigint;
}

/**
 * Payload of `lnd.history_reset`: LND's invoice history is not the one the store recorded (a node
 * restored from seed, a regtest reset, a simulator restarted with the same keys). lnkit moves its
 * cursors to the new history and reconciles it from the start.
 */
export interface LndHistoryResetEvent {
  readonly pubkey: string;
  /** The store's cursors before the reset. */
  readonly previous: LndHistoryIndices;
  /** LND's last add index and highest settle index now. */
  readonly current: LndHistoryIndices;
  /** Why lnkit concluded this is another history. */
  readonly reason: string;
  readonly at: Date;
}

/** Payload of `rate.fallback_used`. */
export interface RateFallbackEvent {
  readonly rate: string;
  readonly reason: string;
  readonly at: Date;
}

/** Payload of `webhook.endpoint_disabled`. */
export interface WebhookEndpointDisabledEvent {
  readonly endpointId: string;
  readonly url: string;
  readonly reason: string;
}

/** Payload of `listener.error`: a listener threw; the bus and the watcher went on. */
export interface ListenerErrorEvent {
  readonly event: string;
  readonly error: unknown;
}

/** Payload of `liquidity.rebalanced` and `liquidity.rebalance_failed`: the stored rebalance row. */
export interface RebalanceEvent {
  readonly rebalance: Rebalance;
  /** Several nodes: the node the payment went through. */
  readonly node?: EventNode;
}

/** Every event lnkit emits, by name. */
export interface LightningEvents {
  'invoice.created': InvoiceEvent;
  'invoice.settled': InvoiceEvent;
  'invoice.expired': InvoiceEvent;
  'invoice.cancelled': InvoiceEvent;
  'invoice.accepted': InvoiceEvent;
  'payment.received': PaymentReceivedEvent;
  'payment.sent': PaymentSentEvent;
  'payment.failed': PaymentFailedEvent;
  'lnd.connected': LndConnectionEvent;
  'lnd.disconnected': LndConnectionEvent;
  'lnd.history_reset': LndHistoryResetEvent;
  'rate.fallback_used': RateFallbackEvent;
  'webhook.endpoint_disabled': WebhookEndpointDisabledEvent;
  'liquidity.checked': LiquidityCheck;
  'liquidity.rebalanced': RebalanceEvent;
  'liquidity.rebalance_failed': RebalanceEvent;
}

/** Name of an lnkit event. */
export type LightningEventName = keyof LightningEvents;

/** Events that are also delivered as webhooks. */
export const WEBHOOK_EVENT_TYPES = [
  'invoice.created',
  'invoice.settled',
  'invoice.expired',
  'invoice.cancelled',
  'invoice.accepted',
  'payment.received',
  'payment.sent',
  'payment.failed',
  'liquidity.rebalanced',
  'liquidity.rebalance_failed',
] as const satisfies readonly LightningEventName[];

/** Every event name, at run time (forward them all, subscribe to all in a test). */
export const LIGHTNING_EVENT_NAMES = [
  ...WEBHOOK_EVENT_TYPES,
  'lnd.connected',
  'lnd.disconnected',
  'lnd.history_reset',
  'rate.fallback_used',
  'webhook.endpoint_disabled',
  'liquidity.checked',
] as const satisfies readonly LightningEventName[];

// Compile-time check that the list names every key of LightningEvents.
type UnlistedEvent = Exclude<LightningEventName, (typeof LIGHTNING_EVENT_NAMES)[number]>;
const everyEventListed: [UnlistedEvent] extends [never] ? true : UnlistedEvent = true;
void everyEventListed;

/** An event type delivered as a webhook. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
