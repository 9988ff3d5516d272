/**
 * The webhook endpoint and outbox subjects (events, deliveries, attempts) of the table-driven Store rules.
 */
import type {
  Repositories,
  WebhookAttemptRecord,
  WebhookDeliveryQuery,
  WebhookDeliveryRecord,
  WebhookEndpointRecord,
  WebhookEventRecord,
} from '../store.js';
import { T0, makeAttempt, makeDelivery, makeEndpoint, makeEvent, uid } from './fixtures.js';
import type { StoreSubject, SubjectWith } from './subject.js';

type DeliveryPatch = Parameters<Repositories['webhookOutbox']['updateDelivery']>[1];
type EndpointPatch = Parameters<Repositories['webhookEndpoints']['update']>[1];

/** `store.webhookEndpoints`. */
export const endpointSubject: SubjectWith<'update', WebhookEndpointRecord> = {
  name: 'webhookEndpoints',
  keyOf: (row) => row.id,
  make: (overrides = {}) =>
    makeEndpoint({ isEnabled: false, disabledReason: 'HTTP 410 Gone', updatedAt: new Date(T0 + 5), ...overrides }),
  samples: () => [
    makeEndpoint(),
    makeEndpoint({
      url: 'http://127.0.0.1:8080/hook?q=é',
      secrets: ['whsec_new', 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw'],
      events: null,
      allowInsecure: true,
      allowPrivateNetwork: true,
      isEnabled: false,
      disabledReason: 'too many failures',
      createdAt: new Date(T0 - 1),
      updatedAt: new Date(T0 + 999),
    }),
    makeEndpoint({ events: [] }),
  ],
  insert: (repos, row) => repos.webhookEndpoints.insert(row),
  readers: [
    { label: 'get', read: (repos, row) => repos.webhookEndpoints.get(row.id) },
    { label: 'list', read: async (repos, row) => (await repos.webhookEndpoints.list()).find((e) => e.id === row.id) },
  ],
  misses: (absent) => [
    { label: 'get', expected: undefined, call: (repos) => repos.webhookEndpoints.get(absent.id) },
    {
      label: 'update',
      expected: undefined,
      call: (repos) => repos.webhookEndpoints.update(absent.id, { isEnabled: false }),
    },
    { label: 'remove', expected: false, call: (repos) => repos.webhookEndpoints.remove(absent.id) },
  ],
  conflicts: [{ label: 'duplicate id', make: (first) => endpointSubject.make({ id: first.id }) }],
  lookalikes: [],
  update: {
    apply: (repos, row, patch) => repos.webhookEndpoints.update(row.id, patch as EndpointPatch),
    keys: [
      'url',
      'secrets',
      'events',
      'allowInsecure',
      'allowPrivateNetwork',
      'isEnabled',
      'disabledReason',
      'updatedAt',
    ],
    change: (row) => ({
      url: 'https://shop.example/hooks/v2',
      secrets: ['whsec_rotated', ...row.secrets],
      events: ['invoice.created'],
      allowInsecure: !row.allowInsecure,
      allowPrivateNetwork: !row.allowPrivateNetwork,
      isEnabled: !row.isEnabled,
      disabledReason: 'paused by an operator',
      updatedAt: new Date(T0 + 99),
    }),
    clear: { events: null, disabledReason: null },
  },
};

/** The events of `store.webhookOutbox`. */
export const eventSubject: StoreSubject<WebhookEventRecord> = {
  name: 'webhookOutbox events',
  keyOf: (row) => row.id,
  make: (overrides = {}) => makeEvent(overrides),
  samples: () => [
    makeEvent(),
    makeEvent({ type: 'payment.sent', body: '{"type":"payment.sent","data":{"fee_msat":"2099999999999999999"}}' }),
  ],
  insert: (repos, row) => repos.webhookOutbox.enqueue(row, []),
  readers: [{ label: 'getEvent', read: (repos, row) => repos.webhookOutbox.getEvent(row.id) }],
  misses: (absent) => [
    { label: 'getEvent', expected: undefined, call: (repos) => repos.webhookOutbox.getEvent(absent.id) },
  ],
  conflicts: [{ label: 'duplicate id', make: (first) => makeEvent({ id: first.id }) }],
  lookalikes: [],
};

/** Writes the event a delivery belongs to when it does not exist yet. */
async function ensureEvent(repos: Repositories, eventId: string, createdAt: Date): Promise<void> {
  if (!(await repos.webhookOutbox.getEvent(eventId)))
    await repos.webhookOutbox.enqueue(makeEvent({ id: eventId, createdAt }), []);
}

const delivery = (overrides: Partial<WebhookDeliveryRecord> = {}): WebhookDeliveryRecord =>
  makeDelivery(overrides.eventId ?? uid('msg'), {
    attempts: 2,
    lastStatusCode: 503,
    lastError: 'HTTP 503',
    nextAttemptAt: new Date(T0 + 60_000),
    updatedAt: new Date(T0 + 1),
    ...overrides,
  });

/** The deliveries of `store.webhookOutbox`. */
export const deliverySubject: SubjectWith<'update' | 'list', WebhookDeliveryRecord> = {
  name: 'webhookOutbox deliveries',
  keyOf: (row) => row.id,
  make: delivery,
  samples: () => [
    delivery(),
    delivery({ status: 'pending', attempts: 0, nextAttemptAt: null, lastStatusCode: null, lastError: null }),
    delivery({ status: 'failed', attempts: 2_147_483_647, lastError: 'ECONNRESET — the peer hung up ☕' }),
  ],
  async insert(repos, row) {
    await ensureEvent(repos, row.eventId, row.createdAt);
    await repos.webhookOutbox.insertDelivery(row);
  },
  readers: [
    { label: 'getDelivery', read: (repos, row) => repos.webhookOutbox.getDelivery(row.id) },
    {
      label: 'listDeliveries',
      read: async (repos, row) =>
        (await repos.webhookOutbox.listDeliveries({ eventId: row.eventId, limit: 1000 })).items.find(
          (d) => d.id === row.id,
        ),
    },
  ],
  misses: (absent) => [
    { label: 'getDelivery', expected: undefined, call: (repos) => repos.webhookOutbox.getDelivery(absent.id) },
    {
      label: 'updateDelivery',
      expected: undefined,
      call: (repos) => repos.webhookOutbox.updateDelivery(absent.id, { attempts: 1 }),
    },
  ],
  conflicts: [{ label: 'duplicate id', make: (first) => delivery({ id: first.id, eventId: first.eventId }) }],
  lookalikes: [
    {
      label: 'another delivery of the same event to the same endpoint (a redelivery)',
      make: (first) => delivery({ eventId: first.eventId, endpointId: first.endpointId }),
    },
  ],
  update: {
    apply: (repos, row, patch) => repos.webhookOutbox.updateDelivery(row.id, patch as DeliveryPatch),
    keys: ['status', 'attempts', 'nextAttemptAt', 'lastStatusCode', 'lastError', 'updatedAt'],
    change: () => ({
      status: 'delivered',
      attempts: 3,
      nextAttemptAt: new Date(T0 + 120_000),
      lastStatusCode: 204,
      lastError: 'HTTP 500 before',
      updatedAt: new Date(T0 + 2),
    }),
    clear: { nextAttemptAt: null, lastStatusCode: null, lastError: null },
  },
  list: {
    make: (createdAt, status) => delivery({ createdAt, status: status as WebhookDeliveryRecord['status'] }),
    list: (repos, query) => repos.webhookOutbox.listDeliveries(query as WebhookDeliveryQuery),
    statuses: ['pending', 'delivered', 'failed'],
  },
};

const attempt = (overrides: Partial<WebhookAttemptRecord> = {}): WebhookAttemptRecord =>
  makeAttempt(overrides.deliveryId ?? uid('whd'), { statusCode: 500, error: 'HTTP 500', ...overrides });

/** The attempt log of `store.webhookOutbox`. */
export const attemptSubject: StoreSubject<WebhookAttemptRecord> = {
  name: 'webhookOutbox attempts',
  keyOf: (row) => row.id,
  make: attempt,
  samples: () => [
    attempt(),
    attempt({ attempt: 7, statusCode: null, error: 'ECONNREFUSED', latencyMs: 0, at: new Date(T0 + 1) }),
    attempt({ statusCode: 200, error: null, latencyMs: 29_999, at: new Date(T0 + 2) }),
  ],
  async insert(repos, row) {
    if (!(await repos.webhookOutbox.getDelivery(row.deliveryId))) {
      const event = makeEvent();
      await repos.webhookOutbox.enqueue(event, [makeDelivery(event.id, { id: row.deliveryId })]);
    }
    await repos.webhookOutbox.recordAttempt(row);
  },
  readers: [
    {
      label: 'listAttempts',
      read: async (repos, row) => (await repos.webhookOutbox.listAttempts(row.deliveryId)).find((a) => a.id === row.id),
    },
  ],
  misses: (absent) => [
    { label: 'listAttempts', expected: [], call: (repos) => repos.webhookOutbox.listAttempts(absent.deliveryId) },
  ],
  conflicts: [{ label: 'duplicate id', make: (first) => attempt({ id: first.id, deliveryId: first.deliveryId }) }],
  lookalikes: [],
};
