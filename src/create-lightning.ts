// size-exempt: the composition root: the one place that wires every service to the ports and the leader roles
/**
 * The composition root: the only place that wires services to ports.
 */
import { systemClock, type Clock } from './domain/clock.js';
import { WEBHOOK_EVENT_TYPES } from './domain/events.js';
import { createEventRecorder } from './events/event-recorder.js';
import { createEventLogFeed } from './events/event-log-feed.js';
import {
  startDurableConsumer,
  type ConsumeOptions,
  type DurableConsumer,
  type DurableHandler,
} from './events/durable-consumer.js';
import { checkLeadershipOptions, createLeadership, LEADER_LEASE, type LightningRole } from './leadership/leadership.js';
import type { LndNetwork, LndNodeInfo } from './lnd/lnd-client.js';
import { createEventBus, type InternalEventBus, type LightningEventBus } from './events/event-bus.js';
import { LifecycleError } from './errors.js';
import { createExpirySweeper } from './invoices/expiry-sweeper.js';
import { createRetentionJob, type RetentionConfig } from './retention/retention-job.js';
import type { InvoiceService } from './invoices/invoice-service.js';
import { createRedactingLogger, silentLogger, type Logger } from './logger.js';
import type { HealthConfig, HealthReport } from './operations/health.js';
import { createMetrics, type Metrics, type PromRegistryLike } from './operations/metrics.js';
import type { RateProvider } from './rates/rate-provider.js';
import type { ServiceContext } from './service-context.js';
import type { SettlementWatcherConfig } from './settlement/settlement-watcher.js';
import type { Store } from './store/store.js';
import type { RandomSource } from './ids.js';
import type { Decimal } from './domain/amount.js';
import type { PaymentService } from './payments/payment-service.js';
import type { HoldInvoiceMethods, HoldInvoiceServiceConfig } from './invoices/hold-invoice-service.js';
import type { WebhookDispatcherConfig } from './webhooks/outbox/dispatcher.js';
import { createWebhookDelivery } from './webhook-delivery.js';
import {
  validateConfiguredEndpoints,
  type WebhookEndpointInput,
  type WebhooksApi,
} from './webhooks/outbox/webhook-service.js';
import type { LiquidityService } from './liquidity/liquidity-service.js';
import { reconcileRebalances } from './liquidity/rebalance.js';
import { createAutoRebalancer, type AutoRebalanceConfig } from './liquidity/auto-rebalancer.js';
import type { LndConfig } from './nodes/node-config.js';
import { createNodeSet, type LightningNode } from './nodes/node-set.js';
import type { PlacementPolicy } from './nodes/placement.js';
import { createLightningFacade, eventNodeOf } from './nodes/node-facade.js';

/** Configuration of {@link createLightning}. */
export interface LightningConfig {
  /**
   * The LND connection: `createLndClient(…)` from lnkit/lnd, or a fake from lnkit/testing. Several
   * nodes: a record of named clients (`{ alice: lndA, erin: lndB }`); the first is the primary (see
   * docs/multi-node.md). A name stays bound to its node's pubkey in the store.
   */
  readonly lnd: LndConfig;
  /**
   * Several nodes: where new invoices go. `'inbound'` (default: the node that can receive the amount
   * with the most receivable inbound), `'round-robin'`, a node name, or a function of the candidates.
   */
  readonly placement?: PlacementPolicy;
  /** BTC/EUR rates: `createRateProvider(…)` from lnkit/rates, or `createFixedRates(…)`. */
  readonly rates: RateProvider;
  /** Persistence: `createSqliteStore(…)` from lnkit/store-sqlite, or your adapter. */
  readonly store: Store;
  /** Structured logger (pino, console…). Default is silent. Secrets are redacted before it sees them. */
  readonly logger?: Logger;
  /**
   * Injectable clock: time and every timer of the background loops (settlement reconnects, reconcile,
   * expiry sweeper, HODL watcher, webhook dispatcher) go through it. Default is the system clock.
   */
  readonly clock?: Clock;
  /**
   * Random numbers in [0, 1) for ids, reconnect and retry jitter, and HODL preimages lnkit generates.
   * Default is the OS CSPRNG (ids, preimages) and `Math.random` (jitter). For deterministic tests and
   * simulations only: a predictable source makes generated preimages guessable.
   */
  readonly random?: RandomSource;
  /** Refuse to start when LND is on another network. */
  readonly network?: LndNetwork;
  /** Refuse to start while LND is not synced to chain. Default is false (a warning is logged). */
  readonly requireSynced?: boolean;
  /** Settlement stream tuning. */
  readonly settlement?: SettlementWatcherConfig;
  /** How often open invoices are checked for expiry. Default is 15 s. */
  readonly expirySweepIntervalMs?: number;
  /** Outgoing payments: the largest amount `pay` sends. Default is 1,000,000 sat. */
  readonly payments?: { readonly maxPaymentSat?: bigint };
  /** HODL invoices: safety margin (blocks) before HTLC expiry, block-height poll interval. */
  readonly holdInvoices?: HoldInvoiceServiceConfig;
  /** Signed webhook delivery from the durable outbox: endpoints (upserted by URL at start) and delivery tuning. */
  readonly webhooks?: WebhooksConfig;
  /** Health check thresholds. */
  readonly health?: HealthConfig;
  /**
   * Retention of old rows (#18): finished webhook events after 30 days, event-log entries every
   * durable consumer has passed after 1 day, by default; see RetentionConfig.
   */
  readonly retention?: RetentionConfig;
  /** Metrics options: a name prefix (default `lnkit_`) and a prom-client Registry to register into. */
  readonly metrics?: { readonly prefix?: string; readonly registry?: PromRegistryLike };
  /**
   * Automatic rebalancing (check → plan → rebalance every `intervalMs` within `budget.maxFeeSatPerDay`).
   * Off unless given; runs as a background role (on the leader only).
   */
  readonly liquidity?: AutoRebalanceConfig;
  /**
   * Several processes on one store: one leads (runs the settlement stream, reconcile, sweepers, HODL
   * watchers, payment re-tracking and webhook dispatch), the others follow (create, pay, list, cancel).
   * With a store that implements `webhookOutbox.claimDue` (PostgreSQL) every process dispatches webhooks.
   * `'auto'` leads when nobody does and takes over when the leader dies; `'leader'` fails `start()` with
   * StoreLockedError when another process leads; `'follower'` never leads (a CLI, a web worker).
   * Default is `'auto'`.
   */
  readonly role?: LightningRole;
  /** The leader's lease: renewed every third of it, taken over once it expired. Default is 15 s (300 to 60,000). */
  readonly leaseTtlMs?: number;
  /** How often the bus reads events other processes committed to the store's event log. Default is 100 ms. */
  readonly eventPollIntervalMs?: number;
}

/** The `webhooks` option of {@link createLightning}. */
export interface WebhooksConfig {
  /** Endpoints kept in the store, matched by URL; each needs `secret` or `secrets`. */
  readonly endpoints?: readonly WebhookEndpointInput[];
  /** Set false in a process that must not send webhooks (a CLI, a worker): rows are still written. Default is true. */
  readonly dispatch?: boolean;
  /** Dispatcher tuning: concurrency (8), timeoutMs (15 s), retrySchedule (≈ 3 days), disableAfterMs, pollIntervalMs. */
  readonly delivery?: Omit<WebhookDispatcherConfig, 'store' | 'clock' | 'logger' | 'onEndpointDisabled' | 'onAttempt'>;
}

/** Options of {@link Lightning.stop}. */
export interface StopOptions {
  /** How long to wait for in-flight work before closing anyway. Default is 10 s. */
  readonly timeoutMs?: number;
}

/** The bus of {@link Lightning.events}, with durable consumers. */
export interface LightningEventsApi extends LightningEventBus {
  /**
   * Handles every logged event (invoice.*, payment.*) committed to the store after consumer `name`'s
   * stored cursor, in commit order, one at a time, whichever process committed it — also those
   * committed just before a crash of this one. At-least-once: the cursor moves after `handler` resolves;
   * a handler that throws gets the same event again (with backoff). Run one process per name.
   * @throws {ValidationError} on a bad name or handler
   * @example const consumer = lightning.events.consume('fulfilment', async (e) => { if (e.type === 'payment.received') await ship(e.payload.payment); });
   */
  consume(name: string, handler: DurableHandler, options?: ConsumeOptions): DurableConsumer;
}

/** What {@link createLightning} returns. */
export interface Lightning {
  /** Invoices priced in EUR or sats, HODL invoices included. */
  readonly invoices: InvoiceService & HoldInvoiceMethods;
  /** Outgoing payments that never pay twice. */
  readonly payments: Pick<PaymentService, 'pay' | 'get' | 'list' | 'decode'>;
  /** Webhook endpoints and the delivery log. */
  readonly webhooks: WebhooksApi;
  /** Channel balances, inbound/outbound, policy checks and circular rebalancing. */
  readonly liquidity: LiquidityService;
  readonly events: LightningEventsApi;
  /** True while this process leads the store (runs the background roles). */
  readonly isLeader: boolean;
  /** Counters, gauges and the LND latency histogram. */
  readonly metrics: Metrics;
  /** Probes LND, the store, rates, the webhook backlog and the settlement lag. */
  health(): Promise<HealthReport>;
  /** GetInfo of the node (the primary node with several), known after `start()`. */
  readonly node: LndNodeInfo | null;
  /** Every configured node, in configuration order: name, pubkey, GetInfo, and why it is down (or null). */
  readonly nodes: readonly LightningNode[];
  /**
   * Clears the `lnd_history` health check after a detected history reset (`lnd.history_reset`) that the
   * host has looked into; lnkit heals the cursors by itself either way.
   * @returns true when there was a reset to acknowledge
   */
  acknowledgeHistoryReset(): boolean;
  /** Applies migrations, checks LND, starts the settlement watcher and the expiry sweeper. Idempotent. */
  start(): Promise<void>;
  /** Stops taking work, drains in-flight calls, stops streams and closes the store. Idempotent. */
  stop(options?: StopOptions): Promise<void>;
  /** `stop()`, for `await using lightning = createLightning(…)`. */
  [Symbol.asyncDispose](): Promise<void>;
}

type State = 'idle' | 'starting' | 'started' | 'stopping' | 'stopped';

/**
 * Creates lnkit: invoices priced in EUR, settlement tracking and events on one LND node.
 * @example
 * const lightning = createLightning({ lnd, rates: createFixedRates('90000'), store: createSqliteStore({ filename: 'lnkit.db' }) });
 * await lightning.start();
 * const invoice = await lightning.invoices.create({ amountEur: '19.99', description: 'Order 42' });
 */
export function createLightning(config: LightningConfig): Lightning {
  const clock = config.clock ?? systemClock;
  const logger = createRedactingLogger(config.logger ?? silentLogger);
  checkLeadershipOptions(config.role, config.leaseTtlMs);
  const bus = createEventBus(logger);
  let state: State = 'idle';
  let inFlight = 0;
  let drained: (() => void) | null = null;
  let starting: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;

  const metrics = createMetrics({
    ...(config.metrics?.prefix ? { prefix: config.metrics.prefix } : {}),
    readGauges: () => facade.readGauges(),
  });
  if (config.metrics?.registry) metrics.registerInto(config.metrics.registry);

  // The last rate seen prices fee_eur / amount_eur of outgoing payments in webhook bodies.
  let lastRate: Decimal | null = null;
  const rates = {
    async getRate(base: 'BTC', quote: 'EUR') {
      const result = await config.rates.getRate(base, quote);
      lastRate = result.rate;
      return result;
    },
  };

  // Every logged event is appended to the store's event log in the change's transaction; after the
  // commit this process's bus gets it at once (deliverLocal), other processes' buses by tailing the log.
  const feed = createEventLogFeed({
    store: config.store,
    bus,
    logger,
    clock,
    ...(config.eventPollIntervalMs !== undefined ? { pollIntervalMs: config.eventPollIntervalMs } : {}),
  });
  const { recordEvent, store } = createEventRecorder({
    store: config.store,
    clock,
    ...(config.random ? { random: config.random } : {}),
    // The node the fact is about: the row's own node, else the primary's (rows before stores knew it).
    nodeOf: (payload) => eventNodeOf(nodeSet.registry, payload),
    multi: () => nodeSet.registry.multi,
    lastRate: () => lastRate,
    deliverLocal: (events) => feed.deliverLocal(events),
  });
  // Services emit logged events after their commit as before; the feed has delivered them already.
  const logged = new Set<string>(WEBHOOK_EVENT_TYPES);
  const serviceBus: InternalEventBus = {
    ...bus,
    emit(name, payload) {
      if (!logged.has(name)) bus.emit(name, payload);
    },
  };

  const base = {
    rates,
    store,
    bus: serviceBus,
    clock,
    logger,
    metrics,
    recordEvent,
    ...(config.random ? { random: config.random } : {}),
    async run<T>(operation: () => Promise<T>): Promise<T> {
      if (state !== 'started') {
        throw state === 'stopping' || state === 'stopped'
          ? new LifecycleError('STOPPED', 'lnkit is stopped; create a new instance')
          : new LifecycleError('NOT_STARTED', 'call await lightning.start() first');
      }
      inFlight++;
      try {
        return await operation();
      } finally {
        inFlight--;
        if (inFlight === 0) drained?.();
      }
    },
  };
  // One runtime per configured node (its binding, watcher, invoice/HODL/payment/liquidity services).
  const nodeSet = createNodeSet(config, base, metrics);
  const primary = nodeSet.registry.primary;
  // Store-only roles and the primary node's roles run on the primary's context.
  const ctx: ServiceContext = primary.ctx;
  const facade = createLightningFacade(nodeSet.registry, ctx, {
    config,
    readGaugeBase: () => ({
      store: config.store,
      now: () => clock.now(),
      isLeader: () => leadership.view().isLeader,
    }),
    healthSources: () => ({
      store: config.store,
      rates: config.rates,
      clock,
      leadership: () => ({ isLeader: leadership.view().isLeader, leaseName: LEADER_LEASE }),
      tableStats: () => retention.lastStats(),
    }),
  });
  // A store that can claim deliveries (webhookOutbox.claimDue: FOR UPDATE SKIP LOCKED on PostgreSQL)
  // lets every process dispatch, each delivery attempted by one of them at a time; otherwise the leader does.
  const spreadDispatch = config.store.webhookOutbox.claimDue !== undefined;
  const delivery = createWebhookDelivery(ctx, {
    dispatch: config.webhooks?.dispatch ?? true,
    tuning: config.webhooks?.delivery,
    mayDispatch: () => spreadDispatch || leadership.view().isLeader,
  });
  const sweeper = createExpirySweeper(ctx, config.expirySweepIntervalMs);
  // A leader role: webhook rows, the event log's head every durable consumer has passed (kept at
  // least 10 minutes for other processes' live tails) and, opted in, never-paid invoices.
  const retention = createRetentionJob(ctx, config.retention);
  // A background role like the watcher and the sweeper: the leader runs it (on the primary node).
  const autoRebalancer = config.liquidity ? createAutoRebalancer(ctx, primary.liquidity, config.liquidity) : null;

  const consumers = new Set<DurableConsumer>();

  async function startDispatch(): Promise<void> {
    if (config.webhooks || (await store.webhookEndpoints.list()).length > 0) delivery.start();
  }

  /** The background roles: only the leader runs them. */
  async function startRoles(): Promise<void> {
    if (config.webhooks?.endpoints) await delivery.service.syncConfiguredEndpoints(config.webhooks.endpoints);
    await startDispatch();
    // Rebalances cut short by a crash, each on the node that ran it (one that was down at start: next time).
    for (const node of nodeSet.registry.nodes) if (node.info) await reconcileRebalances(node.ctx);
    sweeper.start();
    // Each node: payment re-tracking, HODL watchers, its settlement watcher (resolves once each
    // watcher's first reconcile ran and its stream is open, or its first attempt failed and it retries).
    await nodeSet.startRoles();
    autoRebalancer?.start();
    retention.start();
  }

  /** Stops the background roles (this process's own payments keep being tracked until they end). */
  async function stopRoles(): Promise<void> {
    await autoRebalancer?.stop();
    await retention.stop();
    await sweeper.stop();
    await nodeSet.stopRoles();
    if (!spreadDispatch) await delivery.stop();
  }

  const leadership = createLeadership({
    store: config.store,
    clock,
    logger,
    ...(config.role ? { role: config.role } : {}),
    ...(config.leaseTtlMs !== undefined ? { ttlMs: config.leaseTtlMs } : {}),
    onElected: startRoles,
    onDeposed: stopRoles,
  });

  async function doStart(): Promise<void> {
    await config.store.migrate();
    // GetInfo, network and sync checks, then binding, node by node: a store of another node stops
    // here (StoreNodeMismatchError) before anything is written, a name moved to another node too.
    await nodeSet.bindAll();
    // Checked in every process; only the leader writes them (two processes starting at once would race).
    if (config.webhooks?.endpoints) validateConfiguredEndpoints(config.webhooks.endpoints);
    await feed.start();
    // Leads (starting the background roles) or follows; role 'leader' throws StoreLockedError here.
    await leadership.start();
    // Spread dispatch runs on followers too (the leader started it with its roles).
    if (spreadDispatch && (config.webhooks || (await store.webhookEndpoints.list()).length > 0)) delivery.start();
    state = 'started';
    const info = primary.info;
    logger.info(
      {
        pubkey: info?.pubkey ?? null,
        network: info?.network ?? null,
        alias: info?.alias ?? null,
        leader: leadership.view().isLeader,
        ...(nodeSet.registry.multi ? { nodes: nodeSet.registry.nodes.map((n) => n.label).join(',') } : {}),
      },
      'lnkit started',
    );
  }

  /** Stops every component (also after a failed start). */
  async function stopComponents(): Promise<void> {
    await leadership.stop();
    await sweeper.stop();
    await autoRebalancer?.stop();
    await retention.stop();
    await nodeSet.stopAll();
    await delivery.stop();
    await feed.stop();
  }

  async function doStop(timeoutMs: number): Promise<void> {
    const wasStarted = state === 'started' || state === 'starting';
    state = 'stopping';
    if (starting) await starting.catch(() => undefined);
    if (inFlight > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    await Promise.all([...consumers].map((c) => c.stop()));
    await stopComponents();
    await config.store.close();
    state = 'stopped';
    if (wasStarted) logger.info({}, 'lnkit stopped');
  }

  const lightning: Lightning = {
    invoices: facade.invoices,
    payments: facade.payments,
    webhooks: delivery.api,
    liquidity: facade.liquidity,
    events: {
      ...bus,
      consume(name, handler, options) {
        if (state !== 'started') throw new LifecycleError('NOT_STARTED', 'call await lightning.start() first');
        const consumer = startDurableConsumer(
          {
            store: config.store,
            logger,
            clock,
            onAdvance: feed.onAdvance,
            pollIntervalMs: config.eventPollIntervalMs ?? 100,
          },
          name,
          handler,
          options,
        );
        const handle: DurableConsumer = {
          async stop() {
            consumers.delete(handle);
            await consumer.stop();
          },
        };
        consumers.add(handle);
        return handle;
      },
    },
    get isLeader() {
      return leadership.view().isLeader;
    },
    metrics: { snapshot: () => metrics.snapshot(), prometheus: () => metrics.prometheus() },
    health: async () => {
      const report = await facade.health();
      const store = report.checks.find((c) => c.name === 'store');
      // A store that cannot write loses whatever lnkit "records" next: never a quiet detail.
      if (store && !store.healthy) logger.error({ detail: store.detail }, 'the store cannot write');
      return report;
    },
    get node() {
      return primary.info;
    },
    get nodes() {
      return nodeSet.list();
    },
    acknowledgeHistoryReset: () => nodeSet.registry.nodes.map((n) => n.history.acknowledge()).some(Boolean),
    start() {
      if (state === 'started') return Promise.resolve();
      if (state === 'stopping' || state === 'stopped')
        return Promise.reject(new LifecycleError('STOPPED', 'lnkit was stopped; create a new instance'));
      if (!starting) {
        state = 'starting';
        starting = doStart().catch(async (error: unknown) => {
          state = 'idle';
          starting = null;
          await stopComponents();
          throw error;
        });
      }
      return starting;
    },
    stop(options = {}) {
      stopping ??= doStop(options.timeoutMs ?? 10_000);
      return stopping;
    },
    [Symbol.asyncDispose]() {
      return lightning.stop();
    },
  };
  return lightning;
}
