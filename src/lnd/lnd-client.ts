/**
 * The LndClient port: the subset of LND that lnkit's services call. Types only.
 *
 * Conventions for every implementation (the gRPC adapter, the fake, the simulator client):
 * - amounts are msat/sat as `bigint`; hashes, preimages and pubkeys are lower-case hex strings;
 *   chan ids are decimal strings (uint64, may exceed 2^53);
 * - errors are lnkit errors: `InvoiceNotFoundError`, `InvoiceAlreadyExistsError`,
 *   `PaymentNotFoundError`, `LndUnavailableError`, `LndAuthenticationError`, `LndPermissionError`,
 *   `LndTimeoutError`, `CircuitOpenError`, or `LndError` for the rest; never a raw gRPC error;
 * - streams are `AsyncIterable`s. Breaking out of the loop or aborting `signal` cancels the
 *   stream. A stream that LND ends normally simply ends (the caller resubscribes).
 */
import type { Channel } from '../domain/channel.js';

/** Bitcoin networks as LND names them in GetInfo. */
export type LndNetwork = 'mainnet' | 'testnet' | 'testnet4' | 'signet' | 'regtest' | 'simnet';

/** GetInfo, reduced to what lnkit uses. */
export interface LndNodeInfo {
  readonly pubkey: string;
  readonly alias: string;
  readonly network: LndNetwork;
  readonly blockHeight: number;
  readonly blockHash: string;
  readonly isSyncedToChain: boolean;
  readonly isSyncedToGraph: boolean;
  /** e.g. `'0.20.0-beta'`: the first token of LND's version string. */
  readonly version: string;
  readonly numActiveChannels: number;
  readonly numPeers: number;
}

/** Input of {@link LndClient.addInvoice}. Exactly one of memo / descriptionHash is used in the BOLT11. */
export interface LndAddInvoiceInput {
  readonly valueMsat: bigint;
  readonly memo: string;
  /** Default is 86400. */
  readonly expirySeconds?: number;
  /** 32 bytes hex; when given, the BOLT11 carries `h` instead of `d`. */
  readonly descriptionHash?: string;
  /** 32 bytes hex; LND generates one when omitted. */
  readonly preimage?: string;
  /** Default is 80. */
  readonly cltvExpiry?: number;
}

/** Result of {@link LndClient.addInvoice}. */
export interface LndAddInvoiceResult {
  readonly paymentHash: string;
  readonly paymentRequest: string;
  readonly addIndex: bigint;
  readonly paymentAddr: string;
}

/** Input of {@link LndClient.addHoldInvoice}. */
export interface LndAddHoldInvoiceInput {
  readonly paymentHash: string;
  readonly valueMsat: bigint;
  readonly memo: string;
  readonly expirySeconds?: number;
  readonly cltvExpiry?: number;
}

/** Result of {@link LndClient.addHoldInvoice}. */
export interface LndAddHoldInvoiceResult {
  readonly paymentRequest: string;
  readonly addIndex: bigint;
  readonly paymentAddr: string;
}

/** LND's invoice states. */
export type LndInvoiceState = 'OPEN' | 'SETTLED' | 'CANCELED' | 'ACCEPTED';

/** One HTLC paying an invoice. */
export interface LndInvoiceHtlc {
  readonly chanId: string;
  readonly amountMsat: bigint;
  readonly acceptHeight: number;
  readonly expiryHeight: number;
  readonly state: 'ACCEPTED' | 'SETTLED' | 'CANCELED';
}

/** An invoice as LND reports it (LookupInvoice, SubscribeInvoices, ListInvoices). */
export interface LndInvoice {
  readonly paymentHash: string;
  readonly paymentRequest: string;
  readonly memo: string;
  readonly valueMsat: bigint;
  readonly state: LndInvoiceState;
  readonly addIndex: bigint;
  /** 0n until settled. */
  readonly settleIndex: bigint;
  readonly amountPaidMsat: bigint;
  readonly creationDate: Date;
  /** null until settled. */
  readonly settleDate: Date | null;
  readonly expirySeconds: number;
  readonly cltvExpiry: number;
  /** Hex preimage; null for a hold invoice until it is settled. */
  readonly preimage: string | null;
  readonly isKeysend: boolean;
  readonly isAmp: boolean;
  readonly htlcs: readonly LndInvoiceHtlc[];
}

/** Input of {@link LndClient.subscribeInvoices}: the last add and settle index already processed. */
export interface LndSubscribeInvoicesInput {
  /** Replay adds with add_index > this. 0n means no add replay (LND semantics). */
  readonly addIndex: bigint;
  /** Replay settles with settle_index > this. 0n means no settle replay (LND semantics). */
  readonly settleIndex: bigint;
  readonly signal?: AbortSignal;
}

/** Input of {@link LndClient.listInvoices}: pages over add_index, `indexOffset` exclusive. */
export interface LndListInvoicesInput {
  readonly indexOffset?: bigint;
  /** Default is 100. */
  readonly maxInvoices?: number;
  readonly pendingOnly?: boolean;
  readonly reversed?: boolean;
}

/** A page of {@link LndClient.listInvoices}. */
export interface LndInvoicePage {
  readonly invoices: readonly LndInvoice[];
  readonly firstIndexOffset: bigint;
  readonly lastIndexOffset: bigint;
}

/** A decoded payment request (DecodePayReq). */
export interface LndPayReq {
  readonly destination: string;
  readonly paymentHash: string;
  readonly amountMsat: bigint;
  readonly timestamp: Date;
  readonly expirySeconds: number;
  readonly description: string;
  readonly descriptionHash: string;
  readonly cltvExpiry: number;
  readonly paymentAddr: string;
}

/** LND's payment states (lnrpc.Payment.PaymentStatus). */
export type LndPaymentStatus = 'IN_FLIGHT' | 'SUCCEEDED' | 'FAILED' | 'INITIATED';

/** LND's PaymentFailureReason without the prefix. */
export type LndPaymentFailureReason =
  'NONE' | 'TIMEOUT' | 'NO_ROUTE' | 'ERROR' | 'INCORRECT_PAYMENT_DETAILS' | 'INSUFFICIENT_BALANCE' | 'CANCELED';

/** One hop of a route. */
export interface LndHop {
  readonly chanId: string;
  readonly pubkey: string;
  readonly amountToForwardMsat: bigint;
  readonly feeMsat: bigint;
  readonly expiry: number;
}

/** A route (QueryRoutes, HTLC attempts). */
export interface LndRoute {
  readonly totalAmountMsat: bigint;
  readonly totalFeesMsat: bigint;
  readonly totalTimeLock: number;
  readonly hops: readonly LndHop[];
}

/** A payment update (SendPaymentV2 / TrackPaymentV2 / ListPayments). */
export interface LndPayment {
  readonly paymentHash: string;
  readonly status: LndPaymentStatus;
  readonly valueMsat: bigint;
  readonly feeMsat: bigint;
  /** Hex preimage once SUCCEEDED, else null. */
  readonly preimage: string | null;
  readonly paymentRequest: string;
  readonly failureReason: LndPaymentFailureReason;
  readonly creationDate: Date;
  readonly paymentIndex: bigint;
  /** Route of the successful HTLC, when there is one. */
  readonly route: LndRoute | null;
}

/** Input of {@link LndClient.sendPayment}. Always carries a fee limit (0 would mean zero-fee routes only). */
export interface LndSendPaymentInput {
  readonly paymentRequest: string;
  /** Only for zero-amount invoices. */
  readonly amountMsat?: bigint;
  readonly feeLimitMsat: bigint;
  /** Default is 60. */
  readonly timeoutSeconds?: number;
  readonly outgoingChanIds?: readonly string[];
  /** Hex pubkey of the last hop (rebalancing). */
  readonly lastHopPubkey?: string;
  readonly allowSelfPayment?: boolean;
  readonly signal?: AbortSignal;
}

/** Input of {@link LndClient.queryRoutes}. */
export interface LndQueryRoutesInput {
  readonly pubkey: string;
  readonly amountMsat: bigint;
  readonly feeLimitMsat?: bigint;
  readonly outgoingChanIds?: readonly string[];
  readonly lastHopPubkey?: string;
  readonly finalCltvDelta?: number;
}

/** ChannelBalance. */
export interface LndChannelBalance {
  readonly localMsat: bigint;
  readonly remoteMsat: bigint;
  readonly unsettledLocalMsat: bigint;
  readonly unsettledRemoteMsat: bigint;
}

/**
 * The subset of LND that lnkit calls. Implemented by `createLndClient` (lnkit/lnd), and by the
 * fakes in lnkit/testing. Every implementation passes `lndClientConformanceCases`.
 */
export interface LndClient {
  /** GetInfo. Idempotent. */
  getInfo(): Promise<LndNodeInfo>;
  /**
   * AddInvoice. Not idempotent: each call makes a new invoice.
   * @throws {InvoiceAlreadyExistsError} when `preimage` hashes to an existing invoice
   */
  addInvoice(input: LndAddInvoiceInput): Promise<LndAddInvoiceResult>;
  /**
   * Invoices.AddHoldInvoice.
   * @throws {InvoiceAlreadyExistsError} when the hash exists
   */
  addHoldInvoice(input: LndAddHoldInvoiceInput): Promise<LndAddHoldInvoiceResult>;
  /**
   * Invoices.SettleInvoice with the hex preimage. Idempotent once settled.
   * @throws {InvoiceNotFoundError} when no invoice has that preimage's hash
   * @throws {LndError} "invoice still open" / "invoice already canceled"
   */
  settleInvoice(preimage: string): Promise<void>;
  /**
   * Invoices.CancelInvoice. Idempotent once cancelled.
   * @throws {InvoiceNotFoundError} unknown hash
   * @throws {LndError} "invoice already settled"
   */
  cancelInvoice(paymentHash: string): Promise<void>;
  /**
   * LookupInvoice.
   * @throws {InvoiceNotFoundError} when LND has no such invoice
   */
  lookupInvoice(paymentHash: string): Promise<LndInvoice>;
  /** ListInvoices, paging over add_index (exclusive offset), ascending. */
  listInvoices(input?: LndListInvoicesInput): Promise<LndInvoicePage>;
  /**
   * SubscribeInvoices with LND's exact replay semantics: the add backlog (add_index > addIndex),
   * then the settle backlog (settle_index > settleIndex), each item in its current state, then live
   * OPEN and SETTLED events. Duplicates are possible; ACCEPTED and CANCELED are never sent.
   */
  subscribeInvoices(input: LndSubscribeInvoicesInput): AsyncIterable<LndInvoice>;
  /**
   * Invoices.SubscribeSingleInvoice: the current state first, then every transition; ends after
   * SETTLED or CANCELED.
   */
  subscribeSingleInvoice(input: {
    readonly paymentHash: string;
    readonly signal?: AbortSignal;
  }): AsyncIterable<LndInvoice>;
  /** ListChannels. */
  listChannels(): Promise<readonly Channel[]>;
  /** ChannelBalance. */
  channelBalance(): Promise<LndChannelBalance>;
  /**
   * DecodePayReq.
   * @throws {LndError} on an invalid request or another network
   */
  decodePayReq(paymentRequest: string): Promise<LndPayReq>;
  /**
   * Router.SendPaymentV2. Never retried by lnkit. The stream yields IN_FLIGHT updates and ends
   * after SUCCEEDED or FAILED. Routing failures are FAILED updates, not errors.
   * @throws {LndError} with LND's text for "invoice is already paid", "payment is in transition"…
   */
  sendPayment(input: LndSendPaymentInput): AsyncIterable<LndPayment>;
  /**
   * Router.TrackPaymentV2.
   * @throws {PaymentNotFoundError} "payment isn't initiated"
   */
  trackPayment(input: { readonly paymentHash: string; readonly signal?: AbortSignal }): AsyncIterable<LndPayment>;
  /** ListPayments, including incomplete ones. */
  listPayments(input?: {
    readonly indexOffset?: bigint;
    readonly maxPayments?: number;
  }): Promise<readonly LndPayment[]>;
  /** QueryRoutes: at most one route; an empty array when no path exists. */
  queryRoutes(input: LndQueryRoutesInput): Promise<readonly LndRoute[]>;
  /** Closes connections and ends open streams. Idempotent. */
  close(): Promise<void>;
}
