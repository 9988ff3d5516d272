// size-exempt: one rebalance as a single flow (idempotency, row, route, send, outcome, event) read top to bottom
/**
 * One circular rebalance: a self-invoice paid with SendPaymentV2 out of one channel and back
 * through another peer, never above the fee limit. Each step is named; the row is written before
 * anything is sent, and its outcome commits together with its webhook event.
 */
import { channelLiquidity, rebalanceFeeLimitMsat, type ChannelLiquidity } from '../domain/liquidity.js';
import type { Rebalance, RebalanceFailureReason } from '../domain/rebalance.js';
import {
  RebalanceError,
  StoreConflictError,
  ValidationError,
  isLightningError,
  type RebalanceErrorCode,
} from '../errors.js';
import { newId } from '../ids.js';
import type { LndPayment, LndRoute } from '../lnd/lnd-client.js';
import type { ServiceContext } from '../service-context.js';
import type { RebalancePatch } from '../store/store.js';
import type { RebalancePlan } from './plan.js';
import type { ValidRebalanceInput } from './validate-liquidity-input.js';

/** How long the self-invoice lives: an attempt never outlives it. */
const INVOICE_EXPIRY_SECONDS = 600;
/** Time LND may spend finding a route before the first HTLC. */
const PAYMENT_TIMEOUT_SECONDS = 60;

/** Options of {@link runRebalance}. */
export interface RunRebalanceOptions {
  readonly ownPubkey: string;
  /** True when the automatic mode started it. */
  readonly isAutomatic?: boolean;
}

const CODE_OF: Readonly<Record<RebalanceFailureReason, RebalanceErrorCode>> = {
  fee_too_high: 'REBALANCE_FEE_TOO_HIGH',
  no_route: 'REBALANCE_NO_ROUTE',
  insufficient_balance: 'REBALANCE_FAILED',
  route_failed: 'REBALANCE_FAILED',
  timeout: 'REBALANCE_FAILED',
  error: 'REBALANCE_FAILED',
};

/** The error that a failed rebalance row stands for. */
export function rebalanceErrorOf(rebalance: Rebalance, routeFeeMsat: bigint | null = null): RebalanceError {
  const reason = rebalance.failureReason ?? 'error';
  return new RebalanceError(
    CODE_OF[reason],
    `rebalance ${rebalance.id} failed (${reason}): ${rebalance.failureMessage ?? 'no detail'}`,
    rebalance,
    routeFeeMsat,
  );
}

/** LND's failure reason of a payment → the rebalance's. */
function failureOf(payment: LndPayment): RebalanceFailureReason {
  switch (payment.failureReason) {
    case 'NO_ROUTE':
      return 'no_route';
    case 'INSUFFICIENT_BALANCE':
      return 'insufficient_balance';
    case 'TIMEOUT':
      return 'timeout';
    default:
      return 'error';
  }
}

/**
 * Runs one rebalance from validated input.
 * @returns the succeeded row (or the stored row of an earlier call with the same idempotency key)
 * @throws {ValidationError} unknown or inactive out channel, no active channel with `inPeer`, or both the same peer
 * @throws {RebalanceError} REBALANCE_FEE_TOO_HIGH / REBALANCE_NO_ROUTE / REBALANCE_FAILED, with the failed row
 */
export async function runRebalance(
  ctx: ServiceContext,
  input: ValidRebalanceInput,
  options: RunRebalanceOptions,
): Promise<Rebalance> {
  if (input.idempotencyKey) {
    const existing = await ctx.store.rebalances.getByIdempotencyKey(input.idempotencyKey);
    if (existing) return replay(existing);
  }
  const out = await checkPair(ctx, input);
  const feeLimitMsat = rebalanceFeeLimitMsat(input.amountSat, input.maxFeeSat, input.maxFeePpm);
  const row = await insertRow(ctx, input, feeLimitMsat, options);
  if ('replayed' in row) return replay(row.replayed);

  if (out.outboundSat < input.amountSat)
    return fail(
      ctx,
      row,
      'insufficient_balance',
      `channel ${out.chanId} can send ${out.outboundSat} sat, not ${input.amountSat}`,
    );

  const route = await cheapestRoute(ctx, input, options.ownPubkey);
  if (!route)
    return fail(
      ctx,
      row,
      'no_route',
      `no route leaves by channel ${out.chanId} and comes back through ${input.inPeer.slice(0, 12)}… for ${input.amountSat} sat`,
    );
  if (route.totalFeesMsat > feeLimitMsat)
    return fail(
      ctx,
      row,
      'fee_too_high',
      `the cheapest route costs ${route.totalFeesMsat} msat, above the limit of ${feeLimitMsat} msat; nothing was sent`,
      route.totalFeesMsat,
    );

  const invoice = await ctx.lnd.addInvoice({
    valueMsat: input.amountSat * 1000n,
    memo: `lnkit rebalance ${row.id}`,
    expirySeconds: INVOICE_EXPIRY_SECONDS,
  });
  const sending = (await ctx.store.rebalances.update(row.id, { paymentHash: invoice.paymentHash })) ?? row;
  const final = await pay(ctx, input, invoice.paymentRequest, feeLimitMsat);
  if (final?.status !== 'SUCCEEDED') {
    await ctx.lnd
      .cancelInvoice(invoice.paymentHash)
      .catch((error: unknown) =>
        ctx.logger.warn({ payment_hash: invoice.paymentHash, err: error }, 'could not cancel the rebalance invoice'),
      );
    const reason = final ? failureOf(final) : 'error';
    return fail(ctx, sending, reason, `LND could not pay the self-invoice: ${final?.failureReason ?? 'stream ended'}`);
  }
  // Forwarding is non-strict: the in peer may use any of its channels with us. Read which one it used.
  const settled = await ctx.lnd.lookupInvoice(invoice.paymentHash);
  const inChanId = settled.htlcs.find((h) => h.state === 'SETTLED')?.chanId ?? null;
  return succeed(ctx, sending, final.feeMsat, inChanId);
}

/**
 * Checks that `outChannel` is ours and active, and `inPeer` another peer with an active channel.
 * @throws {ValidationError}
 */
async function checkPair(ctx: ServiceContext, input: ValidRebalanceInput): Promise<ChannelLiquidity> {
  const channels = (await ctx.lnd.listChannels()).map(channelLiquidity);
  const out = channels.find((c) => c.chanId === input.outChannel);
  if (!out) throw new ValidationError('outChannel', `expected one of our channels, got ${input.outChannel}`);
  if (!out.isActive) throw new ValidationError('outChannel', `channel ${out.chanId} is not active`);
  if (out.remotePubkey === input.inPeer)
    throw new ValidationError(
      'inPeer',
      `expected another peer than the out channel's (${input.inPeer.slice(0, 12)}…): leaving and coming back by the same peer moves nothing and costs fees`,
    );
  if (!channels.some((c) => c.remotePubkey === input.inPeer && c.isActive))
    throw new ValidationError('inPeer', `expected a peer with an active channel, got ${input.inPeer}`);
  return out;
}

/**
 * Prices one rebalance like {@link runRebalance} would, and sends nothing (`lnkit rebalance --dry-run`).
 * @throws {ValidationError} as runRebalance
 */
export async function quoteRebalance(
  ctx: ServiceContext,
  input: ValidRebalanceInput,
  ownPubkey: string,
): Promise<RebalancePlan> {
  const out = await checkPair(ctx, input);
  const feeLimitMsat = rebalanceFeeLimitMsat(input.amountSat, input.maxFeeSat, input.maxFeePpm);
  const channels = (await ctx.lnd.listChannels()).map(channelLiquidity).filter((c) => c.remotePubkey === input.inPeer);
  const base = {
    outChanId: out.chanId,
    outPeer: out.remotePubkey,
    inPeer: input.inPeer,
    inPeerAlias: channels[0]?.peerAlias ?? '',
    inChanIds: channels.map((c) => c.chanId),
    amountSat: input.amountSat,
    feeLimitMsat,
  };
  if (out.outboundSat < input.amountSat)
    return {
      ...base,
      route: null,
      feeMsat: null,
      status: 'skipped',
      reason: 'insufficient_balance',
      detail: `channel ${out.chanId} can send ${out.outboundSat} sat, not ${input.amountSat}`,
    };
  const route = (await cheapestRoute(ctx, input, ownPubkey)) ?? null;
  if (!route)
    return {
      ...base,
      route,
      feeMsat: null,
      status: 'skipped',
      reason: 'no_route',
      detail: 'no route back through the peer',
    };
  const tooHigh = route.totalFeesMsat > feeLimitMsat;
  return {
    ...base,
    route,
    feeMsat: route.totalFeesMsat,
    status: tooHigh ? 'skipped' : 'ready',
    reason: tooHigh ? 'fee_too_high' : null,
    detail: tooHigh
      ? `the cheapest route costs ${route.totalFeesMsat} msat, above the limit of ${feeLimitMsat} msat`
      : `would move ${input.amountSat} sat for ${route.totalFeesMsat} msat`,
  };
}

/** A stored outcome, again: succeeded and in-flight rows come back, failed ones throw their error. */
function replay(existing: Rebalance): Rebalance {
  if (existing.status === 'failed') throw rebalanceErrorOf(existing);
  return existing;
}

async function insertRow(
  ctx: ServiceContext,
  input: ValidRebalanceInput,
  maxFeeMsat: bigint,
  options: RunRebalanceOptions,
): Promise<Rebalance | { replayed: Rebalance }> {
  const now = new Date(ctx.clock.now());
  // Several nodes (ctx.owns is set): the row names the node it runs on, so that its events, its
  // listing and its reconcile after a crash go to that node. A single client writes rows as before.
  const nodePubkey = ctx.owns ? (ctx.node?.pubkey() ?? null) : null;
  const row: Rebalance = {
    id: newId('rbl', now.getTime(), ctx.random),
    status: 'in_flight',
    outChanId: input.outChannel,
    inPeer: input.inPeer,
    inChanId: null,
    amountSat: input.amountSat,
    feeMsat: 0n,
    maxFeeMsat,
    paymentHash: null,
    failureReason: null,
    failureMessage: null,
    isAutomatic: options.isAutomatic ?? false,
    idempotencyKey: input.idempotencyKey,
    createdAt: now,
    updatedAt: now,
    completedAt: null,
    ...(nodePubkey !== null ? { nodePubkey } : {}),
  };
  try {
    await ctx.store.rebalances.insert(row);
    return row;
  } catch (error) {
    if (error instanceof StoreConflictError && input.idempotencyKey) {
      const winner = await ctx.store.rebalances.getByIdempotencyKey(input.idempotencyKey);
      if (winner) return { replayed: winner };
    }
    throw error;
  }
}

/** QueryRoutes out of the channel and back through the peer, with a loose limit: the caller compares the fee. */
async function cheapestRoute(
  ctx: ServiceContext,
  input: ValidRebalanceInput,
  ownPubkey: string,
): Promise<LndRoute | undefined> {
  const amountMsat = input.amountSat * 1000n;
  const routes = await ctx.lnd
    .queryRoutes({
      pubkey: ownPubkey,
      amountMsat,
      feeLimitMsat: amountMsat,
      outgoingChanIds: [input.outChannel],
      lastHopPubkey: input.inPeer,
    })
    .catch((error: unknown) => {
      ctx.logger.info({ err: error, out_chan_id: input.outChannel }, 'QueryRoutes found no rebalance route');
      return [];
    });
  return routes[0];
}

async function pay(
  ctx: ServiceContext,
  input: ValidRebalanceInput,
  paymentRequest: string,
  feeLimitMsat: bigint,
): Promise<LndPayment | undefined> {
  let last: LndPayment | undefined;
  for await (const update of ctx.lnd.sendPayment({
    paymentRequest,
    feeLimitMsat,
    timeoutSeconds: PAYMENT_TIMEOUT_SECONDS,
    outgoingChanIds: [input.outChannel],
    lastHopPubkey: input.inPeer,
    allowSelfPayment: true,
  })) {
    last = update;
    if (update.status === 'SUCCEEDED' || update.status === 'FAILED') break;
  }
  return last;
}

async function finish(ctx: ServiceContext, row: Rebalance, patch: RebalancePatch): Promise<Rebalance> {
  const type = patch.status === 'succeeded' ? 'liquidity.rebalanced' : 'liquidity.rebalance_failed';
  const updated = await ctx.store.transaction(async (tx) => {
    const next = await tx.rebalances.update(row.id, patch, { fromStatus: ['in_flight'] });
    if (next) await ctx.recordEvent(tx, type, { rebalance: next });
    return next;
  });
  const result = updated ?? (await ctx.store.rebalances.get(row.id)) ?? row;
  if (updated) ctx.bus.emit(type, { rebalance: updated });
  return result;
}

async function succeed(ctx: ServiceContext, row: Rebalance, feeMsat: bigint, inChanId: string | null) {
  const now = new Date(ctx.clock.now());
  const done = await finish(ctx, row, { status: 'succeeded', feeMsat, inChanId, updatedAt: now, completedAt: now });
  ctx.logger.info(
    {
      rebalance_id: done.id,
      out_chan_id: done.outChanId,
      in_chan_id: inChanId,
      amount_sat: done.amountSat.toString(),
      fee_msat: feeMsat.toString(),
    },
    'rebalance succeeded',
  );
  return done;
}

async function fail(
  ctx: ServiceContext,
  row: Rebalance,
  reason: RebalanceFailureReason,
  message: string,
  routeFeeMsat: bigint | null = null,
): Promise<never> {
  const now = new Date(ctx.clock.now());
  const done = await finish(ctx, row, {
    status: 'failed',
    failureReason: reason,
    failureMessage: message,
    updatedAt: now,
    completedAt: now,
  });
  ctx.logger.warn({ rebalance_id: done.id, out_chan_id: done.outChanId, reason }, 'rebalance failed');
  throw rebalanceErrorOf(done, routeFeeMsat);
}

/**
 * Settles the rows a crash left `in_flight` (called at start, before the automatic mode): a row
 * that never got its invoice failed before sending; one that did takes its payment's outcome from
 * TrackPaymentV2's first update. A payment still in flight is left for the next start.
 * @returns how many rows were completed
 */
export async function reconcileRebalances(ctx: ServiceContext): Promise<number> {
  let completed = 0;
  const { items } = await ctx.store.rebalances.list({ status: 'in_flight', limit: 1000 });
  // Several nodes: each node completes its own rows (rows without a node are the primary's).
  for (const row of items.filter((r) => ctx.owns?.(r.nodePubkey) ?? true)) {
    const now = new Date(ctx.clock.now());
    const failed = (message: string) =>
      finish(ctx, row, {
        status: 'failed',
        failureReason: 'error',
        failureMessage: message,
        updatedAt: now,
        completedAt: now,
      });
    if (row.paymentHash === null) {
      await failed('interrupted before anything was sent');
      completed++;
      continue;
    }
    const controller = new AbortController();
    let first: LndPayment | undefined;
    try {
      for await (const update of ctx.lnd.trackPayment({ paymentHash: row.paymentHash, signal: controller.signal })) {
        first = update;
        break;
      }
    } catch (error) {
      if (!(isLightningError(error) && error.code === 'PAYMENT_NOT_FOUND')) throw error;
    } finally {
      controller.abort();
    }
    if (first?.status === 'SUCCEEDED') {
      const settled = await ctx.lnd.lookupInvoice(row.paymentHash);
      await succeed(ctx, row, first.feeMsat, settled.htlcs.find((h) => h.state === 'SETTLED')?.chanId ?? null);
    } else if (first?.status === 'FAILED') {
      await finish(ctx, row, {
        status: 'failed',
        failureReason: failureOf(first),
        failureMessage: `LND could not pay the self-invoice: ${first.failureReason}`,
        updatedAt: now,
        completedAt: now,
      });
      await ctx.lnd.cancelInvoice(row.paymentHash).catch(() => undefined);
    } else if (first === undefined) {
      await failed('interrupted before the payment was sent');
      await ctx.lnd.cancelInvoice(row.paymentHash).catch(() => undefined);
    } else continue;
    completed++;
  }
  return completed;
}
