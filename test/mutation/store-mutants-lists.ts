/**
 * Store mutants for the table-driven list and update rules: offset and tie-losing cursors,
 * default page size, status filters, malformed cursors, patch and fromStatus semantics.
 */
import { encodeCursor, decodeCursor } from '../../src/store/paging.js';
import { ValidationError, isLightningError } from '../../src/errors.js';
import type { Repositories } from '../../src/store/store.js';
import {
  badCursorRule,
  defaultLimitRule,
  keysetOrderRule,
  stableCursorRule,
  statusFilterRule,
} from '../../src/store/conformance/rules-lists.js';
import { conditionalRule, emptyFromStatusRule, patchRule } from '../../src/store/conformance/rules-updates.js';
import { ruleCaseName } from '../../src/store/conformance/subject.js';
import { everyRow, mutant, wrapAll, type StoreMutant } from './store-toolkit.js';

type AnyMethod = (...args: never[]) => Promise<unknown>;
type Query = { readonly limit?: number; readonly cursor?: string; readonly status?: unknown };
type ListFn = (query?: Query) => Promise<{ readonly items: readonly unknown[]; readonly nextCursor: string | null }>;

const INV = 'invoices';
const PAY = 'payments';
const END = 'webhookEndpoints';
const DEL = 'webhookOutbox deliveries';
const name = (rule: { readonly title: string }, subject: string) => ruleCaseName(rule, { name: subject });

/** Replaces one method, untyped (for the three list methods and the three update methods). */
const patchMethod = (repo: keyof Repositories, method: string, replace: (original: AnyMethod) => AnyMethod) =>
  wrapAll(repo, (original, m) => (m === method ? replace(original) : original));

/** The list method of each list subject. */
const LISTS = {
  [INV]: ['invoices', 'list'],
  [PAY]: ['payments', 'list'],
  [DEL]: ['webhookOutbox', 'listDeliveries'],
  rebalances: ['rebalances', 'list'],
} as const;

const listMutant = (
  subject: keyof typeof LISTS,
  bug: string,
  rule: { title: string },
  replace: (o: ListFn) => ListFn,
) =>
  mutant(
    `${subject}: ${bug}`,
    [name(rule, subject)],
    patchMethod(LISTS[subject][0], LISTS[subject][1], (o) => replace(o as ListFn) as AnyMethod),
  );

/** An offset cursor: base64url of the number of rows already returned. */
const offsetPaging =
  (original: ListFn): ListFn =>
  async (query = {}) => {
    const { limit = 50, cursor, ...filters } = query;
    const offset = cursor === undefined ? 0 : Number(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Number.isSafeInteger(offset) || offset < 0) throw new ValidationError('cursor', 'expected an offset cursor');
    const rows = await everyRow((q) => original({ ...filters, ...q }) as never);
    const end = offset + limit;
    return {
      items: rows.slice(offset, end),
      nextCursor: end < rows.length ? Buffer.from(String(end)).toString('base64url') : null,
    };
  };

/** A cursor on createdAt alone: rows sharing the last row's createdAt are skipped. */
const cursorWithoutId =
  (original: ListFn): ListFn =>
  (query = {}) => {
    const position = decodeCursor(query.cursor);
    if (position === undefined) return original(query);
    return original({ ...query, cursor: encodeCursor({ createdAtMs: position.createdAtMs, id: '\u0000' }) });
  };

export const listMutants = (subject: keyof typeof LISTS): StoreMutant[] => [
  listMutant(
    subject,
    'the cursor holds createdAt only, so rows sharing it are skipped',
    keysetOrderRule,
    cursorWithoutId,
  ),
  listMutant(subject, 'an offset cursor: a row inserted between pages shifts them', stableCursorRule, offsetPaging),
  listMutant(
    subject,
    'the default page size is 1000',
    defaultLimitRule,
    (o) =>
      (q = {}) =>
        o({ ...q, limit: q.limit ?? 1000 }),
  ),
  listMutant(
    subject,
    'status [] means "any status"',
    statusFilterRule,
    (o) =>
      (q = {}) =>
        o(Array.isArray(q.status) && q.status.length === 0 ? { ...q, status: undefined } : q),
  ),
  listMutant(subject, 'a malformed cursor is read as "from the start"', badCursorRule, (o) => async (q = {}) => {
    try {
      return await o(q);
    } catch (error) {
      if (isLightningError(error) && error.code === 'INVALID_INPUT') return o({ ...q, cursor: undefined });
      throw error;
    }
  }),
];

/** Patch-argument rewrites for the update methods. */
const UPDATES = {
  [INV]: ['invoices', 'update'],
  [PAY]: ['payments', 'update'],
  [END]: ['webhookEndpoints', 'update'],
  [DEL]: ['webhookOutbox', 'updateDelivery'],
  rebalances: ['rebalances', 'update'],
} as const;
type UpdateFn = (
  id: string,
  patch: Record<string, unknown>,
  options?: { fromStatus?: readonly string[] },
) => Promise<unknown>;
const updateMutant = (
  subject: keyof typeof UPDATES,
  bug: string,
  rule: { title: string },
  replace: (o: UpdateFn) => UpdateFn,
) =>
  mutant(
    `${subject}: ${bug}`,
    [name(rule, subject)],
    patchMethod(UPDATES[subject][0], UPDATES[subject][1], (o) => replace(o as UpdateFn) as AnyMethod),
  );

export const undefinedAsNull = (subject: keyof typeof UPDATES) =>
  updateMutant(
    subject,
    'an undefined patch value is bound as NULL (clears the field)',
    patchRule,
    (o) => (id, p, opts) =>
      o(id, Object.fromEntries(Object.entries(p).map(([k, v]) => [k, v === undefined ? null : v])), opts),
  );

export const conditionalMutants = (subject: typeof INV | typeof PAY | 'rebalances'): StoreMutant[] => [
  updateMutant(subject, 'fromStatus is ignored', conditionalRule, (o) => (id, p) => o(id, p)),
  updateMutant(
    subject,
    'fromStatus [] matches every status',
    emptyFromStatusRule,
    (o) => (id, p, opts) => o(id, p, opts?.fromStatus?.length === 0 ? undefined : opts),
  ),
];

/** The mutants of the list and update rules. */
export const listAndUpdateMutants: readonly StoreMutant[] = [
  undefinedAsNull(INV),
  undefinedAsNull(PAY),
  undefinedAsNull(END),
  undefinedAsNull(DEL),
  updateMutant(
    PAY,
    'a null patch value keeps the field',
    patchRule,
    (o) => (id, p, opts) => o(id, Object.fromEntries(Object.entries(p).filter(([, v]) => v !== null)), opts),
  ),
  ...conditionalMutants(INV),
  ...conditionalMutants(PAY),
  ...listMutants(INV),
  ...listMutants(PAY),
  ...listMutants(DEL),
  undefinedAsNull('rebalances'),
  ...conditionalMutants('rebalances'),
  ...listMutants('rebalances'),
];
