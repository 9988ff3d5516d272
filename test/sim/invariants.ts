/**
 * The promises lnkit makes, as named checks over the world. Each runs after every step (cheap,
 * incremental) and at the end after the world has healed and gone quiet (complete).
 */
import { canTransitionInvoice, INVOICE_STATUSES, type InvoiceStatus } from '../../src/domain/invoice.js';
import { canTransitionPayment, type PaymentStatus } from '../../src/domain/payment.js';

const PAYMENT_STATUSES: readonly PaymentStatus[] = ['in_flight', 'succeeded', 'failed', 'unknown'];
import type { Payment } from '../../src/domain/payment.js';
import type { WebhookDeliveryRecord } from '../../src/store/store.js';
import type { World } from './world.js';

/** The invariants, by name. */
export const INVARIANTS = [
  'settledRecordedOnce',
  'noDoubleSend',
  'webhooksDelivered',
  'statesAlongMachine',
  'noSecretLeaks',
] as const;
export type InvariantName = (typeof INVARIANTS)[number];

/** A broken promise. */
export interface Violation {
  readonly invariant: InvariantName;
  /** The step after which it was seen; `steps` for the final check. */
  readonly step: number;
  readonly message: string;
}

/** Webhook types that exist once per fact: one webhook-id per (type, subject), wherever produced. */
const ONE_PER_SUBJECT = new Set([
  'invoice.created',
  'invoice.settled',
  'invoice.expired',
  'invoice.cancelled',
  'invoice.accepted',
  'payment.received',
]);

/**
 * `to` can be reached from `from` through legal moves. Rows are read once per step, so a row may
 * have made several legal moves since the last read (failed → in_flight → unknown).
 */
export function reachable<S extends string>(
  from: S,
  to: S,
  can: (a: S, b: S) => boolean,
  states: readonly S[],
): boolean {
  const seen = new Set<S>([from]);
  const queue: S[] = [from];
  while (queue.length > 0) {
    const at = queue.shift()!;
    for (const next of states) {
      if (seen.has(next) || !can(at, next)) continue;
      if (next === to) return true;
      seen.add(next);
      queue.push(next);
    }
  }
  return false;
}

/** Every incoming payment row of the store. */
async function incomingPayments(world: World): Promise<Payment[]> {
  const rows: Payment[] = [];
  let cursor: string | undefined;
  do {
    const page = await world.baseStore.payments.list({ direction: 'in', limit: 1000, ...(cursor ? { cursor } : {}) });
    rows.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return rows;
}

/** Runs the checks, keeping what each needs between steps. */
export class Checker {
  private readonly invoiceStatus = new Map<string, InvoiceStatus>();
  private readonly paymentStatus = new Map<string, PaymentStatus>();
  private readonly checkpoints = new Map<string, { value: bigint; epoch: number }>();
  private readonly idBody = new Map<string, string>();
  private readonly subjectId = new Map<string, string>();
  private deliveriesSeen = 0;
  private tokensSeen = 0;

  constructor(private readonly world: World) {}

  /** Every check of one step, in a fixed order; the first violation wins. */
  async afterStep(): Promise<Violation | null> {
    const checks: [InvariantName, () => Promise<string | null>][] = [
      ['noDoubleSend', async () => this.noDoubleSend()],
      ['settledRecordedOnce', async () => this.heardAtMostOnce()],
      ['webhooksDelivered', () => this.webhookStep()],
      ['statesAlongMachine', () => this.statesStep()],
      ['noSecretLeaks', async () => this.secretsStep(this.tokensSeen)],
    ];
    for (const [invariant, check] of checks) {
      const message = await check();
      if (message) return { invariant, step: this.world.step, message };
    }
    return null;
  }

  /** Every check at the end: the world is healed and quiet. */
  async atEnd(): Promise<Violation | null> {
    const step = this.world.step;
    const first = await this.afterStep();
    if (first) return first;
    const checks: [InvariantName, () => Promise<string | null>][] = [
      ['settledRecordedOnce', () => this.settledFinal()],
      ['webhooksDelivered', () => this.webhooksFinal()],
      ['noSecretLeaks', async () => this.secretsStep(0)],
    ];
    for (const [invariant, check] of checks) {
      const message = await check();
      if (message) return { invariant, step, message };
    }
    return null;
  }

  // ------------------------------------------------------------ noDoubleSend

  /** No outgoing payment is sent to LND while LND already has it in flight or succeeded. */
  noDoubleSend(): string | null {
    const found = this.world.immediate.find((v) => v.invariant === 'noDoubleSend');
    return found ? found.message : null;
  }

  // ------------------------------------------------------------ settledRecordedOnce

  /**
   * No listener hears a payment.received twice. With the store's event log (#10) every process's bus
   * hears every event, so several processes hearing one payment is the promise, not a fault.
   */
  heardAtMostOnce(): string | null {
    for (const [listener, tally] of this.world.heard) {
      for (const [hash, count] of tally) {
        if (count > 1) return `listener ${listener} heard payment.received for ${hash} ${count} times`;
      }
    }
    return null;
  }

  /** Every settlement of the node after start() is recorded exactly once, its invoice settled. */
  async settledFinal(): Promise<string | null> {
    const store = this.world.baseStore;
    const rows = await incomingPayments(this.world);
    const count = new Map<string, number>();
    for (const row of rows) count.set(row.paymentHash, (count.get(row.paymentHash) ?? 0) + 1);
    for (const [hash, n] of count) if (n > 1) return `payment ${hash} recorded ${n} times`;
    for (const s of this.world.settlements.values()) {
      if (s.beforeStart || s.lostWithHistory) continue;
      if (s.beforeFirstCheckpoint && this.world.options.excuseColdStart) continue;
      if (!count.has(s.paymentHash))
        return `settled on the node at step ${s.step} (history epoch ${s.epoch}) but never recorded: ${s.paymentHash}`;
      const payable = this.world.payables.find((p) => p.paymentHash === s.paymentHash);
      if (payable?.invoiceId) {
        const invoice = await store.invoices.get(payable.invoiceId);
        if (invoice && invoice.status !== 'settled')
          return `invoice ${payable.invoiceId} was paid at step ${s.step} but is ${invoice.status}`;
      }
      // The store's event log (#10): every live process started before the payment hears it exactly once.
      for (const slot of this.world.instances) {
        if (!slot.started || !slot.process?.isAlive) continue;
        const since = this.world.listenerSince.get(slot.listener) ?? Infinity;
        if (since >= s.step) continue;
        const times = this.world.heard.get(slot.listener)?.get(s.paymentHash) ?? 0;
        if (times !== 1) return `listener ${slot.listener} heard payment.received for ${s.paymentHash} ${times} times`;
      }
    }
    return null;
  }

  // ------------------------------------------------------------ webhooksDelivered

  /** One body per webhook-id, one webhook-id per fact, and nothing about a change that did not commit. */
  async webhookStep(): Promise<string | null> {
    const fresh = this.world.deliveries.slice(this.deliveriesSeen);
    this.deliveriesSeen = this.world.deliveries.length;
    for (const d of fresh) {
      const body = this.idBody.get(d.webhookId);
      if (body !== undefined && body !== d.body) return `webhook-id ${d.webhookId} was sent with two different bodies`;
      this.idBody.set(d.webhookId, d.body);
      if (ONE_PER_SUBJECT.has(d.type)) {
        const key = `${d.type} ${d.subject}`;
        const id = this.subjectId.get(key);
        if (id !== undefined && id !== d.webhookId)
          return `${d.type} for ${d.subject} sent under two webhook-ids: ${id} and ${d.webhookId}`;
        this.subjectId.set(key, d.webhookId);
      }
      if (d.type === 'payment.received') {
        const row = await this.world.baseStore.payments.getByPaymentHash(d.subject, 'in');
        if (!row) return `payment.received for ${d.subject} was sent but no payment is committed`;
      } else if (d.type.startsWith('invoice.')) {
        const row = await this.world.baseStore.invoices.getByPaymentHash(d.subject);
        if (!row) return `${d.type} for ${d.subject} was sent but no invoice is committed`;
      }
    }
    return null;
  }

  /**
   * At least once: every committed payment has, for each endpoint that never answered 410, an
   * outbox delivery that ended delivered (the receiver got a 2xx under its id) or failed after the
   * whole retry schedule; nothing is left pending once the world is quiet.
   */
  async webhooksFinal(): Promise<string | null> {
    const store = this.world.baseStore;
    const endpoints = await store.webhookEndpoints.list();
    const idByUrl = new Map(endpoints.map((e) => [e.url, e.id]));
    const deliveries: WebhookDeliveryRecord[] = [];
    let cursor: string | undefined;
    do {
      const page = await store.webhookOutbox.listDeliveries({ limit: 1000, ...(cursor ? { cursor } : {}) });
      deliveries.push(...page.items);
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    const subjectOf = new Map<string, string>();
    for (const d of deliveries) {
      if (subjectOf.has(d.eventId)) continue;
      const event = await store.webhookOutbox.getEvent(d.eventId);
      if (!event) return `delivery ${d.id} refers to a missing event ${d.eventId}`;
      const parsed = JSON.parse(event.body) as { data: Record<string, unknown> };
      subjectOf.set(d.eventId, `${event.type} ${String(parsed.data['payment_hash'] ?? '')}`);
    }
    const okIds = new Set(
      this.world.deliveries.filter((x) => x.answered === '2xx').map((x) => `${x.endpoint} ${x.webhookId}`),
    );
    const payments = await incomingPayments(this.world);
    for (const endpoint of this.world.endpoints) {
      if (endpoint.everGone) continue;
      const endpointId = idByUrl.get(endpoint.url);
      if (!endpointId) return `endpoint e${endpoint.index} is missing from the store`;
      const mine = deliveries.filter((d) => d.endpointId === endpointId);
      for (const d of mine) {
        if (d.status === 'pending')
          return `delivery ${d.id} (${subjectOf.get(d.eventId)}) to e${endpoint.index} still pending at the end`;
        if (d.status === 'delivered' && !okIds.has(`${endpoint.index} ${d.eventId}`))
          return `delivery ${d.id} is marked delivered but e${endpoint.index} never answered 2xx to ${d.eventId}`;
      }
      for (const p of payments) {
        const subject = `payment.received ${p.paymentHash}`;
        if (!mine.some((d) => subjectOf.get(d.eventId) === subject))
          return `payment ${p.paymentHash} is committed but has no payment.received delivery for e${endpoint.index}`;
      }
    }
    return null;
  }

  // ------------------------------------------------------------ statesAlongMachine

  /** Rows written this step moved along the state machine; checkpoints only forward, except across a declared reset. */
  async statesStep(): Promise<string | null> {
    const { touched, baseStore } = this.world;
    try {
      for (const id of touched.invoices) {
        const row = await baseStore.invoices.get(id);
        if (!row) continue;
        const before = this.invoiceStatus.get(id);
        if (before && before !== row.status && !reachable(before, row.status, canTransitionInvoice, INVOICE_STATUSES))
          return `invoice ${id} moved ${before} → ${row.status}`;
        this.invoiceStatus.set(id, row.status);
      }
      for (const id of touched.payments) {
        const row = await baseStore.payments.get(id);
        if (!row) continue;
        const before = this.paymentStatus.get(id);
        if (before && before !== row.status && !reachable(before, row.status, canTransitionPayment, PAYMENT_STATUSES))
          return `payment ${id} (${row.direction}) moved ${before} → ${row.status}`;
        this.paymentStatus.set(id, row.status);
      }
      // Compared by the history epoch of the last write, not of the check: a reset can come between
      // a write and the end of its step (seed 771: cursors written at start, reset in step 0).
      for (const [name, epoch] of touched.checkpoints) {
        const value = await baseStore.checkpoints.get(name);
        if (value === undefined) continue;
        const before = this.checkpoints.get(name);
        if (before && before.epoch === epoch && value < before.value)
          return `checkpoint ${name} moved backwards ${before.value} → ${value} without a history reset`;
        this.checkpoints.set(name, { value, epoch });
      }
    } finally {
      touched.invoices.clear();
      touched.payments.clear();
      touched.checkpoints.clear();
    }
    return null;
  }

  // ------------------------------------------------------------ noSecretLeaks

  /** No preimage or webhook secret in any log line, event, webhook or error (tokens from `from` on). */
  secretsStep(from: number): string | null {
    const { texts, secrets } = this.world;
    for (let i = from; i < texts.order.length; i++) {
      const token = texts.order[i]!;
      if (secrets.has(token)) return `a preimage appears in: ${texts.tokens.get(token)}`;
    }
    this.tokensSeen = texts.order.length;
    for (const secret of secrets) {
      if (!secret.startsWith('whsec_')) continue;
      const key = secret.slice('whsec_'.length);
      const hit = texts.tokens.get(`watched:${key}`);
      if (hit !== undefined) return `a webhook secret appears in: ${hit}`;
    }
    return null;
  }
}
