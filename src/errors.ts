/**
 * lnkit's error classes. Every error thrown across the public API is a {@link LightningError}
 * subclass with a literal `code`.
 */
import type { Rebalance } from './domain/rebalance.js';
import { LightningError, type LightningErrorOptions } from './lightning-error.js';

export { LightningError, isLightningError, type LightningErrorOptions } from './lightning-error.js';

/** Input to a public method was rejected before anything was changed. */
export class ValidationError extends LightningError<'INVALID_INPUT'> {
  /** The input field that was rejected, e.g. `'amountEur'`. */
  readonly field: string;
  constructor(field: string, message: string, options?: LightningErrorOptions) {
    super('INVALID_INPUT', `${field}: ${message}`, options);
    this.field = field;
  }
}

/** No invoice with that id or payment hash. */
export class InvoiceNotFoundError extends LightningError<'INVOICE_NOT_FOUND'> {
  constructor(message = 'invoice not found', options?: LightningErrorOptions) {
    super('INVOICE_NOT_FOUND', message, options);
  }
}

/** An invoice with that payment hash already exists (LND: "invoice with payment hash already exists"). */
export class InvoiceAlreadyExistsError extends LightningError<'INVOICE_ALREADY_EXISTS'> {
  constructor(message = 'invoice with payment hash already exists', options?: LightningErrorOptions) {
    super('INVOICE_ALREADY_EXISTS', message, options);
  }
}

/** A state change that the invoice or payment state machine does not allow. */
export class InvalidStateTransitionError extends LightningError<'INVALID_STATE_TRANSITION'> {
  constructor(
    readonly from: string,
    readonly to: string,
    message = `cannot move from ${from} to ${to}`,
  ) {
    super('INVALID_STATE_TRANSITION', message);
  }
}

/** No payment with that id or payment hash. */
export class PaymentNotFoundError extends LightningError<'PAYMENT_NOT_FOUND'> {
  constructor(message = 'payment not found', options?: LightningErrorOptions) {
    super('PAYMENT_NOT_FOUND', message, options);
  }
}

/** A payment was refused before it was sent (wrong network, expired, own invoice, over the maximum…). */
export class PaymentRejectedError extends LightningError<'PAYMENT_REJECTED'> {
  constructor(
    readonly reason: string,
    message: string,
    options?: LightningErrorOptions,
  ) {
    super('PAYMENT_REJECTED', message, options);
  }
}

/** No fresh BTC/EUR rate could be had and no fallback is configured. */
export class RateUnavailableError extends LightningError<'RATE_UNAVAILABLE'> {
  constructor(message = 'no fresh BTC/EUR rate is available', options?: LightningErrorOptions) {
    super('RATE_UNAVAILABLE', message, options);
  }
}

/** One rate source failed or answered something unusable. */
export class RateSourceError extends LightningError<'RATE_SOURCE_ERROR'> {
  constructor(
    readonly source: string,
    readonly reason: string,
    options?: LightningErrorOptions,
  ) {
    super('RATE_SOURCE_ERROR', `${source}: ${reason}`, options);
  }
}

/** The store failed (constraint, I/O, a custom adapter's error). */
export class StoreError extends LightningError<'STORE_ERROR'> {
  constructor(message: string, options?: LightningErrorOptions) {
    super('STORE_ERROR', message, options);
  }
}

/** A unique constraint was violated in the store (duplicate id, payment hash or idempotency key). */
export class StoreConflictError extends LightningError<'STORE_CONFLICT'> {
  constructor(message: string, options?: LightningErrorOptions) {
    super('STORE_CONFLICT', message, options);
  }
}

/** `02abcd…ef12`: a pubkey short enough for a message, long enough to tell two nodes apart. */
export function shortPubkey(pubkey: string): string {
  return pubkey.length > 12 ? `${pubkey.slice(0, 6)}…${pubkey.slice(-4)}` : pubkey;
}

/**
 * The store belongs to another Lightning node than the one lnkit is connected to (another node's
 * credentials, or another node's database). Nothing was written.
 */
export class StoreNodeMismatchError extends LightningError<'STORE_NODE_MISMATCH'> {
  /** The node the store is bound to. */
  readonly storePubkey: string;
  /** The node lnkit is connected to. */
  readonly nodePubkey: string;
  constructor(storePubkey: string, nodePubkey: string) {
    super(
      'STORE_NODE_MISMATCH',
      `the store belongs to node ${shortPubkey(storePubkey)} but LND is node ${shortPubkey(nodePubkey)}: ` +
        `use this node's own database (or a new empty one), or connect to node ${shortPubkey(storePubkey)}`,
    );
    this.storePubkey = storePubkey;
    this.nodePubkey = nodePubkey;
  }
}

/** A BOLT11 payment request could not be decoded; `reason` names why. */
export class Bolt11Error extends LightningError<'BOLT11_INVALID'> {
  constructor(
    readonly reason: string,
    message: string,
    options?: LightningErrorOptions,
  ) {
    super('BOLT11_INVALID', message, options);
  }
}

/** LND answered with an error that has no more specific class. `grpcCode` is the gRPC status. */
export class LndError extends LightningError<string> {
  constructor(
    message: string,
    readonly grpcCode?: number,
    options?: LightningErrorOptions & { code?: string },
  ) {
    super(options?.code ?? 'LND_ERROR', message, options);
  }
}

/** LND cannot be reached (gRPC UNAVAILABLE). */
export class LndUnavailableError extends LightningError<'LND_UNAVAILABLE'> {
  constructor(message = 'LND is unavailable', options?: LightningErrorOptions) {
    super('LND_UNAVAILABLE', message, options);
  }
}

/** The connection to LND could not be set up (TLS, address). */
export class LndConnectionError extends LightningError<'LND_CONNECTION'> {
  constructor(message: string, options?: LightningErrorOptions) {
    super('LND_CONNECTION', message, options);
  }
}

/** LND refused the macaroon (missing, forged, from another node). */
export class LndAuthenticationError extends LightningError<'LND_AUTHENTICATION'> {
  constructor(message = 'LND refused the macaroon', options?: LightningErrorOptions) {
    super('LND_AUTHENTICATION', message, options);
  }
}

/** The macaroon lacks the permission for this call. */
export class LndPermissionError extends LightningError<'LND_PERMISSION'> {
  constructor(message = 'permission denied', options?: LightningErrorOptions) {
    super('LND_PERMISSION', message, options);
  }
}

/** A call to LND passed its deadline. */
export class LndTimeoutError extends LightningError<'LND_TIMEOUT'> {
  constructor(message = 'LND call timed out', options?: LightningErrorOptions) {
    super('LND_TIMEOUT', message, options);
  }
}

/** The circuit breaker in front of LND is open: calls fail fast until it half-opens. */
export class CircuitOpenError extends LightningError<'CIRCUIT_OPEN'> {
  constructor(message = 'circuit breaker is open: LND calls fail fast', options?: LightningErrorOptions) {
    super('CIRCUIT_OPEN', message, options);
  }
}

/** A call was made before `start()` or after `stop()`. */
export class LifecycleError extends LightningError<'NOT_STARTED' | 'STOPPED'> {
  constructor(code: 'NOT_STARTED' | 'STOPPED', message: string) {
    super(code, message);
  }
}

/** Webhook endpoint or delivery not found. */
export class WebhookNotFoundError extends LightningError<'WEBHOOK_NOT_FOUND'> {
  constructor(message = 'webhook endpoint or delivery not found', options?: LightningErrorOptions) {
    super('WEBHOOK_NOT_FOUND', message, options);
  }
}

/**
 * No active channel can receive an invoice's amount (its inbound capacity is too small). Pass
 * `allowInsufficientInbound: true` to create it anyway (e.g. when inbound is about to be added).
 */
export class InsufficientInboundError extends LightningError<'INSUFFICIENT_INBOUND'> {
  constructor(
    /** The invoice amount, in sat (rounded up). */
    readonly requestedSat: bigint,
    /** What the node's active channels can receive in total, after the peers' reserves. */
    readonly receivableSat: bigint,
    /** The most one active channel can receive. */
    readonly maxChannelReceivableSat: bigint,
  ) {
    super(
      'INSUFFICIENT_INBOUND',
      `cannot receive ${requestedSat} sat: the active channels can receive ${receivableSat} sat in total (at most ${maxChannelReceivableSat} sat in one channel)`,
    );
  }
}

/** Why a rebalance did not move the balance; `rebalance` is the stored row (status `failed`). */
export type RebalanceErrorCode = 'REBALANCE_FEE_TOO_HIGH' | 'REBALANCE_NO_ROUTE' | 'REBALANCE_FAILED';

/**
 * A rebalance failed: `REBALANCE_FEE_TOO_HIGH` (the cheapest route costs more than the limit; nothing
 * was sent), `REBALANCE_NO_ROUTE` (no route leaves by the out channel and comes back through the in
 * peer), `REBALANCE_FAILED` (sent, and LND gave up: liquidity on the way, timeout…).
 */
export class RebalanceError extends LightningError<RebalanceErrorCode> {
  constructor(
    code: RebalanceErrorCode,
    message: string,
    /** The stored rebalance (status `failed`, with its `failureReason`). */
    readonly rebalance: Rebalance,
    /** The cheapest route's fee, when one was found. */
    readonly routeFeeMsat: bigint | null = null,
    options?: LightningErrorOptions,
  ) {
    super(code, message, options);
  }
}

/**
 * The store's leadership is held by another live process and this one was told to lead
 * (`createLightning({ role: 'leader' })`). `holder` names it; nothing was started.
 */
export class StoreLockedError extends LightningError<'STORE_LOCKED'> {
  constructor(
    message: string,
    readonly holder: { readonly host: string; readonly pid: number; readonly owner: string; readonly expiresAt: Date },
    options?: LightningErrorOptions,
  ) {
    super('STORE_LOCKED', message, options);
  }
}

/**
 * A configured node name meets another pubkey than the one the store recorded for it (a name swapped
 * to another node's credentials), or a known node under another name. Nothing was written.
 */
export class NodeNameMismatchError extends LightningError<'NODE_NAME_MISMATCH'> {
  constructor(
    /** The configured name. */
    readonly nodeName: string,
    /** The pubkey the store recorded (for this name, or for this node). */
    readonly storedPubkey: string,
    /** The pubkey of the configured client. */
    readonly nodePubkey: string,
    message: string,
  ) {
    super('NODE_NAME_MISMATCH', message);
  }
}

/**
 * The node an operation was pinned to (`invoices.create({ node })`, `payments.pay({ node })`) is down:
 * its circuit breaker is open or its invoice stream is disconnected. Nothing was sent to it.
 */
export class NodeUnavailableError extends LightningError<'NODE_UNAVAILABLE'> {
  constructor(
    /** The node's configured name. */
    readonly nodeName: string,
    /** Why lnkit holds it down. */
    readonly reason: string,
    options?: LightningErrorOptions,
  ) {
    super('NODE_UNAVAILABLE', `node ${nodeName} is unavailable (${reason}); pick another node or none`, options);
  }
}
