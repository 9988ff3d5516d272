/**
 * SendPaymentV2: LND's pre-stream checks (exact texts), then route, lock HTLCs hop by hop, and
 * settle or fail atomically. A hold invoice keeps the payment IN_FLIGHT until it is resolved.
 */
import { decodeBolt11, type DecodedBolt11 } from '../../bolt11/index.js';
import type { NetCtx, NodeRef } from './context.js';
import { chainParamsName, goTime } from './format.js';
import { type AttemptRecord, type PaymentRecord } from './payment-record.js';
import type { PaymentBook } from './payments.js';
import { edgeKey, findRoute, outgoingBandwidthMsat, type FoundRoute } from './routing.js';
import { LndRpcError, unknownError } from './rpc-error.js';
import type { SimPayment, SimSendPaymentInput, SimStream } from './types.js';

/** LND's BlockPadding: added to the final CLTV delta of a payment. */
export const BLOCK_PADDING = 3;
const DEFAULT_TIMEOUT_SECONDS = 60;
const MAX_ATTEMPTS = 20;

/** Payment requests a network keeps decoded. */
const DECODED_KEPT = 2_000;

/**
 * Decodes a payment request for `ctx`'s network, with DecodePayReq's error texts. Decoded once per
 * network (the payee key's recovery is the costly part); the result is shared, never mutated.
 */
export function decodeForNetwork(ctx: NetCtx, paymentRequest: string): DecodedBolt11 {
  let decoded = ctx.decoded.get(paymentRequest);
  if (decoded !== undefined) return decoded;
  try {
    decoded = decodeBolt11(paymentRequest);
  } catch (error) {
    throw unknownError(error instanceof Error ? error.message : String(error));
  }
  const network =
    decoded.network === 'bcrt'
      ? 'regtest'
      : decoded.network === 'tb'
        ? 'testnet'
        : decoded.network === 'tbs'
          ? 'signet'
          : 'mainnet';
  if (network !== ctx.networkName)
    throw unknownError(`invoice not for current active network '${chainParamsName(ctx.networkName)}'`);
  // Bounded: a long-lived network in a test suite forgets its oldest requests.
  if (ctx.decoded.size >= DECODED_KEPT) ctx.decoded.delete(ctx.decoded.keys().next().value as string);
  ctx.decoded.set(paymentRequest, decoded);
  return decoded;
}

/** SendPaymentV2 from `self`. Throws LND's pre-stream errors; routing failures are FAILED updates. */
export function sendPayment(
  ctx: NetCtx,
  self: NodeRef,
  book: PaymentBook,
  input: SimSendPaymentInput,
): SimStream<SimPayment> {
  const decoded = decodeForNetwork(ctx, input.paymentRequest);
  const requested = input.amountMsat ?? 0n;
  if (decoded.amountMsat === null && requested === 0n)
    throw unknownError('amount must be specified when paying a zero amount invoice');
  if (decoded.amountMsat !== null && requested !== 0n)
    throw unknownError('amount must not be specified when paying a non-zero amount invoice');
  const amountMsat = decoded.amountMsat ?? requested;
  if (amountMsat < 0n) throw unknownError('amount cannot be negative');
  if (decoded.expiresAt.getTime() < ctx.now())
    throw unknownError(`invoice expired. Valid until ${goTime(decoded.expiresAt.getTime())}`);
  if (decoded.payeeNodeKey === self.pubkey && !input.allowSelfPayment) throw unknownError('self-payments not allowed');
  const existing = book.get(decoded.paymentHash);
  if (existing?.status === 'SUCCEEDED') throw new LndRpcError(6, 'invoice is already paid');
  if (existing?.status === 'IN_FLIGHT' || existing?.status === 'INITIATED')
    throw new LndRpcError(6, 'payment is in transition');

  const timeoutSeconds =
    input.timeoutSeconds === undefined || input.timeoutSeconds === 0 ? DEFAULT_TIMEOUT_SECONDS : input.timeoutSeconds;
  const record = book.create({
    paymentHash: decoded.paymentHash,
    paymentRequest: decoded.paymentRequest,
    valueMsat: amountMsat,
    timeoutAt: ctx.now() + timeoutSeconds * 1000,
  });
  const stream = book.open(record, !input.noInflightUpdates);
  new PaymentAttempts(ctx, self, book, record, decoded, amountMsat, input).run();
  return stream;
}

/** The attempt loop of one payment (LND's payment lifecycle, synchronous). */
class PaymentAttempts {
  private readonly pruned = new Set<string>();

  constructor(
    private readonly ctx: NetCtx,
    private readonly self: NodeRef,
    private readonly book: PaymentBook,
    private readonly record: PaymentRecord,
    private readonly decoded: DecodedBolt11,
    private readonly amountMsat: bigint,
    private readonly input: SimSendPaymentInput,
  ) {}

  run(): void {
    const target = this.ctx.nodeRefByPubkey(this.decoded.payeeNodeKey);
    const outgoing = this.input.outgoingChanIds?.length ? new Set(this.input.outgoingChanIds) : undefined;
    const lastHop = this.input.lastHopPubkey ? this.ctx.nodeRefByPubkey(this.input.lastHopPubkey)?.name : undefined;
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      if (this.ctx.now() >= this.record.timeoutAt) return this.fail('TIMEOUT');
      if (outgoingBandwidthMsat(this.ctx, this.self.name, outgoing) < this.amountMsat)
        return this.fail('INSUFFICIENT_BALANCE');
      if (!target || (this.input.lastHopPubkey && lastHop === undefined)) return this.fail('NO_ROUTE');
      const found = findRoute(this.ctx, {
        source: this.self.name,
        target: target.name,
        amountMsat: this.amountMsat,
        feeLimitMsat: this.input.feeLimitMsat ?? 0n,
        finalCltvDelta: this.decoded.minFinalCltvExpiry + BLOCK_PADDING,
        pruned: this.pruned,
        ...(outgoing ? { outgoingChanIds: outgoing } : {}),
        ...(lastHop !== undefined ? { lastHop } : {}),
      });
      if (!found) return this.fail('NO_ROUTE');
      if (this.attempt(found)) return;
    }
    this.fail('NO_ROUTE');
  }

  /** One HTLC attempt. Returns true when the payment is settled, held or failed for good. */
  private attempt(found: FoundRoute): boolean {
    const attempt: AttemptRecord = {
      attemptId: this.book.nextAttemptId(),
      status: 'IN_FLIGHT',
      route: found.route,
      attemptMs: this.ctx.now(),
      resolveMs: null,
      failure: null,
      preimage: null,
    };
    this.record.attempts.push(attempt);
    for (const [k, leg] of found.legs.entries()) {
      const to = this.ctx.nodeRef(leg.to);
      const code = !leg.channel.isActive
        ? 'CHANNEL_DISABLED'
        : !to?.isOnline || leg.channel.spendableMsat(leg.from) < leg.amountMsat
          ? 'TEMPORARY_CHANNEL_FAILURE'
          : null;
      if (code) {
        this.pruned.add(edgeKey(leg.channel.chanId, leg.from));
        this.resolveAttempt(attempt, { code, failureSourceIndex: k });
        return false;
      }
    }
    for (const leg of found.legs) leg.channel.lock(leg.from, leg.amountMsat);
    const last = found.route.hops[found.route.hops.length - 1]!;
    let settled = false;
    const outcome = this.ctx.deliverHtlc(found.legs[found.legs.length - 1]!.to, {
      paymentHash: this.decoded.paymentHash,
      paymentAddr: this.decoded.paymentSecret ?? '',
      amountMsat: last.amountToForwardMsat,
      expiryHeight: last.expiry,
      chanId: last.chanId,
      resolver: {
        settle: (preimage) => {
          if (settled) return;
          settled = true;
          this.settle(found, attempt, preimage);
        },
        fail: () => {
          if (settled) return;
          settled = true;
          this.failFinal(found, attempt);
        },
      },
    });
    if (outcome.kind === 'settled') {
      settled = true;
      this.settle(found, attempt, outcome.preimage);
    } else if (outcome.kind === 'rejected') {
      settled = true;
      this.failFinal(found, attempt);
    } else {
      this.book.publish(this.record);
    }
    return true;
  }

  private settle(found: FoundRoute, attempt: AttemptRecord, preimage: string): void {
    for (const leg of found.legs) leg.channel.settle(leg.from, leg.amountMsat);
    attempt.status = 'SUCCEEDED';
    attempt.resolveMs = this.ctx.now();
    attempt.preimage = preimage;
    this.record.status = 'SUCCEEDED';
    this.record.preimage = preimage;
    this.book.publish(this.record);
  }

  private failFinal(found: FoundRoute, attempt: AttemptRecord): void {
    for (const leg of found.legs) leg.channel.release(leg.from, leg.amountMsat);
    this.resolveAttempt(attempt, {
      code: 'INCORRECT_OR_UNKNOWN_PAYMENT_DETAILS',
      failureSourceIndex: found.legs.length,
    });
    this.fail(this.record.isTimedOut ? 'TIMEOUT' : 'INCORRECT_PAYMENT_DETAILS');
  }

  private resolveAttempt(attempt: AttemptRecord, failure: NonNullable<AttemptRecord['failure']>): void {
    attempt.status = 'FAILED';
    attempt.resolveMs = this.ctx.now();
    attempt.failure = failure;
  }

  private fail(reason: PaymentRecord['failureReason']): void {
    this.record.status = 'FAILED';
    this.record.failureReason = reason;
    this.book.publish(this.record);
  }
}
