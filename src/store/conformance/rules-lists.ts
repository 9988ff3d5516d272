/**
 * Table-driven Store rules about newest-first keyset lists (invoices, payments, webhook deliveries).
 */
import assert from 'node:assert/strict';
import type { Store } from '../store.js';
import { T0, assertRejectsWithCode, assertSameRecord, collectPages, newestFirstIds } from './fixtures.js';
import type { Row, StoreRule, SubjectWith } from './subject.js';

type Listed = { readonly id: string; readonly createdAt: Date };
type ListSubject = SubjectWith<'list'>;

/** Writes `count` rows in one transaction; `createdAtOf(i)` and `statusOf(i)` shape row i. */
async function seed(
  subject: ListSubject,
  store: Store,
  count: number,
  createdAtOf: (i: number) => number,
  statusOf: (i: number) => string = () => subject.list.statuses[0],
): Promise<Listed[]> {
  const rows = Array.from({ length: count }, (_, i) => subject.list.make(new Date(createdAtOf(i)), statusOf(i)));
  await store.transaction(async (tx) => {
    for (const row of rows) await subject.insert(tx, row);
  });
  return rows as unknown as Listed[];
}

const ids = (rows: readonly Row[]): string[] => (rows as readonly Listed[]).map((r) => r.id);

/** Newest first, and following cursors visits every row exactly once. */
export const keysetOrderRule: StoreRule<'list'> = {
  title: 'list is newest first (createdAt desc, id desc); keyset pages have no gaps or duplicates, also on ties',
  async run(subject, store) {
    // 17 rows share one createdAt: a cursor on createdAt alone would skip or repeat them.
    const rows = await seed(subject, store, 23, (i) => T0 + (i < 17 ? 0 : i));
    for (const limit of [1, 4, 7, 23, 50]) {
      const got = await collectPages((cursor) => subject.list.list(store, { limit, cursor }), limit);
      assert.deepEqual(ids(got), newestFirstIds(rows), `limit ${limit}`);
    }
    const [newest] = (await subject.list.list(store, { limit: 1 })).items;
    const expected = rows.find((r) => r.id === newestFirstIds(rows)[0])!;
    assertSameRecord(newest, expected, 'a listed row');
  },
};

/** A cursor is a position, not an offset. */
export const stableCursorRule: StoreRule<'list'> = {
  title: 'a row inserted between pages does not shift later pages (the cursor is a position, not an offset)',
  async run(subject, store) {
    const rows = await seed(subject, store, 23, (i) => T0 + (i < 17 ? 0 : i));
    const first = await subject.list.list(store, { limit: 5 });
    await subject.insert(store, subject.list.make(new Date(T0 + 10_000), subject.list.statuses[0]));
    const rest = await collectPages(
      (cursor) => subject.list.list(store, { limit: 5, cursor: cursor ?? first.nextCursor ?? undefined }),
      5,
    );
    assert.deepEqual(ids([...first.items, ...rest]), newestFirstIds(rows));
  },
};

/** Without a limit, a page holds 50 rows. */
export const defaultLimitRule: StoreRule<'list'> = {
  title: 'the default page size is 50',
  async run(subject, store) {
    const rows = await seed(subject, store, 55, (i) => T0 + i);
    const page = await subject.list.list(store, {});
    assert.equal(page.items.length, 50, 'first page');
    assert.equal(typeof page.nextCursor, 'string', 'first page nextCursor');
    const next = await subject.list.list(store, { cursor: page.nextCursor ?? undefined });
    assert.equal(next.items.length, 5, 'second page');
    assert.equal(next.nextCursor, null, 'second page nextCursor');
    assert.deepEqual(ids([...page.items, ...next.items]), newestFirstIds(rows));
  },
};

/** `status` takes one value or a list; an empty list matches nothing. */
export const statusFilterRule: StoreRule<'list'> = {
  title: 'a status filter takes one value or a list, and [] matches nothing',
  async run(subject, store) {
    const [a, b, c] = subject.list.statuses;
    const statuses = [a, b, c, a, b, c, a];
    const rows = await seed(
      subject,
      store,
      statuses.length,
      (i) => T0 + i,
      (i) => statuses[i]!,
    );
    const having = (...wanted: string[]) => newestFirstIds(rows.filter((_, i) => wanted.includes(statuses[i]!)));
    assert.deepEqual(ids((await subject.list.list(store, { status: a })).items), having(a), `status ${a}`);
    assert.deepEqual(ids((await subject.list.list(store, { status: [b, c] })).items), having(b, c), `[${b}, ${c}]`);
    assert.deepEqual(ids((await subject.list.list(store, { status: [c] })).items), having(c), `[${c}]`);
    const none = await subject.list.list(store, { status: [] });
    assert.deepEqual(ids(none.items), [], 'status []');
    assert.equal(none.nextCursor, null, 'status [] nextCursor');
  },
};

/** A cursor the store did not make is refused, not read as "from the start". */
export const badCursorRule: StoreRule<'list'> = {
  title: 'a malformed cursor rejects with ValidationError (INVALID_INPUT)',
  async run(subject, store) {
    await seed(subject, store, 3, (i) => T0 + i);
    for (const cursor of ['%%not-a-cursor%%', 'garbage!'])
      await assertRejectsWithCode(subject.list.list(store, { cursor }), 'INVALID_INPUT', `cursor ${cursor}`);
  },
};
