/**
 * How a logged event is recorded: its webhook outbox rows and its event-log row, in the transaction
 * of the change it reports. Within one `store.transaction` the endpoints are listed once, a webhook
 * body is built only for an endpoint that wants it, and the event-log rows are appended together
 * (one multi-row INSERT) when the callback returns, just before the commit; after the commit this
 * process's bus gets them at once (`deliverLocal`). No AsyncLocalStorage: the transaction's `tx`
 * object itself finds its pending events.
 */
import type { Decimal } from '../domain/amount.js';
import type { Clock } from '../domain/clock.js';
import type { EventNode, WebhookEventType } from '../domain/events.js';
import type { RandomSource } from '../ids.js';
import type { RecordEvent } from '../service-context.js';
import type { EventLogInput, Repositories, Store, WebhookEndpointRecord } from '../store/store.js';
import { subscribedEndpoints, webhookEventId, writeWebhookEvent } from '../webhooks/outbox/enqueue.js';
import { webhookData } from '../webhooks/outbox/payloads.js';
import { encodeEventPayload, type PayloadMemo } from './event-codec.js';
import type { LocalEvent } from './event-log-feed.js';

/** What {@link createEventRecorder} needs. */
export interface EventRecorderConfig {
  /** The store as configured; the recorder returns it wrapped. */
  readonly store: Store;
  readonly clock: Clock;
  /** Random source of webhook ids about no payment. Default is the CSPRNG. */
  readonly random?: RandomSource;
  /**
   * The node an event is about (its row's node, else the primary's; deterministic webhook ids), or
   * null while unknown.
   */
  readonly nodeOf: (payload: unknown) => EventNode | null;
  /** Several nodes: payloads carry `node` and webhook bodies `node_pubkey` and `node_name`. */
  readonly multi: () => boolean;
  /** The last BTC/EUR rate seen (fee_eur in outgoing payment bodies), or null. */
  readonly lastRate: () => Decimal | null;
  /** Called after each commit with the events it appended, in seq order. */
  readonly deliverLocal: (events: readonly LocalEvent[]) => void;
}

/** The recorder: `recordEvent` for the services, and the store whose transactions flush it. */
export interface EventRecorder {
  readonly recordEvent: RecordEvent;
  /** `config.store` with a `transaction` that appends the recorded events before its commit. */
  readonly store: Store;
}

interface Pending {
  readonly records: EventLogInput[];
  readonly events: { readonly type: WebhookEventType; readonly payload: unknown }[];
  endpoints: Promise<readonly WebhookEndpointRecord[]> | null;
  /** Member texts encoded in this transaction (an invoice settled is carried by two events). */
  readonly memo: PayloadMemo;
}

/** Creates the event recorder. Internal: createLightning wires it. */
export function createEventRecorder(config: EventRecorderConfig): EventRecorder {
  const { clock, random } = config;
  const open = new WeakMap<Repositories, Pending>();

  const recordEvent: RecordEvent = async (tx, type, raw) => {
    const occurredAt = new Date(clock.now());
    const node = config.nodeOf(raw);
    const multi = config.multi() && node !== null;
    const payload = multi ? ({ ...raw, node } as typeof raw) : raw;
    const pending = open.get(tx);
    const all = pending ? await (pending.endpoints ??= tx.webhookEndpoints.list()) : await tx.webhookEndpoints.list();
    const endpoints = subscribedEndpoints(all, type);
    if (endpoints.length > 0) {
      const id = node === null ? undefined : webhookEventId(node.pubkey, type, payload);
      await writeWebhookEvent(tx, endpoints, {
        type,
        data: () => {
          const data = webhookData(type, payload, { rate: config.lastRate() });
          return multi ? { ...data, node_pubkey: node.pubkey, node_name: node.name } : data;
        },
        occurredAt,
        ...(random ? { random } : {}),
        ...(id !== undefined ? { id } : {}),
      });
    }
    const record: EventLogInput = {
      type,
      payload: encodeEventPayload(payload, pending?.memo),
      createdAt: occurredAt,
    };
    if (pending) {
      pending.records.push(record);
      pending.events.push({ type, payload });
      return;
    }
    // A transaction this recorder did not open (a caller on the raw store): append at once, no local delivery.
    await tx.events.append([record]);
  };

  const store: Store = {
    ...config.store,
    async transaction(fn) {
      let delivered: LocalEvent[] = [];
      const result = await config.store.transaction(async (tx) => {
        // Per attempt: a store that retries the callback starts from nothing.
        delivered = [];
        const pending: Pending = { records: [], events: [], endpoints: null, memo: new WeakMap() };
        open.set(tx, pending);
        try {
          const value = await fn(tx);
          if (pending.records.length > 0) {
            const seqs = await tx.events.append(pending.records);
            delivered = pending.events.map((e, i) => ({ seq: seqs[i]!, type: e.type, payload: e.payload }));
          }
          return value;
        } finally {
          open.delete(tx);
        }
      });
      if (delivered.length > 0) config.deliverLocal(delivered);
      return result;
    },
  };
  return { recordEvent, store };
}
