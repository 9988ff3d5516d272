/**
 * What every service receives from createLightning: the ports, the bus, the clock, and the
 * lifecycle guard. Internal.
 */
import type { Clock } from './domain/clock.js';
import type { LightningEvents, WebhookEventType } from './domain/events.js';
import type { InternalEventBus } from './events/event-bus.js';
import type { LndClient } from './lnd/lnd-client.js';
import type { Logger } from './logger.js';
import type { RateProvider } from './rates/rate-provider.js';
import type { Repositories, Store } from './store/store.js';
import type { MetricsRecorder } from './metrics-recorder.js';
import type { RandomSource } from './ids.js';
import type { NodeBinding } from './settlement/node-binding.js';

/** Writes the webhook outbox rows for an event inside the caller's transaction. */
export type RecordEvent = <K extends WebhookEventType>(
  tx: Repositories,
  type: K,
  payload: LightningEvents[K],
) => Promise<void>;

/** Shared dependencies of lnkit's services. */
export interface ServiceContext {
  readonly lnd: LndClient;
  readonly rates: RateProvider;
  readonly store: Store;
  readonly bus: InternalEventBus;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly metrics: MetricsRecorder;
  readonly recordEvent: RecordEvent;
  /** Random source for ids and jitter; default is the CSPRNG (ids) and Math.random (jitter). */
  readonly random?: RandomSource;
  /** The node the store is bound to. Absent in service tests: the legacy checkpoint names are used. */
  readonly node?: NodeBinding;
  /**
   * Whether a row of node `nodePubkey` (undefined: written before the store knew its node) is this
   * context's to watch or re-track, when lnkit runs several nodes. Default is every row.
   */
  readonly owns?: (nodePubkey: string | undefined) => boolean;
  /** Runs a public operation: throws LifecycleError unless started, and counts it for draining. */
  run<T>(operation: () => Promise<T>): Promise<T>;
}
