/**
 * Invoices priced in EUR or sats: create, look up, list, cancel.
 */
import { eurToMsat, satToMsat } from '../domain/amount.js';
import type { Invoice, InvoiceStatus } from '../domain/invoice.js';
import { canTransitionInvoice, INVOICE_STATUSES } from '../domain/invoice.js';
import { InvalidStateTransitionError, InvoiceNotFoundError, StoreConflictError, ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import type { RateQuote } from '../rates/rate-provider.js';
import type { ServiceContext } from '../service-context.js';
import type { InvoiceRecord, Page } from '../store/store.js';
import { toInvoice } from './to-invoice.js';
import {
  validateCreateInvoiceInput,
  validateInvoiceId,
  validatePaymentHash,
  type CreateInvoiceInput,
} from './validate-invoice-input.js';

/** Query of `invoices.list`: newest first, keyset paging with `cursor`. */
export interface ListInvoicesInput {
  readonly status?: InvoiceStatus | readonly InvoiceStatus[];
  readonly createdAfter?: Date;
  readonly createdBefore?: Date;
  /** Default is 50; 1 to 1000. */
  readonly limit?: number;
  readonly cursor?: string;
}

/** The `lightning.invoices` API. */
export interface InvoiceService {
  /**
   * Creates an invoice: rate (for EUR), LND AddInvoice, one transaction (row + outbox), then `invoice.created`.
   * @throws {ValidationError} on bad input (nothing is called or written)
   * @throws {RateUnavailableError} when no fresh rate exists
   * @example await lightning.invoices.create({ amountEur: '19.99', description: 'Order 42' })
   */
  create(input: CreateInvoiceInput): Promise<Invoice>;
  /** @throws {InvoiceNotFoundError} */
  get(id: string): Promise<Invoice>;
  /** @throws {InvoiceNotFoundError} */
  getByPaymentHash(paymentHash: string): Promise<Invoice>;
  /** Lists invoices, newest first. */
  list(query?: ListInvoicesInput): Promise<Page<Invoice>>;
  /**
   * Cancels an open (or accepted HODL) invoice in LND and locally; emits `invoice.cancelled`.
   * @throws {InvalidStateTransitionError} when it is settled, cancelled or expired
   */
  cancel(id: string): Promise<Invoice>;
}

/** Creates the invoice service. Internal: use `createLightning`. */
export function createInvoiceService(ctx: ServiceContext): InvoiceService {
  const pendingByKey = new Map<string, Promise<Invoice>>();

  async function load(id: string): Promise<InvoiceRecord> {
    const record = await ctx.store.invoices.get(validateInvoiceId(id));
    if (!record) throw new InvoiceNotFoundError(`no invoice with id ${id}`);
    return record;
  }

  async function priceInMsat(input: ReturnType<typeof validateCreateInvoiceInput>): Promise<{ msat: bigint; quote: RateQuote | null }> {
    if (input.amountSat !== null) return { msat: satToMsat(input.amountSat), quote: null };
    const quote = await ctx.rates.getRate('BTC', 'EUR').catch((error: unknown) => {
      ctx.metrics.increment('rate_provider_errors');
      ctx.logger.warn({ err: error, amount_eur: input.amountEur?.toFixed(2) }, 'no BTC/EUR rate: invoice refused');
      throw error;
    });
    if (quote.source === 'fallback') {
      ctx.bus.emit('rate.fallback_used', { rate: quote.rate.toFixed(), reason: 'no fresh rate from any source', at: new Date(ctx.clock.now()) });
    }
    return { msat: eurToMsat(input.amountEur!, quote.rate), quote };
  }

  async function createOnce(input: ReturnType<typeof validateCreateInvoiceInput>): Promise<Invoice> {
    if (input.idempotencyKey) {
      const existing = await ctx.store.invoices.getByIdempotencyKey(input.idempotencyKey);
      if (existing) return toInvoice(existing);
    }
    const { msat, quote } = await priceInMsat(input);
    const added = await ctx.lnd.addInvoice({ valueMsat: msat, memo: input.description, expirySeconds: input.expirySeconds });
    const now = ctx.clock.now();
    const record: InvoiceRecord = {
      id: newId('inv', now),
      paymentHash: added.paymentHash,
      paymentRequest: added.paymentRequest,
      amountMsat: msat,
      amountEur: input.amountEur,
      rate: quote?.rate ?? null,
      rateSource: quote ? quote.source : null,
      rateFetchedAt: quote ? quote.fetchedAt : null,
      description: input.description,
      metadata: input.metadata,
      status: 'open',
      isHold: false,
      addIndex: added.addIndex,
      settleIndex: null,
      amountPaidMsat: null,
      idempotencyKey: input.idempotencyKey,
      createdAt: new Date(now),
      expiresAt: new Date(now + input.expirySeconds * 1000),
      settledAt: null,
      closedAt: null,
      preimage: null,
    };
    const invoice = toInvoice(record);
    try {
      await ctx.store.transaction(async (tx) => {
        await tx.invoices.insert(record);
        await ctx.recordEvent(tx, 'invoice.created', { invoice });
      });
    } catch (error) {
      // The LND invoice has no row: cancel it so nobody can pay an invoice lnkit does not know.
      await ctx.lnd.cancelInvoice(added.paymentHash).catch((cancelError: unknown) =>
        ctx.logger.warn({ payment_hash: added.paymentHash, err: cancelError }, 'could not cancel orphaned LND invoice'),
      );
      if (error instanceof StoreConflictError && input.idempotencyKey) {
        const winner = await ctx.store.invoices.getByIdempotencyKey(input.idempotencyKey);
        if (winner) return toInvoice(winner);
      }
      throw error;
    }
    ctx.metrics.increment('invoices_created');
    ctx.logger.info(
      { invoice_id: invoice.id, payment_hash: invoice.paymentHash, amount_sat: (msat / 1000n).toString(), rate_source: invoice.rateSource },
      'invoice created',
    );
    ctx.bus.emit('invoice.created', { invoice });
    return invoice;
  }

  return {
    create: (rawInput) =>
      ctx.run(async () => {
        const input = validateCreateInvoiceInput(rawInput);
        const key = input.idempotencyKey;
        if (!key) return createOnce(input);
        const pending = pendingByKey.get(key);
        if (pending) return pending;
        const promise = createOnce(input).finally(() => pendingByKey.delete(key));
        pendingByKey.set(key, promise);
        return promise;
      }),

    get: (id) => ctx.run(async () => toInvoice(await load(id))),

    getByPaymentHash: (paymentHash) =>
      ctx.run(async () => {
        const record = await ctx.store.invoices.getByPaymentHash(validatePaymentHash(paymentHash));
        if (!record) throw new InvoiceNotFoundError(`no invoice with payment hash ${paymentHash}`);
        return toInvoice(record);
      }),

    list: (query = {}) =>
      ctx.run(async () => {
        const limit = query.limit ?? 50;
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new ValidationError('limit', `expected 1 to 1000, got ${String(limit)}`);
        const statuses = query.status === undefined ? undefined : Array.isArray(query.status) ? query.status : [query.status];
        for (const s of statuses ?? []) {
          if (!INVOICE_STATUSES.includes(s as InvoiceStatus)) throw new ValidationError('status', `expected one of ${INVOICE_STATUSES.join(', ')}, got ${String(s)}`);
        }
        for (const [field, value] of [['createdAfter', query.createdAfter], ['createdBefore', query.createdBefore]] as const) {
          if (value !== undefined && (!(value instanceof Date) || Number.isNaN(value.getTime()))) throw new ValidationError(field, 'expected a valid Date');
        }
        if (query.cursor !== undefined && (typeof query.cursor !== 'string' || query.cursor.length > 200)) throw new ValidationError('cursor', 'expected a cursor from a previous page');
        const page = await ctx.store.invoices.list({ ...query, status: statuses as InvoiceStatus[] | undefined, limit });
        return { items: page.items.map(toInvoice), nextCursor: page.nextCursor };
      }),

    cancel: (id) =>
      ctx.run(async () => {
        const record = await load(id);
        if (!canTransitionInvoice(record.status, 'cancelled') || record.status === 'expired') {
          throw new InvalidStateTransitionError(record.status, 'cancelled', `invoice ${id} is ${record.status}; only open or accepted invoices can be cancelled`);
        }
        await ctx.lnd.cancelInvoice(record.paymentHash);
        const now = new Date(ctx.clock.now());
        const updated = await ctx.store.transaction(async (tx) => {
          const row = await tx.invoices.update(record.id, { status: 'cancelled', closedAt: now }, { fromStatus: ['open', 'accepted'] });
          if (row) await ctx.recordEvent(tx, 'invoice.cancelled', { invoice: toInvoice(row) });
          return row;
        });
        if (!updated) {
          const current = await load(id);
          // A hold invoice's watcher may record LND's CANCELED first: the cancel is done (and announced once).
          if (current.status === 'cancelled') return toInvoice(current);
          throw new InvalidStateTransitionError(current.status, 'cancelled', `invoice ${id} became ${current.status} while cancelling`);
        }
        const invoice = toInvoice(updated);
        ctx.logger.info({ invoice_id: invoice.id, payment_hash: invoice.paymentHash }, 'invoice cancelled');
        ctx.bus.emit('invoice.cancelled', { invoice });
        return invoice;
      }),
  };
}
