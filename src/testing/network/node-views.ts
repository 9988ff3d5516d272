/**
 * Read-only views of a node: GetInfo, ListChannels, ChannelBalance, GetChanInfo.
 */
import type { LndChannelBalance } from '../../lnd/lnd-client.js';
import type { NetCtx, NodeRef } from './context.js';
import { sha256Text } from './keys.js';
import { unknownError } from './rpc-error.js';
import type { SimChannelEdge, SimChannelInfo, SimNodeInfo, SimRoutingPolicy } from './types.js';

/** The LND version the model reports. */
export const SIM_LND_VERSION = '0.21.2-beta';

/** GetInfo of `self`. */
export function nodeInfo(ctx: NetCtx, self: NodeRef): SimNodeInfo {
  const channels = ctx.channelsOf(self.name);
  const active = channels.filter((c) => c.isUsable()).length;
  const peers = new Set(channels.map((c) => c.peerOf(self.name)).filter((p) => ctx.nodeRef(p)?.isOnline));
  const height = ctx.height();
  return {
    pubkey: self.pubkey,
    alias: self.alias,
    network: ctx.networkName,
    blockHeight: height,
    blockHash: blockHashAt(height),
    isSyncedToChain: true,
    isSyncedToGraph: true,
    version: SIM_LND_VERSION,
    versionString: `${SIM_LND_VERSION} commit=v${SIM_LND_VERSION}`,
    commitHash: sha256Text(`lnkit-sim-commit:${SIM_LND_VERSION}`).slice(0, 40),
    color: '#3399ff',
    numActiveChannels: active,
    numInactiveChannels: channels.length - active,
    numPendingChannels: 0,
    numPeers: peers.size,
    bestHeaderTimestamp: new Date(ctx.timeOfHeight(height)),
    uris: [],
  };
}

/** Deterministic block hash of a height. */
export function blockHashAt(height: number): string {
  return sha256Text(`lnkit-sim-block:${height}`);
}

const toSat = (msat: bigint): bigint => msat / 1000n;

/** ListChannels of `self`. */
export function listChannels(ctx: NetCtx, self: NodeRef): SimChannelInfo[] {
  return ctx.channelsOf(self.name).map((c) => {
    const peer = c.peerOf(self.name);
    return {
      chanId: c.chanId,
      channelPoint: c.channelPoint,
      remotePubkey: ctx.nodeRef(peer)?.pubkey ?? '',
      peerAlias: ctx.nodeRef(peer)?.alias ?? '',
      isActive: c.isUsable(),
      isPrivate: false,
      capacitySat: c.capacitySat,
      localBalanceSat: toSat(c.balanceMsat(self.name)),
      remoteBalanceSat: toSat(c.balanceMsat(peer)),
      localReserveSat: c.reserveSat,
      remoteReserveSat: c.reserveSat,
      initiator: c.a === self.name,
      unsettledBalanceSat: toSat(c.pendingOutgoingMsat(self.name) + c.pendingOutgoingMsat(peer)),
    };
  });
}

/** ChannelBalance of `self`. */
export function channelBalance(ctx: NetCtx, self: NodeRef): LndChannelBalance {
  let localMsat = 0n;
  let remoteMsat = 0n;
  let unsettledLocalMsat = 0n;
  let unsettledRemoteMsat = 0n;
  for (const c of ctx.channelsOf(self.name)) {
    const peer = c.peerOf(self.name);
    localMsat += c.balanceMsat(self.name);
    remoteMsat += c.balanceMsat(peer);
    unsettledLocalMsat += c.pendingOutgoingMsat(self.name);
    unsettledRemoteMsat += c.pendingOutgoingMsat(peer);
  }
  return { localMsat, remoteMsat, unsettledLocalMsat, unsettledRemoteMsat };
}

/** GetChanInfo: the channel as the graph has it, whoever its ends are. */
export function getChanInfo(
  ctx: NetCtx,
  input: { readonly chanId?: string; readonly channelPoint?: string },
): SimChannelEdge {
  const channel = ctx
    .allChannels()
    .find((c) => (input.chanId ? c.chanId === input.chanId : c.channelPoint === input.channelPoint));
  if (!channel) throw unknownError('edge not found');
  const pubOf = (name: string): string => ctx.nodeRef(name)?.pubkey ?? '';
  const [node1, node2] = [channel.a, channel.b].sort((x, y) => (pubOf(x) < pubOf(y) ? -1 : 1)) as [string, string];
  const policyOf = (name: string): SimRoutingPolicy => ({
    ...channel.policy(name),
    minHtlcMsat: 1000n,
    maxHtlcMsat: (channel.capacitySat * 1000n * 99n) / 100n,
    isDisabled: !channel.isActive || !(ctx.nodeRef(name)?.isOnline ?? false),
  });
  return {
    chanId: channel.chanId,
    channelPoint: channel.channelPoint,
    capacitySat: channel.capacitySat,
    node1Pub: pubOf(node1),
    node2Pub: pubOf(node2),
    node1Policy: policyOf(node1),
    node2Policy: policyOf(node2),
  };
}
