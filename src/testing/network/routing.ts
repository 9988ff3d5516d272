/**
 * Path finding and LND's route arithmetic.
 *
 * Cheapest path by fee (Dijkstra backwards from the target, as LND does). Walking back from the
 * last hop, each forwarding node charges `baseMsat + floor(amtToForward * feeRatePpm / 1e6)` of its
 * outgoing channel's policy and adds that channel's CLTV delta. Like LND, the sender knows only its
 * own balances exactly; remote channels are checked against their capacity and may fail later with
 * TEMPORARY_CHANNEL_FAILURE when the HTLC is actually forwarded.
 */
import type { LndHop, LndRoute } from '../../lnd/lnd-client.js';
import type { ChannelImpl } from './channels.js';
import type { NetCtx } from './context.js';

/** A route request. `source`, `target` and `lastHop` are node names. */
export interface RouteRequest {
  readonly source: string;
  readonly target: string;
  readonly amountMsat: bigint;
  readonly feeLimitMsat: bigint;
  readonly finalCltvDelta: number;
  readonly outgoingChanIds?: ReadonlySet<string>;
  readonly lastHop?: string;
  /** Edges known to fail, as `edgeKey(chanId, from)`. */
  readonly pruned?: ReadonlySet<string>;
}

/** One leg of a found route: `amountMsat` travels from `from` to `to` over `channel`. */
export interface RouteLeg {
  readonly channel: ChannelImpl;
  readonly from: string;
  readonly to: string;
  readonly amountMsat: bigint;
}

/** A route as LND reports it, plus the legs the network uses to move HTLCs. */
export interface FoundRoute {
  readonly route: LndRoute;
  readonly legs: readonly RouteLeg[];
}

/** Key of a directed edge. */
export const edgeKey = (chanId: string, from: string): string => `${chanId}>${from}`;

const TARGET = '\u0000target';

interface Label {
  /** Amount this node must receive (the target: the payment amount). */
  readonly amountMsat: bigint;
  /** CLTV delta (above the current height) of the HTLC this node must receive. */
  readonly cltv: number;
  readonly hops: number;
  /** The edge from this node toward the target. */
  readonly next: { readonly channel: ChannelImpl; readonly to: string } | null;
}

/** Total spendable balance of `node` over its usable channels (restricted to `outgoingChanIds`). */
export function outgoingBandwidthMsat(ctx: NetCtx, node: string, outgoingChanIds?: ReadonlySet<string>): bigint {
  let total = 0n;
  for (const c of ctx.channelsOf(node)) {
    if (outgoingChanIds && !outgoingChanIds.has(c.chanId)) continue;
    if (c.isUsable()) total += c.spendableMsat(node);
  }
  return total;
}

/** LND's fee of a forwarding node for `amountToForwardMsat` over a channel with `policy`. */
export function forwardingFeeMsat(
  policy: { baseMsat: bigint; feeRatePpm: bigint },
  amountToForwardMsat: bigint,
): bigint {
  return policy.baseMsat + (amountToForwardMsat * policy.feeRatePpm) / 1_000_000n;
}

/** Finds the cheapest route, or null when none fits the balances and the fee limit. */
export function findRoute(ctx: NetCtx, req: RouteRequest): FoundRoute | null {
  const labels = new Map<string, Label>([
    [TARGET, { amountMsat: req.amountMsat, cltv: req.finalCltvDelta, hops: 0, next: null }],
  ]);
  const done = new Set<string>();
  const realName = (key: string): string => (key === TARGET ? req.target : key);
  const isSelf = req.source === req.target;

  for (;;) {
    let current: string | undefined;
    for (const [key, label] of labels) {
      if (done.has(key)) continue;
      const best = current === undefined ? undefined : labels.get(current);
      if (
        !best ||
        label.amountMsat < best.amountMsat ||
        (label.amountMsat === best.amountMsat && label.hops < best.hops)
      )
        current = key;
    }
    if (current === undefined) return null;
    if (current === req.source) break;
    done.add(current);
    const label = labels.get(current) as Label;
    const here = realName(current);

    for (const channel of ctx.channelsOf(here)) {
      const from = channel.peerOf(here);
      if (current === TARGET && req.lastHop !== undefined && from !== req.lastHop) continue;
      if (!isSelf && from === req.target) continue;
      if (done.has(from) || !channel.isActive || req.pruned?.has(edgeKey(channel.chanId, from))) continue;
      if (BigInt(channel.capacitySat) * 1000n < label.amountMsat) continue;
      let candidate: Label;
      if (from === req.source) {
        if (req.outgoingChanIds && !req.outgoingChanIds.has(channel.chanId)) continue;
        if (!channel.isUsable() || channel.spendableMsat(from) < label.amountMsat) continue;
        candidate = {
          amountMsat: label.amountMsat,
          cltv: label.cltv,
          hops: label.hops + 1,
          next: { channel, to: current },
        };
      } else {
        const policy = channel.policy(from);
        const amountMsat = label.amountMsat + forwardingFeeMsat(policy, label.amountMsat);
        candidate = {
          amountMsat,
          cltv: label.cltv + policy.cltvDelta,
          hops: label.hops + 1,
          next: { channel, to: current },
        };
      }
      if (candidate.amountMsat - req.amountMsat > req.feeLimitMsat) continue;
      const existing = labels.get(from);
      if (
        !existing ||
        candidate.amountMsat < existing.amountMsat ||
        (candidate.amountMsat === existing.amountMsat && candidate.hops < existing.hops)
      ) {
        labels.set(from, candidate);
      }
    }
  }
  return buildRoute(ctx, req, labels);
}

function buildRoute(ctx: NetCtx, req: RouteRequest, labels: Map<string, Label>): FoundRoute {
  const height = ctx.height();
  const steps: { channel: ChannelImpl; from: string; toKey: string }[] = [];
  let key = req.source;
  for (;;) {
    const next = (labels.get(key) as Label).next;
    if (!next) break;
    steps.push({ channel: next.channel, from: key === TARGET ? req.target : key, toKey: next.to });
    key = next.to;
  }
  const hops: LndHop[] = [];
  const legs: RouteLeg[] = [];
  steps.forEach((step, i) => {
    const incoming = labels.get(step.toKey) as Label;
    const isLast = i === steps.length - 1;
    const amountToForwardMsat = isLast ? req.amountMsat : (labels.get(steps[i + 1]!.toKey) as Label).amountMsat;
    const expiry = isLast ? height + req.finalCltvDelta : height + (labels.get(steps[i + 1]!.toKey) as Label).cltv;
    const to = step.toKey === TARGET ? req.target : step.toKey;
    const pubkey = ctx.nodeRef(to)?.pubkey ?? '';
    hops.push({
      chanId: step.channel.chanId,
      pubkey,
      amountToForwardMsat,
      feeMsat: incoming.amountMsat - amountToForwardMsat,
      expiry,
    });
    legs.push({ channel: step.channel, from: step.from, to, amountMsat: incoming.amountMsat });
  });
  const first = labels.get(steps[0]!.toKey) as Label;
  return {
    route: {
      totalAmountMsat: first.amountMsat,
      totalFeesMsat: first.amountMsat - req.amountMsat,
      totalTimeLock: height + first.cltv,
      hops,
    },
    legs,
  };
}
