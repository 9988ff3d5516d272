/**
 * Conformance cases for `events`: the event log every process's bus tails, and consumer cursors.
 */
import assert from 'node:assert/strict';
import type { EventLogInput, EventLogRecord } from '../store.js';
import { T0, assertRejectsWithCode, assertSameRecord, uid, withStore, type StoreConformanceCase } from './fixtures.js';

/** An event to append; `n` makes its payload unique. */
export function logInput(n: number, type = 'payment.received'): EventLogInput {
  return {
    type,
    payload: JSON.stringify({ n, amount: { $bigint: '2099999999999999999' }, text: 'café ☕ "quoted" \\ \n' }),
    createdAt: new Date(T0 + n),
  };
}

const seqsOf = (records: readonly EventLogRecord[]): bigint[] => records.map((r) => r.seq);

/** Cases for the event-log repository. */
export const eventLogCases: readonly StoreConformanceCase[] = [
  {
    name: 'events: append returns increasing seqs; readAfter returns the records after a seq, in order, at most limit',
    run: (make) =>
      withStore(make, async (store) => {
        assert.equal(await store.events.latestSeq(), 0n, 'an empty log has latestSeq 0n');
        assert.deepEqual(await store.events.readAfter(0n, 10), [], 'an empty log reads nothing');
        assert.deepEqual(await store.events.append([]), [], 'appending nothing returns no seq');
        const inputs = [logInput(1), logInput(2, 'invoice.settled'), logInput(3)];
        const first = await store.events.append(inputs.slice(0, 2));
        const second = await store.events.append(inputs.slice(2));
        const seqs = [...first, ...second];
        assert.equal(seqs.length, 3, 'one seq per record');
        for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!, `seqs increase: ${seqs.join(', ')}`);
        assert.ok(seqs[0]! > 0n, 'seqs are positive');
        assert.equal(await store.events.latestSeq(), seqs[2], 'latestSeq is the last seq');
        const all = await store.events.readAfter(0n, 100);
        assert.deepEqual(seqsOf(all), seqs, 'every record, in seq order');
        all.forEach((r, i) => assertSameRecord(r, { ...inputs[i]!, seq: seqs[i]! }, `record ${i}`));
        assert.deepEqual(seqsOf(await store.events.readAfter(seqs[0]!, 100)), seqs.slice(1), 'after the first');
        assert.deepEqual(seqsOf(await store.events.readAfter(0n, 2)), seqs.slice(0, 2), 'at most limit');
        assert.deepEqual(await store.events.readAfter(seqs[2]!, 100), [], 'nothing after the last');
        const [later] = await store.events.append([logInput(4)]);
        assert.ok(later! > seqs[2]!, 'a later append is above every earlier seq');
      }),
  },
  {
    name: 'events: appends commit with their transaction and vanish with its rollback',
    run: (make) =>
      withStore(make, async (store) => {
        const before = await store.events.latestSeq();
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.events.append([logInput(1)]);
            throw new Error('roll back');
          }),
          /roll back/,
        );
        assert.equal(await store.events.latestSeq(), before, 'a rolled-back append is never visible');
        assert.deepEqual(await store.events.readAfter(before, 10), [], 'nothing to read after a rollback');
        const seqs = await store.transaction(async (tx) => {
          const appended = await tx.events.append([logInput(2), logInput(3)]);
          assert.deepEqual(seqsOf(await tx.events.readAfter(before, 10)), appended, 'the transaction sees its appends');
          return appended;
        });
        assert.deepEqual(seqsOf(await store.events.readAfter(before, 10)), seqs, 'visible after commit');
      }),
  },
  {
    name: 'events: consumer cursors are undefined until set, kept per name, and may move either way',
    run: (make) =>
      withStore(make, async (store) => {
        const a = uid('consumer');
        const b = uid('consumer');
        assert.equal(await store.events.getCursor(a), undefined, 'unknown cursor');
        await store.events.setCursor(a, 7n);
        assert.equal(await store.events.getCursor(a), 7n, 'set');
        assert.equal(await store.events.getCursor(b), undefined, 'another name is independent');
        await store.events.setCursor(a, 2_099_999_999_999_999_999n);
        assert.equal(await store.events.getCursor(a), 2_099_999_999_999_999_999n, 'moved forward, exact');
        await store.events.setCursor(a, 3n);
        assert.equal(await store.events.getCursor(a), 3n, 'rewound');
        await store.transaction(async (tx) => tx.events.setCursor(b, 5n));
        assert.equal(await store.events.getCursor(b), 5n, 'set inside a transaction');
      }),
  },
  {
    name: 'events: readAfter rejects a limit that is not a positive integer',
    run: (make) =>
      withStore(make, async (store) => {
        await store.events.append([logInput(1)]);
        for (const limit of [0, -1, 2.5, Number.NaN]) {
          await assertRejectsWithCode(store.events.readAfter(0n, limit), 'INVALID_INPUT', `limit ${limit}`);
        }
      }),
  },
  {
    name: 'events: readSeqsAfter (where implemented) gives the seqs readAfter gives, and rejects a bad limit',
    run: (make) =>
      withStore(make, async (store) => {
        if (!store.events.readSeqsAfter) return;
        const readSeqsAfter = store.events.readSeqsAfter.bind(store.events);
        const base = await store.events.latestSeq();
        assert.deepEqual(await readSeqsAfter(base, 10), [], 'nothing after the end');
        const seqs = [
          ...(await store.events.append([logInput(1), logInput(2)])),
          ...(await store.events.append([logInput(3)])),
        ];
        for (const [after, limit] of [
          [base, 10],
          [base, 2],
          [seqs[0]!, 10],
          [seqs[2]!, 10],
        ] as const) {
          assert.deepEqual(
            await readSeqsAfter(after, limit),
            seqsOf(await store.events.readAfter(after, limit)),
            `after ${after}, limit ${limit}`,
          );
        }
        await assert.rejects(
          store.transaction(async (tx) => {
            await tx.events.append([logInput(4)]);
            throw new Error('roll back');
          }),
          /roll back/,
        );
        assert.deepEqual(await readSeqsAfter(seqs[2]!, 10), [], 'a rolled-back append is not there');
        for (const limit of [0, -1, 2.5, Number.NaN]) {
          await assertRejectsWithCode(readSeqsAfter(0n, limit), 'INVALID_INPUT', `limit ${limit}`);
        }
      }),
  },
  {
    name: 'events: watch (where implemented) calls back after an append commits, not for a rollback, and not once stopped',
    run: (make) =>
      withStore(make, async (store) => {
        const watch = store.events.watch?.bind(store.events);
        if (!watch) return;
        let calls = 0;
        const stop = await watch(() => void calls++);
        const waitForCall = async (what: string): Promise<void> => {
          const deadline = Date.now() + 3000;
          while (calls === 0) {
            assert.ok(Date.now() < deadline, `no call back within 3 s ${what}`);
            await new Promise((resolve) => setTimeout(resolve, 5));
          }
        };
        await store.transaction(async (tx) => {
          await tx.events.append([logInput(1)]);
          await new Promise((resolve) => setTimeout(resolve, 50));
          assert.equal(calls, 0, 'not called before the commit');
        });
        await waitForCall('after a committed append');
        calls = 0;
        await store
          .transaction(async (tx) => {
            await tx.events.append([logInput(2)]);
            throw new Error('roll back');
          })
          .catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, 150));
        assert.equal(calls, 0, 'not called for a rolled-back append');
        await store.events.append([logInput(3)]);
        await waitForCall('after a top-level append');
        await stop();
        await new Promise((resolve) => setTimeout(resolve, 100));
        calls = 0;
        await store.events.append([logInput(4)]);
        await new Promise((resolve) => setTimeout(resolve, 200));
        assert.equal(calls, 0, 'no call back once stopped');
      }),
  },
];
