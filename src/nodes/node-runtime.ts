/**
 * One configured LND node and what runs on it: its instrumented client, its store binding, its
 * settlement watcher (own checkpoints), its invoice, HODL, payment and liquidity services, and what
 * lnkit knows about its health. createLightning builds one per node.
 */
import type { LndClient, LndNodeInfo } from '../lnd/lnd-client.js';
import { createInvoiceService, type InvoiceService } from '../invoices/invoice-service.js';
import { createHoldInvoiceService, type HoldInvoiceService } from '../invoices/hold-invoice-service.js';
import { createPaymentService, type PaymentService } from '../payments/payment-service.js';
import {
  createLiquidityService,
  type LiquidityInternals,
  type LiquidityService,
} from '../liquidity/liquidity-service.js';
import { instrumentLnd } from '../operations/instrument-lnd.js';
import type { MetricsRecorder } from '../metrics-recorder.js';
import type { NodeMetrics } from '../operations/metrics.js';
import type { ServiceContext } from '../service-context.js';
import { createHistoryMonitor, type HistoryMonitor } from '../settlement/history-monitor.js';
import { createNodeBinding, type NodeBinding } from '../settlement/node-binding.js';
import { createSettlementWatcher, type SettlementWatcher } from '../settlement/settlement-watcher.js';
import type { LightningConfig } from '../create-lightning.js';
import { isLightningError } from '../errors.js';
import type { NodeEntry } from './node-config.js';

/** Error codes that say the node cannot be reached (as opposed to refusing one request). */
const CONNECTIVITY = new Set(['LND_UNAVAILABLE', 'LND_CONNECTION', 'CIRCUIT_OPEN', 'LND_TIMEOUT']);

/** True for an error that says the node is unreachable. */
export function isConnectivityError(error: unknown): boolean {
  return isLightningError(error) && CONNECTIVITY.has(error.code);
}

/** One node behind lnkit. */
export interface NodeRuntime {
  /** The configured name; null for a single client. */
  readonly name: string | null;
  /** The name in messages and metric labels (`default` for a single client). */
  readonly label: string;
  /** True for the first configured node (rows without a node are its; it runs rebalancing). */
  readonly isPrimary: boolean;
  readonly lnd: LndClient & { readonly circuitState?: string };
  readonly binding: NodeBinding;
  readonly history: HistoryMonitor;
  readonly ctx: ServiceContext;
  readonly invoices: InvoiceService;
  readonly hold: HoldInvoiceService;
  readonly payments: PaymentService;
  readonly liquidity: LiquidityService & LiquidityInternals;
  readonly watcher: SettlementWatcher;
  /** GetInfo at start (null: the macaroon cannot call it). */
  info: LndNodeInfo | null;
  /** True while this process runs the node's watcher (it leads). */
  isWatching: boolean;
  /**
   * Reads GetInfo of a node that was unreachable at start (at most once per down period), so that it
   * can send payments again once it answers. Resolves either way.
   */
  refreshInfo(): Promise<void>;
  /** Records a call that failed because the node was unreachable (or a success, with null). */
  noteFailure(error: unknown): void;
  /** Why the node takes no new work now, or null when it is up. */
  downReason(): string | null;
}

/** What the runtimes share. */
export interface NodeRuntimeDeps {
  readonly base: Omit<ServiceContext, 'lnd' | 'node'>;
  /** Several nodes: each node's counters are kept under its name (`forNode`). */
  readonly metrics: MetricsRecorder & NodeMetrics;
  readonly config: LightningConfig;
  readonly multi: boolean;
  /** A node that failed this recently counts as down (without a breaker to say so). */
  readonly downForMs: number;
  /** The payment service of another node, by pubkey (several nodes). */
  readonly senderOf: (pubkey: string) => PaymentService | null;
}

/** Creates the runtime of one configured node. */
export function createNodeRuntime(entry: NodeEntry, isPrimary: boolean, deps: NodeRuntimeDeps): NodeRuntime {
  const { base, config } = deps;
  // Several nodes: the node's facts (invoices created, payments, lost streams) counted under its name.
  const metrics = deps.multi && entry.name !== null ? deps.metrics.forNode(entry.name) : base.metrics;
  const lnd = instrumentLnd(entry.client, metrics);
  const binding = createNodeBinding({
    lnd,
    store: base.store,
    clock: base.clock,
    logger: base.logger,
    ...(entry.name !== null ? { name: entry.name } : {}),
    multi: deps.multi,
  });
  const history = createHistoryMonitor();
  const logger = entry.name === null ? base.logger : withNode(base.logger, entry.name);
  const ctx: ServiceContext = {
    ...base,
    lnd,
    node: binding,
    logger,
    metrics,
    ...(deps.multi
      ? {
          owns: (pubkey: string | undefined) => (pubkey === undefined ? isPrimary : pubkey === binding.pubkey()),
        }
      : {}),
  };
  let failedAt: number | null = null;
  const runtime: NodeRuntime = {
    name: entry.name,
    label: entry.name ?? 'default',
    isPrimary,
    lnd,
    binding,
    history,
    ctx,
    invoices: createInvoiceService(ctx),
    hold: createHoldInvoiceService(ctx, config.holdInvoices),
    payments: createPaymentService(ctx, {
      getNode: () => runtime.info,
      ...(config.payments?.maxPaymentSat !== undefined ? { maxPaymentSat: config.payments.maxPaymentSat } : {}),
      ...(deps.multi ? { senderOf: deps.senderOf } : {}),
    }),
    liquidity: createLiquidityService(ctx),
    watcher: createSettlementWatcher(ctx, config.settlement, history),
    info: null,
    isWatching: false,
    async refreshInfo() {
      if (runtime.info !== null || runtime.downReason() !== null) return;
      try {
        const info = await lnd.getInfo();
        // The node must still be the one the store knows under this name.
        if (info.pubkey !== binding.pubkey()) {
          logger.error({ pubkey: info.pubkey }, 'the node answering is not the one the store knows under this name');
          failedAt = base.clock.now();
          return;
        }
        runtime.info = info;
      } catch (error) {
        runtime.noteFailure(error);
      }
    },
    noteFailure(error) {
      if (error === null) failedAt = null;
      else if (isConnectivityError(error)) failedAt = base.clock.now();
    },
    downReason() {
      if (lnd.circuitState === 'open') return 'circuit breaker open';
      if (runtime.isWatching && !runtime.watcher.isConnected) return 'invoice stream disconnected';
      // A call failed as unreachable: down for a while, unless this process's stream to it is open
      // (then the node answers; a breaker that opens says otherwise).
      const streamUp = runtime.isWatching && runtime.watcher.isConnected;
      if (failedAt !== null && !streamUp && base.clock.now() - failedAt < deps.downForMs) return 'unreachable';
      return null;
    },
  };
  return runtime;
}

/** A logger whose lines name the node. */
function withNode(logger: ServiceContext['logger'], node: string): ServiceContext['logger'] {
  return {
    debug: (fields, message) => logger.debug({ node, ...fields }, message),
    info: (fields, message) => logger.info({ node, ...fields }, message),
    warn: (fields, message) => logger.warn({ node, ...fields }, message),
    error: (fields, message) => logger.error({ node, ...fields }, message),
  };
}
