/**
 * What `lightning` shows of its nodes: with one client, the node's own services as before #16; with
 * several, the routing invoice and payment APIs, liquidity across nodes, health per node and overall,
 * gauges labelled by node. Also names the node an event is about.
 */
import type { EventNode } from '../domain/events.js';
import type { LightningConfig } from '../create-lightning.js';
import type { HoldInvoiceMethods } from '../invoices/hold-invoice-service.js';
import type { InvoiceService } from '../invoices/invoice-service.js';
import type { LiquidityService } from '../liquidity/liquidity-service.js';
import { readGauges, type GaugeSources } from '../operations/gauges.js';
import type { HealthReport } from '../operations/health.js';
import type { GaugeSample } from '../operations/metrics.js';
import { DEFAULT_MAX_PAYMENT_SAT, type PaymentService } from '../payments/payment-service.js';
import type { ServiceContext } from '../service-context.js';
import { ValidationError } from '../errors.js';
import { checkNodeHealth, checkNodesHealth, readNodesGauges, type NodeHealthSources } from './node-health.js';
import { createNodeInvoices } from './node-invoices.js';
import { createNodeLiquidity } from './node-liquidity.js';
import { createNodePayments } from './node-payments.js';
import type { NodeRegistry } from './node-registry.js';

/** What the facade reads from createLightning. */
export interface FacadeDeps {
  readonly config: LightningConfig;
  readonly readGaugeBase: () => Omit<GaugeSources, 'lnd' | 'settlementLagSeconds' | 'isStreamConnected'>;
  readonly healthSources: () => NodeHealthSources;
}

/** The public faces of the node set. */
export interface LightningFacade {
  readonly invoices: InvoiceService & HoldInvoiceMethods;
  readonly payments: Pick<PaymentService, 'pay' | 'get' | 'list' | 'decode'>;
  readonly liquidity: LiquidityService;
  health(): Promise<HealthReport>;
  readGauges(): Promise<readonly GaugeSample[]>;
}

/** The node an event payload is about: its invoice's or payment's node, else the primary; null when unknown. */
export function eventNodeOf(registry: NodeRegistry, payload: unknown): EventNode | null {
  const p = payload as {
    invoice?: { nodePubkey?: string } | null;
    payment?: { nodePubkey?: string } | null;
    rebalance?: { nodePubkey?: string } | null;
  };
  const pubkey =
    p.payment?.nodePubkey ??
    p.invoice?.nodePubkey ??
    p.rebalance?.nodePubkey ??
    registry.primary.binding.pubkey() ??
    undefined;
  if (pubkey === undefined) return null;
  return { pubkey, name: registry.nameOf(pubkey) };
}

/** Creates the facade. */
export function createLightningFacade(registry: NodeRegistry, ctx: ServiceContext, deps: FacadeDeps): LightningFacade {
  const primary = registry.primary;
  if (!registry.multi) {
    const l = primary.liquidity;
    // One client has no node names: a `node` here is a mistake to report, never ignored.
    const noNode = (input: unknown): void => {
      const node = (input as { node?: unknown } | null | undefined)?.node;
      if (node !== undefined)
        throw new ValidationError(
          'node',
          `expected no node: lnkit runs one LND client (name several in createLightning({ lnd: { name: client } })), got ${typeof node === 'string' ? JSON.stringify(node.slice(0, 40)) : typeof node}`,
        );
    };
    return {
      invoices: {
        ...primary.invoices,
        create: (input) =>
          ctx.run(() => {
            noNode(input);
            return primary.invoices.create(input);
          }),
        createHold: (input) =>
          ctx.run(() => {
            noNode(input);
            return primary.hold.createHold(input);
          }),
        settleHold: primary.hold.settleHold,
      },
      payments: {
        pay: (input) =>
          ctx.run(() => {
            noNode(input);
            return primary.payments.pay(input);
          }),
        get: primary.payments.get,
        list: primary.payments.list,
        decode: primary.payments.decode,
      },
      liquidity: {
        snapshot: l.snapshot,
        check: l.check,
        plan: l.plan,
        rebalance: (input) =>
          ctx.run(() => {
            noNode(input);
            return l.rebalance(input);
          }),
        quote: (input) =>
          ctx.run(() => {
            noNode(input);
            return l.quote(input);
          }),
        listRebalances: l.listRebalances,
        canReceive: l.canReceive,
      },
      health: () => checkNodeHealth(primary, deps.healthSources(), deps.config.health),
      readGauges: () =>
        readGauges({
          ...deps.readGaugeBase(),
          lnd: primary.lnd,
          settlementLagSeconds: () => primary.watcher.lagSeconds(),
          isStreamConnected: () => primary.watcher.isConnected,
        }),
    };
  }
  return {
    invoices: createNodeInvoices(registry, ctx, deps.config.placement ?? 'inbound'),
    payments: createNodePayments(registry, ctx, deps.config.payments?.maxPaymentSat ?? DEFAULT_MAX_PAYMENT_SAT),
    liquidity: createNodeLiquidity(registry, ctx),
    health: () => checkNodesHealth(registry, deps.healthSources(), deps.config.health),
    readGauges: () => readNodesGauges(registry, deps.readGaugeBase()),
  };
}
