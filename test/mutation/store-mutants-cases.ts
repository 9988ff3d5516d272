/**
 * Store mutants for the repository-specific cases (invoice and payment filters, checkpoints, the outbox).
 */
import { ValidationError } from '../../src/errors.js';
import type { Repositories, WebhookDeliveryRecord } from '../../src/store/store.js';
import { everyRow, mutant, patch, rewriteStore, type StoreMutant } from './store-toolkit.js';

const C = {
  invoiceFilters:
    'invoices: list filters by isHold, createdAfter (inclusive) and createdBefore (exclusive), also across pages',
  listExpired: 'invoices: listExpired returns open invoices with expiresAt ≤ now, oldest expiry first, at most limit',
  paymentDirection: 'payments: list filters by direction, with and without a status, newest first across pages',
  checkpoints: 'checkpoints: unknown is undefined; advance only moves forward and returns the stored value',
  endpointsList: 'webhookEndpoints: list is oldest first; remove deletes the row and says whether there was one',
  enqueue: 'webhookOutbox: enqueue writes the event and its deliveries; bytes and fields round-trip',
  enqueueAtomic: 'webhookOutbox: enqueue is atomic; duplicate event or delivery ids conflict and write nothing',
  listDue: 'webhookOutbox: listDue returns pending deliveries due at or before now, earliest first, at most limit',
  backlog: 'webhookOutbox: a retry moves the due time; a delivered row leaves listDue and the backlog',
  insertDelivery: 'webhookOutbox: insertDelivery adds a pending delivery to an existing event (a redelivery)',
  attempts: 'webhookOutbox: listAttempts returns the attempts of one delivery, oldest first (at, then attempt number)',
  orphans: 'webhookOutbox: a delivery needs an existing event and an attempt an existing delivery (STORE_ERROR)',
  deliveryFilters:
    'webhookOutbox: listDeliveries filters by endpoint and by event, alone or with a status, across pages',
  claim: 'webhookOutbox: claimDue (where implemented) takes due rows earliest first and holds them until claimUntil',
  claimRace: 'webhookOutbox: claimDue (where implemented) gives each row to one of several concurrent claimers',
} as const;

/** A checkpoint table kept beside the store: `keep(current, value)` decides what is stored. */
function checkpointsMutant(name: string, keep: (current: bigint | undefined, value: bigint) => bigint): StoreMutant {
  return {
    name,
    killedBy: [C.checkpoints],
    wrap(store) {
      const values = new Map<string, bigint>();
      const checkpoints: Repositories['checkpoints'] = {
        get: async (key) => values.get(key),
        async advance(key, value) {
          values.set(key, keep(values.get(key), value));
          return values.get(key)!;
        },
        async reset(key, value) {
          values.set(key, value);
          return value;
        },
      };
      return rewriteStore(store, (repos) => ({ ...repos, checkpoints }));
    },
  };
}

type Claim = NonNullable<Repositories['webhookOutbox']['claimDue']>;

/**
 * Gives the memory store (which has no `claimDue`) a broken one: `claim` takes the deliveries
 * `listDue` found and decides what the claim writes.
 */
function claimDueMutant(
  name: string,
  killedBy: readonly string[],
  claim: (repos: Repositories, due: readonly WebhookDeliveryRecord[], claimUntil: Date) => Promise<void>,
): StoreMutant {
  const rewrite = (repos: Repositories): Repositories => {
    const claimDue: Claim = async (now, limit, claimUntil) => {
      if (!(claimUntil.getTime() > now.getTime())) throw new ValidationError('claimUntil', 'expected a time after now');
      if (!Number.isInteger(limit) || limit < 1) throw new ValidationError('limit', 'expected a positive integer');
      const due = await repos.webhookOutbox.listDue(now, limit);
      await claim(repos, due, claimUntil);
      return due.map((d) => ({ ...d, nextAttemptAt: claimUntil }));
    };
    return { ...repos, webhookOutbox: { ...repos.webhookOutbox, claimDue } };
  };
  return { name, killedBy, wrap: (store) => rewriteStore(store, rewrite) };
}

/** The mutants of the repository-specific cases. */
export const caseMutants: readonly StoreMutant[] = [
  mutant(
    'invoices: createdAfter is exclusive',
    [C.invoiceFilters],
    patch(
      'invoices',
      'list',
      (o) =>
        (q = {}) =>
          o({ ...q, ...(q.createdAfter ? { createdAfter: new Date(q.createdAfter.getTime() + 1) } : {}) }),
    ),
  ),
  mutant(
    'invoices: listExpired misses an invoice expiring exactly now',
    [C.listExpired],
    patch('invoices', 'listExpired', (o) => (now, limit) => o(new Date(now.getTime() - 1), limit)),
  ),
  mutant(
    'payments: list ignores the direction filter',
    [C.paymentDirection],
    patch(
      'payments',
      'list',
      (o) =>
        (q = {}) =>
          o({ ...q, direction: undefined }),
    ),
  ),
  checkpointsMutant('checkpoints: advance can move backwards', (_current, value) => value),
  checkpointsMutant('checkpoints: advance compares as strings', (current, value) =>
    current === undefined || String(value) > String(current) ? value : current,
  ),
  // Webhooks.
  mutant(
    'webhookEndpoints: list is newest first',
    [C.endpointsList],
    patch('webhookEndpoints', 'list', (o) => async () => [...(await o())].reverse()),
  ),
  mutant(
    'webhookEndpoints: remove always says true',
    [C.endpointsList],
    patch('webhookEndpoints', 'remove', (o) => async (id) => {
      await o(id);
      return true;
    }),
  ),
  mutant(
    'webhookOutbox: enqueue writes only the first delivery',
    [C.enqueue],
    patch('webhookOutbox', 'enqueue', (o) => (event, deliveries) => o(event, deliveries.slice(0, 1))),
  ),
  mutant(
    'webhookOutbox: enqueue writes the event, then each delivery on its own (not atomic)',
    [C.enqueueAtomic],
    patch('webhookOutbox', 'enqueue', (o, repos) => async (event, deliveries) => {
      await o(event, []);
      for (const d of deliveries) await repos.webhookOutbox.insertDelivery(d);
    }),
  ),
  mutant(
    'webhookOutbox: listDue misses a delivery due exactly now',
    [C.listDue],
    patch('webhookOutbox', 'listDue', (o) => (now, limit) => o(new Date(now.getTime() - 1), limit)),
  ),
  mutant(
    'webhookOutbox: countPending counts every delivery',
    [C.listDue, C.backlog],
    patch(
      'webhookOutbox',
      'countPending',
      (_o, repos) => async () => (await everyRow((q) => repos.webhookOutbox.listDeliveries(q))).length,
    ),
  ),
  mutant(
    'webhookOutbox: insertDelivery writes nothing',
    [C.insertDelivery],
    patch('webhookOutbox', 'insertDelivery', () => async () => undefined),
  ),
  mutant(
    'webhookOutbox: listAttempts is newest first',
    [C.attempts],
    patch('webhookOutbox', 'listAttempts', (o) => async (id) => [...(await o(id))].reverse()),
  ),
  mutant(
    'webhookOutbox: a delivery without its event is silently dropped',
    [C.orphans],
    patch('webhookOutbox', 'insertDelivery', (o, repos) => async (d) => {
      if (await repos.webhookOutbox.getEvent(d.eventId)) await o(d);
    }),
  ),
  mutant(
    'webhookOutbox: listDeliveries ignores the event filter',
    [C.deliveryFilters],
    patch(
      'webhookOutbox',
      'listDeliveries',
      (o) =>
        (q = {}) =>
          o({ ...q, eventId: undefined }),
    ),
  ),
  claimDueMutant('webhookOutbox: claimDue leaves the rows it claimed due', [C.claim], async () => undefined),
  claimDueMutant(
    'webhookOutbox: claimDue reads, then claims row by row (two claimers take one row)',
    [C.claimRace],
    async (repos, due, claimUntil) => {
      for (const d of due) await repos.webhookOutbox.updateDelivery(d.id, { nextAttemptAt: claimUntil });
    },
  ),
];
