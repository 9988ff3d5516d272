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
import {
  checkNodeHealth,
  checkNodesHealth,
  readNodesGauges,
  snapshotAcrossNodes,
  type NodeHealthSources,
} from './node-health.js';
import { createNodeInvoices } from './node-invoices.js';
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
  };
  const pubkey = p.payment?.nodePubkey ?? p.invoice?.nodePubkey ?? registry.primary.binding.pubkey() ?? undefined;
  if (pubkey === undefined) return null;
  return { pubkey, name: registry.nameOf(pubkey) };
}

/** Creates the facade. */
export function createLightningFacade(registry: NodeRegistry, ctx: ServiceContext, deps: FacadeDeps): LightningFacade {
  const primary = registry.primary;
  const liquidityOf = (l: LiquidityService): LiquidityService => ({
    snapshot: l.snapshot,
    check: l.check,
    plan: l.plan,
    rebalance: l.rebalance,
    quote: l.quote,
    listRebalances: l.listRebalances,
    canReceive: l.canReceive,
  });
  if (!registry.multi) {
    return {
      invoices: { ...primary.invoices, createHold: primary.hold.createHold, settleHold: primary.hold.settleHold },
      payments: {
        pay: primary.payments.pay,
        get: primary.payments.get,
        list: primary.payments.list,
        decode: primary.payments.decode,
      },
      liquidity: liquidityOf(primary.liquidity),
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
    liquidity: {
      ...liquidityOf(primary.liquidity),
      snapshot: () => ctx.run(() => snapshotAcrossNodes(registry, new Date(ctx.clock.now()))),
    },
    health: () => checkNodesHealth(registry, deps.healthSources(), deps.config.health),
    readGauges: () => readNodesGauges(registry, deps.readGaugeBase()),
  };
}
