// size-exempt: the simulated node's invoice book and its state machine, as LND keeps it
/**
 * The invoice registry of one node: AddInvoice / AddHoldInvoice validation with LND's texts,
 * settle / cancel state tables, HTLC acceptance, expiry and hold auto-cancel.
 */
import { encodeBolt11 } from '../../bolt11/index.js';
import type { LndAddHoldInvoiceResult, LndAddInvoiceResult } from '../../lnd/lnd-client.js';
import type { HtlcOutcome, IncomingHtlc, NetCtx, NodeRef } from './context.js';
import { DeadlineQueue } from './deadline-queue.js';
import { bolt11Prefix, goFloat } from './format.js';
import { InvoiceSubscriptions } from './invoice-streams.js';
import { isHex, requireHash, sha256Hex } from './keys.js';
import { LndRpcError, unknownError } from './rpc-error.js';
import { listInvoicePage } from './invoice-list.js';
import { snapshotInvoice, type InvoiceRecord } from './invoice-record.js';
import type {
  SimAddHoldInvoiceInput,
  SimAddInvoiceInput,
  SimInvoice,
  SimInvoicePage,
  SimListInvoicesInput,
  SimStream,
} from './types.js';

const MAX_MEMO_BYTES = 1024;
const MAX_EXPIRY_SECONDS = 31_536_000;
const DEFAULT_EXPIRY_SECONDS = 86_400;
const DEFAULT_CLTV = 80;
const MIN_CLTV = 24;
const MAX_PAYMENT_MSAT = 100_000n * 100_000_000n * 1000n;
/** LND's HoldExpiryDelta: held HTLCs are cancelled this many blocks before they expire. */
export const HOLD_EXPIRY_DELTA = 18;
/** The invoice feature bits LND advertises (tlv-onion, payment-addr, multi-path). */
export const INVOICE_FEATURES: readonly number[] = [8, 14, 17];

/** The invoice registry of one node. */
export class InvoiceBook {
  private readonly byHash = new Map<string, InvoiceRecord>();
  private readonly ordered: InvoiceRecord[] = [];
  private addSeq = 0n;
  private settleSeq = 0n;
  private htlcSeq = 0n;
  readonly subscriptions = new InvoiceSubscriptions();
  /** Expiry and hold auto-cancel deadlines; `queuedAt` is each record's live entry. */
  private readonly deadlines = new DeadlineQueue<InvoiceRecord>();
  private readonly queuedAt = new WeakMap<InvoiceRecord, number>();

  constructor(
    private readonly ctx: NetCtx,
    private readonly self: NodeRef,
  ) {}

  /** Forgets every invoice; add and settle indices start again at 1 (a node restored from seed). */
  resetHistory(): void {
    this.byHash.clear();
    this.ordered.length = 0;
    this.addSeq = 0n;
    this.settleSeq = 0n;
  }

  /** AddInvoice. */
  add(input: SimAddInvoiceInput): LndAddInvoiceResult {
    const preimage =
      input.preimage === undefined || input.preimage === ''
        ? this.ctx.randomHex()
        : requireHash(input.preimage, 'preimage');
    const record = this.create(input, sha256Hex(preimage), preimage, false);
    return {
      paymentHash: record.paymentHash,
      paymentRequest: record.paymentRequest,
      addIndex: record.addIndex,
      paymentAddr: record.paymentAddr,
    };
  }

  /** AddHoldInvoice. */
  addHold(input: SimAddHoldInvoiceInput): LndAddHoldInvoiceResult {
    const record = this.create(input, requireHash(input.paymentHash), null, true);
    return { paymentRequest: record.paymentRequest, addIndex: record.addIndex, paymentAddr: record.paymentAddr };
  }

  /** SettleInvoice: ACCEPTED → SETTLED; idempotent once settled. */
  settle(preimageHex: string): void {
    const preimage = requireHash(preimageHex, 'preimage');
    const record = this.byHash.get(sha256Hex(preimage));
    if (!record) throw unknownError('unable to locate invoice');
    if (record.state === 'SETTLED') return;
    if (record.state === 'OPEN') throw unknownError('invoice still open');
    if (record.state === 'CANCELED') throw unknownError('invoice already canceled');
    record.preimage = preimage;
    this.markSettled(record);
    for (const htlc of record.htlcs) {
      if (htlc.state !== 'ACCEPTED') continue;
      htlc.state = 'SETTLED';
      htlc.resolveTime = this.ctx.now();
      htlc.resolver.settle(preimage);
    }
    this.subscriptions.notifySettled(snapshotInvoice(record));
  }

  /** CancelInvoice: OPEN/ACCEPTED → CANCELED (held HTLCs fail back); idempotent once cancelled. */
  cancel(paymentHash: string): void {
    const record = this.byHash.get(requireHash(paymentHash));
    if (!record) throw unknownError('unable to locate invoice');
    if (record.state === 'CANCELED') return;
    if (record.state === 'SETTLED') throw unknownError('invoice already settled');
    this.markCanceled(record);
  }

  /** LookupInvoice. */
  lookup(paymentHash: string): SimInvoice {
    const hash = paymentHash.toLowerCase();
    if (!isHex(hash) || hash.length !== 64) {
      throw unknownError(`payment hash must be exactly 32 bytes, is instead ${Math.floor(hash.length / 2)}`);
    }
    if (this.ordered.length === 0) throw new LndRpcError(5, 'there are no existing invoices');
    const record = this.byHash.get(hash);
    if (!record) throw new LndRpcError(5, 'unable to locate invoice');
    return snapshotInvoice(record);
  }

  /** ListInvoices. */
  list(input: SimListInvoicesInput = {}): SimInvoicePage {
    return listInvoicePage(this.ordered, input);
  }

  /** SubscribeInvoices with LND's replay semantics. */
  subscribe(addIndex: bigint, settleIndex: bigint): SimStream<SimInvoice> {
    const adds = addIndex > 0n ? this.ordered.filter((r) => r.addIndex > addIndex).map(snapshotInvoice) : [];
    const settles =
      settleIndex > 0n
        ? this.ordered
            .filter((r) => r.settleIndex > settleIndex)
            .sort((x, y) => (x.settleIndex < y.settleIndex ? -1 : 1))
            .map(snapshotInvoice)
        : [];
    return this.subscriptions.subscribeAll(addIndex, settleIndex, adds, settles);
  }

  /** SubscribeSingleInvoice. */
  subscribeSingle(paymentHash: string): SimStream<SimInvoice> {
    const hash = requireHash(paymentHash);
    const record = this.byHash.get(hash);
    return this.subscriptions.subscribeSingle(hash, record ? snapshotInvoice(record) : undefined);
  }

  /** Accepts or rejects an HTLC for one of this node's invoices (LND's invoices/update.go checks). */
  receive(htlc: IncomingHtlc): HtlcOutcome {
    const record = this.byHash.get(htlc.paymentHash);
    if (!record || record.state !== 'OPEN' || record.paymentAddr !== htlc.paymentAddr) return { kind: 'rejected' };
    if (record.valueMsat > 0n && (htlc.amountMsat < record.valueMsat || htlc.amountMsat > 2n * record.valueMsat))
      return { kind: 'rejected' };
    if (htlc.expiryHeight < this.ctx.height() + record.cltvExpiry) return { kind: 'rejected' };
    const now = this.ctx.now();
    record.htlcs.push({
      htlcIndex: this.htlcSeq++,
      chanId: htlc.chanId,
      amountMsat: htlc.amountMsat,
      acceptHeight: this.ctx.height(),
      expiryHeight: htlc.expiryHeight,
      state: record.isHold ? 'ACCEPTED' : 'SETTLED',
      acceptTime: now,
      resolveTime: record.isHold ? null : now,
      resolver: htlc.resolver,
    });
    if (record.isHold) {
      record.state = 'ACCEPTED';
      this.subscriptions.notifyChange(snapshotInvoice(record));
      this.schedule(record);
      this.ctx.reschedule();
      return { kind: 'held' };
    }
    this.markSettled(record);
    this.subscriptions.notifySettled(snapshotInvoice(record));
    return { kind: 'settled', preimage: record.preimage as string };
  }

  /**
   * Applies expiry (OPEN → CANCELED) and the hold auto-cancel (18 blocks before the earliest HTLC
   * expiry) to the records whose deadline has come, in add order; costs O(due · log n), not O(n).
   */
  tick(): void {
    const now = this.ctx.now();
    const due = new Set<InvoiceRecord>();
    for (let top = this.liveTop(); top !== undefined && top.at <= now; top = this.liveTop()) {
      this.deadlines.pop();
      this.queuedAt.delete(top.item);
      due.add(top.item);
    }
    const height = this.ctx.height();
    for (const record of [...due].sort((x, y) => (x.addIndex < y.addIndex ? -1 : 1))) {
      if (record.state === 'OPEN' && now >= expiresAt(record)) this.markCanceled(record);
      else if (record.state === 'ACCEPTED' && height >= earliestHtlcExpiry(record) - HOLD_EXPIRY_DELTA)
        this.markCanceled(record);
      else this.schedule(record);
    }
  }

  /** The next clock time (ms) at which `tick` has something to do, or null. */
  nextDeadline(): number | null {
    return this.liveTop()?.at ?? null;
  }

  /** The deadline of `record` in its current state: expiry when OPEN, hold auto-cancel when ACCEPTED. */
  private deadlineOf(record: InvoiceRecord): number | null {
    let at: number | null = null;
    if (record.state === 'OPEN') at = expiresAt(record);
    else if (record.state === 'ACCEPTED') at = this.ctx.timeOfHeight(earliestHtlcExpiry(record) - HOLD_EXPIRY_DELTA);
    return at !== null && Number.isFinite(at) ? at : null;
  }

  /** Queues the record's current deadline unless it is already queued. */
  private schedule(record: InvoiceRecord): void {
    const at = this.deadlineOf(record);
    if (at === null || this.queuedAt.get(record) === at) return;
    this.queuedAt.set(record, at);
    this.deadlines.push(at, record);
  }

  /** The earliest entry that still matches its record, dropping (and re-queuing) stale ones on the way. */
  private liveTop(): { readonly at: number; readonly item: InvoiceRecord } | undefined {
    for (let top = this.deadlines.peek(); top !== undefined; top = this.deadlines.peek()) {
      if (this.queuedAt.get(top.item) === top.at && this.deadlineOf(top.item) === top.at) return top;
      this.deadlines.pop();
      if (this.queuedAt.get(top.item) === top.at) {
        this.queuedAt.delete(top.item);
        this.schedule(top.item);
      }
    }
    return undefined;
  }

  private create(
    input: SimAddInvoiceInput,
    paymentHash: string,
    preimage: string | null,
    isHold: boolean,
  ): InvoiceRecord {
    const valueMsat = resolveValueMsat(input);
    const memo = input.memo ?? '';
    const memoBytes = Buffer.byteLength(memo, 'utf8');
    if (memoBytes > MAX_MEMO_BYTES)
      throw unknownError(`memo too large: ${memoBytes} bytes (maxsize=${MAX_MEMO_BYTES})`);
    const descriptionHash = (input.descriptionHash ?? '').toLowerCase();
    if (descriptionHash !== '' && (!isHex(descriptionHash) || descriptionHash.length !== 64)) {
      throw unknownError(`description hash is ${Math.floor(descriptionHash.length / 2)} bytes, must be 32`);
    }
    const expirySeconds =
      input.expirySeconds === undefined || input.expirySeconds === 0 ? DEFAULT_EXPIRY_SECONDS : input.expirySeconds;
    if (expirySeconds < 0) throw unknownError(`expiry of ${expirySeconds} seconds is negative`);
    if (expirySeconds > MAX_EXPIRY_SECONDS) {
      throw unknownError(
        `expiry of ${goFloat(expirySeconds)} seconds greater than max expiry of ${goFloat(MAX_EXPIRY_SECONDS)} seconds`,
      );
    }
    const cltvExpiry = input.cltvExpiry === undefined || input.cltvExpiry === 0 ? DEFAULT_CLTV : input.cltvExpiry;
    if (cltvExpiry > 65_535) throw unknownError(`CLTV delta of ${cltvExpiry} is too large, max accepted is: 65535`);
    if (cltvExpiry < MIN_CLTV)
      throw unknownError(`CLTV delta of ${cltvExpiry} must be greater than minimum of ${MIN_CLTV}`);
    if (this.byHash.has(paymentHash)) throw unknownError('invoice with payment hash already exists');

    const creationSeconds = Math.floor(this.ctx.now() / 1000);
    const paymentAddr = this.ctx.randomHex();
    let paymentRequest: string;
    try {
      paymentRequest = encodeBolt11(
        {
          network: bolt11Prefix(this.ctx.networkName),
          amountMsat: valueMsat === 0n ? null : valueMsat,
          timestamp: creationSeconds,
          paymentHash,
          paymentSecret: paymentAddr,
          ...(descriptionHash !== '' ? { descriptionHash } : { description: memo }),
          expirySeconds,
          minFinalCltvExpiry: cltvExpiry,
          features: INVOICE_FEATURES,
        },
        this.self.privateKey,
      );
    } catch (error) {
      throw unknownError(error instanceof Error ? error.message : String(error));
    }
    const record: InvoiceRecord = {
      paymentHash,
      preimage,
      paymentRequest,
      memo,
      descriptionHash,
      valueMsat,
      state: 'OPEN',
      addIndex: ++this.addSeq,
      settleIndex: 0n,
      creationMs: creationSeconds * 1000,
      settleMs: null,
      expirySeconds,
      cltvExpiry,
      paymentAddr,
      isHold,
      htlcs: [],
    };
    this.byHash.set(paymentHash, record);
    this.ordered.push(record);
    this.subscriptions.notifyAdded(snapshotInvoice(record));
    this.schedule(record);
    this.ctx.reschedule();
    return record;
  }

  private markSettled(record: InvoiceRecord): void {
    record.state = 'SETTLED';
    record.settleIndex = ++this.settleSeq;
    record.settleMs = Math.floor(this.ctx.now() / 1000) * 1000;
  }

  private markCanceled(record: InvoiceRecord): void {
    record.state = 'CANCELED';
    for (const htlc of record.htlcs) {
      if (htlc.state !== 'ACCEPTED') continue;
      htlc.state = 'CANCELED';
      htlc.resolveTime = this.ctx.now();
      htlc.resolver.fail();
    }
    this.subscriptions.notifyChange(snapshotInvoice(record));
  }
}

function resolveValueMsat(input: SimAddInvoiceInput): bigint {
  const sat = input.valueSat ?? 0n;
  const msat = input.valueMsat ?? 0n;
  if (sat !== 0n && msat !== 0n) throw unknownError('sat and msat arguments are mutually exclusive');
  if (sat < 0n || msat < 0n) throw unknownError('amount cannot be negative');
  const value = sat !== 0n ? sat * 1000n : msat;
  if (value > MAX_PAYMENT_MSAT) {
    throw unknownError(`payment of ${value} mSAT is too large, max payment allowed is 100000 BTC`);
  }
  return value;
}

const expiresAt = (record: InvoiceRecord): number => record.creationMs + record.expirySeconds * 1000;

function earliestHtlcExpiry(record: InvoiceRecord): number {
  let min = Number.POSITIVE_INFINITY;
  for (const htlc of record.htlcs) if (htlc.state === 'ACCEPTED' && htlc.expiryHeight < min) min = htlc.expiryHeight;
  return min;
}
