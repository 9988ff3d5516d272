/**
 * The payment database of one node: records, TrackPaymentV2 streams, ListPayments, timeouts.
 * Sending lives in `send-payment.ts`.
 */
import type { NetCtx } from './context.js';
import { DeadlineQueue } from './deadline-queue.js';
import { requireHash } from './keys.js';
import { snapshotPayment, type PaymentRecord } from './payment-record.js';
import { LndRpcError } from './rpc-error.js';
import { SimStreamImpl } from './streams.js';
import type { SimListPaymentsInput, SimPayment, SimPaymentPage, SimStream } from './types.js';

const isFinal = (record: PaymentRecord): boolean => record.status === 'SUCCEEDED' || record.status === 'FAILED';

/** The payment records and payment streams of one node. */
export class PaymentBook {
  private readonly byHash = new Map<string, PaymentRecord>();
  private ordered: PaymentRecord[] = [];
  /** Timeouts of in-flight payments, one entry per record (timeoutAt never changes). */
  private readonly timeouts = new DeadlineQueue<PaymentRecord>();
  private seq = 0n;
  private attemptSeq = 0n;
  private readonly streams = new Map<
    string,
    Set<{ readonly stream: SimStreamImpl<SimPayment>; readonly inflight: boolean }>
  >();

  constructor(private readonly ctx: NetCtx) {}

  /** The record for a hash, if any. */
  get(paymentHash: string): PaymentRecord | undefined {
    return this.byHash.get(paymentHash);
  }

  /** Creates (or, after a FAILED one, replaces) the record of a new payment, with a new payment index. */
  create(init: Pick<PaymentRecord, 'paymentHash' | 'paymentRequest' | 'valueMsat' | 'timeoutAt'>): PaymentRecord {
    const previous = this.byHash.get(init.paymentHash);
    if (previous) this.ordered = this.ordered.filter((r) => r !== previous);
    const record: PaymentRecord = {
      ...init,
      status: 'IN_FLIGHT',
      failureReason: 'NONE',
      preimage: null,
      creationMs: this.ctx.now(),
      paymentIndex: ++this.seq,
      attempts: [],
      isTimedOut: false,
    };
    this.byHash.set(record.paymentHash, record);
    this.ordered.push(record);
    this.timeouts.push(record.timeoutAt, record);
    this.ctx.reschedule();
    return record;
  }

  /** A new attempt id. */
  nextAttemptId(): bigint {
    return ++this.attemptSeq;
  }

  /**
   * Opens a stream on `record`: its current state first, then each update; ends when final.
   * With `inflight` false (no_inflight_updates), only the final state is sent.
   */
  open(record: PaymentRecord, inflight = true): SimStream<SimPayment> {
    let set = this.streams.get(record.paymentHash);
    if (!set) this.streams.set(record.paymentHash, (set = new Set()));
    const owner = set;
    const entry = { stream: new SimStreamImpl<SimPayment>(() => owner.delete(entry)), inflight };
    owner.add(entry);
    if (inflight || isFinal(record)) this.pushTo(entry.stream, record);
    return entry.stream;
  }

  /** Sends the record's current state to its streams. */
  publish(record: PaymentRecord): void {
    for (const entry of [...(this.streams.get(record.paymentHash) ?? [])]) {
      if (entry.inflight || isFinal(record)) this.pushTo(entry.stream, record);
    }
    if (isFinal(record)) this.ctx.reschedule();
  }

  /** TrackPaymentV2. */
  track(paymentHash: string): SimStream<SimPayment> {
    const record = this.byHash.get(requireHash(paymentHash));
    if (!record) throw new LndRpcError(5, "payment isn't initiated");
    return this.open(record);
  }

  /** ListPayments (index_offset exclusive; only SUCCEEDED unless includeIncomplete). */
  list(input: SimListPaymentsInput = {}): SimPaymentPage {
    const max = input.maxPayments === undefined || input.maxPayments === 0 ? 100 : input.maxPayments;
    const offset = input.indexOffset ?? 0n;
    const matching = this.ordered.filter((r) => input.includeIncomplete || r.status === 'SUCCEEDED');
    let picked: PaymentRecord[];
    if (input.reversed) {
      picked = matching.filter((r) => offset === 0n || r.paymentIndex < offset).slice(-max);
    } else {
      picked = matching.filter((r) => r.paymentIndex > offset).slice(0, max);
    }
    return {
      payments: picked.map(snapshotPayment),
      firstIndexOffset: picked[0]?.paymentIndex ?? 0n,
      lastIndexOffset: picked[picked.length - 1]?.paymentIndex ?? 0n,
      totalNumPayments: BigInt(matching.length),
    };
  }

  /** Marks in-flight payments past their timeout (a later HTLC failure then reports TIMEOUT). */
  tick(): void {
    const now = this.ctx.now();
    for (let top = this.liveTop(); top !== undefined && top.at <= now; top = this.liveTop()) {
      this.timeouts.pop();
      top.item.isTimedOut = true;
    }
  }

  /** The next payment timeout (ms), or null. */
  nextDeadline(): number | null {
    return this.liveTop()?.at ?? null;
  }

  /** The earliest timeout of a payment still in flight (and still this book's), dropping finished ones. */
  private liveTop(): { readonly at: number; readonly item: PaymentRecord } | undefined {
    for (let top = this.timeouts.peek(); top !== undefined; top = this.timeouts.peek()) {
      const record = top.item;
      if (record.status === 'IN_FLIGHT' && !record.isTimedOut && this.byHash.get(record.paymentHash) === record)
        return top;
      this.timeouts.pop();
    }
    return undefined;
  }

  /** Errors every open payment stream. */
  failAll(error: LndRpcError): void {
    for (const set of [...this.streams.values()]) for (const entry of [...set]) entry.stream.fail(error);
  }

  /** Number of open streams. */
  openCount(): number {
    let n = 0;
    for (const set of this.streams.values()) n += set.size;
    return n;
  }

  private pushTo(stream: SimStreamImpl<SimPayment>, record: PaymentRecord): void {
    stream.push(snapshotPayment(record));
    if (isFinal(record)) stream.end();
  }
}
