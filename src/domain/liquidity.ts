/**
 * Channel liquidity: what each channel can send and receive, and how it stands against a policy.
 * Pure: no I/O. Amounts in sat as bigint; ratios are plain numbers (not money).
 */
import type { Channel } from './channel.js';

/** One channel's liquidity. */
export interface ChannelLiquidity {
  readonly chanId: string;
  readonly remotePubkey: string;
  /** '' when LND does not know it. */
  readonly peerAlias: string;
  readonly isActive: boolean;
  readonly isPrivate: boolean;
  readonly capacitySat: bigint;
  readonly localBalanceSat: bigint;
  readonly remoteBalanceSat: bigint;
  readonly localReserveSat: bigint;
  readonly remoteReserveSat: bigint;
  readonly commitFeeSat: bigint;
  /** Pending HTLCs in both directions (already outside both balances). */
  readonly pendingHtlcSat: bigint;
  /** What we can send: local − our reserve − (when we opened it) one more commitment fee of headroom. */
  readonly outboundSat: bigint;
  /** What we can receive: remote − the peer's reserve − (when the peer opened it) its commitment fee headroom. */
  readonly inboundSat: bigint;
  /** local / (local + remote), 0 when both are 0. */
  readonly localRatio: number;
  /** Several nodes (#16): the configured name of the node this is on. Absent with a single client. */
  readonly nodeName?: string;
  /** Several nodes: that node's pubkey. */
  readonly nodePubkey?: string;
}

/** Every channel with one peer, summed (a peer may forward over any of them). */
export interface PeerLiquidity {
  readonly pubkey: string;
  readonly alias: string;
  readonly channelCount: number;
  readonly capacitySat: bigint;
  readonly localBalanceSat: bigint;
  readonly remoteBalanceSat: bigint;
  readonly outboundSat: bigint;
  readonly inboundSat: bigint;
  readonly localRatio: number;
  /** Several nodes (#16): the configured name of the node these channels are on. Absent with a single client. */
  readonly nodeName?: string;
  /** Several nodes: that node's pubkey. */
  readonly nodePubkey?: string;
}

/** The node's totals over its active channels. */
export interface LiquidityTotals {
  readonly channelCount: number;
  readonly activeChannelCount: number;
  readonly capacitySat: bigint;
  readonly localBalanceSat: bigint;
  readonly remoteBalanceSat: bigint;
  /** Sum of the active channels' outbound. */
  readonly outboundSat: bigint;
  /** Sum of the active channels' inbound: the most the node can receive across channels (MPP). */
  readonly inboundSat: bigint;
  /** The most one active channel can receive (what a payer without MPP can send). */
  readonly maxChannelInboundSat: bigint;
  /** local / (local + remote) over active channels: the node coefficient. */
  readonly localRatio: number;
}

/** One node's part of a view across several nodes; `error` says why it is missing (or null). */
export interface NodeLiquidityStatus {
  /** The configured name. */
  readonly name: string;
  /** Null while the node is not identified. */
  readonly pubkey: string | null;
  /** Why the node is not part of the view (it did not answer), or null. */
  readonly error: string | null;
}

/** {@link LiquidityService.snapshot}. */
export interface LiquiditySnapshot {
  readonly at: Date;
  readonly channels: readonly ChannelLiquidity[];
  readonly peers: readonly PeerLiquidity[];
  readonly totals: LiquidityTotals;
  /**
   * With several nodes: each node's own snapshot. `channels` and `peers` above are those of every node
   * that answered, each tagged with `nodeName` and `nodePubkey` (a peer is listed once per node it has
   * channels with), `totals` are summed across them; a node that did not answer has `snapshot: null`
   * and `error`.
   */
  readonly nodes?: readonly (NodeLiquidityStatus & { readonly snapshot: LiquiditySnapshot | null })[];
}

/** Where a channel should sit: `midpoint` of the bounds, the node's own ratio, or a number in [0, 1]. */
export type LiquidityTarget = 'midpoint' | 'nodeCoefficient' | number;

/** Bounds of one channel or peer. */
export interface LiquidityBounds {
  /** Below this local ratio the channel lacks outbound. Default is 0.2. */
  readonly minLocalRatio?: number;
  /** Above this local ratio the channel lacks inbound. Default is 0.8. */
  readonly maxLocalRatio?: number;
  /** Default is `'midpoint'`. */
  readonly target?: LiquidityTarget;
}

/** {@link LiquidityService.check}'s policy: bounds, overrides by chan id or peer pubkey, channels to leave alone. */
export interface LiquidityPolicy extends LiquidityBounds {
  /** Overrides by chan id (win over `peers`). */
  readonly channels?: Readonly<Record<string, LiquidityBounds>>;
  /** Overrides by peer pubkey. */
  readonly peers?: Readonly<Record<string, LiquidityBounds>>;
  /** Chan ids or peer pubkeys never classified nor rebalanced. */
  readonly ignore?: readonly string[];
  /** Private channels are ignored unless this is true. Default is false. */
  readonly includePrivate?: boolean;
}

/** How a channel stands against its bounds. */
export type ChannelLiquidityStatus = 'ok' | 'too_low' | 'too_high' | 'ignored' | 'inactive' | 'private';

/** One channel classified. */
export interface ChannelCheck {
  readonly channel: ChannelLiquidity;
  readonly status: ChannelLiquidityStatus;
  readonly minLocalRatio: number;
  readonly maxLocalRatio: number;
  readonly targetRatio: number;
  /** Local balance above the target (too_high), else 0n. */
  readonly excessSat: bigint;
  /** Local balance missing below the target (too_low), else 0n. */
  readonly deficitSat: bigint;
}

/** Payload of `liquidity.checked` and result of {@link LiquidityService.check}. */
export interface LiquidityCheck {
  readonly at: Date;
  readonly channels: readonly ChannelCheck[];
  /** The channels whose status is `too_low` or `too_high`. */
  readonly outOfBounds: readonly ChannelCheck[];
  /**
   * With several nodes: each node checked (`error: null`) or not (it did not answer). The channels
   * above carry `nodeName`; `'nodeCoefficient'` targets are each node's own ratio.
   */
  readonly nodes?: readonly NodeLiquidityStatus[];
}

const clampZero = (v: bigint): bigint => (v > 0n ? v : 0n);
const ratio = (local: bigint, remote: bigint): number =>
  local + remote === 0n ? 0 : Number((local * 1_000_000n) / (local + remote)) / 1_000_000;

/** One channel's liquidity from LND's view of it. */
export function channelLiquidity(c: Channel): ChannelLiquidity {
  return {
    chanId: c.chanId,
    remotePubkey: c.remotePubkey,
    peerAlias: c.peerAlias,
    isActive: c.isActive,
    isPrivate: c.isPrivate,
    capacitySat: c.capacitySat,
    localBalanceSat: c.localBalanceSat,
    remoteBalanceSat: c.remoteBalanceSat,
    localReserveSat: c.localReserveSat,
    remoteReserveSat: c.remoteReserveSat,
    commitFeeSat: c.commitFeeSat,
    pendingHtlcSat: c.unsettledBalanceSat,
    outboundSat: clampZero(c.localBalanceSat - c.localReserveSat - (c.isInitiator ? c.commitFeeSat : 0n)),
    inboundSat: clampZero(c.remoteBalanceSat - c.remoteReserveSat - (c.isInitiator ? 0n : c.commitFeeSat)),
    localRatio: ratio(c.localBalanceSat, c.remoteBalanceSat),
  };
}

/** Per-peer sums and node totals of `channels`. */
export function summarize(channels: readonly ChannelLiquidity[], at: Date): LiquiditySnapshot {
  const byPeer = new Map<string, ChannelLiquidity[]>();
  for (const c of channels) byPeer.set(c.remotePubkey, [...(byPeer.get(c.remotePubkey) ?? []), c]);
  const sum = (list: readonly ChannelLiquidity[], f: (c: ChannelLiquidity) => bigint): bigint =>
    list.reduce((total, c) => total + f(c), 0n);
  const peers = [...byPeer].map(([pubkey, list]): PeerLiquidity => {
    const local = sum(list, (c) => c.localBalanceSat);
    const remote = sum(list, (c) => c.remoteBalanceSat);
    return {
      pubkey,
      alias: list.find((c) => c.peerAlias !== '')?.peerAlias ?? '',
      channelCount: list.length,
      capacitySat: sum(list, (c) => c.capacitySat),
      localBalanceSat: local,
      remoteBalanceSat: remote,
      outboundSat: sum(list, (c) => (c.isActive ? c.outboundSat : 0n)),
      inboundSat: sum(list, (c) => (c.isActive ? c.inboundSat : 0n)),
      localRatio: ratio(local, remote),
    };
  });
  const active = channels.filter((c) => c.isActive);
  const local = sum(active, (c) => c.localBalanceSat);
  const remote = sum(active, (c) => c.remoteBalanceSat);
  return {
    at,
    channels,
    peers,
    totals: {
      channelCount: channels.length,
      activeChannelCount: active.length,
      capacitySat: sum(active, (c) => c.capacitySat),
      localBalanceSat: local,
      remoteBalanceSat: remote,
      outboundSat: sum(active, (c) => c.outboundSat),
      inboundSat: sum(active, (c) => c.inboundSat),
      maxChannelInboundSat: active.reduce((max, c) => (c.inboundSat > max ? c.inboundSat : max), 0n),
      localRatio: ratio(local, remote),
    },
  };
}

/** Default of {@link LiquidityBounds.minLocalRatio}: below it a channel lacks outbound. */
export const DEFAULT_MIN_LOCAL_RATIO = 0.2;
/** Default of {@link LiquidityBounds.maxLocalRatio}: above it a channel lacks inbound. */
export const DEFAULT_MAX_LOCAL_RATIO = 0.8;

/** Classifies every channel of `snapshot` against `policy`. */
export function classify(snapshot: LiquiditySnapshot, policy: LiquidityPolicy = {}): LiquidityCheck {
  const ignored = new Set(policy.ignore ?? []);
  const channels = snapshot.channels.map((channel): ChannelCheck => {
    const bounds = {
      ...policy,
      ...policy.peers?.[channel.remotePubkey],
      ...policy.channels?.[channel.chanId],
    };
    const min = bounds.minLocalRatio ?? DEFAULT_MIN_LOCAL_RATIO;
    const max = bounds.maxLocalRatio ?? DEFAULT_MAX_LOCAL_RATIO;
    const target = bounds.target ?? 'midpoint';
    const targetRatio =
      target === 'midpoint' ? (min + max) / 2 : target === 'nodeCoefficient' ? snapshot.totals.localRatio : target;
    const status: ChannelLiquidityStatus =
      ignored.has(channel.chanId) || ignored.has(channel.remotePubkey)
        ? 'ignored'
        : !channel.isActive
          ? 'inactive'
          : channel.isPrivate && !policy.includePrivate
            ? 'private'
            : channel.localRatio < min
              ? 'too_low'
              : channel.localRatio > max
                ? 'too_high'
                : 'ok';
    const total = channel.localBalanceSat + channel.remoteBalanceSat;
    const targetSat = (total * BigInt(Math.round(targetRatio * 1_000_000))) / 1_000_000n;
    return {
      channel,
      status,
      minLocalRatio: min,
      maxLocalRatio: max,
      targetRatio,
      excessSat: status === 'too_high' ? clampZero(channel.localBalanceSat - targetSat) : 0n,
      deficitSat: status === 'too_low' ? clampZero(targetSat - channel.localBalanceSat) : 0n,
    };
  });
  return {
    at: snapshot.at,
    channels,
    outOfBounds: channels.filter((c) => c.status === 'too_low' || c.status === 'too_high'),
  };
}

/**
 * The fee limit of a rebalance of `amountSat`: the smaller of `maxFeeSat` and `maxFeePpm` of the
 * amount (each when given), in msat, rounded down.
 */
export function rebalanceFeeLimitMsat(amountSat: bigint, maxFeeSat?: bigint, maxFeePpm?: number): bigint {
  const limits: bigint[] = [];
  if (maxFeeSat !== undefined) limits.push(maxFeeSat * 1000n);
  if (maxFeePpm !== undefined) limits.push((amountSat * 1000n * BigInt(maxFeePpm)) / 1_000_000n);
  return limits.reduce((min, v) => (v < min ? v : min));
}
