/**
 * After `close()`, every method of every repository rejects with StoreError. The probe table has
 * one valid call per method, so a repository gains a row here when the port gains one (the
 * mapped type makes TypeScript insist). Optional methods the store does not have are skipped.
 */
import type { Repositories } from '../store.js';
import {
  T0,
  assertRejectsWithCode,
  makeAttempt,
  makeDelivery,
  makeEndpoint,
  makeEvent,
  makeInvoice,
  makePayment,
  withClosedStore,
  type StoreConformanceCase,
} from './fixtures.js';
import { makeNode, makePubkey } from './subjects-nodes.js';
import { makeRebalance } from './subjects-rebalances.js';

type Probes = {
  readonly [K in keyof Repositories]: {
    readonly [M in keyof Repositories[K]]: (repo: Repositories[K]) => Promise<unknown>;
  };
};

const now = new Date(T0);

/** One valid call of every repository method. */
export const closedStoreProbes: Probes = {
  invoices: {
    insert: (r) => r.insert(makeInvoice()),
    get: (r) => r.get('inv_x'),
    getByPaymentHash: (r) => r.getByPaymentHash('00'.repeat(32)),
    getByIdempotencyKey: (r) => r.getByIdempotencyKey('k'),
    list: (r) => r.list(),
    update: (r) => r.update('inv_x', { status: 'settled' }),
    listExpired: (r) => r.listExpired(now, 10),
  },
  payments: {
    insert: (r) => r.insert(makePayment()),
    get: (r) => r.get('pay_x'),
    getByPaymentHash: (r) => r.getByPaymentHash('00'.repeat(32), 'in'),
    getByIdempotencyKey: (r) => r.getByIdempotencyKey('k'),
    list: (r) => r.list(),
    update: (r) => r.update('pay_x', { status: 'failed' }),
  },
  checkpoints: {
    get: (r) => r.get('lnd.settle_index'),
    advance: (r) => r.advance('lnd.settle_index', 1n),
    reset: (r) => r.reset('lnd.settle_index', 0n),
  },
  nodes: {
    insert: (r) => r.insert(makeNode()),
    get: (r) => r.get(makePubkey()),
    list: (r) => r.list(),
    update: (r) => r.update(makePubkey(), { alias: 'x' }),
    adoptRows: (r) => r.adoptRows(makePubkey()),
  },
  webhookEndpoints: {
    insert: (r) => r.insert(makeEndpoint()),
    get: (r) => r.get('whe_x'),
    list: (r) => r.list(),
    update: (r) => r.update('whe_x', { isEnabled: false }),
    remove: (r) => r.remove('whe_x'),
  },
  webhookOutbox: {
    enqueue: (r) => {
      const event = makeEvent();
      return r.enqueue(event, [makeDelivery(event.id)]);
    },
    getEvent: (r) => r.getEvent('msg_x'),
    getDelivery: (r) => r.getDelivery('whd_x'),
    listDue: (r) => r.listDue(now, 10),
    claimDue: (r) => r.claimDue!(now, 10, new Date(T0 + 60_000)),
    listDeliveries: (r) => r.listDeliveries(),
    updateDelivery: (r) => r.updateDelivery('whd_x', { attempts: 1 }),
    insertDelivery: (r) => r.insertDelivery(makeDelivery('msg_x')),
    recordAttempt: (r) => r.recordAttempt(makeAttempt('whd_x')),
    listAttempts: (r) => r.listAttempts('whd_x'),
    countPending: (r) => r.countPending(),
  },
  leases: {
    tryAcquire: (r) => r.tryAcquire({ name: 'leader', owner: 'o', pid: 1, host: 'h', ttlMs: 1000, now }),
    renew: (r) => r.renew({ name: 'leader', owner: 'o', pid: 1, host: 'h', ttlMs: 1000, now }),
    release: (r) => r.release('leader', 'o'),
    get: (r) => r.get('leader'),
  },
  events: {
    append: (r) => r.append([{ type: 'invoice.created', payload: '{}', createdAt: now }]),
    readAfter: (r) => r.readAfter(0n, 10),
    readSeqsAfter: (r) => r.readSeqsAfter!(0n, 10),
    latestSeq: (r) => r.latestSeq(),
    getCursor: (r) => r.getCursor('c'),
    setCursor: (r) => r.setCursor('c', 1n),
    watch: (r) => r.watch!(() => undefined),
  },
  rebalances: {
    insert: (r) => r.insert(makeRebalance()),
    get: (r) => r.get('rbl_x'),
    getByIdempotencyKey: (r) => r.getByIdempotencyKey('k'),
    getByPaymentHash: (r) => r.getByPaymentHash('00'.repeat(32)),
    list: (r) => r.list(),
    update: (r) => r.update('rbl_x', { status: 'failed' }),
    sumFeesSince: (r) => r.sumFeesSince(now),
  },
};

/** The case name for `repository`. */
export const closedStoreCaseName = (repository: keyof Repositories): string =>
  `${repository}: every method rejects with StoreError after close()`;

/** One case per repository: after `close()`, each of its methods rejects with STORE_ERROR. */
export const closedStoreCases: readonly StoreConformanceCase[] = (
  Object.keys(closedStoreProbes) as (keyof Repositories)[]
).map((repository) => ({
  name: closedStoreCaseName(repository),
  run: (make) =>
    withClosedStore(make, async (store) => {
      const probes = closedStoreProbes[repository] as Record<string, (repo: unknown) => Promise<unknown>>;
      for (const [method, probe] of Object.entries(probes)) {
        if (typeof (store[repository] as unknown as Record<string, unknown>)[method] !== 'function') continue;
        await assertRejectsWithCode(
          Promise.resolve().then(() => probe(store[repository])),
          'STORE_ERROR',
          `${repository}.${method} after close`,
        );
      }
    }),
}));
