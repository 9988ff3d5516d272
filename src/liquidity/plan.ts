/**
 * The rebalance planner: pairs channels with too much local balance with peers whose channels have
 * too little, sizes each move, and prices it with QueryRoutes. Sends nothing.
 */
import { rebalanceFeeLimitMsat, type ChannelCheck, type LiquidityCheck } from '../domain/liquidity.js';
import type { LndClient, LndRoute } from '../lnd/lnd-client.js';
import type { ValidRebalanceBudget } from './validate-liquidity-input.js';

/** Why a planned pair will not be sent. */
export type PlanSkipReason = 'fee_too_high' | 'no_route' | 'below_min_amount' | 'backoff' | 'insufficient_balance';

/** One planned rebalance. `status: 'ready'` means the route fits the fee limit. */
export interface RebalancePlan {
  readonly outChanId: string;
  readonly outPeer: string;
  readonly inPeer: string;
  readonly inPeerAlias: string;
  /** The channels of `inPeer` that need local balance. */
  readonly inChanIds: readonly string[];
  readonly amountSat: bigint;
  /** min(maxFeeSat, maxFeePpm × amount). */
  readonly feeLimitMsat: bigint;
  /** The cheapest route QueryRoutes found (null when none). */
  readonly route: LndRoute | null;
  /** Its fee, or null. */
  readonly feeMsat: bigint | null;
  readonly status: 'ready' | 'skipped';
  readonly reason: PlanSkipReason | null;
  /** A sentence for humans. */
  readonly detail: string;
  /** Several nodes (#16): the node it would run on; pass it as `node` to `rebalance`. */
  readonly nodeName?: string;
  /** Several nodes: that node's pubkey. */
  readonly nodePubkey?: string;
}

/** Pairs a source channel may not be used in (the automatic mode's backoff). */
export type PairFilter = (outChanId: string, inPeer: string) => boolean;

const min = (...values: bigint[]): bigint => values.reduce((m, v) => (v < m ? v : m));

/**
 * Plans rebalances for `check`: each too-high channel, by excess, tries too-low peers by deficit
 * (never its own peer) until one route fits the budget.
 */
export async function planRebalances(
  lnd: LndClient,
  ownPubkey: string,
  check: LiquidityCheck,
  budget: ValidRebalanceBudget,
  isAllowed: PairFilter = () => true,
): Promise<RebalancePlan[]> {
  const sources = check.outOfBounds
    .filter((c) => c.status === 'too_high')
    .sort((a, b) => cmp(b.excessSat, a.excessSat));
  const sinks = sinksByPeer(check.outOfBounds.filter((c) => c.status === 'too_low'));
  const plans: RebalancePlan[] = [];
  for (const source of sources) {
    for (const sink of sinks) {
      if (sink.peer === source.channel.remotePubkey || sink.deficitSat <= 0n) continue;
      const plan = await planPair(lnd, ownPubkey, source, sink, budget, isAllowed);
      plans.push(plan);
      if (plan.status === 'ready') {
        sink.deficitSat -= plan.amountSat;
        break;
      }
    }
  }
  return plans;
}

interface Sink {
  readonly peer: string;
  readonly alias: string;
  readonly chanIds: string[];
  deficitSat: bigint;
  inboundSat: bigint;
}

function sinksByPeer(checks: readonly ChannelCheck[]): Sink[] {
  const byPeer = new Map<string, Sink>();
  for (const c of checks) {
    const sink = byPeer.get(c.channel.remotePubkey) ?? {
      peer: c.channel.remotePubkey,
      alias: c.channel.peerAlias,
      chanIds: [],
      deficitSat: 0n,
      inboundSat: 0n,
    };
    sink.chanIds.push(c.channel.chanId);
    sink.deficitSat += c.deficitSat;
    sink.inboundSat += c.channel.inboundSat;
    byPeer.set(sink.peer, sink);
  }
  return [...byPeer.values()].sort((a, b) => cmp(b.deficitSat, a.deficitSat));
}

const cmp = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

async function planPair(
  lnd: LndClient,
  ownPubkey: string,
  source: ChannelCheck,
  sink: Sink,
  budget: ValidRebalanceBudget,
  isAllowed: PairFilter,
): Promise<RebalancePlan> {
  // The in side must still be able to take the amount: its remote balance is what moves to us.
  const amountSat = min(source.excessSat, sink.deficitSat, source.channel.outboundSat, budget.maxAmountSat);
  const feeLimitMsat = rebalanceFeeLimitMsat(amountSat, budget.maxFeeSat, budget.maxFeePpm);
  const base = {
    outChanId: source.channel.chanId,
    outPeer: source.channel.remotePubkey,
    inPeer: sink.peer,
    inPeerAlias: sink.alias,
    inChanIds: [...sink.chanIds],
    amountSat,
    feeLimitMsat,
  };
  const skipped = (reason: PlanSkipReason, detail: string, route: LndRoute | null = null): RebalancePlan => ({
    ...base,
    route,
    feeMsat: route?.totalFeesMsat ?? null,
    status: 'skipped',
    reason,
    detail,
  });
  if (!isAllowed(source.channel.chanId, sink.peer))
    return skipped('backoff', 'this pair failed recently; it is waiting out its backoff');
  if (amountSat < budget.minAmountSat)
    return skipped('below_min_amount', `${amountSat} sat is below the minimum of ${budget.minAmountSat} sat`);
  const amountMsat = amountSat * 1000n;
  const routes = await lnd
    .queryRoutes({
      pubkey: ownPubkey,
      amountMsat,
      feeLimitMsat: amountMsat,
      outgoingChanIds: [source.channel.chanId],
      lastHopPubkey: sink.peer,
    })
    .catch(() => []);
  const route = routes[0] ?? null;
  if (!route)
    return skipped('no_route', `no route out of ${source.channel.chanId} and back through ${sink.alias || sink.peer}`);
  if (route.totalFeesMsat > feeLimitMsat)
    return skipped(
      'fee_too_high',
      `the cheapest route costs ${route.totalFeesMsat} msat, above the limit of ${feeLimitMsat} msat`,
      route,
    );
  return {
    ...base,
    route,
    feeMsat: route.totalFeesMsat,
    status: 'ready',
    reason: null,
    detail: `move ${amountSat} sat out of ${source.channel.chanId} and back through ${sink.alias || sink.peer} for ${route.totalFeesMsat} msat`,
  };
}
