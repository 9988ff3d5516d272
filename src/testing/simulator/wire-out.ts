// size-exempt: the wire encoding of every LND response message in one place
/**
 * Model values → LND wire messages (proto-loader shape: snake_case, uint64/int64 as decimal
 * strings, bytes as Buffers, enums as names), with LND's field semantics (`amt_paid` in msat,
 * `private` = has route hints, preimage empty for unsettled hold invoices…).
 */
import type { LndChannelBalance, LndRoute } from '../../lnd/lnd-client.js';
import type {
  SimChannelEdge,
  SimChannelInfo,
  SimHtlcAttempt,
  SimInvoice,
  SimNodeInfo,
  SimPayReq,
  SimPayment,
  SimRoutingPolicy,
} from '../network/types.js';

/** A wire message as proto-loader serialises it. */
export type Wire = Record<string, unknown>;

const FEATURE_NAMES: Readonly<Record<number, string>> = {
  0: 'data-loss-protect',
  1: 'data-loss-protect',
  4: 'upfront-shutdown-script',
  5: 'upfront-shutdown-script',
  6: 'gossip-queries',
  7: 'gossip-queries',
  8: 'tlv-onion',
  9: 'tlv-onion',
  12: 'static-remote-key',
  13: 'static-remote-key',
  14: 'payment-addr',
  15: 'payment-addr',
  16: 'multi-path-payments',
  17: 'multi-path-payments',
  22: 'anchors-zero-fee-htlc-tx',
  23: 'anchors-zero-fee-htlc-tx',
  24: 'route-blinding',
  25: 'route-blinding',
  26: 'shutdown-any-segwit',
  27: 'shutdown-any-segwit',
};

/** Features LND 0.20 advertises in GetInfo (a representative subset). */
const NODE_FEATURES = [0, 5, 7, 9, 12, 14, 17, 23, 25, 27];

const str = (value: bigint | number): string => value.toString();
const sat = (msat: bigint): string => (msat / 1000n).toString();
const seconds = (date: Date | null): string => (date ? Math.floor(date.getTime() / 1000).toString() : '0');
const nanos = (date: Date | null): string => (date ? (BigInt(date.getTime()) * 1_000_000n).toString() : '0');
const hexBytes = (hex: string | null | undefined): Buffer => Buffer.from(hex ?? '', 'hex');

/** lnrpc.Feature for one feature bit (even bits are required, odd ones optional). */
export function feature(bit: number): { name: string; is_required: boolean; is_known: boolean } {
  return { name: FEATURE_NAMES[bit] ?? 'unknown', is_required: bit % 2 === 0, is_known: bit in FEATURE_NAMES };
}

/** `map<uint32, Feature>` for the given feature bits. */
export function featureMap(bits: readonly number[]): Record<string, Wire> {
  const map: Record<string, Wire> = {};
  for (const bit of bits) map[String(bit)] = feature(bit);
  return map;
}

/** GetInfoResponse. */
export function toWireInfo(info: SimNodeInfo): Wire {
  return {
    version: info.versionString,
    commit_hash: info.commitHash,
    identity_pubkey: info.pubkey,
    alias: info.alias,
    color: info.color,
    num_pending_channels: info.numPendingChannels,
    num_active_channels: info.numActiveChannels,
    num_inactive_channels: info.numInactiveChannels,
    num_peers: info.numPeers,
    block_height: info.blockHeight,
    block_hash: info.blockHash,
    best_header_timestamp: seconds(info.bestHeaderTimestamp),
    synced_to_chain: info.isSyncedToChain,
    synced_to_graph: info.isSyncedToGraph,
    testnet: info.network === 'testnet',
    chains: [{ chain: 'bitcoin', network: info.network }],
    uris: [...info.uris],
    features: featureMap(NODE_FEATURES),
    require_htlc_interceptor: false,
    store_final_htlc_resolutions: false,
  };
}

/** lnrpc.Invoice. */
export function toWireInvoice(invoice: SimInvoice): Wire {
  const routeHints: Wire[] = [];
  return {
    memo: invoice.memo,
    // LND leaves r_preimage empty for a hold invoice until it is settled.
    r_preimage: hexBytes(invoice.preimage),
    r_hash: hexBytes(invoice.paymentHash),
    value: sat(invoice.valueMsat),
    value_msat: str(invoice.valueMsat),
    settled: invoice.state === 'SETTLED',
    creation_date: seconds(invoice.creationDate),
    settle_date: seconds(invoice.settleDate),
    payment_request: invoice.paymentRequest,
    description_hash: hexBytes(invoice.descriptionHash),
    expiry: str(invoice.expirySeconds),
    fallback_addr: '',
    cltv_expiry: str(invoice.cltvExpiry),
    route_hints: routeHints,
    private: routeHints.length > 0,
    add_index: str(invoice.addIndex),
    settle_index: str(invoice.settleIndex),
    // Deprecated `amt_paid` carries msat despite its name (LND quirk).
    amt_paid: str(invoice.amountPaidMsat),
    amt_paid_sat: sat(invoice.amountPaidMsat),
    amt_paid_msat: str(invoice.amountPaidMsat),
    state: invoice.state,
    htlcs: invoice.htlcs.map((htlc) => ({
      chan_id: htlc.chanId,
      htlc_index: str(htlc.htlcIndex),
      amt_msat: str(htlc.amountMsat),
      accept_height: htlc.acceptHeight,
      accept_time: seconds(htlc.acceptTime),
      resolve_time: seconds(htlc.resolveTime),
      expiry_height: htlc.expiryHeight,
      state: htlc.state,
      custom_records: {},
      mpp_total_amt_msat: str(htlc.mppTotalAmtMsat),
      amp: null,
      custom_channel_data: Buffer.alloc(0),
    })),
    features: featureMap(invoice.features),
    is_keysend: invoice.isKeysend,
    payment_addr: hexBytes(invoice.paymentAddr),
    is_amp: invoice.isAmp,
    amp_invoice_state: {},
    is_blinded: false,
    blinded_path_config: null,
  };
}

/** lnrpc.Route. */
export function toWireRoute(route: LndRoute): Wire {
  let incomingMsat = route.totalAmountMsat;
  const hops = route.hops.map((hop) => {
    const wire: Wire = {
      chan_id: hop.chanId,
      // In 0.21 chan_capacity is only the incoming amount, in sat.
      chan_capacity: sat(incomingMsat),
      amt_to_forward: sat(hop.amountToForwardMsat),
      fee: sat(hop.feeMsat),
      expiry: hop.expiry,
      amt_to_forward_msat: str(hop.amountToForwardMsat),
      fee_msat: str(hop.feeMsat),
      pub_key: hop.pubkey,
      tlv_payload: true,
      mpp_record: null,
      amp_record: null,
      custom_records: {},
      metadata: Buffer.alloc(0),
      blinding_point: Buffer.alloc(0),
      encrypted_data: Buffer.alloc(0),
      total_amt_msat: '0',
    };
    incomingMsat = hop.amountToForwardMsat;
    return wire;
  });
  return {
    total_time_lock: route.totalTimeLock,
    total_fees: sat(route.totalFeesMsat),
    total_amt: sat(route.totalAmountMsat),
    hops,
    total_fees_msat: str(route.totalFeesMsat),
    total_amt_msat: str(route.totalAmountMsat),
    first_hop_amount_msat: '0',
    custom_channel_data: Buffer.alloc(0),
  };
}

function toWireAttempt(attempt: SimHtlcAttempt): Wire {
  return {
    attempt_id: str(attempt.attemptId),
    status: attempt.status,
    route: toWireRoute(attempt.route),
    attempt_time_ns: nanos(attempt.attemptTime),
    resolve_time_ns: nanos(attempt.resolveTime),
    failure: attempt.failure
      ? {
          code: attempt.failure.code,
          channel_update: null,
          htlc_msat: '0',
          onion_sha_256: Buffer.alloc(0),
          cltv_expiry: 0,
          flags: 0,
          failure_source_index: attempt.failure.failureSourceIndex,
          height: 0,
        }
      : null,
    preimage: hexBytes(attempt.preimage),
  };
}

/** lnrpc.Payment (SendPaymentV2 / TrackPaymentV2 / ListPayments). */
export function toWirePayment(payment: SimPayment): Wire {
  return {
    payment_hash: payment.paymentHash,
    value: sat(payment.valueMsat),
    creation_date: seconds(payment.creationDate),
    fee: sat(payment.feeMsat),
    // 64 zeros until the payment succeeds (router_backend.go).
    payment_preimage: payment.preimage ?? '0'.repeat(64),
    value_sat: sat(payment.valueMsat),
    value_msat: str(payment.valueMsat),
    payment_request: payment.paymentRequest,
    status: payment.status,
    fee_sat: sat(payment.feeMsat),
    fee_msat: str(payment.feeMsat),
    creation_time_ns: nanos(payment.creationDate),
    htlcs: payment.htlcs.map(toWireAttempt),
    payment_index: str(payment.paymentIndex),
    failure_reason: `FAILURE_REASON_${payment.failureReason}`,
    first_hop_custom_records: {},
  };
}

/** lnrpc.Channel. */
export function toWireChannel(channel: SimChannelInfo, peerAliasLookup = false): Wire {
  const constraints = (reserveSat: bigint): Wire => ({
    csv_delay: 144,
    chan_reserve_sat: str(reserveSat),
    dust_limit_sat: '354',
    max_pending_amt_msat: str((channel.capacitySat * 1000n * 99n) / 100n),
    min_htlc_msat: '1',
    max_accepted_htlcs: 483,
  });
  return {
    active: channel.isActive,
    remote_pubkey: channel.remotePubkey,
    channel_point: channel.channelPoint,
    chan_id: channel.chanId,
    capacity: str(channel.capacitySat),
    local_balance: str(channel.localBalanceSat),
    remote_balance: str(channel.remoteBalanceSat),
    commit_fee: '0',
    commit_weight: '0',
    fee_per_kw: '253',
    unsettled_balance: str(channel.unsettledBalanceSat),
    total_satoshis_sent: '0',
    total_satoshis_received: '0',
    num_updates: '0',
    pending_htlcs: [],
    csv_delay: 144,
    private: channel.isPrivate,
    initiator: channel.initiator,
    chan_status_flags: 'ChanStatusDefault',
    local_chan_reserve_sat: str(channel.localReserveSat),
    remote_chan_reserve_sat: str(channel.remoteReserveSat),
    static_remote_key: true,
    commitment_type: 'ANCHORS',
    lifetime: '0',
    uptime: '0',
    close_address: '',
    push_amount_sat: '0',
    thaw_height: 0,
    local_constraints: constraints(channel.localReserveSat),
    remote_constraints: constraints(channel.remoteReserveSat),
    alias_scids: [],
    zero_conf: false,
    zero_conf_confirmed_scid: '0',
    peer_alias: peerAliasLookup ? channel.peerAlias : '',
    peer_scid_alias: '0',
    memo: '',
    custom_channel_data: Buffer.alloc(0),
  };
}

/** ChannelBalanceResponse. */
export function toWireChannelBalance(balance: LndChannelBalance): Wire {
  const amount = (msat: bigint): Wire => ({ sat: sat(msat), msat: str(msat) });
  return {
    balance: sat(balance.localMsat),
    pending_open_balance: '0',
    local_balance: amount(balance.localMsat),
    remote_balance: amount(balance.remoteMsat),
    unsettled_local_balance: amount(balance.unsettledLocalMsat),
    unsettled_remote_balance: amount(balance.unsettledRemoteMsat),
    pending_open_local_balance: amount(0n),
    pending_open_remote_balance: amount(0n),
    custom_channel_data: Buffer.alloc(0),
  };
}

/** PayReq. */
export function toWirePayReq(payReq: SimPayReq): Wire {
  return {
    destination: payReq.destination,
    payment_hash: payReq.paymentHash,
    num_satoshis: sat(payReq.amountMsat),
    timestamp: seconds(payReq.timestamp),
    expiry: str(payReq.expirySeconds),
    description: payReq.description,
    description_hash: payReq.descriptionHash,
    fallback_addr: '',
    cltv_expiry: str(payReq.cltvExpiry),
    route_hints: [],
    payment_addr: hexBytes(payReq.paymentAddr),
    num_msat: str(payReq.amountMsat),
    features: featureMap(payReq.features),
    blinded_paths: [],
  };
}

/** lnrpc.ChannelEdge (GetChanInfo). */
export function toWireChannelEdge(edge: SimChannelEdge): Wire {
  const policy = (p: SimRoutingPolicy): Wire => ({
    time_lock_delta: p.cltvDelta,
    min_htlc: str(p.minHtlcMsat),
    fee_base_msat: str(p.baseMsat),
    fee_rate_milli_msat: str(p.feeRatePpm),
    disabled: p.isDisabled,
    max_htlc_msat: str(p.maxHtlcMsat),
    last_update: 0,
    inbound_fee_base_msat: 0,
    inbound_fee_rate_milli_msat: 0,
  });
  return {
    channel_id: edge.chanId,
    chan_point: edge.channelPoint,
    node1_pub: edge.node1Pub,
    node2_pub: edge.node2Pub,
    capacity: str(edge.capacitySat),
    node1_policy: policy(edge.node1Policy),
    node2_policy: policy(edge.node2Policy),
  };
}
