/**
 * SubscribeInvoices and SubscribeSingleInvoice with LND's replay and live-event semantics
 * (`invoices/invoiceregistry.go`: deliverBacklogEvents, dispatchToClients, deliverSingleBacklogEvents).
 */
import type { LndRpcError } from './rpc-error.js';
import { SimStreamImpl } from './streams.js';
import type { SimInvoice, SimStream } from './types.js';

interface AllClient {
  readonly stream: SimStreamImpl<SimInvoice>;
  addIndex: bigint;
  settleIndex: bigint;
}

/** Routes an invoice by its current state: OPEN and SETTLED go out, ACCEPTED and CANCELED are dropped. */
const isRoutable = (invoice: SimInvoice): boolean => invoice.state === 'OPEN' || invoice.state === 'SETTLED';

/** The invoice subscribers of one node. */
export class InvoiceSubscriptions {
  private readonly all = new Set<AllClient>();
  private readonly single = new Map<string, Set<SimStreamImpl<SimInvoice>>>();

  /**
   * Opens a SubscribeInvoices stream. `addBacklog` holds the invoices with add_index > addIndex and
   * `settleBacklog` those with settle_index > settleIndex (both ascending, current state; empty
   * when the index is 0). Live events are filtered against the client's cursors.
   */
  subscribeAll(
    addIndex: bigint,
    settleIndex: bigint,
    addBacklog: readonly SimInvoice[],
    settleBacklog: readonly SimInvoice[],
  ): SimStream<SimInvoice> {
    const client: AllClient = {
      stream: new SimStreamImpl<SimInvoice>(() => this.all.delete(client)),
      addIndex,
      settleIndex,
    };
    this.all.add(client);
    for (const invoice of [...addBacklog, ...settleBacklog]) if (isRoutable(invoice)) client.stream.push(invoice);
    return client.stream;
  }

  /** Opens a SubscribeSingleInvoice stream: the current state first (if the invoice exists), then every change. */
  subscribeSingle(paymentHash: string, current: SimInvoice | undefined): SimStream<SimInvoice> {
    let set = this.single.get(paymentHash);
    if (!set) this.single.set(paymentHash, (set = new Set()));
    const owner = set;
    const stream: SimStreamImpl<SimInvoice> = new SimStreamImpl<SimInvoice>(() => {
      owner.delete(stream);
      if (owner.size === 0 && this.single.get(paymentHash) === owner) this.single.delete(paymentHash);
    });
    owner.add(stream);
    if (current) this.pushSingle(stream, current);
    return stream;
  }

  /** A new OPEN invoice (live add event). */
  notifyAdded(invoice: SimInvoice): void {
    for (const client of this.all) {
      if (invoice.addIndex <= client.addIndex) continue;
      client.addIndex = invoice.addIndex;
      client.stream.push(invoice);
    }
    this.notifyChange(invoice);
  }

  /** An invoice moved to SETTLED (live settle event). */
  notifySettled(invoice: SimInvoice): void {
    for (const client of this.all) {
      if (invoice.settleIndex <= client.settleIndex) continue;
      client.settleIndex = invoice.settleIndex;
      client.stream.push(invoice);
    }
    this.notifyChange(invoice);
  }

  /** Any other change (ACCEPTED, CANCELED, new HTLC): only single-invoice subscribers hear it. */
  notifyChange(invoice: SimInvoice): void {
    const set = this.single.get(invoice.paymentHash);
    if (!set) return;
    for (const stream of [...set]) this.pushSingle(stream, invoice);
  }

  /** Errors every open stream (used by dropStreams and when the node goes offline). */
  failAll(error: LndRpcError): void {
    for (const client of [...this.all]) client.stream.fail(error);
    for (const set of [...this.single.values()]) for (const stream of [...set]) stream.fail(error);
  }

  /** Number of open streams (for tests and diagnostics). */
  openCount(): number {
    let n = this.all.size;
    for (const set of this.single.values()) n += set.size;
    return n;
  }

  private pushSingle(stream: SimStreamImpl<SimInvoice>, invoice: SimInvoice): void {
    stream.push(invoice);
    if (invoice.state === 'SETTLED' || invoice.state === 'CANCELED') stream.end();
  }
}
