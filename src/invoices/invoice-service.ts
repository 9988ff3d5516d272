/**
 * Invoices priced in EUR or sats: create, look up, list, cancel.
 */
import type { Invoice, InvoiceStatus } from '../domain/invoice.js';
import { canTransitionInvoice, INVOICE_STATUSES } from '../domain/invoice.js';
import { InvalidStateTransitionError, InvoiceNotFoundError, ValidationError } from '../errors.js';
import type { ServiceContext } from '../service-context.js';
import type { InvoiceRecord, Page } from '../store/store.js';
import { createInboundCheck } from './check-inbound.js';
import { createInvoiceCommit, issueInvoice } from './issue-invoice.js';
import { toInvoice } from './to-invoice.js';
import {
  validateCreateInvoiceInput,
  validateInvoiceId,
  validatePaymentHash,
  type CreateInvoiceInput,
  type ValidCreateInvoiceInput,
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
   * Creates an invoice: rate (for EUR), the inbound check (one ListChannels a second at most), LND AddInvoice,
   * one transaction (row + outbox; concurrent creates share it), then `invoice.created`.
   * @throws {ValidationError} on bad input (nothing is called or written)
   * @throws {RateUnavailableError} when no fresh rate exists
   * @throws {InsufficientInboundError} when the active channels cannot receive the amount (unless `allowInsufficientInbound`)
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
  const commit = createInvoiceCommit(ctx);
  const checkInbound = createInboundCheck(ctx);

  async function load(id: string): Promise<InvoiceRecord> {
    const record = await ctx.store.invoices.get(validateInvoiceId(id));
    if (!record) throw new InvoiceNotFoundError(`no invoice with id ${id}`);
    return record;
  }

  const createOnce = (input: ValidCreateInvoiceInput): Promise<Invoice> =>
    issueInvoice(ctx, input, {
      commit,
      isHold: false,
      preimage: null,
      ...(input.allowInsufficientInbound ? {} : { checkInbound }),
      addToLnd: (valueMsat) =>
        ctx.lnd.addInvoice({ valueMsat, memo: input.description, expirySeconds: input.expirySeconds }),
    });

  return {
    create: (rawInput) =>
      ctx.run(async () => {
        const input = validateCreateInvoiceInput(rawInput);
        const key = input.idempotencyKey;
        if (!key) return createOnce(input);
        // A second create with this key while the first is in flight runs after it: it then finds
        // the stored invoice and returns it, or refuses a different request under the same key.
        const pending = pendingByKey.get(key);
        if (pending)
          return pending.then(
            () => createOnce(input),
            () => createOnce(input),
          );
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
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
          throw new ValidationError('limit', `expected 1 to 1000, got ${String(limit)}`);
        const statuses =
          query.status === undefined ? undefined : Array.isArray(query.status) ? query.status : [query.status];
        for (const s of statuses ?? []) {
          if (!INVOICE_STATUSES.includes(s as InvoiceStatus))
            throw new ValidationError('status', `expected one of ${INVOICE_STATUSES.join(', ')}, got ${String(s)}`);
        }
        for (const [field, value] of [
          ['createdAfter', query.createdAfter],
          ['createdBefore', query.createdBefore],
        ] as const) {
          if (value !== undefined && (!(value instanceof Date) || Number.isNaN(value.getTime())))
            throw new ValidationError(field, 'expected a valid Date');
        }
        if (query.cursor !== undefined && (typeof query.cursor !== 'string' || query.cursor.length > 200))
          throw new ValidationError('cursor', 'expected a cursor from a previous page');
        const page = await ctx.store.invoices.list({
          ...query,
          status: statuses as InvoiceStatus[] | undefined,
          limit,
        });
        return { items: page.items.map(toInvoice), nextCursor: page.nextCursor };
      }),

    cancel: (id) =>
      ctx.run(async () => {
        const record = await load(id);
        if (!canTransitionInvoice(record.status, 'cancelled') || record.status === 'expired') {
          throw new InvalidStateTransitionError(
            record.status,
            'cancelled',
            `invoice ${id} is ${record.status}; only open or accepted invoices can be cancelled`,
          );
        }
        await ctx.lnd.cancelInvoice(record.paymentHash);
        const now = new Date(ctx.clock.now());
        const updated = await ctx.store.transaction(async (tx) => {
          const row = await tx.invoices.update(
            record.id,
            { status: 'cancelled', closedAt: now },
            { fromStatus: ['open', 'accepted'] },
          );
          if (row) await ctx.recordEvent(tx, 'invoice.cancelled', { invoice: toInvoice(row) });
          return row;
        });
        if (!updated) {
          const current = await load(id);
          // A hold invoice's watcher may record LND's CANCELED first: the cancel is done (and announced once).
          if (current.status === 'cancelled') return toInvoice(current);
          throw new InvalidStateTransitionError(
            current.status,
            'cancelled',
            `invoice ${id} became ${current.status} while cancelling`,
          );
        }
        const invoice = toInvoice(updated);
        ctx.logger.info({ invoice_id: invoice.id, payment_hash: invoice.paymentHash }, 'invoice cancelled');
        ctx.bus.emit('invoice.cancelled', { invoice });
        return invoice;
      }),
  };
}
