/**
 * The invoice and its state machine. Pure: no I/O.
 */
import type { Decimal } from './amount.js';
import { InvalidStateTransitionError } from '../errors.js';

/** Lifecycle of an invoice. `accepted` is only reached by HODL invoices. */
export type InvoiceStatus = 'open' | 'accepted' | 'settled' | 'cancelled' | 'expired';

/** Every invoice status, in lifecycle order. */
export const INVOICE_STATUSES: readonly InvoiceStatus[] = ['open', 'accepted', 'settled', 'cancelled', 'expired'];

/** JSON value accepted as invoice metadata. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** An invoice as lnkit stores it. */
export interface Invoice {
  /** lnkit's id, `inv_` + 26 characters. */
  readonly id: string;
  /** Hex SHA-256 of the preimage. */
  readonly paymentHash: string;
  /** The BOLT11 string. */
  readonly paymentRequest: string;
  readonly amountMsat: bigint;
  /** The EUR price, when the invoice was priced in EUR. */
  readonly amountEur: Decimal | null;
  /** EUR per BTC used to price it. */
  readonly rate: Decimal | null;
  /** Which rate source(s) produced `rate`, comma-separated (e.g. `'kraken,bitstamp'`). */
  readonly rateSource: string | null;
  /** When the rate was fetched. */
  readonly rateFetchedAt: Date | null;
  readonly description: string;
  readonly metadata: JsonValue | null;
  readonly status: InvoiceStatus;
  /** True for HODL invoices. */
  readonly isHold: boolean;
  /** LND's add_index; 0n for invoices not yet known to come from LND's stream. */
  readonly addIndex: bigint;
  /** LND's settle_index once settled. */
  readonly settleIndex: bigint | null;
  /** What the payer actually paid, once settled. */
  readonly amountPaidMsat: bigint | null;
  readonly idempotencyKey: string | null;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly settledAt: Date | null;
  /** When it was cancelled or expired. */
  readonly closedAt: Date | null;
  /** Pubkey of the node that issued the invoice; absent on rows written before the store knew its node. */
  readonly nodePubkey?: string;
  /** The configured name of that node (`createLightning({ lnd: { alice: … } })`), when it has one. */
  readonly nodeName?: string;
}

const ALLOWED: Readonly<Record<InvoiceStatus, readonly InvoiceStatus[]>> = {
  open: ['accepted', 'settled', 'cancelled', 'expired'],
  accepted: ['settled', 'cancelled'],
  // LND is the truth: a payment it settles after our local expiry is still recorded.
  expired: ['settled', 'cancelled'],
  settled: [],
  cancelled: [],
};

/** True when `from → to` is a legal invoice transition. */
export function canTransitionInvoice(from: InvoiceStatus, to: InvoiceStatus): boolean {
  return ALLOWED[from].includes(to);
}

/**
 * Returns `to` when the move is legal.
 * @throws {InvalidStateTransitionError} e.g. settled → cancelled
 */
export function transitionInvoice(from: InvoiceStatus, to: InvoiceStatus): InvoiceStatus {
  if (!canTransitionInvoice(from, to)) {
    throw new InvalidStateTransitionError(from, to, `invoice is ${from} and cannot become ${to}`);
  }
  return to;
}

/** True for states an invoice never leaves. */
export function isFinalInvoiceStatus(status: InvoiceStatus): boolean {
  return ALLOWED[status].length === 0;
}
