import { describe, expect, it } from 'vitest';
import { parseStoreLocation } from './open-store.js';

describe('parseStoreLocation', () => {
  it.each([
    ['./lnkit.db', { kind: 'sqlite', filename: './lnkit.db' }],
    ['/var/lib/shop/lnkit.db', { kind: 'sqlite', filename: '/var/lib/shop/lnkit.db' }],
    [':memory:', { kind: 'sqlite', filename: ':memory:' }],
    [
      'postgres://shop:pw@db.internal:5432/shop',
      { kind: 'postgres', connectionString: 'postgres://shop:pw@db.internal:5432/shop', schema: undefined },
    ],
    [
      'postgresql://shop@db/shop?sslmode=require&schema=lnkit',
      { kind: 'postgres', connectionString: 'postgresql://shop@db/shop?sslmode=require', schema: 'lnkit' },
    ],
    ['POSTGRES://db/shop?schema=a', { kind: 'postgres', connectionString: 'postgres://db/shop', schema: 'a' }],
  ])('%s', (db, expected) => {
    expect(parseStoreLocation(db)).toEqual(expected);
  });
});
