// size-exempt: one documented types file for the whole network model (the simulator and the fake code against it)
/**
 * Public types of the in-memory Lightning network model shared by the fake LND (`createFakeLnd`)
 * and the gRPC simulator (`startLndSimulator`).
 *
 * Conventions (same as the LndClient port): amounts are msat/sat `bigint`; hashes, preimages and
 * pubkeys are lower-case hex; chan ids are decimal strings (uint64, may exceed 2^53).
 *
 * The model mimics LND's field semantics and exact error texts: every RPC method of a
 * {@link SimNode} throws an {@link LndRpcError} carrying the gRPC status code and LND's `details`
 * string (e.g. `5 'unable to locate invoice'`). Stream RPCs throw synchronously for errors LND
 * returns before the stream starts (`invoice is already paid`…) and deliver the rest on the stream.
 *
 * Time: the block height is `startHeight + floor((clock.now() - start) / blockTimeMs)`. Time-based
 * transitions (invoice expiry → CANCELED, hold-invoice auto-cancel 18 blocks before the earliest
 * HTLC expiry, payment timeouts) are applied by `tick()`, which runs lazily at every entry point
 * and from a clock timer scheduled for the next deadline.
 */
import type { Channel } from '../../domain/channel.js';
import type { Clock } from '../../domain/clock.js';
import type {
  LndAddHoldInvoiceResult,
  LndAddInvoiceResult,
  LndChannelBalance,
  LndInvoice,
  LndInvoiceHtlc,
  LndNetwork,
  LndNodeInfo,
  LndPayReq,
  LndPayment,
  LndRoute,
} from '../../lnd/lnd-client.js';

export { LndRpcError } from './rpc-error.js';
import type { LndRpcError } from './rpc-error.js';

/** Networks the model can run as (the BOLT11 prefix follows: bcrt, tb, bc, tbs). */
export type SimNetworkName = Extract<LndNetwork, 'regtest' | 'testnet' | 'mainnet' | 'signet'>;

/** Options of {@link createNetwork}. */
export interface NetworkConfig {
  /** Default is the system clock. */
  readonly clock?: Clock;
  /** Random numbers in [0, 1) for preimages and payment secrets. Default is the CSPRNG; seed it for reproducible runs. */
  readonly random?: () => number;
  /** Default is `'regtest'`. */
  readonly network?: SimNetworkName;
  /** Milliseconds per block. Default is 600_000 (10 minutes). */
  readonly blockTimeMs?: number;
  /** Block height at the clock's time when the network is created. Default is 800_000. */
  readonly startHeight?: number;
}

/** Input of {@link SimNetwork.addNode}. */
export interface AddNodeSpec {
  /** Unique name, e.g. `'alice'`. */
  readonly name: string;
  /** Default is the name. */
  readonly alias?: string;
  /** 32-byte hex secp256k1 key. Default is `sha256('lnkit-sim-node:' + name)` (deterministic). */
  readonly privateKey?: string;
}

/** A channel direction's routing policy (the policy of the node forwarding *out* over the channel). */
export interface ChannelPolicy {
  readonly baseMsat: bigint;
  readonly feeRatePpm: bigint;
  /** Default is 80. */
  readonly cltvDelta: number;
}

/** Input of {@link SimNetwork.addChannel}. */
export interface AddChannelSpec {
  /** Name of node A (the initiator). */
  readonly a: string;
  /** Name of node B. */
  readonly b: string;
  readonly capacitySat: bigint;
  /** A's local balance in sat; B holds the rest. */
  readonly localSatA: bigint;
  /** Decimal uint64 short channel id. Default is a deterministic SCID. */
  readonly chanId?: string;
  /** A's policy when forwarding A→B. Default `{ baseMsat: 1000n, feeRatePpm: 1n, cltvDelta: 80 }` (LND defaults). */
  readonly policyA?: Partial<ChannelPolicy>;
  /** B's policy when forwarding B→A. Default as `policyA`. */
  readonly policyB?: Partial<ChannelPolicy>;
  /** Default is true. A channel is only usable when active and both ends are online. */
  readonly isActive?: boolean;
}

/** A channel between two nodes of the network. */
export interface SimChannel {
  readonly chanId: string;
  /** `txid:0`, deterministic from the chan id. */
  readonly channelPoint: string;
  /** Node name of side A (the initiator). */
  readonly a: string;
  /** Node name of side B. */
  readonly b: string;
  readonly capacitySat: bigint;
  /** Each side's reserve: 1% of the capacity, at least 354 sat (LND's default). */
  readonly reserveSat: bigint;
  /** Settled balance of `nodeName`'s side, excluding its pending outgoing HTLCs. */
  balanceMsat(nodeName: string): bigint;
  /** Sum of `nodeName`'s pending outgoing HTLCs on this channel. */
  pendingOutgoingMsat(nodeName: string): bigint;
  /** The policy `fromNode` applies when forwarding out over this channel. */
  policy(fromNode: string): ChannelPolicy;
  /** Changes `fromNode`'s policy. */
  setPolicy(fromNode: string, policy: Partial<ChannelPolicy>): void;
  /** The flag given at creation (or by `setActive`); see {@link SimChannel.isUsable}. */
  readonly isActive: boolean;
  /** Enables or disables the channel (as a peer going offline would). */
  setActive(isActive: boolean): void;
  /** Active and both ends online. */
  isUsable(): boolean;
}

/** A push-based stream. Items are buffered until `onData` is attached; end/error is delivered once, after the items. */
export interface SimStream<T> {
  /** Receives each item, buffered ones first. */
  onData(fn: (item: T) => void): void;
  /** Called once when the stream ends normally. */
  onEnd(fn: () => void): void;
  /** Called once when the stream fails. */
  onError(fn: (error: LndRpcError) => void): void;
  /** Cancels the stream from the consumer side: no more events are delivered. Idempotent. */
  close(): void;
  /** True until the stream ended, errored or was closed. */
  readonly isOpen: boolean;
}

/** GetInfo with the fields the gRPC simulator also needs. */
export interface SimNodeInfo extends LndNodeInfo {
  /** LND's full version string, e.g. `'0.21.2-beta commit=v0.21.2-beta'`. */
  readonly versionString: string;
  readonly commitHash: string;
  readonly color: string;
  readonly numInactiveChannels: number;
  readonly numPendingChannels: number;
  readonly bestHeaderTimestamp: Date;
  /** `pubkey@host:port` URIs; empty in the model. */
  readonly uris: readonly string[];
}

/** AddInvoice input: LND's `Invoice` request fields. `valueSat` and `valueMsat` are mutually exclusive. */
export interface SimAddInvoiceInput {
  readonly memo?: string;
  readonly valueSat?: bigint;
  readonly valueMsat?: bigint;
  /** Default 86400; 0 means the default. */
  readonly expirySeconds?: number;
  readonly descriptionHash?: string;
  readonly preimage?: string;
  /** Default 80; 0 means the default. */
  readonly cltvExpiry?: number;
}

/** AddHoldInvoice input (invoicesrpc.AddHoldInvoiceRequest). */
export interface SimAddHoldInvoiceInput extends Omit<SimAddInvoiceInput, 'preimage'> {
  readonly paymentHash: string;
}

/** One HTLC of an invoice, with the extra fields of lnrpc.InvoiceHTLC. */
export interface SimInvoiceHtlc extends LndInvoiceHtlc {
  readonly htlcIndex: bigint;
  readonly acceptTime: Date;
  /** null while ACCEPTED. */
  readonly resolveTime: Date | null;
  readonly mppTotalAmtMsat: bigint;
}

/** An invoice with the extra fields of lnrpc.Invoice. A snapshot: later changes do not alter it. */
export interface SimInvoice extends LndInvoice {
  /** 32-byte hex, or `''`. */
  readonly descriptionHash: string;
  /** 32-byte hex payment secret (`s` field). */
  readonly paymentAddr: string;
  readonly isHold: boolean;
  /** BOLT11 feature bits of the invoice: 8, 14, 17. */
  readonly features: readonly number[];
  readonly htlcs: readonly SimInvoiceHtlc[];
}

/** ListInvoices input (pages over add_index; `indexOffset` exclusive). */
export interface SimListInvoicesInput {
  readonly indexOffset?: bigint;
  /** 0 or absent means 100. */
  readonly maxInvoices?: number;
  readonly pendingOnly?: boolean;
  readonly reversed?: boolean;
  /** Unix seconds; 0/absent = unbounded. Filters on the creation date. */
  readonly creationDateStart?: number;
  readonly creationDateEnd?: number;
}

/** ListInvoices result. */
export interface SimInvoicePage {
  readonly invoices: readonly SimInvoice[];
  readonly firstIndexOffset: bigint;
  readonly lastIndexOffset: bigint;
}

/** DecodePayReq with the extra fields of lnrpc.PayReq. */
export interface SimPayReq extends LndPayReq {
  readonly features: readonly number[];
}

/** Input of SendPaymentV2. A missing `feeLimitMsat` means 0: zero-fee routes only (LND semantics). */
export interface SimSendPaymentInput {
  readonly paymentRequest: string;
  /** Only for zero-amount invoices. */
  readonly amountMsat?: bigint;
  readonly feeLimitMsat?: bigint;
  /** 0/absent means 60. */
  readonly timeoutSeconds?: number;
  readonly outgoingChanIds?: readonly string[];
  readonly lastHopPubkey?: string;
  readonly allowSelfPayment?: boolean;
  readonly noInflightUpdates?: boolean;
}

/** One HTLC attempt of a payment (lnrpc.HTLCAttempt). */
export interface SimHtlcAttempt {
  readonly attemptId: bigint;
  readonly status: 'IN_FLIGHT' | 'SUCCEEDED' | 'FAILED';
  readonly route: LndRoute;
  readonly attemptTime: Date;
  readonly resolveTime: Date | null;
  /** LND Failure.FailureCode name, e.g. `'TEMPORARY_CHANNEL_FAILURE'`, and the index of the reporting hop (0 = sender). */
  readonly failure: { readonly code: string; readonly failureSourceIndex: number } | null;
  readonly preimage: string | null;
}

/** A payment with the extra fields of lnrpc.Payment. A snapshot. */
export interface SimPayment extends LndPayment {
  readonly htlcs: readonly SimHtlcAttempt[];
}

/** ListPayments input. */
export interface SimListPaymentsInput {
  readonly indexOffset?: bigint;
  /** 0/absent means 100. */
  readonly maxPayments?: number;
  /** Default false: only SUCCEEDED payments (LND semantics). */
  readonly includeIncomplete?: boolean;
  readonly reversed?: boolean;
}

/** ListPayments result. */
export interface SimPaymentPage {
  readonly payments: readonly SimPayment[];
  readonly firstIndexOffset: bigint;
  readonly lastIndexOffset: bigint;
  readonly totalNumPayments: bigint;
}

/** QueryRoutes input. Without `feeLimitMsat`, LND's default applies (100% up to 1000 sat, else 5%). */
export interface SimQueryRoutesInput {
  readonly pubkey: string;
  readonly amountMsat: bigint;
  readonly feeLimitMsat?: bigint;
  readonly outgoingChanIds?: readonly string[];
  readonly lastHopPubkey?: string;
  /** Default 80. */
  readonly finalCltvDelta?: number;
}

/** A channel of a node as ListChannels reports it, with the extra fields the simulator serialises. */
export interface SimChannelInfo extends Omit<
  Channel,
  'commitFeeSat' | 'isInitiator' | 'unsettledBalanceSat' | 'remoteReserveSat'
> {
  readonly initiator: boolean;
  readonly remoteReserveSat: bigint;
  /** Sum of pending HTLCs in both directions, in sat. */
  readonly unsettledBalanceSat: bigint;
  /** The peer's alias (sent on the wire only when the request asks for peer_alias_lookup). */
  readonly peerAlias: string;
}

/** One direction's policy as GetChanInfo reports it (lnrpc.RoutingPolicy). */
export interface SimRoutingPolicy extends ChannelPolicy {
  readonly minHtlcMsat: bigint;
  readonly maxHtlcMsat: bigint;
  /** True when the channel is inactive or this side's node is offline. */
  readonly isDisabled: boolean;
}

/** A channel of the graph (GetChanInfo). node1 is the endpoint with the smaller pubkey; node1Policy governs node1 → node2. */
export interface SimChannelEdge {
  readonly chanId: string;
  readonly channelPoint: string;
  readonly capacitySat: bigint;
  readonly node1Pub: string;
  readonly node2Pub: string;
  readonly node1Policy: SimRoutingPolicy;
  readonly node2Policy: SimRoutingPolicy;
}

/** Log entry of an RPC call on a node; `method` is the {@link SimNode} method name (`'addInvoice'`, `'sendPayment'`…). */
export interface SimCall {
  readonly method: string;
  /** clock.now() at the call. */
  readonly at: number;
}

/** One LND node of the network. Each method is one LND RPC. Throws {@link LndRpcError}. */
export interface SimNode {
  readonly name: string;
  readonly alias: string;
  readonly pubkey: string;
  readonly privateKey: string;
  readonly isOnline: boolean;
  /** Going offline errors the node's open streams (UNAVAILABLE); its RPCs then throw UNAVAILABLE and its channels stop routing. */
  setOnline(isOnline: boolean): void;
  /**
   * Loses the node's invoice history, as a node restored from seed or a reset regtest/Polar node: every
   * invoice is forgotten, add and settle indices start again at 1, open streams fail with UNAVAILABLE.
   * Keys, channels and payments stay.
   */
  resetHistory(): void;
  readonly callLog: readonly SimCall[];

  /** GetInfo: identity, height, sync state, channel counts. */
  getInfo(): SimNodeInfo;
  /** AddInvoice. */
  addInvoice(input: SimAddInvoiceInput): LndAddInvoiceResult;
  /** AddHoldInvoice (invoicesrpc). */
  addHoldInvoice(input: SimAddHoldInvoiceInput): LndAddHoldInvoiceResult;
  /** SettleInvoice: settles an accepted hold invoice with its preimage. */
  settleInvoice(preimage: string): void;
  /** CancelInvoice: cancels an open or accepted hold invoice. */
  cancelInvoice(paymentHash: string): void;
  /** LookupInvoice by payment hash. */
  lookupInvoice(paymentHash: string): SimInvoice;
  /** ListInvoices, paged by add index. */
  listInvoices(input?: SimListInvoicesInput): SimInvoicePage;
  /** SubscribeInvoices from the given add and settle indexes. */
  subscribeInvoices(input: { readonly addIndex: bigint; readonly settleIndex: bigint }): SimStream<SimInvoice>;
  /** SubscribeSingleInvoice (invoicesrpc): the invoice's state changes. */
  subscribeSingleInvoice(paymentHash: string): SimStream<SimInvoice>;
  /** ListChannels. */
  listChannels(): SimChannelInfo[];
  /** ChannelBalance. */
  channelBalance(): LndChannelBalance;
  /** DecodePayReq. */
  decodePayReq(paymentRequest: string): SimPayReq;
  /** SendPaymentV2 (routerrpc): the payment's updates until final. */
  sendPayment(input: SimSendPaymentInput): SimStream<SimPayment>;
  /** TrackPaymentV2 (routerrpc): the updates of a payment already sent. */
  trackPayment(paymentHash: string): SimStream<SimPayment>;
  /** ListPayments. */
  listPayments(input?: SimListPaymentsInput): SimPaymentPage;
  /** QueryRoutes. */
  queryRoutes(input: SimQueryRoutesInput): LndRoute[];
  /** GetChanInfo by chan id or channel point. @throws {LndRpcError} `edge not found` */
  getChanInfo(input: { readonly chanId?: string; readonly channelPoint?: string }): SimChannelEdge;
}

/** The network: nodes, channels, a clock and a block height. */
export interface SimNetwork {
  readonly clock: Clock;
  readonly network: SimNetworkName;
  /** Adds a node. @throws {Error} for a duplicate name */
  addNode(spec: AddNodeSpec): SimNode;
  /** Opens a channel between two nodes. */
  addChannel(spec: AddChannelSpec): SimChannel;
  /** @throws {Error} for an unknown name */
  node(name: string): SimNode;
  /** The node with that pubkey, or undefined. */
  nodeByPubkey(pubkey: string): SimNode | undefined;
  /** Every node, in the order added. */
  nodes(): SimNode[];
  /** Every channel, in the order opened. */
  channels(): SimChannel[];
  /** @throws {Error} for an unknown chan id */
  channel(chanId: string): SimChannel;
  /** The current block height. */
  blockHeight(): number;
  /** Hex block hash of the current height (deterministic). */
  blockHash(): string;
  /** Applies due time-based transitions. Idempotent; runs at every entry point anyway. */
  tick(): void;
  /** Ends every open stream of every node with UNAVAILABLE so clients must resubscribe. */
  dropStreams(): void;
  /** Number of streams still open on all nodes (a test can check that clients closed theirs). */
  openStreamCount(): number;
  /** Clears the network's clock timer and ends every stream. Idempotent. */
  close(): void;
}
