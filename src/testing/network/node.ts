/**
 * One LND node of the model: every RPC logs the call, applies due time transitions and fails with
 * UNAVAILABLE while the node is offline.
 */
import type {
  LndAddHoldInvoiceResult,
  LndAddInvoiceResult,
  LndChannelBalance,
  LndRoute,
} from '../../lnd/lnd-client.js';
import type { NetCtx, NodeRef } from './context.js';
import { InvoiceBook } from './invoices.js';
import { PaymentBook } from './payments.js';
import { queryRoutes } from './query-routes.js';
import { LndRpcError } from './rpc-error.js';
import { decodeForNetwork, sendPayment } from './send-payment.js';
import { channelBalance, getChanInfo, listChannels, nodeInfo } from './node-views.js';
import type {
  SimAddHoldInvoiceInput,
  SimAddInvoiceInput,
  SimCall,
  SimChannelEdge,
  SimChannelInfo,
  SimInvoice,
  SimInvoicePage,
  SimListInvoicesInput,
  SimListPaymentsInput,
  SimNode,
  SimNodeInfo,
  SimPayReq,
  SimPayment,
  SimPaymentPage,
  SimQueryRoutesInput,
  SimSendPaymentInput,
  SimStream,
} from './types.js';

/** Hooks the network gives a node. */
export interface NodeHooks {
  /** Runs `tick()` on the whole network. */
  tick(): void;
}

/** The model's node. */
export class NodeImpl implements SimNode, NodeRef {
  readonly invoices: InvoiceBook;
  readonly payments: PaymentBook;
  readonly callLog: SimCall[] = [];
  private online = true;

  constructor(
    private readonly ctx: NetCtx,
    private readonly hooks: NodeHooks,
    readonly name: string,
    readonly alias: string,
    readonly privateKey: string,
    readonly pubkey: string,
  ) {
    this.invoices = new InvoiceBook(ctx, this);
    this.payments = new PaymentBook(ctx);
  }

  get isOnline(): boolean {
    return this.online;
  }

  setOnline(isOnline: boolean): void {
    if (this.online === isOnline) return;
    this.online = isOnline;
    if (!isOnline)
      this.failStreams(new LndRpcError(14, `No connection established. Last error: node ${this.name} is offline`));
  }

  resetHistory(): void {
    this.failStreams(new LndRpcError(14, `node ${this.name} restarted with a new history`));
    this.invoices.resetHistory();
  }

  /** Errors every open stream of this node. */
  failStreams(error: LndRpcError): void {
    this.invoices.subscriptions.failAll(error);
    this.payments.failAll(error);
  }

  /** Number of open streams of this node. */
  openStreamCount(): number {
    return this.invoices.subscriptions.openCount() + this.payments.openCount();
  }

  getInfo(): SimNodeInfo {
    this.enter('getInfo');
    return nodeInfo(this.ctx, this);
  }

  addInvoice(input: SimAddInvoiceInput): LndAddInvoiceResult {
    this.enter('addInvoice');
    return this.invoices.add(input);
  }

  addHoldInvoice(input: SimAddHoldInvoiceInput): LndAddHoldInvoiceResult {
    this.enter('addHoldInvoice');
    return this.invoices.addHold(input);
  }

  settleInvoice(preimage: string): void {
    this.enter('settleInvoice');
    this.invoices.settle(preimage);
  }

  cancelInvoice(paymentHash: string): void {
    this.enter('cancelInvoice');
    this.invoices.cancel(paymentHash);
  }

  lookupInvoice(paymentHash: string): SimInvoice {
    this.enter('lookupInvoice');
    return this.invoices.lookup(paymentHash);
  }

  listInvoices(input?: SimListInvoicesInput): SimInvoicePage {
    this.enter('listInvoices');
    return this.invoices.list(input);
  }

  subscribeInvoices(input: { readonly addIndex: bigint; readonly settleIndex: bigint }): SimStream<SimInvoice> {
    this.enter('subscribeInvoices');
    return this.invoices.subscribe(input.addIndex, input.settleIndex);
  }

  subscribeSingleInvoice(paymentHash: string): SimStream<SimInvoice> {
    this.enter('subscribeSingleInvoice');
    return this.invoices.subscribeSingle(paymentHash);
  }

  listChannels(): SimChannelInfo[] {
    this.enter('listChannels');
    return listChannels(this.ctx, this);
  }

  channelBalance(): LndChannelBalance {
    this.enter('channelBalance');
    return channelBalance(this.ctx, this);
  }

  decodePayReq(paymentRequest: string): SimPayReq {
    this.enter('decodePayReq');
    const d = decodeForNetwork(this.ctx, paymentRequest);
    return {
      destination: d.payeeNodeKey,
      paymentHash: d.paymentHash,
      amountMsat: d.amountMsat ?? 0n,
      timestamp: new Date(d.timestamp * 1000),
      expirySeconds: d.expirySeconds,
      description: d.description ?? '',
      descriptionHash: d.descriptionHash ?? '',
      cltvExpiry: d.minFinalCltvExpiry,
      paymentAddr: d.paymentSecret ?? '',
      features: [...d.featureBits],
    };
  }

  sendPayment(input: SimSendPaymentInput): SimStream<SimPayment> {
    this.enter('sendPayment');
    return sendPayment(this.ctx, this, this.payments, input);
  }

  trackPayment(paymentHash: string): SimStream<SimPayment> {
    this.enter('trackPayment');
    return this.payments.track(paymentHash);
  }

  listPayments(input?: SimListPaymentsInput): SimPaymentPage {
    this.enter('listPayments');
    return this.payments.list(input);
  }

  queryRoutes(input: SimQueryRoutesInput): LndRoute[] {
    this.enter('queryRoutes');
    return queryRoutes(this.ctx, this, input);
  }

  getChanInfo(input: { readonly chanId?: string; readonly channelPoint?: string }): SimChannelEdge {
    this.enter('getChanInfo');
    return getChanInfo(this.ctx, input);
  }

  private enter(method: string): void {
    this.callLog.push({ method, at: this.ctx.now() });
    this.hooks.tick();
    if (!this.online) throw new LndRpcError(14, `No connection established. Last error: node ${this.name} is offline`);
  }
}
