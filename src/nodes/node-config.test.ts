import { describe, expect, it } from 'vitest';
import { createLightning } from '../create-lightning.js';
import type { LndClient } from '../lnd/lnd-client.js';
import { createFixedRates } from '../rates/fixed.js';
import { createMemoryStore } from '../store/memory/index.js';
import { createFakeLnd } from '../testing/fake-lnd.js';

/** Another client object for the same node (as a second `createLndClient` with the same credentials). */
const sameNode = (lnd: LndClient): LndClient => Object.create(lnd) as LndClient;

describe('bad multi-node configuration (#16)', () => {
  const fake = createFakeLnd();
  const config = (lnd: unknown, placement?: unknown) => ({
    lnd: lnd as Record<string, LndClient>,
    ...(placement !== undefined ? { placement: placement as never } : {}),
    rates: createFixedRates('90000'),
    store: createMemoryStore(),
  });

  it.each([
    ['an empty record', {}, undefined, 'lnd'],
    ['a name of the wrong shape', { 'a b': fake.lnd }, undefined, 'lnd'],
    ['a value that is no client', { alice: 42 }, undefined, 'lnd.alice'],
    ['one client under two names', { alice: fake.lnd, alice2: fake.lnd }, undefined, 'lnd.alice2'],
    ['a placement naming no configured node', { alice: fake.lnd, erin: fake.payer }, 'bob', 'placement'],
    ['a placement of the wrong type', { alice: fake.lnd, erin: fake.payer }, 42, 'placement'],
    ['a node name as placement with one client', fake.lnd, 'alice', 'placement'],
  ])('%s: ValidationError at createLightning, naming the field', (_what, lnd, placement, field) => {
    expect(() => createLightning(config(lnd, placement))).toThrowError(
      expect.objectContaining({ code: 'INVALID_INPUT', field }),
    );
  });

  it('one node under two names (two clients, same credentials): start fails before anything is bound', async () => {
    const store = createMemoryStore();
    const lightning = createLightning({
      lnd: { alice: fake.lnd, erin: fake.payer, alice2: sameNode(fake.lnd) },
      rates: createFixedRates('90000'),
      store,
    });
    await expect(lightning.start()).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'lnd.alice2' });
    // Every node is read and checked before any is bound: not even alice and erin were written.
    expect(await store.nodes.list()).toEqual([]);
  });

  it('with one client, a `node` on create, createHold, pay, rebalance and quote is refused, not ignored', async () => {
    const lightning = createLightning(config(fake.lnd));
    await lightning.start();
    try {
      const node = 'alice';
      const calls = [
        () => lightning.invoices.create({ amountSat: 1000n, description: 'x', node }),
        () => lightning.invoices.createHold({ amountSat: 1000n, description: 'x', node }),
        () => lightning.payments.pay({ request: 'lnbc1', maxFeeSat: 1n, node }),
        () => lightning.liquidity.rebalance({ outChannel: '1', inPeer: '02', amountSat: 1n, maxFeeSat: 1n, node }),
        () => lightning.liquidity.quote({ outChannel: '1', inPeer: '02', amountSat: 1n, maxFeeSat: 1n, node }),
      ];
      for (const call of calls) await expect(call()).rejects.toMatchObject({ code: 'INVALID_INPUT', field: 'node' });
      expect((await lightning.invoices.list()).items).toEqual([]);
    } finally {
      await lightning.stop();
    }
  });
});
