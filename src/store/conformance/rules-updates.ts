/**
 * Table-driven Store rules about updates: patch semantics and conditional (`fromStatus`) updates.
 */
import assert from 'node:assert/strict';
import { assertResolves, assertSameRecord } from './fixtures.js';
import type { StoreRule } from './subject.js';

/** A patch sets what it names: null clears, undefined or an absent key keeps; other rows are untouched. */
export const patchRule: StoreRule<'update'> = {
  title: 'update applies only the given fields: null clears, undefined or an absent key keeps, other rows stay',
  async run(subject, store) {
    const [byId] = subject.readers;
    const { update } = subject;
    const row = subject.make();
    const other = subject.make();
    await subject.insert(store, row);
    await subject.insert(store, other);
    const apply = (patch: Readonly<Record<string, unknown>>, label: string) =>
      assertResolves(update.apply(store, row, patch), label);
    assertSameRecord(await apply({}, 'empty patch'), row, 'empty patch');
    // pg and better-sqlite3 bind an explicit undefined as NULL: an adapter must drop those keys first.
    const allUndefined = Object.fromEntries(update.keys.map((key) => [key, undefined]));
    assertSameRecord(await apply(allUndefined, 'patch of undefined values'), row, 'patch of undefined values (result)');
    assertSameRecord(await byId.read(store, row), row, 'patch of undefined values (stored)');
    const change = update.change(row);
    assert.deepEqual(Object.keys(change).sort(), [...update.keys].sort(), 'the subject changes every key');
    const changed = { ...row, ...change };
    assertSameRecord(await apply(change, 'full patch'), changed, 'full patch (result)');
    assertSameRecord(await byId.read(store, row), changed, 'full patch (stored)');
    const firstKey = update.keys[0]!;
    const keep = { ...update.clear, [firstKey]: undefined };
    const cleared = { ...changed, ...update.clear, [firstKey]: changed[firstKey as keyof typeof changed] };
    assertSameRecord(await apply(keep, 'null and undefined'), cleared, 'null clears, undefined keeps (result)');
    assertSameRecord(await byId.read(store, row), cleared, 'null clears, undefined keeps (stored)');
    assertSameRecord(await byId.read(store, other), other, 'another row');
  },
};

/** `fromStatus` guards racing writers: only a row in one of those statuses is updated. */
export const conditionalRule: StoreRule<'conditional'> = {
  title: 'a conditional update wins only from one of the fromStatus statuses, so one of two racers loses',
  async run(subject, store) {
    const [byId] = subject.readers;
    const { conditional } = subject;
    const [a, b, c] = conditional.statuses;
    const row = conditional.make(a);
    await subject.insert(store, row);
    assert.equal(await conditional.setStatus(store, row, c, [b]), undefined, `${a} → ${c} from [${b}]`);
    assertSameRecord(await byId.read(store, row), row, 'a lost update changes nothing');
    const won = await conditional.setStatus(store, row, b, [c, a]);
    assertSameRecord(won, { ...row, status: b }, `${a} → ${b} from [${c}, ${a}]`);
    // The second racer, still expecting the old status, loses.
    assert.equal(await conditional.setStatus(store, row, c, [a]), undefined, `${b} → ${c} from [${a}]`);
    assertSameRecord(await byId.read(store, row), { ...row, status: b }, 'the winner stays');
  },
};

/** `fromStatus: []` is a condition no row meets, not "no condition". */
export const emptyFromStatusRule: StoreRule<'conditional'> = {
  title: 'an update with fromStatus [] matches no row and changes nothing',
  async run(subject, store) {
    const [byId] = subject.readers;
    const { conditional } = subject;
    for (const status of conditional.statuses) {
      const row = conditional.make(status);
      await subject.insert(store, row);
      const target = conditional.statuses.find((s) => s !== status)!;
      assert.equal(await conditional.setStatus(store, row, target, []), undefined, `${status} → ${target} from []`);
      assertSameRecord(await byId.read(store, row), row, `${status} row unchanged`);
    }
  },
};
