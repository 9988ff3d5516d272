/**
 * `lightning.liquidity` over several nodes: snapshot, check and plan cover every node (each channel,
 * peer and plan tagged with its node); rebalance and quote run on one node (a rebalance is a circular
 * payment that leaves and comes back to the same node: `node`, default the primary); canReceive says
 * what the best single node can take, since an invoice lives on one node.
 */
import { classify, summarize, type LiquidityCheck, type LiquiditySnapshot } from '../domain/liquidity.js';
import type { Rebalance } from '../domain/rebalance.js';
import { ValidationError } from '../errors.js';
import { inboundCheck, type InboundCheck, type LiquidityService } from '../liquidity/liquidity-service.js';
import { planRebalances, type RebalancePlan } from '../liquidity/plan.js';
import { validateBudget, validatePolicy, type RebalanceInput } from '../liquidity/validate-liquidity-input.js';
import type { ServiceContext } from '../service-context.js';
import type { NodeRegistry } from './node-registry.js';
import type { NodeRuntime } from './node-runtime.js';

/** `{ nodeName, nodePubkey }` of a node (the pubkey once it is known). */
function tagOf(node: NodeRuntime): { nodeName: string; nodePubkey?: string } {
  const pubkey = node.binding.pubkey();
  return { nodeName: node.label, ...(pubkey !== null ? { nodePubkey: pubkey } : {}) };
}

/** A node's snapshot with each channel and peer tagged with the node. */
function tagged(snapshot: LiquiditySnapshot, node: NodeRuntime): LiquiditySnapshot {
  const tag = tagOf(node);
  return {
    ...snapshot,
    channels: snapshot.channels.map((c) => ({ ...c, ...tag })),
    peers: snapshot.peers.map((p) => ({ ...p, ...tag })),
  };
}

/** One node's part of {@link LiquiditySnapshot.nodes}. */
export type NodeLiquidity = NonNullable<LiquiditySnapshot['nodes']>[number];

/**
 * The liquidity of every node that answers, and totals across them (channels and peers of all nodes,
 * tagged; a node that does not answer is listed with `error`).
 */
export async function snapshotAcrossNodes(registry: NodeRegistry, now: Date): Promise<LiquiditySnapshot> {
  const results = await Promise.all(
    registry.nodes.map((node) =>
      node.liquidity.snapshot().then(
        (snapshot) => ({ node, snapshot: tagged(snapshot, node), error: null }),
        (error: unknown) => ({ node, snapshot: null, error: error instanceof Error ? error.message : String(error) }),
      ),
    ),
  );
  const channels = results.flatMap((r) => r.snapshot?.channels ?? []);
  // A peer with channels to two of our nodes is two rows: each node forwards over its own channels only.
  const peers = results.flatMap((r) => r.snapshot?.peers ?? []);
  const nodes: NodeLiquidity[] = results.map((r) => ({
    name: r.node.label,
    pubkey: r.node.binding.pubkey(),
    snapshot: r.snapshot,
    error: r.error,
  }));
  return { ...summarize(channels, now), peers, nodes };
}

/** Creates the multi-node liquidity API. */
export function createNodeLiquidity(registry: NodeRegistry, ctx: ServiceContext): LiquidityService {
  const primary = registry.primary;

  /** The node a rebalance or quote runs on: `node` (checked to be up) or the primary. */
  function nodeFor(input: RebalanceInput): { node: NodeRuntime; rest: RebalanceInput } {
    if (typeof input !== 'object' || input === null) return { node: primary, rest: input };
    const { node: name, ...rest } = input;
    return { node: name === undefined ? primary : registry.pinned(name), rest };
  }

  /** Every node checked against `policy` (each against its own node coefficient), one event. */
  async function checkAll(
    policy: unknown,
  ): Promise<{ check: LiquidityCheck; byNode: Map<NodeRuntime, LiquidityCheck> }> {
    const valid = validatePolicy(policy);
    const snapshot = await snapshotAcrossNodes(registry, new Date(ctx.clock.now()));
    const byNode = new Map<NodeRuntime, LiquidityCheck>();
    registry.nodes.forEach((node, i) => {
      const own = snapshot.nodes![i]!.snapshot;
      if (own) byNode.set(node, classify(own, valid));
    });
    const checks = [...byNode.values()];
    const channels = checks.flatMap((c) => c.channels);
    const check: LiquidityCheck = {
      at: snapshot.at,
      channels,
      outOfBounds: checks.flatMap((c) => c.outOfBounds),
      nodes: snapshot.nodes!.map(({ name, pubkey, error }) => ({ name, pubkey, error })),
    };
    ctx.bus.emit('liquidity.checked', check);
    return { check, byNode };
  }

  async function plan(policy: unknown, budget: unknown): Promise<readonly RebalancePlan[]> {
    validatePolicy(policy);
    const valid = validateBudget(budget);
    const { byNode } = await checkAll(policy);
    const plans: RebalancePlan[] = [];
    // Each node's rebalances are circular on that node: planned from its own channels only.
    for (const [node, check] of byNode) {
      const pubkey = node.binding.pubkey();
      if (pubkey === null) continue;
      const own = await planRebalances(node.lnd, pubkey, check, valid);
      plans.push(...own.map((p) => ({ ...p, ...tagOf(node) })));
    }
    return plans;
  }

  function named(rebalance: Rebalance): Rebalance {
    const name = registry.nameOf(rebalance.nodePubkey);
    return name === null ? rebalance : Object.freeze({ ...rebalance, nodeName: name });
  }

  async function canReceive(amountSat: bigint): Promise<InboundCheck> {
    if (typeof amountSat !== 'bigint' || amountSat <= 0n)
      throw new ValidationError('amountSat', `expected a positive bigint, got ${String(amountSat)}`);
    const up = registry.up();
    const totals = await Promise.all(up.map((n) => registry.totals(n)));
    const nodes = up.flatMap((node, i) => {
      const t = totals[i];
      const pubkey = node.binding.pubkey();
      return t && pubkey !== null ? [{ ...inboundCheck(t, amountSat), nodeName: node.label, nodePubkey: pubkey }] : [];
    });
    if (nodes.length === 0) throw registry.allDown();
    const most = (f: (c: InboundCheck) => bigint): bigint => nodes.reduce((m, c) => (f(c) > m ? f(c) : m), 0n);
    return {
      amountSat,
      fitsOneChannel: nodes.some((c) => c.fitsOneChannel),
      fitsAcrossChannels: nodes.some((c) => c.fitsAcrossChannels),
      receivableSat: most((c) => c.receivableSat),
      maxChannelReceivableSat: most((c) => c.maxChannelReceivableSat),
      nodes,
    };
  }

  return {
    snapshot: () => ctx.run(() => snapshotAcrossNodes(registry, new Date(ctx.clock.now()))),
    check: (policy) => ctx.run(async () => (await checkAll(policy)).check),
    plan: (policy = {}, budget = {}) => ctx.run(() => plan(policy, budget)),
    rebalance: (input) =>
      ctx.run(async () => {
        const { node, rest } = nodeFor(input);
        return named(await node.liquidity.rebalance(rest));
      }),
    quote: (input) =>
      ctx.run(async () => {
        const { node, rest } = nodeFor(input);
        return { ...(await node.liquidity.quote(rest)), ...tagOf(node) };
      }),
    listRebalances: (query) =>
      ctx.run(async () => {
        const page = await primary.liquidity.listRebalances(query);
        return { ...page, items: page.items.map(named) };
      }),
    canReceive: (amountSat) => ctx.run(() => canReceive(amountSat)),
  };
}
