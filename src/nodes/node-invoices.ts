/**
 * `lightning.invoices` over several nodes: a new invoice is placed by the policy on a node that is
 * up (or on the pinned `node`), and fails over to another when its node turns out unreachable;
 * cancel and HODL settle go to the invoice's own node; lookups read the store and name the node.
 */
import { eurToMsat } from '../domain/amount.js';
import type { Invoice } from '../domain/invoice.js';
import { InsufficientInboundError, InvoiceNotFoundError } from '../errors.js';
import type { HoldInvoiceMethods, CreateHoldInvoiceInput } from '../invoices/hold-invoice-service.js';
import type { InvoiceService } from '../invoices/invoice-service.js';
import {
  validateCreateInvoiceInput,
  validateInvoiceId,
  type CreateInvoiceInput,
} from '../invoices/validate-invoice-input.js';
import type { ServiceContext } from '../service-context.js';
import type { NodeRegistry } from './node-registry.js';
import { isConnectivityError, type NodeRuntime } from './node-runtime.js';
import { choosePlacement, type PlacementCandidate, type PlacementPolicy } from './placement.js';

/** The invoice with the name of its node (when the node has one). */
export function withNodeName(invoice: Invoice, registry: NodeRegistry): Invoice {
  const name = registry.nameOf(invoice.nodePubkey);
  return name === null ? invoice : Object.freeze({ ...invoice, nodeName: name });
}

/** Creates the multi-node invoice API. */
export function createNodeInvoices(
  registry: NodeRegistry,
  ctx: ServiceContext,
  policy: PlacementPolicy,
): InvoiceService & HoldInvoiceMethods {
  const primary = registry.primary;
  let turn = 0;
  const named = (invoice: Invoice): Invoice => withNodeName(invoice, registry);

  /** The invoice amount in sat (rounded up); EUR at the current rate. */
  async function amountSat(raw: CreateInvoiceInput): Promise<bigint> {
    const input = validateCreateInvoiceInput(raw);
    if (input.amountSat !== null) return input.amountSat;
    const quote = await ctx.rates.getRate('BTC', 'EUR');
    return (eurToMsat(input.amountEur!, quote.rate) + 999n) / 1000n;
  }

  async function candidates(nodes: readonly NodeRuntime[]): Promise<Map<PlacementCandidate, NodeRuntime>> {
    const found = new Map<PlacementCandidate, NodeRuntime>();
    const totals = await Promise.all(nodes.map((n) => registry.totals(n)));
    nodes.forEach((node, i) => {
      const t = totals[i];
      const pubkey = node.binding.pubkey();
      if (!t || pubkey === null) return;
      found.set(
        { name: node.label, pubkey, inboundSat: t.inboundSat, maxChannelInboundSat: t.maxChannelInboundSat },
        node,
      );
    });
    return found;
  }

  /** Picks the node for a new invoice among those up; `checked` when it verified the inbound. */
  async function place(
    raw: CreateInvoiceInput,
    tried: ReadonlySet<NodeRuntime>,
  ): Promise<{ node: NodeRuntime; checked: boolean }> {
    const up = registry.up(tried);
    if (up.length === 0) throw registry.allDown();
    if (policy === 'round-robin') return { node: up[turn++ % up.length]!, checked: false };
    if (typeof policy === 'string' && policy !== 'inbound') {
      const node = registry.pinned(policy);
      if (tried.has(node)) throw registry.allDown();
      return { node, checked: false };
    }
    const amount = await amountSat(raw);
    const byCandidate = await candidates(up);
    if (byCandidate.size === 0) throw registry.allDown();
    const request = { amountSat: amount, candidates: [...byCandidate.keys()] };
    try {
      return { node: byCandidate.get(choosePlacement(policy, request, turn++))!, checked: policy === 'inbound' };
    } catch (error) {
      if (!(error instanceof InsufficientInboundError) || !raw.allowInsufficientInbound) throw error;
      const most = request.candidates.reduce((a, b) => (b.inboundSat > a.inboundSat ? b : a));
      return { node: byCandidate.get(most)!, checked: true };
    }
  }

  /** Creates on the pinned node, or on the placed one, moving on when that node is unreachable. */
  async function create(
    raw: CreateInvoiceInput & { readonly node?: string },
    issue: (node: NodeRuntime, input: CreateInvoiceInput) => Promise<Invoice>,
  ): Promise<Invoice> {
    const { node: pin, ...input } = raw;
    validateCreateInvoiceInput(input);
    if (pin !== undefined) return named(await issue(registry.pinned(pin), input));
    const tried = new Set<NodeRuntime>();
    for (;;) {
      const { node, checked } = await place(input, tried);
      try {
        const invoice = await issue(node, checked ? { ...input, allowInsufficientInbound: true } : input);
        node.noteFailure(null);
        return named(invoice);
      } catch (error) {
        if (!isConnectivityError(error)) throw error;
        node.noteFailure(error);
        tried.add(node);
        ctx.logger.warn({ node: node.label, err: error }, 'node unreachable: placing the invoice on another node');
      }
    }
  }

  async function ownerOfInvoice(id: string): Promise<NodeRuntime> {
    const record = await ctx.store.invoices.get(validateInvoiceId(id));
    if (!record) throw new InvoiceNotFoundError(`no invoice with id ${id}`);
    return registry.ownerOf(record.nodePubkey);
  }

  return {
    create: (input) => ctx.run(() => create(input, (node, i) => node.invoices.create(i))),
    createHold: (input) => ctx.run(() => create(input, (node, i) => node.hold.createHold(i as CreateHoldInvoiceInput))),
    get: async (id) => named(await primary.invoices.get(id)),
    getByPaymentHash: async (hash) => named(await primary.invoices.getByPaymentHash(hash)),
    list: async (query) => {
      const page = await primary.invoices.list(query);
      return { items: page.items.map(named), nextCursor: page.nextCursor };
    },
    cancel: (id) => ctx.run(async () => named(await (await ownerOfInvoice(id)).invoices.cancel(id))),
    settleHold: (id, preimage) =>
      ctx.run(async () => named(await (await ownerOfInvoice(id)).hold.settleHold(id, preimage))),
  };
}
