/**
 * The mutable invoice record of the model and its immutable LND-shaped snapshot.
 */
import type { LndInvoiceState } from '../../lnd/lnd-client.js';
import type { HtlcResolver } from './context.js';
import type { SimInvoice } from './types.js';

/** An HTLC held by or paid to an invoice. */
export interface InvoiceHtlcRecord {
  readonly htlcIndex: bigint;
  readonly chanId: string;
  readonly amountMsat: bigint;
  readonly acceptHeight: number;
  readonly expiryHeight: number;
  state: 'ACCEPTED' | 'SETTLED' | 'CANCELED';
  readonly acceptTime: number;
  resolveTime: number | null;
  readonly resolver: HtlcResolver;
}

/** An invoice as the model stores it. */
export interface InvoiceRecord {
  readonly paymentHash: string;
  /** null for a hold invoice until it is settled. */
  preimage: string | null;
  readonly paymentRequest: string;
  readonly memo: string;
  readonly descriptionHash: string;
  readonly valueMsat: bigint;
  state: LndInvoiceState;
  readonly addIndex: bigint;
  settleIndex: bigint;
  /** Whole seconds, in ms. */
  readonly creationMs: number;
  settleMs: number | null;
  readonly expirySeconds: number;
  readonly cltvExpiry: number;
  readonly paymentAddr: string;
  readonly isHold: boolean;
  readonly htlcs: InvoiceHtlcRecord[];
}

const FEATURES: readonly number[] = Object.freeze([8, 14, 17]);

/** An immutable snapshot of `record` as LND would report it. */
export function snapshotInvoice(record: InvoiceRecord): SimInvoice {
  let amountPaidMsat = 0n;
  for (const htlc of record.htlcs) if (htlc.state !== 'CANCELED') amountPaidMsat += htlc.amountMsat;
  return Object.freeze({
    paymentHash: record.paymentHash,
    paymentRequest: record.paymentRequest,
    memo: record.memo,
    valueMsat: record.valueMsat,
    state: record.state,
    addIndex: record.addIndex,
    settleIndex: record.settleIndex,
    amountPaidMsat,
    creationDate: new Date(record.creationMs),
    settleDate: record.settleMs === null ? null : new Date(record.settleMs),
    expirySeconds: record.expirySeconds,
    cltvExpiry: record.cltvExpiry,
    preimage: record.preimage,
    isKeysend: false,
    isAmp: false,
    descriptionHash: record.descriptionHash,
    paymentAddr: record.paymentAddr,
    isHold: record.isHold,
    features: FEATURES,
    htlcs: Object.freeze(
      record.htlcs.map((h) =>
        Object.freeze({
          chanId: h.chanId,
          amountMsat: h.amountMsat,
          acceptHeight: h.acceptHeight,
          expiryHeight: h.expiryHeight,
          state: h.state,
          htlcIndex: h.htlcIndex,
          acceptTime: new Date(h.acceptTime),
          resolveTime: h.resolveTime === null ? null : new Date(h.resolveTime),
          mppTotalAmtMsat: h.amountMsat,
        }),
      ),
    ),
  });
}
