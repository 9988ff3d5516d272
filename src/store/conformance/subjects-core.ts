/**
 * The invoice and payment subjects of the table-driven Store rules.
 */
import { decimal } from '../../domain/amount.js';
import type { Payment, PaymentDirection } from '../../domain/payment.js';
import type { InvoiceListQuery, InvoicePatch, InvoiceRecord, PaymentListQuery, PaymentPatch } from '../store.js';
import { BIG_MSAT, T0, hex32, makeInvoice, makePayment, uid } from './fixtures.js';
import type { SubjectWith } from './subject.js';

const otherDirection = (d: PaymentDirection): PaymentDirection => (d === 'in' ? 'out' : 'in');

/** `store.invoices`. */
export const invoiceSubject: SubjectWith<'update' | 'conditional' | 'list' | 'byHash', InvoiceRecord> = {
  name: 'invoices',
  keyOf: (row) => row.id,
  make: (overrides = {}) =>
    makeInvoice({
      status: 'settled',
      settleIndex: 41n,
      amountPaidMsat: 22_806_000n,
      settledAt: new Date(T0 + 10),
      closedAt: new Date(T0 + 20),
      idempotencyKey: uid('idem'),
      ...overrides,
    }),
  samples: () => [
    makeInvoice({
      amountMsat: BIG_MSAT,
      amountPaidMsat: BIG_MSAT - 1n,
      addIndex: 9_007_199_254_740_993n,
      settleIndex: 2_000_000_000_000_000_001n,
      amountEur: decimal('123456789012345.67'),
      rate: decimal('87654.321098765432109876543210'),
      status: 'settled',
      isHold: true,
      idempotencyKey: uid('order-1:attempt-1'),
      preimage: hex32(),
      settledAt: new Date(T0 + 999),
      closedAt: new Date(T0 + 1001),
      metadata: { a: [1, { b: 'ü' }], n: -0.5, big: '2099999999999999999', t: true, z: null },
      nodePubkey: `02${hex32()}`,
    }),
    makeInvoice({ amountEur: null, rate: null, rateSource: null, rateFetchedAt: null, metadata: null, addIndex: 0n }),
    makeInvoice({ metadata: 'just a string' }),
    makeInvoice({ metadata: [1, 'two', null] }),
  ],
  insert: (repos, row) => repos.invoices.insert(row),
  readers: [
    { label: 'get', read: (repos, row) => repos.invoices.get(row.id) },
    { label: 'getByPaymentHash', read: (repos, row) => repos.invoices.getByPaymentHash(row.paymentHash) },
    {
      label: 'getByIdempotencyKey (or get, for a row without a key)',
      read: (repos, row) =>
        row.idempotencyKey === null
          ? repos.invoices.get(row.id)
          : repos.invoices.getByIdempotencyKey(row.idempotencyKey),
    },
  ],
  misses: (absent) => [
    { label: 'get', expected: undefined, call: (repos) => repos.invoices.get(absent.id) },
    { label: 'getByPaymentHash', expected: undefined, call: (repos) => repos.invoices.getByPaymentHash(hex32()) },
    { label: 'getByIdempotencyKey', expected: undefined, call: (repos) => repos.invoices.getByIdempotencyKey('k2') },
    {
      label: 'update',
      expected: undefined,
      call: (repos) => repos.invoices.update(absent.id, { status: 'cancelled' }),
    },
  ],
  conflicts: [
    { label: 'duplicate id', make: (first) => invoiceSubject.make({ id: first.id }) },
    { label: 'duplicate payment hash', make: (first) => invoiceSubject.make({ paymentHash: first.paymentHash }) },
    {
      label: 'duplicate idempotency key',
      make: (first) => invoiceSubject.make({ idempotencyKey: first.idempotencyKey }),
    },
  ],
  lookalikes: [
    { label: 'a row with a null idempotency key', make: () => invoiceSubject.make({ idempotencyKey: null }) },
    { label: 'another row with a null idempotency key', make: () => invoiceSubject.make({ idempotencyKey: null }) },
  ],
  update: {
    apply: (repos, row, patch) => repos.invoices.update(row.id, patch as InvoicePatch),
    keys: ['status', 'settleIndex', 'amountPaidMsat', 'settledAt', 'closedAt', 'addIndex'],
    change: () => ({
      status: 'expired',
      settleIndex: BIG_MSAT,
      amountPaidMsat: BIG_MSAT - 1n,
      settledAt: new Date(T0 + 77),
      closedAt: new Date(T0 + 78),
      addIndex: 12n,
    }),
    clear: { settleIndex: null, amountPaidMsat: null, settledAt: null, closedAt: null },
  },
  conditional: {
    make: (status) => invoiceSubject.make({ status: status as InvoiceRecord['status'] }),
    setStatus: (repos, row, status, fromStatus) =>
      repos.invoices.update(
        row.id,
        { status: status as InvoiceRecord['status'] },
        { fromStatus: fromStatus as InvoiceRecord['status'][] },
      ),
    statuses: ['open', 'accepted', 'settled'],
  },
  list: {
    make: (createdAt, status) => invoiceSubject.make({ createdAt, status: status as InvoiceRecord['status'] }),
    list: (repos, query) => repos.invoices.list(query as InvoiceListQuery),
    statuses: ['open', 'settled', 'expired'],
  },
  byHash: {
    hashOf: (row) => row.paymentHash,
    find: (repos, _row, paymentHash) => repos.invoices.getByPaymentHash(paymentHash),
  },
};

/** `store.payments`. */
export const paymentSubject: SubjectWith<'update' | 'conditional' | 'list' | 'byHash', Payment> = {
  name: 'payments',
  keyOf: (row) => row.id,
  make: (overrides = {}) =>
    makePayment({
      direction: 'out',
      paymentRequest: 'lnbcrt1pjout',
      preimage: hex32(),
      failureReason: 'no_route',
      idempotencyKey: uid('send'),
      settleIndex: 17n,
      feeLimitMsat: 5_000n,
      completedAt: new Date(T0 + 30),
      ...overrides,
    }),
  samples: () => [
    makePayment({
      direction: 'in',
      amountMsat: BIG_MSAT,
      settleIndex: BIG_MSAT - 7n,
      invoiceId: 'inv_x',
      completedAt: new Date(T0 + 3),
      nodePubkey: `03${hex32()}`,
    }),
    makePayment({
      direction: 'out',
      status: 'failed',
      paymentRequest: 'lnbcrt1pjout',
      amountMsat: 1n,
      feeMsat: 2_000_000_000_000_000_000n,
      feeLimitMsat: BIG_MSAT,
      preimage: hex32(),
      failureReason: 'no_route',
      idempotencyKey: uid('send-1'),
      updatedAt: new Date(T0 + 1),
      completedAt: new Date(T0 + 2),
    }),
  ],
  insert: (repos, row) => repos.payments.insert(row),
  readers: [
    { label: 'get', read: (repos, row) => repos.payments.get(row.id) },
    {
      label: 'getByPaymentHash',
      read: (repos, row) => repos.payments.getByPaymentHash(row.paymentHash, row.direction),
    },
    {
      label: 'getByIdempotencyKey (or get, for a row without a key)',
      read: (repos, row) =>
        row.idempotencyKey === null
          ? repos.payments.get(row.id)
          : repos.payments.getByIdempotencyKey(row.idempotencyKey),
    },
  ],
  misses: (absent, present) => [
    { label: 'get', expected: undefined, call: (repos) => repos.payments.get(absent.id) },
    {
      label: 'getByPaymentHash',
      expected: undefined,
      call: (repos) => repos.payments.getByPaymentHash(absent.paymentHash, absent.direction),
    },
    {
      label: 'getByPaymentHash in the other direction',
      expected: undefined,
      call: (repos) => repos.payments.getByPaymentHash(present.paymentHash, otherDirection(present.direction)),
    },
    { label: 'getByIdempotencyKey', expected: undefined, call: (repos) => repos.payments.getByIdempotencyKey('nope') },
    { label: 'update', expected: undefined, call: (repos) => repos.payments.update(absent.id, { status: 'failed' }) },
  ],
  conflicts: [
    { label: 'duplicate id', make: (first) => paymentSubject.make({ id: first.id }) },
    {
      label: 'duplicate (direction, payment hash)',
      make: (first) => paymentSubject.make({ direction: first.direction, paymentHash: first.paymentHash }),
    },
    {
      label: 'duplicate idempotency key',
      make: (first) => paymentSubject.make({ idempotencyKey: first.idempotencyKey }),
    },
  ],
  lookalikes: [
    {
      label: 'the same payment hash in the other direction (paying our own invoice)',
      make: (first) =>
        paymentSubject.make({ direction: otherDirection(first.direction), paymentHash: first.paymentHash }),
    },
    { label: 'a row with a null idempotency key', make: () => paymentSubject.make({ idempotencyKey: null }) },
    { label: 'another row with a null idempotency key', make: () => paymentSubject.make({ idempotencyKey: null }) },
  ],
  update: {
    apply: (repos, row, patch) => repos.payments.update(row.id, patch as PaymentPatch),
    keys: [
      'status',
      'feeMsat',
      'preimage',
      'failureReason',
      'amountMsat',
      'updatedAt',
      'completedAt',
      'settleIndex',
      'feeLimitMsat',
    ],
    change: () => ({
      status: 'succeeded',
      feeMsat: 1234n,
      preimage: hex32(),
      failureReason: 'timeout',
      amountMsat: BIG_MSAT,
      updatedAt: new Date(T0 + 50),
      completedAt: new Date(T0 + 51),
      settleIndex: 3n,
      feeLimitMsat: 99_000n,
    }),
    clear: { preimage: null, failureReason: null, completedAt: null, settleIndex: null, feeLimitMsat: null },
  },
  conditional: {
    make: (status) => paymentSubject.make({ status: status as Payment['status'] }),
    setStatus: (repos, row, status, fromStatus) =>
      repos.payments.update(
        row.id,
        { status: status as Payment['status'] },
        { fromStatus: fromStatus as Payment['status'][] },
      ),
    statuses: ['in_flight', 'unknown', 'succeeded'],
  },
  list: {
    make: (createdAt, status) => paymentSubject.make({ createdAt, status: status as Payment['status'] }),
    list: (repos, query) => repos.payments.list(query as PaymentListQuery),
    statuses: ['in_flight', 'succeeded', 'failed'],
  },
  byHash: {
    hashOf: (row) => row.paymentHash,
    find: (repos, row, paymentHash) => repos.payments.getByPaymentHash(paymentHash, row.direction),
  },
};
