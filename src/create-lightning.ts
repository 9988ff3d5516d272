/**
 * The composition root: the only place that wires services to ports.
 */
import { systemClock, type Clock } from './domain/clock.js';
import type { LndNetwork, LndNodeInfo } from './lnd/lnd-client.js';
import type { LndClient } from './lnd/lnd-client.js';
import { createEventBus, type LightningEventBus } from './events/event-bus.js';
import { LifecycleError, LndError } from './errors.js';
import { createExpirySweeper } from './invoices/expiry-sweeper.js';
import { createInvoiceService, type InvoiceService } from './invoices/invoice-service.js';
import { createRedactingLogger, silentLogger, type Logger } from './logger.js';
import { noopMetrics } from './metrics-recorder.js';
import type { RateProvider } from './rates/rate-provider.js';
import type { RecordEvent, ServiceContext } from './service-context.js';
import { createSettlementWatcher, type SettlementWatcherConfig } from './settlement/settlement-watcher.js';
import type { Store } from './store/store.js';
import { enqueueWebhookEvent } from './webhooks/outbox/enqueue.js';
import { webhookData } from './webhooks/outbox/payloads.js';

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
}

/** Options of {@link Lightning.stop}. */
export interface StopOptions {
  /** How long to wait for in-flight work before closing anyway. Default is 10 s. */
  readonly timeoutMs?: number;
}

/** What {@link createLightning} returns. */
export interface Lightning {
  readonly invoices: InvoiceService;
  readonly events: LightningEventBus;
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

  const recordEvent: RecordEvent = async (tx, type, payload) => {
    await enqueueWebhookEvent(tx, { type, data: webhookData(type, payload), occurredAt: new Date(clock.now()) });
  };

  const ctx: ServiceContext = {
    lnd: config.lnd,
    rates: config.rates,
    store: config.store,
    bus,
    clock,
    logger,
    metrics: noopMetrics,
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
  const watcher = createSettlementWatcher(ctx, config.settlement);
  const sweeper = createExpirySweeper(ctx, config.expirySweepIntervalMs);

  async function doStart(): Promise<void> {
    await config.store.migrate();
    const info = await config.lnd.getInfo();
    if (config.network && info.network !== config.network) {
      throw new LndError(`LND is on ${info.network}, expected ${config.network}`, undefined, { code: 'LND_WRONG_NETWORK' });
    }
    if (!info.isSyncedToChain) {
      if (config.requireSynced) throw new LndError('LND is not synced to chain', undefined, { code: 'LND_NOT_SYNCED' });
      logger.warn({ block_height: info.blockHeight }, 'LND is not synced to chain');
    }
    node = info;
    watcher.start();
    sweeper.start();
    state = 'started';
    logger.info({ pubkey: info.pubkey, network: info.network, alias: info.alias }, 'lnkit started');
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
    await watcher.stop();
    await config.store.close();
    state = 'stopped';
    if (wasStarted) logger.info({}, 'lnkit stopped');
  }

  const lightning: Lightning = {
    invoices,
    events: bus,
    get node() {
      return node;
    },
    start() {
      if (state === 'started') return Promise.resolve();
      if (state === 'stopping' || state === 'stopped') return Promise.reject(new LifecycleError('STOPPED', 'lnkit was stopped; create a new instance'));
      if (!starting) {
        state = 'starting';
        starting = doStart().catch(async (error: unknown) => {
          state = 'idle';
          starting = null;
          await watcher.stop();
          await sweeper.stop();
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
