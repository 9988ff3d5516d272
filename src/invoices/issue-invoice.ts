/**
 * The one flow behind `invoices.create` and `invoices.createHold`: idempotency, price (rate locked
 * in), the LND call, one transaction (row + outbox), then `invoice.created`. An LND invoice whose row
 * could not be written is cancelled, so nobody can pay an invoice lnkit does not know.
 */
import { eurToMsat, satToMsat } from '../domain/amount.js';
import type { Invoice } from '../domain/invoice.js';
import { StoreConflictError } from '../errors.js';
import { newId } from '../ids.js';
import type { RateQuote } from '../rates/rate-provider.js';
import type { ServiceContext } from '../service-context.js';
import type { InvoiceRecord } from '../store/store.js';
import { toInvoice } from './to-invoice.js';
import type { ValidCreateInvoiceInput } from './validate-invoice-input.js';

/** What differs between a regular and a HODL invoice. */
export interface IssueInvoiceOptions {
  readonly isHold: boolean;
  /** Hex preimage lnkit keeps (HODL invoices it generated the preimage for); never logged. */
  readonly preimage: string | null;
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
  return { msat: eurToMsat(input.amountEur!, quote.rate), quote };
}

/** Issues one invoice from validated input; returns the existing one for a known idempotency key. */
export async function issueInvoice(
  ctx: ServiceContext,
  input: ValidCreateInvoiceInput,
  options: IssueInvoiceOptions,
): Promise<Invoice> {
  if (input.idempotencyKey) {
    const existing = await ctx.store.invoices.getByIdempotencyKey(input.idempotencyKey);
    if (existing) return toInvoice(existing);
  }
  const { msat, quote } = await priceInMsat(ctx, input);
  const added = await options.addToLnd(msat);
  // The first invoice of a node lnkit could not identify at start (invoice.macaroon) binds the store.
  await ctx.node?.observe(added.paymentRequest);
  const nodePubkey = ctx.node?.pubkey() ?? null;
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
    await ctx.store.transaction(async (tx) => {
      await tx.invoices.insert(record);
      await ctx.recordEvent(tx, 'invoice.created', { invoice });
    });
  } catch (error) {
    await ctx.lnd
      .cancelInvoice(added.paymentHash)
      .catch((cancelError: unknown) =>
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
