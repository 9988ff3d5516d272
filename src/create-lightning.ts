/**
 * The composition root: the only place that wires services to ports.
 */
import { systemClock, type Clock } from './domain/clock.js';
import type { LndNetwork, LndNodeInfo } from './lnd/lnd-client.js';
import type { LndClient } from './lnd/lnd-client.js';
import { createEventBus, type LightningEventBus } from './events/event-bus.js';
import { LifecycleError, LndError, isLightningError } from './errors.js';
import { createExpirySweeper } from './invoices/expiry-sweeper.js';
import { createRetentionJob, type RetentionConfig } from './retention/retention-job.js';
import { createInvoiceService, type InvoiceService } from './invoices/invoice-service.js';
import { createRedactingLogger, silentLogger, type Logger } from './logger.js';
import { checkHealth, type HealthConfig, type HealthReport } from './operations/health.js';
import { instrumentLnd } from './operations/instrument-lnd.js';
import { readGauges } from './operations/gauges.js';
import { createMetrics, type Metrics, type PromRegistryLike } from './operations/metrics.js';
import type { RateProvider } from './rates/rate-provider.js';
import type { RecordEvent, ServiceContext } from './service-context.js';
import { createSettlementWatcher, type SettlementWatcherConfig } from './settlement/settlement-watcher.js';
import type { Store } from './store/store.js';
import type { Decimal } from './domain/amount.js';
import { createPaymentService, type PaymentService } from './payments/payment-service.js';
import {
  createHoldInvoiceService,
  type HoldInvoiceMethods,
  type HoldInvoiceServiceConfig,
} from './invoices/hold-invoice-service.js';
import type { WebhookDispatcherConfig } from './webhooks/outbox/dispatcher.js';
import { createWebhookDelivery } from './webhook-delivery.js';
import { enqueueWebhookEvent } from './webhooks/outbox/enqueue.js';
import { webhookData } from './webhooks/outbox/payloads.js';
import type { WebhookEndpointInput, WebhooksApi } from './webhooks/outbox/webhook-service.js';

/** Configuration of {@link createLightning}. */
export interface LightningConfig {
  /** The LND connection: `createLndClient(…)` from lnkit/lnd, or a fake from lnkit/testing. */
  readonly lnd: LndClient;
  /** BTC/EUR rates: `createRateProvider(…)` from lnkit/rates, or `createFixedRates(…)`. */
  readonly rates: RateProvider;
  /** Persistence: `createSqliteStore(…)` from lnkit/store-sqlite, or your adapter. */
  readonly store: Store;
  /** Structured logger (pino, console…). Default is silent. Secrets are redacted before it sees them. */
  readonly logger?: Logger;
  /** Injectable clock for tests. Default is the system clock. */
  readonly clock?: Clock;
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
  /** Retention of old rows (#18): finished webhook events after 30 days by default; see RetentionConfig. */
  readonly retention?: RetentionConfig;
  /** Metrics options: a name prefix (default `lnkit_`) and a prom-client Registry to register into. */
  readonly metrics?: { readonly prefix?: string; readonly registry?: PromRegistryLike };
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

/** What {@link createLightning} returns. */
export interface Lightning {
  /** Invoices priced in EUR or sats, HODL invoices included. */
  readonly invoices: InvoiceService & HoldInvoiceMethods;
  /** Outgoing payments that never pay twice. */
  readonly payments: Pick<PaymentService, 'pay' | 'get' | 'list' | 'decode'>;
  /** Webhook endpoints and the delivery log. */
  readonly webhooks: WebhooksApi;
  readonly events: LightningEventBus;
  /** Counters, gauges and the LND latency histogram. */
  readonly metrics: Metrics;
  /** Probes LND, the store, rates, the webhook backlog and the settlement lag. */
  health(): Promise<HealthReport>;
  /** GetInfo of the node, known after `start()`. */
  readonly node: LndNodeInfo | null;
  /** Applies migrations, checks LND, starts the settlement watcher and the expiry sweeper. Idempotent. */
  start(): Promise<void>;
  /** Stops taking work, drains in-flight calls, stops streams and closes the store. Idempotent. */
  stop(options?: StopOptions): Promise<void>;
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
  const bus = createEventBus(logger);
  let state: State = 'idle';
  let inFlight = 0;
  let drained: (() => void) | null = null;
  let node: LndNodeInfo | null = null;
  let starting: Promise<void> | null = null;
  let stopping: Promise<void> | null = null;

  const metrics = createMetrics({
    ...(config.metrics?.prefix ? { prefix: config.metrics.prefix } : {}),
    readGauges: () =>
      readGauges({
        lnd: config.lnd,
        store: config.store,
        settlementLagSeconds: () => watcher.lagSeconds(),
        isStreamConnected: () => watcher.isConnected,
      }),
  });
  if (config.metrics?.registry) metrics.registerInto(config.metrics.registry);
  const lnd = instrumentLnd(config.lnd, metrics);

  // The last rate seen prices fee_eur / amount_eur of outgoing payments in webhook bodies.
  let lastRate: Decimal | null = null;
  const rates = {
    async getRate(base: 'BTC', quote: 'EUR') {
      const result = await config.rates.getRate(base, quote);
      lastRate = result.rate;
      return result;
    },
  };

  const recordEvent: RecordEvent = async (tx, type, payload) => {
    await enqueueWebhookEvent(tx, {
      type,
      data: webhookData(type, payload, { rate: lastRate }),
      occurredAt: new Date(clock.now()),
    });
  };

  const ctx: ServiceContext = {
    lnd,
    rates,
    store: config.store,
    bus,
    clock,
    logger,
    metrics,
    recordEvent,
    async run(operation) {
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

  const invoices = createInvoiceService(ctx);
  const payments = createPaymentService(ctx, {
    getNode: () => node,
    ...(config.payments?.maxPaymentSat !== undefined ? { maxPaymentSat: config.payments.maxPaymentSat } : {}),
  });
  const holdInvoices = createHoldInvoiceService(ctx, config.holdInvoices);
  const delivery = createWebhookDelivery(ctx, {
    dispatch: config.webhooks?.dispatch ?? true,
    tuning: config.webhooks?.delivery,
  });
  const watcher = createSettlementWatcher(ctx, config.settlement);
  const sweeper = createExpirySweeper(ctx, config.expirySweepIntervalMs);
  // A leader role: today this process is the only one. HOOK(#10): run it under the leader lease,
  // and pass the event log's retention step (entries every consumer has passed) as the third argument.
  const retention = createRetentionJob(ctx, config.retention, []);

  /**
   * GetInfo, or null with a macaroon that may not call it (invoice.macaroon: a host that only takes
   * payments). Then the connection is proven with ListInvoices, network checks are skipped and
   * outgoing payments are unavailable.
   */
  async function readNodeInfo(): Promise<LndNodeInfo | null> {
    try {
      return await lnd.getInfo();
    } catch (error) {
      if (!isLightningError(error) || error.code !== 'LND_PERMISSION') throw error;
      if (config.network || config.requireSynced) throw error;
      await lnd.listInvoices({ maxInvoices: 1 });
      logger.warn(
        {},
        'the macaroon cannot call GetInfo (invoice.macaroon?): network checks skipped, payments unavailable',
      );
      return null;
    }
  }

  async function doStart(): Promise<void> {
    await config.store.migrate();
    const info = await readNodeInfo();
    if (info) {
      if (config.network && info.network !== config.network) {
        throw new LndError(`LND is on ${info.network}, expected ${config.network}`, undefined, {
          code: 'LND_WRONG_NETWORK',
        });
      }
      if (!info.isSyncedToChain) {
        if (config.requireSynced)
          throw new LndError('LND is not synced to chain', undefined, { code: 'LND_NOT_SYNCED' });
        logger.warn({ block_height: info.blockHeight }, 'LND is not synced to chain');
      }
    }
    node = info;
    if (config.webhooks?.endpoints) await delivery.service.syncConfiguredEndpoints(config.webhooks.endpoints);
    if (config.webhooks || (await config.store.webhookEndpoints.list()).length > 0) delivery.start();
    await payments.retrackInFlight();
    await holdInvoices.watchAll();
    watcher.start();
    sweeper.start();
    retention.start();
    state = 'started';
    logger.info(
      { pubkey: info?.pubkey ?? null, network: info?.network ?? null, alias: info?.alias ?? null },
      'lnkit started',
    );
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
    await sweeper.stop();
    await retention.stop();
    await payments.stop();
    await holdInvoices.stop();
    await watcher.stop();
    await delivery.stop();
    await config.store.close();
    state = 'stopped';
    if (wasStarted) logger.info({}, 'lnkit stopped');
  }

  const lightning: Lightning = {
    invoices: { ...invoices, createHold: holdInvoices.createHold, settleHold: holdInvoices.settleHold },
    payments: { pay: payments.pay, get: payments.get, list: payments.list, decode: payments.decode },
    webhooks: delivery.api,
    events: bus,
    metrics: { snapshot: () => metrics.snapshot(), prometheus: () => metrics.prometheus() },
    health: () =>
      checkHealth(
        {
          lnd,
          store: config.store,
          rates: config.rates,
          clock,
          settlementLagSeconds: () => watcher.lagSeconds(),
          isStreamConnected: () => watcher.isConnected,
          tableStats: () => retention.lastStats(),
        },
        config.health,
      ),
    get node() {
      return node;
    },
    start() {
      if (state === 'started') return Promise.resolve();
      if (state === 'stopping' || state === 'stopped')
        return Promise.reject(new LifecycleError('STOPPED', 'lnkit was stopped; create a new instance'));
      if (!starting) {
        state = 'starting';
        starting = doStart().catch(async (error: unknown) => {
          state = 'idle';
          starting = null;
          await watcher.stop();
          await sweeper.stop();
          await retention.stop();
          await payments.stop();
          await holdInvoices.stop();
          await delivery.stop();
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
