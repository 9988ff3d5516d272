/**
 * `lightning.payments` over several nodes: a payment goes to the node with enough spendable outbound
 * (or the pinned `node`); a payment already stored for its hash or idempotency key stays with the
 * node that sent it, so one payment never leaves from two nodes; an invoice of any of our own nodes
 * is refused (moving money between them is a rebalance, not a payment).
 */
import type { Payment } from '../domain/payment.js';
import { LndPermissionError, PaymentRejectedError } from '../errors.js';
import { DEFAULT_MAX_PAYMENT_SAT, loadChecks, type PaymentService } from '../payments/payment-service.js';
import type { PayInput, ValidPayInput } from '../payments/validate-pay-input.js';
import type { ServiceContext } from '../service-context.js';
import type { NodeRegistry } from './node-registry.js';
import type { NodeRuntime } from './node-runtime.js';

/** The payment with the name of its node (when the node has one). */
function withNodeName(payment: Payment, registry: NodeRegistry): Payment {
  const name = registry.nameOf(payment.nodePubkey);
  return name === null ? payment : Object.freeze({ ...payment, nodeName: name });
}

/** Creates the multi-node payment API. */
export function createNodePayments(
  registry: NodeRegistry,
  ctx: ServiceContext,
  maxPaymentSat: bigint = DEFAULT_MAX_PAYMENT_SAT,
): Pick<PaymentService, 'pay' | 'get' | 'list' | 'decode'> {
  const primary = registry.primary;
  const named = (payment: Payment): Payment => withNodeName(payment, registry);
  const pending = new Map<string, Promise<Payment>>();

  /** The node that holds a stored payment for this hash or key, if any. */
  async function storedSender(paymentHash: string, key: string | undefined): Promise<NodeRuntime | null> {
    const stored =
      (key ? await ctx.store.payments.getByIdempotencyKey(key) : undefined) ??
      (await ctx.store.payments.getByPaymentHash(paymentHash, 'out'));
    return stored && stored.direction === 'out' ? registry.ownerOf(stored.nodePubkey) : null;
  }

  /** The node with the most spendable outbound among those that can send `amountSat` (or the most). */
  async function byOutbound(amountSat: bigint): Promise<NodeRuntime> {
    const up = registry.up();
    await Promise.all(up.map((n) => n.refreshInfo()));
    const totals = await Promise.all(up.map((n) => registry.totals(n)));
    let best: { node: NodeRuntime; outbound: bigint } | null = null;
    let most: { node: NodeRuntime; outbound: bigint } | null = null;
    up.forEach((node, i) => {
      const outbound = totals[i]?.outboundSat;
      if (outbound === undefined || node.info === null) return;
      if (!most || outbound > most.outbound) most = { node, outbound };
      if (outbound >= amountSat && (!best || outbound > best.outbound)) best = { node, outbound };
    });
    const chosen = (best ?? most) as { node: NodeRuntime } | null;
    if (!chosen) throw registry.allDown();
    return chosen.node;
  }

  async function pay(raw: PayInput): Promise<Payment> {
    const { decodeRequest, validatePayInput } = await loadChecks();
    const decoded = decodeRequest(raw?.request);
    const payee = decoded.payeeNodeKey.toLowerCase();
    const own = registry.nameOf(payee) ?? registry.byPubkey(payee)?.label;
    if (own !== undefined && own !== null)
      throw new PaymentRejectedError(
        'own_invoice',
        `the invoice was issued by our node ${own}; moving money between our own nodes is a rebalance, not a payment`,
      );
    const key = typeof raw.idempotencyKey === 'string' ? raw.idempotencyKey : undefined;
    const sender =
      (await storedSender(decoded.paymentHash, key)) ??
      (raw.node !== undefined ? registry.pinned(raw.node) : await byOutbound((decoded.amountMsat ?? 0n) / 1000n));
    await sender.refreshInfo();
    if (!sender.info)
      throw new LndPermissionError('outgoing payments need a macaroon that can call GetInfo and send (admin.macaroon)');
    const input: ValidPayInput = validatePayInput(raw, { nowMs: ctx.clock.now(), node: sender.info, maxPaymentSat });
    // One flight per hash in this process, whichever node a racing call would have picked.
    const flight = pending.get(input.paymentHash);
    if (flight) return flight;
    const promise = sender.payments.payChecked(input).finally(() => pending.delete(input.paymentHash));
    pending.set(input.paymentHash, promise);
    return promise;
  }

  return {
    pay: (raw) => ctx.run(async () => named(await pay(raw))),
    get: async (id) => named(await primary.payments.get(id)),
    list: async (query) => {
      const page = await primary.payments.list(query);
      return { items: page.items.map(named), nextCursor: page.nextCursor };
    },
    decode: (request) => primary.payments.decode(request),
  };
}
