/**
 * `lightning.liquidity`: see the channels' balances, classify them against a policy, plan and run
 * circular rebalances.
 */
import {
  channelLiquidity,
  classify,
  summarize,
  type LiquidityCheck,
  type LiquidityPolicy,
  type LiquiditySnapshot,
} from '../domain/liquidity.js';
import type { Rebalance } from '../domain/rebalance.js';
import { ValidationError } from '../errors.js';
import type { ServiceContext } from '../service-context.js';
import type { Page, RebalanceListQuery } from '../store/store.js';
import { planRebalances, type PairFilter, type RebalancePlan } from './plan.js';
import { quoteRebalance, runRebalance } from './rebalance.js';
import {
  validateBudget,
  validatePolicy,
  validateRebalanceInput,
  type RebalanceBudget,
  type RebalanceInput,
} from './validate-liquidity-input.js';

/** What the node can receive for one amount ({@link LiquidityService.canReceive}). */
export interface InboundCheck {
  readonly amountSat: bigint;
  /** Some active channel can take the whole amount. */
  readonly fitsOneChannel: boolean;
  /** The active channels together can take it (a multi-part payment). */
  readonly fitsAcrossChannels: boolean;
  readonly receivableSat: bigint;
  readonly maxChannelReceivableSat: bigint;
  /**
   * With several nodes: each node that answered, tagged with `nodeName` and `nodePubkey`. An invoice
   * lives on one node, so the figures above are the best of one node (the most any one node can
   * receive), never a sum across nodes.
   */
  readonly nodes?: readonly (InboundCheck & { readonly nodeName: string; readonly nodePubkey: string })[];
}

/** The `lightning.liquidity` API. */
export interface LiquidityService {
  /**
   * Per channel and per peer: capacity, balances, spendable outbound and receivable inbound after
   * reserves and commitment fees, pending HTLCs, local ratio, active/private, alias; and totals.
   * Several nodes: every node's channels and peers (tagged `nodeName`, `nodePubkey`), totals across
   * them, and `nodes` (each node's own snapshot, or why it is missing).
   * @example const { totals } = await lightning.liquidity.snapshot(); totals.inboundSat
   */
  snapshot(): Promise<LiquiditySnapshot>;
  /**
   * Classifies every channel against `policy`; emits `liquidity.checked`. Several nodes: every node
   * that answers (listed in `nodes`), each against its own node coefficient; one event.
   * @throws {ValidationError} on a bad policy
   * @example const { outOfBounds } = await lightning.liquidity.check({ minLocalRatio: 0.3, maxLocalRatio: 0.7 });
   */
  check(policy?: LiquidityPolicy): Promise<LiquidityCheck>;
  /**
   * A dry run: which channel to leave by, which peer to come back through, how much, the route and
   * its fee from QueryRoutes. Sends nothing. Several nodes: the plans of every node that answers, each
   * circular on its own node and tagged with it (`nodeName`: pass it as `node` to `rebalance`).
   * @throws {ValidationError} on a bad policy or budget
   */
  plan(policy?: LiquidityPolicy, budget?: RebalanceBudget): Promise<readonly RebalancePlan[]>;
  /**
   * A circular self-payment out of `outChannel` and back through `inPeer`, never above the fee limit.
   * Records a rebalance row; emits `liquidity.rebalanced` or `liquidity.rebalance_failed`. Several
   * nodes: on `input.node` (default the primary); the row names its node.
   * @throws {ValidationError} bad input, unknown/inactive channel, or `inPeer` is the out channel's peer (nothing sent);
   *   a `node` that is not a configured name (or any `node` with a single client), field `node`
   * @throws {NodeUnavailableError} when the named node is down (nothing sent)
   * @throws {RebalanceError} `REBALANCE_FEE_TOO_HIGH` / `REBALANCE_NO_ROUTE` (nothing sent), `REBALANCE_FAILED`
   * @example await lightning.liquidity.rebalance({ outChannel: '8770…049', inPeer: '03ab…', amountSat: 250_000n, maxFeeSat: 500n })
   */
  rebalance(input: RebalanceInput): Promise<Rebalance>;
  /**
   * Prices one rebalance exactly as `rebalance` would (same checks, QueryRoutes, same node) and sends nothing.
   * @throws {ValidationError} as `rebalance`
   * @throws {NodeUnavailableError} as `rebalance`
   */
  quote(input: RebalanceInput): Promise<RebalancePlan>;
  /** The stored rebalances, newest first (several nodes: of every node, each with `nodeName`). */
  listRebalances(query?: RebalanceListQuery): Promise<Page<Rebalance>>;
  /**
   * Whether the active channels can receive `amountSat` (what `invoices.create` checks). Several
   * nodes: whether one node that is up can (an invoice lives on one node), with each node in `nodes`.
   * @throws {ValidationError} unless `amountSat` is a positive bigint
   * @throws {LndUnavailableError} several nodes, none of them answering
   */
  canReceive(amountSat: bigint): Promise<InboundCheck>;
}

/** Internal extras of the service for the automatic mode. */
export interface LiquidityInternals {
  /** {@link LiquidityService.plan} with a pair filter (the backoff). */
  planWith(policy: LiquidityPolicy, budget: RebalanceBudget, isAllowed: PairFilter): Promise<readonly RebalancePlan[]>;
  /** Runs a rebalance as the automatic mode. */
  rebalanceAutomatic(input: RebalanceInput): Promise<Rebalance>;
}

/** Creates the liquidity service. Internal: use `createLightning`. */
export function createLiquidityService(ctx: ServiceContext): LiquidityService & LiquidityInternals {
  async function snapshot(): Promise<LiquiditySnapshot> {
    const channels = await ctx.lnd.listChannels();
    return summarize(channels.map(channelLiquidity), new Date(ctx.clock.now()));
  }

  async function check(policy: LiquidityPolicy): Promise<LiquidityCheck> {
    const result = classify(await snapshot(), policy);
    ctx.bus.emit('liquidity.checked', result);
    return result;
  }

  async function ownPubkey(): Promise<string> {
    return (await ctx.lnd.getInfo()).pubkey;
  }

  async function planWith(policy: LiquidityPolicy, budget: RebalanceBudget, isAllowed: PairFilter) {
    const validPolicy = validatePolicy(policy);
    const validBudget = validateBudget(budget);
    const result = await check(validPolicy);
    return planRebalances(ctx.lnd, await ownPubkey(), result, validBudget, isAllowed);
  }

  async function rebalance(input: RebalanceInput, isAutomatic: boolean): Promise<Rebalance> {
    const valid = validateRebalanceInput(input);
    return runRebalance(ctx, valid, { ownPubkey: await ownPubkey(), isAutomatic });
  }

  return {
    snapshot: () => ctx.run(snapshot),
    check: (policy) => ctx.run(() => check(validatePolicy(policy))),
    plan: (policy = {}, budget = {}) => ctx.run(() => planWith(policy, budget, () => true)),
    rebalance: (input) => ctx.run(() => rebalance(input, false)),
    quote: (input) => ctx.run(async () => quoteRebalance(ctx, validateRebalanceInput(input), await ownPubkey())),
    listRebalances: (query = {}) => ctx.run(() => ctx.store.rebalances.list(query)),
    canReceive: (amountSat) =>
      ctx.run(async () => {
        if (typeof amountSat !== 'bigint' || amountSat <= 0n)
          throw new ValidationError('amountSat', `expected a positive bigint, got ${String(amountSat)}`);
        return inboundCheck((await snapshot()).totals, amountSat);
      }),
    planWith,
    rebalanceAutomatic: (input) => rebalance(input, true),
  };
}

/** Whether totals can receive `amountSat`. */
export function inboundCheck(totals: LiquiditySnapshot['totals'], amountSat: bigint): InboundCheck {
  return {
    amountSat,
    fitsOneChannel: totals.maxChannelInboundSat >= amountSat,
    fitsAcrossChannels: totals.inboundSat >= amountSat,
    receivableSat: totals.inboundSat,
    maxChannelReceivableSat: totals.maxChannelInboundSat,
  };
}
