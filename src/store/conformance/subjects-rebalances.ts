/**
 * The rebalance subject of the table-driven Store rules, and its row builder.
 */
import type { Rebalance } from '../../domain/rebalance.js';
import type { RebalanceListQuery, RebalancePatch } from '../store.js';
import { BIG_MSAT, T0, hex32, uid } from './fixtures.js';
import type { SubjectWith } from './subject.js';

/** A complete in-flight rebalance; every field can be overridden. */
export function makeRebalance(overrides: Partial<Rebalance> = {}): Rebalance {
  return {
    id: uid('rbl'),
    status: 'in_flight',
    outChanId: '877008154718978049',
    inPeer: `02${hex32()}`,
    inChanId: null,
    amountSat: 250_000n,
    feeMsat: 0n,
    maxFeeMsat: 500_000n,
    paymentHash: hex32(),
    failureReason: null,
    failureMessage: null,
    isAutomatic: false,
    idempotencyKey: null,
    createdAt: new Date(T0),
    updatedAt: new Date(T0),
    completedAt: null,
    ...overrides,
  };
}

/** `store.rebalances`. */
export const rebalanceSubject: SubjectWith<'update' | 'conditional' | 'list' | 'byHash', Rebalance> = {
  name: 'rebalances',
  keyOf: (row) => row.id,
  make: (overrides = {}) =>
    makeRebalance({
      status: 'failed',
      inChanId: '18446744073709551614',
      feeMsat: 1_250n,
      failureReason: 'route_failed',
      failureMessage: 'TEMPORARY_CHANNEL_FAILURE at hop 2 — café',
      idempotencyKey: uid('rebalance'),
      completedAt: new Date(T0 + 40),
      ...overrides,
    }),
  samples: () => [
    makeRebalance({
      status: 'succeeded',
      amountSat: BIG_MSAT / 1000n,
      feeMsat: BIG_MSAT - 3n,
      maxFeeMsat: BIG_MSAT,
      inChanId: '18446744073709551615',
      isAutomatic: true,
      idempotencyKey: uid('auto:1'),
      updatedAt: new Date(T0 + 1),
      completedAt: new Date(T0 + 2),
    }),
    makeRebalance({ paymentHash: null, status: 'failed', failureReason: 'fee_too_high', failureMessage: 'x' }),
    // Several nodes (#16): the node it ran on.
    makeRebalance({ nodePubkey: `03${hex32()}` }),
  ],
  insert: (repos, row) => repos.rebalances.insert(row),
  readers: [
    { label: 'get', read: (repos, row) => repos.rebalances.get(row.id) },
    {
      label: 'getByPaymentHash (or get, for a row without a hash)',
      read: (repos, row) =>
        row.paymentHash === null ? repos.rebalances.get(row.id) : repos.rebalances.getByPaymentHash(row.paymentHash),
    },
    {
      label: 'getByIdempotencyKey (or get, for a row without a key)',
      read: (repos, row) =>
        row.idempotencyKey === null
          ? repos.rebalances.get(row.id)
          : repos.rebalances.getByIdempotencyKey(row.idempotencyKey),
    },
  ],
  misses: (absent) => [
    { label: 'get', expected: undefined, call: (repos) => repos.rebalances.get(absent.id) },
    { label: 'getByPaymentHash', expected: undefined, call: (repos) => repos.rebalances.getByPaymentHash(hex32()) },
    { label: 'getByIdempotencyKey', expected: undefined, call: (repos) => repos.rebalances.getByIdempotencyKey('no') },
    {
      label: 'update',
      expected: undefined,
      call: (repos) => repos.rebalances.update(absent.id, { status: 'failed' }),
    },
  ],
  conflicts: [
    { label: 'duplicate id', make: (first) => rebalanceSubject.make({ id: first.id }) },
    { label: 'duplicate payment hash', make: (first) => rebalanceSubject.make({ paymentHash: first.paymentHash }) },
    {
      label: 'duplicate idempotency key',
      make: (first) => rebalanceSubject.make({ idempotencyKey: first.idempotencyKey }),
    },
  ],
  lookalikes: [
    { label: 'a row with a null payment hash', make: () => rebalanceSubject.make({ paymentHash: null }) },
    { label: 'another row with a null payment hash', make: () => rebalanceSubject.make({ paymentHash: null }) },
    { label: 'a row with a null idempotency key', make: () => rebalanceSubject.make({ idempotencyKey: null }) },
    { label: 'another row with a null idempotency key', make: () => rebalanceSubject.make({ idempotencyKey: null }) },
  ],
  update: {
    apply: (repos, row, patch) => repos.rebalances.update(row.id, patch as RebalancePatch),
    keys: [
      'status',
      'inChanId',
      'feeMsat',
      'paymentHash',
      'failureReason',
      'failureMessage',
      'updatedAt',
      'completedAt',
    ],
    change: () => ({
      status: 'succeeded',
      inChanId: '877010352742170625',
      feeMsat: BIG_MSAT,
      paymentHash: hex32(),
      failureReason: 'timeout',
      failureMessage: 'changed',
      updatedAt: new Date(T0 + 60),
      completedAt: new Date(T0 + 61),
    }),
    clear: { inChanId: null, paymentHash: null, failureReason: null, failureMessage: null, completedAt: null },
  },
  conditional: {
    make: (status) => rebalanceSubject.make({ status: status as Rebalance['status'] }),
    setStatus: (repos, row, status, fromStatus) =>
      repos.rebalances.update(
        row.id,
        { status: status as Rebalance['status'] },
        { fromStatus: fromStatus as Rebalance['status'][] },
      ),
    statuses: ['in_flight', 'failed', 'succeeded'],
  },
  list: {
    make: (createdAt, status) => rebalanceSubject.make({ createdAt, status: status as Rebalance['status'] }),
    list: (repos, query) => repos.rebalances.list(query as RebalanceListQuery),
    statuses: ['in_flight', 'succeeded', 'failed'],
  },
  byHash: {
    hashOf: (row) => row.paymentHash as string,
    find: (repos, _row, paymentHash) => repos.rebalances.getByPaymentHash(paymentHash),
  },
};
