/** LND GetInfo / ListChannels / ChannelBalance / PayReq → port types, validated. */
import type { Channel } from '../../domain/channel.js';
import type { LndChannelBalance, LndNetwork, LndNodeInfo, LndPayReq } from '../lnd-client.js';
import {
  bool,
  count,
  hexString,
  invalidResponse,
  message,
  messages,
  nonNegativeI64,
  optionalMessage,
  str,
  u64,
  u64String,
  unixSeconds,
  type Message,
} from './validate.js';

export { toAddHoldInvoiceResult, toAddInvoiceResult, toInvoicePage, toLndInvoice } from './convert-invoice.js';
export { toLndPayment, toLndRoute, toPaymentList, toRouteList } from './convert-payment.js';

const NETWORKS: readonly LndNetwork[] = ['mainnet', 'testnet', 'testnet4', 'signet', 'regtest', 'simnet'];
const CHANNEL_POINT = /^[0-9a-f]{64}:[0-9]+$/;

/** lnrpc.GetInfoResponse → {@link LndNodeInfo}. */
export function toNodeInfo(value: unknown): LndNodeInfo {
  const where = 'GetInfoResponse';
  const msg = message(value, where);
  const chains = messages(msg, 'chains', where);
  const network = chains[0]?.['network'];
  if (typeof network !== 'string' || !(NETWORKS as readonly string[]).includes(network)) {
    throw invalidResponse(`${where}.chains[0].network`, `one of ${NETWORKS.join(', ')}`, network);
  }
  const version = str(msg, 'version', where).trim().split(/\s+/)[0] ?? '';
  if (version === '') throw invalidResponse(`${where}.version`, 'a version string', msg['version']);
  return {
    pubkey: hexString(msg, 'identity_pubkey', where, 33),
    alias: str(msg, 'alias', where),
    network: network as LndNetwork,
    blockHeight: count(msg, 'block_height', where),
    blockHash: hexString(msg, 'block_hash', where, 32),
    isSyncedToChain: bool(msg, 'synced_to_chain', where),
    isSyncedToGraph: bool(msg, 'synced_to_graph', where),
    version,
    numActiveChannels: count(msg, 'num_active_channels', where),
    numPeers: count(msg, 'num_peers', where),
  };
}

function toChannel(msg: Message, where: string): Channel {
  const channelPoint = str(msg, 'channel_point', where);
  if (!CHANNEL_POINT.test(channelPoint))
    throw invalidResponse(`${where}.channel_point`, '"<txid hex>:<index>"', channelPoint);
  const constraints = optionalMessage(msg, 'local_constraints', where);
  const remoteConstraints = optionalMessage(msg, 'remote_constraints', where);
  return {
    chanId: u64String(msg, 'chan_id', where),
    channelPoint,
    remotePubkey: hexString(msg, 'remote_pubkey', where, 33),
    isActive: bool(msg, 'active', where),
    isPrivate: bool(msg, 'private', where),
    capacitySat: nonNegativeI64(msg, 'capacity', where),
    localBalanceSat: nonNegativeI64(msg, 'local_balance', where),
    remoteBalanceSat: nonNegativeI64(msg, 'remote_balance', where),
    localReserveSat:
      constraints === null
        ? nonNegativeI64(msg, 'local_chan_reserve_sat', where)
        : u64(constraints, 'chan_reserve_sat', `${where}.local_constraints`),
    remoteReserveSat:
      remoteConstraints === null
        ? nonNegativeI64(msg, 'remote_chan_reserve_sat', where)
        : u64(remoteConstraints, 'chan_reserve_sat', `${where}.remote_constraints`),
    commitFeeSat: nonNegativeI64(msg, 'commit_fee', where),
    unsettledBalanceSat: nonNegativeI64(msg, 'unsettled_balance', where),
    isInitiator: bool(msg, 'initiator', where),
    peerAlias: str(msg, 'peer_alias', where),
  };
}

/** lnrpc.ListChannelsResponse → channels. */
export function toChannelList(value: unknown): Channel[] {
  const where = 'ListChannelsResponse';
  return messages(message(value, where), 'channels', where).map((c, i) => toChannel(c, `${where}.channels[${i}]`));
}

function amountMsat(msg: Message, field: string, where: string): bigint {
  const amount = optionalMessage(msg, field, where);
  return amount === null ? 0n : u64(amount, 'msat', `${where}.${field}`);
}

/** lnrpc.ChannelBalanceResponse → {@link LndChannelBalance}. */
export function toChannelBalance(value: unknown): LndChannelBalance {
  const where = 'ChannelBalanceResponse';
  const msg = message(value, where);
  return {
    localMsat: amountMsat(msg, 'local_balance', where),
    remoteMsat: amountMsat(msg, 'remote_balance', where),
    unsettledLocalMsat: amountMsat(msg, 'unsettled_local_balance', where),
    unsettledRemoteMsat: amountMsat(msg, 'unsettled_remote_balance', where),
  };
}

/** lnrpc.PayReq → {@link LndPayReq}. */
export function toPayReq(value: unknown): LndPayReq {
  const where = 'PayReq';
  const msg = message(value, where);
  const descriptionHash = str(msg, 'description_hash', where);
  const paymentAddr = msg['payment_addr'];
  if (!Buffer.isBuffer(paymentAddr) || (paymentAddr.length !== 0 && paymentAddr.length !== 32)) {
    throw invalidResponse(`${where}.payment_addr`, 'empty or 32 bytes', paymentAddr);
  }
  return {
    destination: hexString(msg, 'destination', where, 33),
    paymentHash: hexString(msg, 'payment_hash', where, 32),
    amountMsat: nonNegativeI64(msg, 'num_msat', where),
    timestamp: unixSeconds(msg, 'timestamp', where),
    expirySeconds: count(msg, 'expiry', where),
    description: str(msg, 'description', where),
    descriptionHash: descriptionHash === '' ? '' : hexString(msg, 'description_hash', where, 32),
    cltvExpiry: count(msg, 'cltv_expiry', where),
    paymentAddr: paymentAddr.toString('hex'),
  };
}
