import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import { describe, expect, it } from 'vitest';
import { StoreError } from '../../errors.js';
import { compileNewestFirst, type ListCache } from './list-arms.js';
import type { PostgresSchema } from './schema.js';

// Compiling never touches the pool.
const db = new Kysely<PostgresSchema>({
  dialect: new PostgresDialect({ pool: {} as unknown as pg.Pool }),
}).withSchema('shop');

type Values = { direction?: string; afterAt?: Date; afterId?: string };
const arm = (status: string | undefined, v: Values) => {
  let q = db.selectFrom('payments').select(['id', 'created_at']);
  if (v.direction !== undefined) q = q.where('direction', '=', v.direction);
  if (status !== undefined) q = q.where('status', '=', status);
  if (v.afterAt !== undefined && v.afterId !== undefined)
    q = q.where(({ eb, refTuple, tuple }) => eb(refTuple('created_at', 'id'), '<', tuple(v.afterAt!, v.afterId!)));
  return q;
};

describe('compileNewestFirst', () => {
  it('compiles a shape once and fills each call its own values', () => {
    const lists: ListCache = new Map();
    const at = new Date(1_700_000_000_000);
    const first = compileNewestFirst({ db, lists }, 'p', { direction: 'in' }, ['failed', 'in_flight'], arm, 51);
    const second = compileNewestFirst(
      { db, lists },
      'p',
      { direction: 'out' },
      ['succeeded', 'failed', 'succeeded'] as const,
      arm,
      11,
    );
    expect(lists.size).toBe(1); // two statuses, then two distinct ones of three: one shape
    expect(first.parameters).toEqual(['in', 'failed', 51, 'in', 'in_flight', 51, 51]);
    expect(second.parameters).toEqual(['out', 'succeeded', 11, 'out', 'failed', 11, 11]);
    expect(second.sql).toBe(first.sql);
    // One prepared statement per shape, named by its text.
    expect(first.name).toMatch(/^lnkit_[0-9a-f]{20}$/);
    expect(second.name).toBe(first.name);
    const paged = compileNewestFirst({ db, lists }, 'p', { afterAt: at, afterId: 'pay_9' }, undefined, arm, 51);
    expect(paged.parameters).toEqual([at, 'pay_9', 51]);
    expect(paged.sql).toContain('("created_at", "id") < ($1, $2)');
    expect(lists.size).toBe(2);
    expect(paged.name).not.toBe(first.name);
  });

  it('the same call compiles to what Kysely writes for it directly', () => {
    const lists: ListCache = new Map();
    const cached = compileNewestFirst({ db, lists }, 'p', { direction: 'in' }, ['failed'], arm, 51);
    const direct = arm('failed', { direction: 'in' })
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(51)
      .compile();
    expect(cached.sql).toBe(direct.sql);
    expect(cached.parameters).toEqual(direct.parameters);
  });

  it('runs a shape unnamed once the cache is full (no prepared statement per uncached call)', () => {
    const lists: ListCache = new Map(
      Array.from({ length: 512 }, (_, i) => [`other${i}`, { sql: '', slots: [], name: '' }]),
    );
    const full = compileNewestFirst({ db, lists }, 'p', { direction: 'in' }, undefined, arm, 51);
    expect(full.name).toBeUndefined();
    expect(full.parameters).toEqual(['in', 51]);
    expect(lists.size).toBe(512);
  });

  it('fails instead of caching a value that did not come from the values', () => {
    const leaky = (status: string | undefined) => arm(status, {}).where('payment_hash', '=', 'ab'.repeat(32));
    expect(() => compileNewestFirst({ db, lists: new Map() }, 'p', {}, undefined, leaky, 51)).toThrow(StoreError);
  });
});
