/**
 * The one flow behind `invoices.create` and `invoices.createHold`: idempotency, price (rate locked
 * in), the LND call, the row and its event committed (grouped with concurrent creates: {@link
 * createInvoiceCommit}), then `invoice.created`. An LND invoice whose row could not be written is
 * cancelled, so nobody can pay an invoice lnkit does not know.
 */
import { eurToMsat, satToMsat } from '../domain/amount.js';
import type { Invoice } from '../domain/invoice.js';
import { StoreConflictError, ValidationError } from '../errors.js';
import { newId } from '../ids.js';
import type { RateQuote } from '../rates/rate-provider.js';
import type { ServiceContext } from '../service-context.js';
import { createGroupCommit } from '../store/group-commit.js';
import type { InvoiceRecord } from '../store/store.js';
import { toInvoice } from './to-invoice.js';
import { checkInvoiceLimit, type ValidCreateInvoiceInput } from './validate-invoice-input.js';

/** A new invoice's row and the domain invoice its `invoice.created` event carries. */
export interface NewInvoice {
  readonly record: InvoiceRecord;
  readonly invoice: Invoice;
}

/** Writes a new invoice's row and its `invoice.created` event; resolves once committed. */
export type CommitInvoice = (row: NewInvoice) => Promise<void>;

/**
 * The commit of new invoices for one service: creates whose AddInvoice answered while the previous
 * transaction ran are written in one transaction (rows + event-log rows + outbox rows), and a row
 * that conflicts (an idempotency key another process used meanwhile) fails only its own create.
 */
export function createInvoiceCommit(ctx: ServiceContext): CommitInvoice {
  return createGroupCommit<NewInvoice>({
    store: ctx.store,
    write: async (tx, { record, invoice }) => {
      await tx.invoices.insert(record);
      await ctx.recordEvent(tx, 'invoice.created', { invoice });
    },
  });
}

/** What differs between a regular and a HODL invoice. */
export interface IssueInvoiceOptions {
  /** Writes the row and its event: the service's {@link createInvoiceCommit}. */
  readonly commit: CommitInvoice;
  readonly isHold: boolean;
  /** Hex preimage lnkit keeps (HODL invoices it generated the preimage for); never logged. */
  readonly preimage: string | null;
  /** Refuses an amount the node cannot receive (throws), before anything is added in LND. */
  checkInbound?(valueMsat: bigint): Promise<void>;
  /** The payment hash the caller chose (HODL invoices), compared on an idempotent repeat. */
  readonly paymentHash?: string | null;
  /** Adds the invoice in LND for `valueMsat`. */
  addToLnd(
    valueMsat: bigint,
  ): Promise<{ readonly paymentHash: string; readonly paymentRequest: string; readonly addIndex: bigint }>;
}

/** EUR → msat at a fresh rate (emitting `rate.fallback_used` when the fallback priced it), or sats. */
async function priceInMsat(
  ctx: ServiceContext,
  input: ValidCreateInvoiceInput,
): Promise<{ msat: bigint; quote: RateQuote | null }> {
  if (input.amountSat !== null) return { msat: satToMsat(input.amountSat), quote: null };
  const quote = await ctx.rates.getRate('BTC', 'EUR').catch((error: unknown) => {
    ctx.metrics.increment('rate_provider_errors');
    ctx.logger.warn({ err: error, amount_eur: input.amountEur?.toFixed(2) }, 'no BTC/EUR rate: invoice refused');
    throw error;
  });
  if (quote.source === 'fallback') {
    ctx.bus.emit('rate.fallback_used', {
      rate: quote.rate.toFixed(),
      reason: 'no fresh rate from any source',
      at: new Date(ctx.clock.now()),
    });
  }
  return { msat: checkInvoiceLimit(eurToMsat(input.amountEur!, quote.rate), 'amountEur'), quote };
}

/** JSON with object keys sorted, so that a store that reorders keys (PostgreSQL jsonb) compares equal. */
function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

/**
 * How a stored invoice differs from a new request under the same idempotency key (amount, currency,
 * description, metadata, kind), or null when it is the same request.
 */
function idempotencyMismatch(
  existing: InvoiceRecord,
  input: ValidCreateInvoiceInput,
  options: Pick<IssueInvoiceOptions, 'isHold' | 'paymentHash'>,
): string | null {
  if (input.amountEur !== null) {
    if (existing.amountEur === null) return `it was used for an amount in sats (${existing.amountMsat / 1000n} sat)`;
    if (!existing.amountEur.eq(input.amountEur)) return `it was used for ${existing.amountEur.toFixed(2)} EUR`;
  } else if (existing.amountEur !== null) {
    return `it was used for an amount in EUR (${existing.amountEur.toFixed(2)} EUR)`;
  } else if (existing.amountMsat !== input.amountSat! * 1000n) {
    return `it was used for ${existing.amountMsat / 1000n} sat`;
  }
  if (existing.description !== input.description) return 'it was used with another description';
  if (canonicalJson(existing.metadata ?? null) !== canonicalJson(input.metadata))
    return 'it was used with other metadata';
  if (existing.isHold !== options.isHold) return `it was used for a ${existing.isHold ? 'HODL' : 'regular'} invoice`;
  if (options.paymentHash && options.paymentHash !== existing.paymentHash)
    return `it was used for payment hash ${existing.paymentHash}`;
  return null;
}

/**
 * The invoice already made for this key, when the request is the same.
 * @throws {ValidationError} on `idempotencyKey` when the key was used for a different request
 */
export function sameRequestOrThrow(
  existing: InvoiceRecord,
  input: ValidCreateInvoiceInput,
  options: Pick<IssueInvoiceOptions, 'isHold' | 'paymentHash'>,
): Invoice {
  const mismatch = idempotencyMismatch(existing, input, options);
  if (mismatch)
    throw new ValidationError(
      'idempotencyKey',
      `expected a new key for a different invoice: ${mismatch} (${existing.id})`,
    );
  return toInvoice(existing);
}

/** Issues one invoice from validated input; returns the existing one for a known idempotency key. */
export async function issueInvoice(
  ctx: ServiceContext,
  input: ValidCreateInvoiceInput,
  options: IssueInvoiceOptions,
): Promise<Invoice> {
  if (input.idempotencyKey) {
    const existing = await ctx.store.invoices.getByIdempotencyKey(input.idempotencyKey);
    if (existing) return sameRequestOrThrow(existing, input, options);
  }
  const { msat, quote } = await priceInMsat(ctx, input);
  await options.checkInbound?.(msat);
  const added = await options.addToLnd(msat);
  // The first invoice of a node lnkit could not identify at start (invoice.macaroon) binds the store.
  await ctx.node?.observe(added.paymentRequest);
  const nodePubkey = ctx.node?.pubkey() ?? null;
  const now = ctx.clock.now();
  const record: InvoiceRecord = {
    id: newId('inv', now, ctx.random),
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
    isHold: options.isHold,
    addIndex: added.addIndex,
    settleIndex: null,
    amountPaidMsat: null,
    idempotencyKey: input.idempotencyKey,
    createdAt: new Date(now),
    expiresAt: new Date(now + input.expirySeconds * 1000),
    settledAt: null,
    closedAt: null,
    preimage: options.preimage,
    ...(nodePubkey !== null ? { nodePubkey } : {}),
  };
  const invoice = toInvoice(record);
  try {
    await options.commit({ record, invoice });
  } catch (error) {
    await ctx.lnd
      .cancelInvoice(added.paymentHash)
      .catch((cancelError: unknown) =>
        ctx.logger.warn({ payment_hash: added.paymentHash, err: cancelError }, 'could not cancel orphaned LND invoice'),
      );
    if (error instanceof StoreConflictError && input.idempotencyKey) {
      const winner = await ctx.store.invoices.getByIdempotencyKey(input.idempotencyKey);
      if (winner) return sameRequestOrThrow(winner, input, options);
    }
    throw error;
  }
  ctx.metrics.increment('invoices_created');
  ctx.logger.info(
    {
      invoice_id: invoice.id,
      payment_hash: invoice.paymentHash,
      amount_sat: (msat / 1000n).toString(),
      rate_source: invoice.rateSource,
      is_hold: options.isHold,
      ...(options.isHold ? { preimage_from: options.preimage ? 'lnkit' : 'host' } : {}),
    },
    options.isHold ? 'hold invoice created' : 'invoice created',
  );
  ctx.bus.emit('invoice.created', { invoice });
  return invoice;
}
