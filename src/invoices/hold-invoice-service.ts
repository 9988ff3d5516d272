/**
 * HODL invoices: the payer's HTLCs are held until the host settles (with the preimage) or cancels.
 * lnkit generates and keeps the preimage unless the host supplies the payment hash; the preimage is
 * never logged and never put in an event or a webhook.
 */
import { randomBytesFrom } from '../ids.js';
import { nodeCrypto } from '../node-crypto.js';
import type { Invoice } from '../domain/invoice.js';
import { InvalidStateTransitionError, InvoiceNotFoundError, ValidationError } from '../errors.js';
import type { ServiceContext } from '../service-context.js';
import { announceSettlements, recordSettlements } from '../settlement/record-settlements.js';
import type { InvoiceRecord } from '../store/store.js';
import { createHoldWatcher, type HoldWatcherConfig } from './hold-watcher.js';
import { createInvoiceCommit, issueInvoice } from './issue-invoice.js';
import { toInvoice } from './to-invoice.js';
import {
  validateCreateInvoiceInput,
  validateInvoiceId,
  validatePaymentHash,
  type CreateInvoiceInput,
} from './validate-invoice-input.js';

/** Input of `invoices.createHold`: as `create`, plus an optional payment hash. */
export interface CreateHoldInvoiceInput extends CreateInvoiceInput {
  /** 32-byte hex hash whose preimage the host keeps; lnkit generates a preimage when omitted. */
  readonly paymentHash?: string;
}

/** Configuration of the hold invoice service. */
export type HoldInvoiceServiceConfig = HoldWatcherConfig;

/** The HODL part of `lightning.invoices`. */
export interface HoldInvoiceService {
  /**
   * Creates a hold invoice (Invoices.AddHoldInvoice) and watches it; emits `invoice.created`, then
   * `invoice.accepted` when the payer's HTLCs arrive.
   * @throws {ValidationError} on bad input (nothing is called or written)
   * @example const invoice = await lightning.invoices.createHold({ amountSat: 5000n, description: 'Deposit' });
   */
  createHold(input: CreateHoldInvoiceInput): Promise<Invoice>;
  /**
   * Settles an accepted hold invoice with `preimage`, or with the one lnkit generated.
   * @throws {InvalidStateTransitionError} unless the invoice is accepted (checked before any RPC)
   * @throws {ValidationError} a preimage that does not hash to the payment hash, or none known
   */
  settleHold(id: string, preimage?: string): Promise<Invoice>;
  /** Resumes watching every open or accepted hold invoice (called by start()). */
  watchAll(): Promise<void>;
  /** Runs one near-expiry check now; returns how many invoices it cancelled. */
  checkExpiry(): Promise<number>;
  /** Stops the subscriptions and the height check. */
  stop(): Promise<void>;
}

/** What `lightning.invoices` gains from the hold invoice service. */
export type HoldInvoiceMethods = Pick<HoldInvoiceService, 'createHold' | 'settleHold'>;

const sha256Hex = (hex: string): string =>
  nodeCrypto().createHash('sha256').update(Buffer.from(hex, 'hex')).digest('hex');

/** Validates a preimage without ever echoing it. */
function validatePreimage(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9a-fA-F]{64}$/.test(value)) {
    throw new ValidationError(
      'preimage',
      `expected 64 hex characters (32 bytes), got ${typeof value === 'string' ? `${value.length} characters` : typeof value}`,
    );
  }
  return value.toLowerCase();
}

/** Creates the hold invoice service. Internal: use `createLightning`. */
export function createHoldInvoiceService(
  ctx: ServiceContext,
  config: HoldInvoiceServiceConfig = {},
): HoldInvoiceService {
  const margin = config.safetyMarginBlocks ?? 30;
  if (!Number.isInteger(margin) || margin < 0)
    throw new ValidationError('safetyMarginBlocks', `expected a whole number of blocks ≥ 0, got ${String(margin)}`);
  const interval = config.checkIntervalMs ?? 30_000;
  if (!Number.isInteger(interval) || interval < 1)
    throw new ValidationError('checkIntervalMs', `expected a positive whole number of ms, got ${String(interval)}`);
  const watcher = createHoldWatcher(ctx, config);
  const commit = createInvoiceCommit(ctx);

  async function load(id: string): Promise<InvoiceRecord> {
    const record = await ctx.store.invoices.get(validateInvoiceId(id));
    if (!record) throw new InvoiceNotFoundError(`no invoice with id ${id}`);
    return record;
  }

  async function createHold(raw: CreateHoldInvoiceInput): Promise<Invoice> {
    const input = validateCreateInvoiceInput(raw);
    const suppliedHash = raw.paymentHash === undefined ? null : validatePaymentHash(raw.paymentHash);
    const preimage = suppliedHash === null ? Buffer.from(randomBytesFrom(32, ctx.random)).toString('hex') : null;
    const paymentHash = suppliedHash ?? sha256Hex(preimage!);
    const invoice = await issueInvoice(ctx, input, {
      commit,
      isHold: true,
      preimage,
      paymentHash: suppliedHash,
      addToLnd: async (valueMsat) => {
        const added = await ctx.lnd.addHoldInvoice({
          paymentHash,
          valueMsat,
          memo: input.description,
          expirySeconds: input.expirySeconds,
        });
        return { paymentHash, paymentRequest: added.paymentRequest, addIndex: added.addIndex };
      },
    });
    if (invoice.status === 'open') watcher.watch(invoice.paymentHash);
    return invoice;
  }

  async function settleHold(id: string, given?: string): Promise<Invoice> {
    const record = await load(id);
    if (!record.isHold)
      throw new ValidationError('id', `expected a hold invoice, but ${record.id} is a regular invoice`);
    if (record.status !== 'accepted') {
      throw new InvalidStateTransitionError(
        record.status,
        'settled',
        `invoice ${record.id} is ${record.status}; only an accepted hold invoice can be settled`,
      );
    }
    const preimage = given === undefined ? record.preimage : validatePreimage(given);
    if (preimage === null) {
      throw new ValidationError(
        'preimage',
        'expected the preimage: this hold invoice was created with a payment hash supplied by the host',
      );
    }
    if (sha256Hex(preimage) !== record.paymentHash) {
      throw new ValidationError(
        'preimage',
        `expected the preimage of payment hash ${record.paymentHash}; it hashes to something else`,
      );
    }
    await ctx.lnd.settleInvoice(preimage);
    const lndInvoice = await ctx.lnd.lookupInvoice(record.paymentHash);
    announceSettlements(ctx, await recordSettlements(ctx, [lndInvoice]));
    const settled = toInvoice(await load(id));
    ctx.logger.info(
      { invoice_id: settled.id, payment_hash: settled.paymentHash, status: settled.status },
      'hold invoice settled',
    );
    return settled;
  }

  return {
    createHold: (input) => ctx.run(() => createHold(input)),
    settleHold: (id, preimage) => ctx.run(() => settleHold(id, preimage)),
    watchAll: () => watcher.watchAll(),
    checkExpiry: () => watcher.checkExpiry(),
    stop: () => watcher.stop(),
  };
}
