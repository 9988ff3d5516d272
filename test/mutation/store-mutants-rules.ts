/**
 * Store mutants for the table-driven row rules (src/store/conformance/rule-table.ts): values
 * that do not round-trip, misses that are not undefined, unique keys, shared objects, hash case.
 */
import { ValidationError } from '../../src/errors.js';
import {
  exactHashRule,
  missRule,
  ownCopyRule,
  roundTripRule,
  uniqueRule,
} from '../../src/store/conformance/rules-rows.js';
import { ruleCaseName } from '../../src/store/conformance/subject.js';
import { listAndUpdateMutants } from './store-mutants-lists.js';
import {
  conflict,
  everyRow,
  ignoreConflicts,
  mapFields,
  missingAsNull,
  mutant,
  patch,
  sharesObjects,
  statefulMutant,
  type StoreMutant,
} from './store-toolkit.js';

const INV = 'invoices';
const PAY = 'payments';
const END = 'webhookEndpoints';
const EVT = 'webhookOutbox events';
const DEL = 'webhookOutbox deliveries';
const ATT = 'webhookOutbox attempts';
const name = (rule: { readonly title: string }, subject: string) => ruleCaseName(rule, { name: subject });

const bigintLosesPrecision = (v: unknown) => (typeof v === 'bigint' ? BigInt(Number(v)) : v);
const bigintAsNumber = (v: unknown) => (typeof v === 'bigint' ? Number(v) : v);
const decimalAsNumber = (v: unknown) =>
  typeof v === 'object' && v !== null && 'toFixed' in v ? Number((v as { toFixed(): string }).toFixed()) : v;
const dateAsString = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
const dateToSeconds = (v: unknown) => (v instanceof Date ? new Date(Math.floor(v.getTime() / 1000) * 1000) : v);

const outbox = [EVT, DEL, ATT] as const;
const forAll = (rule: { title: string }, subjects: readonly string[]) => subjects.map((s) => name(rule, s));

/** The mutants of the rule table. */
export const ruleMutants: readonly StoreMutant[] = [
  // Values round-trip.
  mutant(
    `${INV}: bigint goes through a JS number (exact only to 2^53)`,
    [name(roundTripRule, INV)],
    mapFields(INV, bigintLosesPrecision),
  ),
  mutant(
    `${INV}: amountEur and rate come back as JS numbers`,
    [name(roundTripRule, INV)],
    mapFields(INV, decimalAsNumber),
  ),
  mutant(`${PAY}: bigint fields come back as JS numbers`, [name(roundTripRule, PAY)], mapFields(PAY, bigintAsNumber)),
  mutant(`${END}: dates come back as ISO strings`, [name(roundTripRule, END)], mapFields(END, dateAsString)),
  mutant(
    'webhookOutbox: dates come back as ISO strings',
    forAll(roundTripRule, outbox),
    mapFields('webhookOutbox', dateAsString),
  ),
  mutant(
    'webhookOutbox: dates lose their milliseconds',
    forAll(roundTripRule, outbox),
    mapFields('webhookOutbox', dateToSeconds),
  ),
  // Not found.
  mutant(`${INV}: not found is null`, [name(missRule, INV)], missingAsNull(INV)),
  mutant(`${PAY}: not found is null`, [name(missRule, PAY)], missingAsNull(PAY)),
  mutant(`${END}: not found is null`, [name(missRule, END)], missingAsNull(END)),
  mutant('webhookOutbox: not found is null', forAll(missRule, [EVT, DEL]), missingAsNull('webhookOutbox')),
  mutant(
    `${PAY}: getByPaymentHash ignores the direction`,
    [name(missRule, PAY)],
    patch(
      PAY,
      'getByPaymentHash',
      (o) => async (hash, direction) => (await o(hash, direction)) ?? o(hash, direction === 'in' ? 'out' : 'in'),
    ),
  ),
  mutant(
    `${ATT}: listAttempts of an unknown delivery throws`,
    [name(missRule, ATT)],
    patch('webhookOutbox', 'listAttempts', (o, repos) => async (id) => {
      if ((await repos.webhookOutbox.getDelivery(id)) === undefined)
        throw new ValidationError('deliveryId', 'no such delivery');
      return o(id);
    }),
  ),
  // Unique keys.
  mutant(
    `${INV}: a duplicate payment hash is silently ignored`,
    [name(uniqueRule, INV)],
    patch(INV, 'insert', (o, repos) => async (row) => {
      if ((await repos.invoices.getByPaymentHash(row.paymentHash)) === undefined) await o(row);
    }),
  ),
  mutant(
    `${INV}: rows with a null idempotency key conflict with each other`,
    [name(uniqueRule, INV)],
    patch(INV, 'insert', (o, repos) => async (row) => {
      if (
        row.idempotencyKey === null &&
        (await everyRow((q) => repos.invoices.list(q))).some((r) => r.idempotencyKey === null)
      )
        throw conflict('idempotency key');
      await o(row);
    }),
  ),
  mutant(
    `${PAY}: a duplicate (direction, payment hash) is silently ignored`,
    [name(uniqueRule, PAY)],
    patch(PAY, 'insert', (o, repos) => async (row) => {
      if ((await repos.payments.getByPaymentHash(row.paymentHash, row.direction)) === undefined) await o(row);
    }),
  ),
  mutant(
    `${PAY}: the payment hash is unique across directions`,
    [name(uniqueRule, PAY)],
    patch(PAY, 'insert', (o, repos) => async (row) => {
      if (await repos.payments.getByPaymentHash(row.paymentHash, row.direction === 'in' ? 'out' : 'in'))
        throw conflict('payment hash');
      await o(row);
    }),
  ),
  mutant(`${END}: a duplicate id is silently ignored`, [name(uniqueRule, END)], ignoreConflicts(END)),
  mutant(
    'webhookOutbox: duplicate ids are silently ignored',
    forAll(uniqueRule, outbox),
    ignoreConflicts('webhookOutbox'),
  ),
  mutant(
    `${DEL}: (event, endpoint) is unique, so a redelivery conflicts`,
    [name(uniqueRule, DEL)],
    patch('webhookOutbox', 'insertDelivery', (o, repos) => async (row) => {
      const { items } = await repos.webhookOutbox.listDeliveries({ eventId: row.eventId, limit: 1000 });
      if (items.some((d) => d.endpointId === row.endpointId)) throw conflict('(event, endpoint)');
      await o(row);
    }),
  ),
  // Copies.
  statefulMutant(`${INV}: keeps and returns the caller's objects`, [name(ownCopyRule, INV)], sharesObjects(INV)),
  statefulMutant(`${PAY}: keeps and returns the caller's objects`, [name(ownCopyRule, PAY)], sharesObjects(PAY)),
  statefulMutant(`${END}: keeps and returns the caller's objects`, [name(ownCopyRule, END)], sharesObjects(END)),
  statefulMutant(
    "webhookOutbox: keeps and returns the caller's objects",
    forAll(ownCopyRule, outbox),
    sharesObjects('webhookOutbox'),
  ),
  // Exact hash lookups.
  mutant(
    `${INV}: getByPaymentHash ignores case`,
    [name(exactHashRule, INV)],
    patch(INV, 'getByPaymentHash', (o) => (hash) => o(hash.toLowerCase())),
  ),
  mutant(
    `${PAY}: getByPaymentHash ignores case`,
    [name(exactHashRule, PAY)],
    patch(PAY, 'getByPaymentHash', (o) => (hash, d) => o(hash.toLowerCase(), d)),
  ),
  // Updates and lists.
  ...listAndUpdateMutants,
];
