/**
 * QueryRoutes: one route (or LND's errors), without block padding on the final CLTV delta.
 */
import type { LndRoute } from '../../lnd/lnd-client.js';
import type { NetCtx, NodeRef } from './context.js';
import { findRoute, outgoingBandwidthMsat } from './routing.js';
import { unknownError } from './rpc-error.js';
import type { SimQueryRoutesInput } from './types.js';

/** LND's default fee limit when none is given: 100% up to 1000 sat, 5% above. */
export function defaultFeeLimitMsat(amountMsat: bigint): bigint {
  return amountMsat <= 1_000_000n ? amountMsat : (amountMsat * 5n) / 100n;
}

/**
 * QueryRoutes from `self`.
 * @throws {LndRpcError} `insufficient local balance` / `unable to find a path to destination`
 */
export function queryRoutes(ctx: NetCtx, self: NodeRef, input: SimQueryRoutesInput): LndRoute[] {
  if (input.amountMsat < 0n) throw unknownError('amount cannot be negative');
  const target = ctx.nodeRefByPubkey(input.pubkey.toLowerCase());
  const outgoing = input.outgoingChanIds?.length ? new Set(input.outgoingChanIds) : undefined;
  if (outgoingBandwidthMsat(ctx, self.name, outgoing) < input.amountMsat)
    throw unknownError('insufficient local balance');
  const lastHop = input.lastHopPubkey ? ctx.nodeRefByPubkey(input.lastHopPubkey.toLowerCase()) : undefined;
  if (!target || (input.lastHopPubkey && !lastHop)) throw unknownError('unable to find a path to destination');
  const found = findRoute(ctx, {
    source: self.name,
    target: target.name,
    amountMsat: input.amountMsat,
    feeLimitMsat: input.feeLimitMsat ?? defaultFeeLimitMsat(input.amountMsat),
    finalCltvDelta: input.finalCltvDelta === undefined || input.finalCltvDelta === 0 ? 80 : input.finalCltvDelta,
    ...(outgoing ? { outgoingChanIds: outgoing } : {}),
    ...(lastHop ? { lastHop: lastHop.name } : {}),
  });
  if (!found) throw unknownError('unable to find a path to destination');
  return [found.route];
}
