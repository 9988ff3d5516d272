// size-exempt: the never-pay-twice flow (row before send, single flight, re-tracking) kept in one place
/**
 * Outgoing payments that never pay twice: decode and check locally, write the in_flight row, then
 * Router.SendPaymentV2; the stream's outcome is committed with its outbox row. A payment whose
 * outcome was not seen (crash, disconnect) is tracked with TrackPaymentV2, never sent again.
 */
import type { Payment, PaymentDirection, PaymentStatus } from '../domain/payment.js';
import {
  LndPermissionError,
  PaymentNotFoundError,
  StoreConflictError,
  ValidationError,
  isLightningError,
} from '../errors.js';
import { newId } from '../ids.js';
import { sleep } from '../domain/clock.js';
import type { LndNodeInfo } from '../lnd/lnd-client.js';
import type { ServiceContext } from '../service-context.js';
import type { Page } from '../store/store.js';
import type { bolt11NetworkToLnd } from '../bolt11/networks.js';
import type { DecodedBolt11 } from '../bolt11/types.js';
import { applyPaymentUpdate, recordFailed, recordUnknown } from './payment-outcome.js';
import type { PayInput, ValidPayInput } from './validate-pay-input.js';

/** The BOLT11 checks, with the decoder and its curve library: loaded on the first pay or decode, not with lnkit. */
type PayChecks = typeof import('./validate-pay-input.js');

/** Default of `payments.maxPaymentSat` in `createLightning`'s config: 1 000 000 sat (0.01 BTC). */
export const DEFAULT_MAX_PAYMENT_SAT = 1_000_000n;

/** Configuration of the payment service. */
export interface PaymentServiceConfig {
  /** Largest amount `pay` sends (fees excluded). Default is 1 000 000 sat. */
  readonly maxPaymentSat?: bigint;
  /** The node's GetInfo cached by `start()` (pubkey and network); null before it. */
  readonly getNode: () => LndNodeInfo | null;
  /**
   * The payment service of another of lnkit's nodes, for a payment that node sent (several nodes):
   * a stored payment is followed, retried or returned by the node that sent it, never by a second one.
   * Default: every stored payment is this node's.
   * @throws {NodeUnavailableError} when that node is not configured here
   */
  readonly senderOf?: (nodePubkey: string) => Pick<PaymentService, 'payChecked'> | null;
}

/** Query of `payments.list`: newest first, keyset paging with `cursor`. */
export interface ListPaymentsInput {
  readonly direction?: PaymentDirection;
  readonly status?: PaymentStatus | readonly PaymentStatus[];
  /** Default is 50; 1 to 1000. */
  readonly limit?: number;
  readonly cursor?: string;
}

/** A decoded payment request with what lnkit derives from it. */
export interface DecodedPaymentRequest extends DecodedBolt11 {
  /** The network as LND names it. */
  readonly lndNetwork: ReturnType<typeof bolt11NetworkToLnd>;
  /** True when it is past its expiry on lnkit's clock. */
  readonly isExpired: boolean;
}

/** The `lightning.payments` API. */
export interface PaymentService {
  /**
   * Pays a BOLT11 request once. Resolves with the final Payment: `succeeded`, `failed` (with
   * `failureReason`; routing failures do not throw), or `unknown` when LND could not be asked.
   * A second call for the same payment hash or idempotency key returns the first payment.
   * @throws {ValidationError} malformed request or bad field (nothing sent, nothing written)
   * @throws {PaymentRejectedError} wrong network, expired, zero-amount without amountSat, over maxPaymentSat, own invoice
   * @example const payment = await lightning.payments.pay({ request, maxFeeSat: 20n, idempotencyKey: 'refund-42' });
   */
  pay(input: PayInput): Promise<Payment>;
  /** The payment, with its `preimage` (proof of payment) once succeeded. @throws {PaymentNotFoundError} */
  get(id: string): Promise<Payment>;
  /** Lists payments, newest first. */
  list(query?: ListPaymentsInput): Promise<Page<Payment>>;
  /** Decodes a BOLT11 request locally (no RPC). @throws {ValidationError} when malformed */
  decode(request: string): Promise<DecodedPaymentRequest>;
  /**
   * `pay` after validation, without the in-process single flight (the multi-node router calls it on
   * the node it chose, which keeps its own). Internal.
   */
  payChecked(input: ValidPayInput): Promise<Payment>;
  /** Re-tracks every in_flight/unknown outgoing payment in the background (called by start()). */
  retrackInFlight(): Promise<void>;
  /** Resolves when every tracker running now has finished. */
  idle(): Promise<void>;
  /** Aborts the trackers; unfinished payments stay in_flight and are re-tracked at the next start. */
  stop(): Promise<void>;
}

const PAYMENT_STATUSES: readonly PaymentStatus[] = ['in_flight', 'succeeded', 'failed', 'unknown'];
/** Re-subscribes to a track stream that ended without a final state at most this many times. */
const MAX_TRACK_ATTEMPTS = 3;
/** How often `pay` reads the row of a payment another process is sending. */
const OUTCOME_POLL_MS = 200;
/** How long `pay` waits for another process's outcome before tracking the payment itself. */
const OTHER_SENDER_GRACE_MS = 30_000;

let checks: PayChecks | undefined;
/**
 * Loads the pay-input checks (BOLT11 decoding; loaded on first use to keep lnkit's cold import small),
 * once per process. Internal; the simulation awaits it up front so that no pay waits on real module I/O.
 */
export async function loadChecks(): Promise<PayChecks> {
  return (checks ??= await import('./validate-pay-input.js'));
}

/** Creates the payment service. Internal: use `createLightning`. */
export function createPaymentService(ctx: ServiceContext, config: PaymentServiceConfig): PaymentService {
  const maxPaymentSat = config.maxPaymentSat ?? DEFAULT_MAX_PAYMENT_SAT;
  if (typeof maxPaymentSat !== 'bigint' || maxPaymentSat <= 0n) {
    throw new ValidationError('maxPaymentSat', `expected a positive bigint, got ${String(maxPaymentSat)}`);
  }
  const pendingByHash = new Map<string, Promise<Payment>>();
  const pendingByKey = new Map<string, { readonly hash: string; readonly promise: Promise<Payment> }>();
  const trackers = new Map<string, Promise<Payment>>();
  let controller = new AbortController();

  function node(): LndNodeInfo {
    const info = config.getNode();
    // Inside ctx.run lnkit is started: no node info means the macaroon may not call GetInfo.
    if (!info)
      throw new LndPermissionError('outgoing payments need a macaroon that can call GetInfo and send (admin.macaroon)');
    return info;
  }

  /** Runs `work` as the tracker of `hash`: callers for the same payment await it. */
  function runTracker(hash: string, work: () => Promise<Payment>): Promise<Payment> {
    const promise = work().finally(() => {
      if (trackers.get(hash) === promise) trackers.delete(hash);
    });
    trackers.set(hash, promise);
    return promise;
  }

  /** Follows the payment with TrackPaymentV2 to its final state. */
  async function track(row: Payment, startedAt: number): Promise<Payment> {
    const { signal } = controller;
    for (let attempt = 0; attempt < MAX_TRACK_ATTEMPTS; attempt++) {
      try {
        for await (const update of ctx.lnd.trackPayment({ paymentHash: row.paymentHash, signal })) {
          const final = await applyPaymentUpdate(ctx, row, update, startedAt);
          if (final) return final;
        }
      } catch (error) {
        if (signal.aborted) return (await ctx.store.payments.get(row.id)) ?? row;
        if (isLightningError(error) && error.code === 'PAYMENT_NOT_FOUND') {
          // LND never saw it (a crash between our insert and the send, or the send was refused).
          return recordFailed(ctx, row, 'error', startedAt);
        }
        return recordUnknown(ctx, row, error);
      }
      if (signal.aborted) break;
    }
    return recordUnknown(ctx, row, new Error('track stream ended without a final state'));
  }

  /**
   * Waits for the outcome of a payment another process (or lnkit instance) is sending: its final row
   * reaches the store. Past `OTHER_SENDER_GRACE_MS` without one (that sender may have died and no leader
   * re-tracked it yet), follows it with TrackPaymentV2 itself.
   */
  async function awaitOutcome(row: Payment): Promise<Payment> {
    const { signal } = controller;
    const until = ctx.clock.now() + OTHER_SENDER_GRACE_MS;
    while (ctx.clock.now() < until) {
      await sleep(ctx.clock, OUTCOME_POLL_MS, signal).catch(() => undefined);
      const current = await ctx.store.payments.get(row.id);
      if (!current || current.status !== 'in_flight' || signal.aborted) return current ?? row;
    }
    return track(row, ctx.clock.now());
  }

  /** Sends with SendPaymentV2; anything short of a final update is settled by tracking. */
  async function send(row: Payment, input: ValidPayInput): Promise<Payment> {
    const startedAt = ctx.clock.now();
    const { signal } = controller;
    ctx.logger.info(
      {
        payment_id: row.id,
        payment_hash: row.paymentHash,
        amount_sat: (row.amountMsat / 1000n).toString(),
        fee_limit_sat: (input.feeLimitMsat / 1000n).toString(),
      },
      'sending payment',
    );
    try {
      const stream = ctx.lnd.sendPayment({
        paymentRequest: input.decoded.paymentRequest,
        ...(input.amountOverrideMsat !== undefined ? { amountMsat: input.amountOverrideMsat } : {}),
        feeLimitMsat: input.feeLimitMsat,
        timeoutSeconds: input.timeoutSeconds,
        signal,
      });
      for await (const update of stream) {
        const final = await applyPaymentUpdate(ctx, row, update, startedAt);
        if (final) return final;
      }
    } catch (error) {
      if (signal.aborted) return (await ctx.store.payments.get(row.id)) ?? row;
      // "invoice is already paid", "payment is in transition", a dropped stream: LND knows best.
      ctx.logger.warn(
        { payment_id: row.id, payment_hash: row.paymentHash, err: error },
        'send did not report an outcome; tracking the payment',
      );
    }
    if (signal.aborted) return (await ctx.store.payments.get(row.id)) ?? row;
    return track(row, startedAt);
  }

  /** Writes the in_flight row: a new one, or a failed one taken back for another attempt. */
  async function claim(input: ValidPayInput, previous: Payment | undefined): Promise<Payment | undefined> {
    const now = new Date(ctx.clock.now());
    if (previous) {
      return ctx.store.payments.update(
        previous.id,
        {
          status: 'in_flight',
          failureReason: null,
          completedAt: null,
          feeMsat: 0n,
          preimage: null,
          amountMsat: input.amountMsat,
          feeLimitMsat: input.feeLimitMsat,
          updatedAt: now,
        },
        { fromStatus: ['failed'] },
      );
    }
    const row: Payment = {
      id: newId('pay', now.getTime(), ctx.random),
      direction: 'out',
      status: 'in_flight',
      paymentHash: input.paymentHash,
      paymentRequest: input.decoded.paymentRequest,
      amountMsat: input.amountMsat,
      feeMsat: 0n,
      invoiceId: null,
      preimage: null,
      failureReason: null,
      idempotencyKey: input.idempotencyKey,
      settleIndex: null,
      feeLimitMsat: input.feeLimitMsat,
      createdAt: now,
      updatedAt: now,
      completedAt: null,
      ...(ctx.node?.pubkey() ? { nodePubkey: ctx.node.pubkey()! } : {}),
    };
    try {
      await ctx.store.transaction((tx) => tx.payments.insert(row));
      return row;
    } catch (error) {
      if (error instanceof StoreConflictError) return undefined;
      throw error;
    }
  }

  /** Looks up what is stored for this payment hash or key. */
  async function existing(input: ValidPayInput): Promise<Payment | undefined> {
    if (input.idempotencyKey) {
      const byKey = await ctx.store.payments.getByIdempotencyKey(input.idempotencyKey);
      if (byKey && (byKey.direction !== 'out' || byKey.paymentHash !== input.paymentHash)) {
        throw new ValidationError(
          'idempotencyKey',
          `expected a new key: it was used for another payment (payment hash ${byKey.paymentHash})`,
        );
      }
      if (byKey) return byKey;
    }
    return ctx.store.payments.getByPaymentHash(input.paymentHash, 'out');
  }

  async function payOnce(input: ValidPayInput): Promise<Payment> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await existing(input);
      const mine = ctx.node?.pubkey() ?? null;
      if (current?.nodePubkey !== undefined && mine !== null && current.nodePubkey !== mine && config.senderOf) {
        // Sent (or tried) by another of our nodes: only that node may follow or retry it.
        const sender = config.senderOf(current.nodePubkey);
        if (sender) return sender.payChecked(input);
      }
      if (current && current.status !== 'failed') {
        const active = trackers.get(current.paymentHash);
        if (active) return active;
        if (current.status === 'unknown') return runTracker(current.paymentHash, () => track(current, ctx.clock.now()));
        // in_flight in another process or lnkit instance: never send it again, wait for its outcome.
        if (current.status === 'in_flight') return runTracker(current.paymentHash, () => awaitOutcome(current));
        return current;
      }
      const row = await claim(input, current);
      // Lost a race with another instance: look again.
      if (row) return runTracker(row.paymentHash, () => send(row, input));
    }
    throw new StoreConflictError(`payment ${input.paymentHash} keeps changing under us; try again`);
  }

  async function list(query: ListPaymentsInput): Promise<Page<Payment>> {
    const limit = query.limit ?? 50;
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
      throw new ValidationError('limit', `expected 1 to 1000, got ${String(limit)}`);
    if (query.direction !== undefined && query.direction !== 'in' && query.direction !== 'out') {
      throw new ValidationError('direction', `expected 'in' or 'out', got ${String(query.direction)}`);
    }
    const statuses =
      query.status === undefined ? undefined : Array.isArray(query.status) ? query.status : [query.status];
    for (const s of statuses ?? []) {
      if (!PAYMENT_STATUSES.includes(s as PaymentStatus))
        throw new ValidationError('status', `expected one of ${PAYMENT_STATUSES.join(', ')}, got ${String(s)}`);
    }
    if (query.cursor !== undefined && (typeof query.cursor !== 'string' || query.cursor.length > 200))
      throw new ValidationError('cursor', 'expected a cursor from a previous page');
    return ctx.store.payments.list({ ...query, status: statuses as PaymentStatus[] | undefined, limit });
  }

  /** The in-process single flight: one pay per payment hash and per idempotency key at a time. */
  function payChecked(input: ValidPayInput): Promise<Payment> {
    const key = input.idempotencyKey;
    const byKey = key ? pendingByKey.get(key) : undefined;
    if (byKey) {
      if (byKey.hash !== input.paymentHash)
        throw new ValidationError('idempotencyKey', `expected a new key: it is in use for payment hash ${byKey.hash}`);
      return byKey.promise;
    }
    const byHash = pendingByHash.get(input.paymentHash);
    if (byHash) return byHash;
    const promise = payOnce(input).finally(() => {
      pendingByHash.delete(input.paymentHash);
      if (key) pendingByKey.delete(key);
    });
    pendingByHash.set(input.paymentHash, promise);
    if (key) pendingByKey.set(key, { hash: input.paymentHash, promise });
    return promise;
  }

  return {
    pay: (raw) =>
      ctx.run(async () => {
        const { validatePayInput } = checks ?? (await loadChecks());
        return payChecked(validatePayInput(raw, { nowMs: ctx.clock.now(), node: node(), maxPaymentSat }));
      }),

    payChecked,

    get: (id) =>
      ctx.run(async () => {
        if (typeof id !== 'string' || !/^pay_[0-9a-z]{26}$/.test(id))
          throw new ValidationError(
            'id',
            `expected a payment id like "pay_01…", got ${typeof id === 'string' ? JSON.stringify(id.slice(0, 40)) : typeof id}`,
          );
        const payment = await ctx.store.payments.get(id);
        if (!payment) throw new PaymentNotFoundError(`no payment with id ${id}`);
        return payment;
      }),

    list: (query = {}) => ctx.run(() => list(query)),

    decode: (request) =>
      ctx.run(async () => {
        const { decodeRequest, bolt11NetworkToLnd, isBolt11Expired } = checks ?? (await loadChecks());
        const decoded = decodeRequest(request);
        return {
          ...decoded,
          lndNetwork: bolt11NetworkToLnd(decoded.network),
          isExpired: isBolt11Expired(decoded, ctx.clock.now()),
        };
      }),

    async retrackInFlight() {
      controller = controller.signal.aborted ? new AbortController() : controller;
      let cursor: string | undefined;
      let count = 0;
      do {
        const page = await ctx.store.payments.list({
          direction: 'out',
          status: ['in_flight', 'unknown'],
          limit: 200,
          ...(cursor ? { cursor } : {}),
        });
        for (const row of page.items) {
          if (trackers.has(row.paymentHash) || !(ctx.owns?.(row.nodePubkey) ?? true)) continue;
          count++;
          void runTracker(row.paymentHash, () => track(row, ctx.clock.now())).catch((error: unknown) =>
            ctx.logger.error(
              { payment_id: row.id, payment_hash: row.paymentHash, err: error },
              'tracking an in-flight payment failed',
            ),
          );
        }
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      if (count > 0) ctx.logger.info({ count }, 're-tracking in-flight payments');
    },

    async idle() {
      while (trackers.size > 0) await Promise.allSettled([...trackers.values()]);
    },

    async stop() {
      controller.abort(new Error('stopped'));
      await Promise.allSettled([...trackers.values(), ...pendingByHash.values()]);
    },
  };
}
